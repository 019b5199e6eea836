"""Inputs whose cost must grow linearly with their length: a long :run line, a long script, a
long unclosed bracket or block. Work is counted (characters handed to the compiler or to
codeop), never timed, and compared between two sizes."""

import codeop
import io

import pytest

from graphshell.faces.script import ScriptRunner
from graphshell.shell import arguments, python_exec, splitter
from graphshell.shell.arguments import split_expressions
from graphshell.shell.commands.table import CommandError
from graphshell.shell.core import Shell
from graphshell.shell.splitter import script_items


@pytest.fixture
def compiled_by_splitter(monkeypatch):
    """Characters of every candidate the :run argument splitter compiles."""
    sizes = []
    real = arguments._compile_error
    monkeypatch.setattr(arguments, "_compile_error",
                        lambda source: sizes.append(len(source)) or real(source))
    return sizes


def test_a_long_sum_is_split_with_one_compile(compiled_by_splitter):
    for terms in (200, 800):
        compiled_by_splitter.clear()
        text = " + ".join(["x"] * terms) + " y"
        assert split_expressions(text) == [" + ".join(["x"] * terms), "y"]
        assert sum(compiled_by_splitter) <= 2 * len(text)


def test_a_sum_too_deep_to_compile_is_one_clear_error_not_a_search(compiled_by_splitter):
    work = []
    for terms in (3_000, 12_000):
        compiled_by_splitter.clear()
        with pytest.raises(CommandError, match="too deeply nested to compile"):
            split_expressions(" + ".join(["x"] * terms))
        work.append(sum(compiled_by_splitter))
    assert work[1] / work[0] < 5, f"4x the terms compiled {work[1] / work[0]:.1f}x as much"


def test_a_syntax_error_only_tries_the_prefixes_before_it(compiled_by_splitter):
    text = "x:0 + " + " + ".join(["x"] * 300)
    assert split_expressions(text) == ["x:0", "+ " + " + ".join(["x"] * 300)]
    assert sum(compiled_by_splitter) <= 3 * len(text)


@pytest.mark.parametrize("text, expressions", [
    ("tu ut", ["tu", "ut"]), ("a + b c", ["a + b", "c"]), ("x:0 y:0", ["x:0", "y:0"]),
    ("a not b", ["a", "not b"]), ("x .5", ["x", ".5"]), ("a lambda: 1", ["a", "lambda: 1"]),
    ("f (x)", ["f (x)"]), ("lambda x:0", ["lambda x:0"]), ("[a, b] c", ["[a, b]", "c"])])
def test_expressions_are_still_the_longest_runs_that_compile(text, expressions):
    assert split_expressions(text) == expressions


def test_a_run_line_too_deep_to_compile_fails_in_one_line():
    shell = Shell()
    try:
        shell.execute("x = 1")
        result = shell.execute(":run " + " + ".join(["x"] * 12_000))
        assert result.error is not None and result.error.type_name == "CommandError"
        assert "too deeply nested to compile" in result.error.message
    finally:
        shell.close()


def _script_compile_work(monkeypatch, text):
    """Characters of source text compiled while a script runs (trees are not text)."""
    sizes = []

    def counting(source, *args, **kwargs):
        if isinstance(source, str):
            sizes.append(len(source))
        return compile(source, *args, **kwargs)
    monkeypatch.setattr(python_exec, "compile", counting, raising=False)
    shell = Shell()
    try:
        err = io.StringIO()
        assert ScriptRunner(shell, out=io.StringIO(), err=err).run(text, "long.gs") == 0, \
            err.getvalue()
    finally:
        shell.close()
    return sum(sizes)


def test_each_statement_of_a_script_is_compiled_without_the_lines_before_it(monkeypatch):
    small, large = ("".join(f"a{i} = {i}\n" for i in range(n)) for n in (500, 2_000))
    work = [_script_compile_work(monkeypatch, text) for text in (small, large)]
    assert work[1] <= 2 * len(large), f"compiled {work[1]} characters of {len(large)}"
    assert work[1] / work[0] < 5


