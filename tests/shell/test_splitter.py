"""Splitting scripts into inputs."""

from graphshell.shell.splitter import is_complete_input, split_script

SCRIPT = """import numpy
a = (1,
  2)
for i in range(3):
    print(i)

    print(2)
b = 3
:eval a
if a:
    pass
else:
    pass
@decorator
def g(): pass
class C:
    x = 1

    def m(self):
        pass
\x00 garbage
print('end')
"""


def test_statements_and_commands_are_split_with_their_line_numbers():
    assert list(split_script(SCRIPT.splitlines())) == [
        (1, "import numpy"), (2, "a = (1,\n  2)"),
        (4, "for i in range(3):\n    print(i)\n\n    print(2)"), (8, "b = 3"), (9, ":eval a"),
        (10, "if a:\n    pass\nelse:\n    pass"), (14, "@decorator\ndef g(): pass"),
        (16, "class C:\n    x = 1\n\n    def m(self):\n        pass"),
        (21, "\x00 garbage"), (22, "print('end')")]


def test_interactive_completeness():
    assert is_complete_input("x = 1") and is_complete_input(":eval x") and is_complete_input("")
    assert not is_complete_input("for i in x:") and not is_complete_input("a = (1,")
    assert not is_complete_input("for i in x:\n    y")
    assert is_complete_input("for i in x:\n    y\n")
    assert is_complete_input("def (")
