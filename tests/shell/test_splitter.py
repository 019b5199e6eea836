"""Splitting scripts into inputs."""

from graphshell.faces.script import split_command_line_code
from graphshell.shell.splitter import is_complete_input, script_items, split_script

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


def test_script_items_hold_every_line_once():
    """What --echo prints: blank and comment lines between inputs are items of their own."""
    script = "# one\nx = 1\n\nfor i in x:\n    f(i)\n\n\n:steps\n"
    items = list(script_items(script.splitlines()))
    assert items == [(1, "# one"), (2, "x = 1"), (3, ""), (4, "for i in x:\n    f(i)"),
                     (6, ""), (7, ""), (8, ":steps")]
    assert sum(text.count("\n") + 1 for _, text in items) == len(script.splitlines())


def test_command_line_code_splits_at_statement_semicolons_only():
    cases = {
        "a = 1; :eval a": "a = 1\n:eval a",
        "s = 'x\\'; y'; print(s)": "s = 'x\\'; y'\nprint(s)",
        'print("a;b"); f(x=[1; 2])': 'print("a;b")\nf(x=[1; 2])',
        "x = 1  # note; y = 2": "x = 1  # note; y = 2",
        "for i in range(2): print(i); print(-i)": "for i in range(2): print(i); print(-i)",
        "for i in range(2): print(i); :steps": "for i in range(2): print(i)\n:steps",
        "if x: a = 1\nb = 2; c = 3": "if x: a = 1\nb = 2\nc = 3",
        "d = {'k': 1}; e = lambda v: v; f = 2": "d = {'k': 1}\ne = lambda v: v\nf = 2",
        "x = '''a;\nb'''; y = 1": "x = '''a;\nb'''\ny = 1",
    }
    for code, pieces in cases.items():
        assert split_command_line_code(code) == pieces, code