def test_errors_deep_in_a_script_keep_their_line_and_source(tmp_path):
    lines = [f"a{i} = {i}" for i in range(3_000)]
    lines[2_499] = "def f():\n    return 1 / 0\nf()"
    lines[999] = "y = (1 +* 2)"
    path = tmp_path / "deep.gs"
    path.write_text("\n".join(lines) + "\n")
    shell = Shell()
    try:
        err = io.StringIO()
        runner = ScriptRunner(shell, out=io.StringIO(), err=err, keep_going=True)
        assert runner.run(path.read_text(), str(path)) == 1
        traceback = shell.last_user_traceback.splitlines()
        where = traceback.index(f'  File "{path}", line 2501, in f')
        assert traceback[where - 2:where] == [f'  File "{path}", line 2502, in <module>',
                                              "    f()"]
        assert traceback[where + 1] == "    return 1 / 0"
    finally:
        shell.close()
    assert err.getvalue().splitlines() == [
        "line 1000, column 9: SyntaxError: invalid syntax", "    y = (1 +* 2)",
        "            ^", "line 2501: ZeroDivisionError: division by zero"]


@pytest.fixture
def codeop_work(monkeypatch):
    """Characters of every text the script splitter asks codeop about."""
    sizes = []
    real = splitter.input_state
    monkeypatch.setattr(splitter, "input_state",
                        lambda source: sizes.append(len(source)) or real(source))
    return sizes


@pytest.mark.parametrize("make", [
    lambda n: "x = (\n" + "".join(f"  {i},\n" for i in range(n)),           # never closed
    lambda n: "x = [\n" + "".join(f"{i},\n" for i in range(n)) + "]\n",     # at column 0
    lambda n: "for i in range(3):\n" + "".join(f"    a{i} = i\n" for i in range(n)),
    lambda n: 's = """\n' + "".join(f"line {i}\n" for i in range(n)) + '"""\n',
], ids=["unclosed bracket", "bracket at column 0", "long block", "long string"])
def test_a_long_statement_is_parsed_a_bounded_number_of_times(codeop_work, make):
    work = []
    for n in (1_000, 4_000):
        codeop_work.clear()
        text = make(n)
        items = list(script_items(text.splitlines()))
        assert items[0][0] == 1 and items[0][1] == text.rstrip("\n")
        work.append(sum(codeop_work))
        assert work[-1] <= 8 * len(text), f"asked codeop about {work[-1]} of {len(text)}"
    assert work[1] / work[0] < 5


def _items_asking_at_every_line(lines):
    """The splitting rule, asking codeop at every line (quadratic): the reference."""
    buffer, start = [], 0

    def state(source):
        try:
            return "incomplete" if codeop.compile_command(source, "<in>", "single") is None \
                else "done"
        except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError):
            return "done"

    def flushed():
        end = len(buffer)
        while end > 1 and not buffer[end - 1].strip():
            end -= 1
        return [(start, "\n".join(buffer[:end]))] + \
            [(start + k, "") for k in range(end, len(buffer))]
    items = []
    for number, line in enumerate(lines, 1):
        if buffer and line.strip() and not line[0].isspace() \
                and not splitter._CONTINUATION.match(line) \
                and state("\n".join(buffer) + "\n") != "incomplete":
            items += flushed()
            buffer = []
        if not buffer:
            if not line.strip() or line.lstrip().startswith(("#", ":")):
                items.append((number, line.strip()))
                continue
            start = number
        buffer.append(line)
        if line.strip() and state("\n".join(buffer)) != "incomplete":
            items.append((start, "\n".join(buffer)))
            buffer = []
    return items + (flushed() if buffer else [])


SCRIPTS = [
    "x = [\n" + "1,\n" * 300 + "2 3,\n" + "4,\n" * 40 + "]\ny = 1\n",     # an error inside
    "def f():\n" + "    a = 1\n" * 200 + "    b = (1 +* 2)\n" + "    c = 3\n" * 30 + "g = 1\n",
    "if x:\n" + "    pass\n" * 100 + "\n\nelse:\n    y = (\n1,\n2)\n# note\n:steps\nz = 1\n",
    "s = '''\n:not a command\n# not a comment\n'''\nt = 'a\\\nb'\nu = 1 + \\\n  2\n",
    "@decorator\n\ndef g():\n    return [\n1]\nclass C:\n    x = {\n}\n\n\n:eval x\n",
    "x = (1,\n" + "  2,\n" * 50 + "print('end')\n" + "  3)\n" + "  4)\n",
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_inputs_are_those_of_asking_at_every_line(script):
    lines = script.splitlines()
    assert list(script_items(lines)) == _items_asking_at_every_line(lines)
