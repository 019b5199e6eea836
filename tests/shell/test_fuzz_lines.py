"""Fuzzing the shell core: whatever line a user types, `Shell.execute` returns a Result (errors
are part of it, never raised out of it), and afterwards the shell still runs Python and
`:eval` correctly.

Lines come from hypothesis: valid statements that build graphs and sessions, `:commands` from
the command table with random arguments, Python-ish token soup, cut-off statements, unbalanced
brackets, arbitrary unicode and very long lines. Escapes found earlier have their own tests at
the end; the generators avoid those inputs so the fuzz tests keep guarding everything else.
"""

import re
import warnings

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shell_helpers import run_lines

from graphshell.shell import commands
from graphshell.shell.core import Shell
from graphshell.shell.results import Result

# Every example opens its own Shell; the function-scoped fixtures (fresh engine, a temporary
# working directory so `:load` never finds a real file) are shared harmlessly across examples.
FUZZ_SETTINGS = settings(max_examples=800, derandomize=True, database=None, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                HealthCheck.too_slow])

VALID_STATEMENTS = [
    "x = tf.placeholder(tf.float32, [2], name='x')",
    "c = tf.constant(3.0, name='c')",
    "y = tf.multiply(x, c, name='y')",
    "z = tf.reduce_sum(y, name='z')",
    "v = tf.Variable(1.0, name='v')",
    "g = tf.gradients(z, x)",
    "s = tf.InteractiveSession()",
    "t = tf.Session()",
    "s.run(v.initializer)",
    "s.run(z, {x: [1.0, 2.0]})",
    "with tf.name_scope('outer'): w = tf.add(c, 1.0, name='w')",
    "import tensorflow as tf2",
    "print(x, c)",
    "[1, 2, 3]",
]

# Names the valid statements may have defined, tensor names, and odd tokens, for arguments.
NAMES = ["x", "y", "z", "c", "v", "w", "g", "s", "t", "tf", "np", "undefined", "x:0", "y:0",
         "outer", "outer/w", "v/read", "gradients", "1", "2", "0", "-1", "99", "1e9"]
ARGUMENT_TOKENS = NAMES + [
    "--feed", "--feed=", "x=[1, 2]", "x=", "=", "x:0=[3.0, 4.0]", "[", "]", "(", ")", "{", "}",
    "'", '"', ",", "+", "*", "1.5", "tf.constant(2.0)", "[x, y]", "{'a': c}", "(x, c)",
    "x + c", "--", "::", "\\", "#", "s.run", "v.initializer", "None", "lambda: x"]
PYTHON_TOKENS = [
    "tf.constant(", "tf.placeholder(", "tf.float32", "tf.Session()", "tf.InteractiveSession()",
    "tf.Variable(", "tf.gradients(", "tf.reduce_sum(", "tf.global_variables_initializer()",
    "tf.reset_default_graph()", "tf.get_default_graph()", "np.ones(2)", "x", "y", "c", "v", "s",
    "=", "==", "+", "-", "*", "/", "%", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";",
    "eval()", "run(", "1", "2.5", "3", "'a'", '"', "None", "lambda", "def", "if", "else",
    "for", "in", "range(3)", "print(", "with", "as", "pass", "return", "yield", "import",
    "tensorflow", "class", "raise", "try:", "except", " ", "  ", "\t", "#", "\\", "@"]


def command_names():
    return sorted(commands.COMMANDS)


def line_free_text(max_size=40):
    return st.text(st.characters(exclude_characters="\n\r"), max_size=max_size)


def mostly(common, rare):
    """`common` four times in five; hypothesis would otherwise draw both equally."""
    return st.integers(0, 4).flatmap(lambda k: common if k else rare)


# What each placeholder of a usage line (":why OP [N]") can stand for: good values and bad.
PLACEHOLDER_VALUES = {
    "EXPR": ["x", "y", "z", "c", "v", "w", "g", "g[0]", "[x, c]", "x + c", "(x, c)", "{'a': c}",
             "s", "z.op", "v.initializer", "'y:0'", "tf.constant(2.0)", "undefined", "1", "None",
             "x * 2.0", "(x + c) * 2.0", "lambda: x", "[]", "{}"],
    "KEY=VALUE": ["x=[1, 2]", "x:0=[3.0, 4.0]", "x=1", "x=[1, 2, 3]", "c=5.0", "x='a'",
                  "y=[1, 2]", "undefined=1", "x=", "=1", "x=[[1], [2, 3]]", "v=2.0"],
    "N": ["1", "2", "3", "0", "-1", "99", "1e9", "x", "99999999999999999999"],
    "M": ["1", "2", "0", "-5", "y"],
    "OP": ["x", "y", "z", "c", "v", "outer/w", "v/read", "gradients", "y:0", "nope", "s"],
    "SESSION": ["s", "t", "x", "undefined", "None", "tf.Session()"],
    "SCOPE": ["outer", "gradients", "x", "/", "nope", "outer/", "*"],
    "PATTERN": ["*", "x", "outer/*", "[", "?", "gradients/*", "nope"],
    "COMMAND": command_names() + ["nope", ":run", "::"],
    # no existing file: the tests run in an empty temporary directory
    "FILE": ["script.gsh", "/", ".", "~", "'quoted name.py'", "x" * 300],
}
USAGE_PARTS = re.compile(r"\[([^\]]*)\]|(\S+)")


def usage_word(word):
    if word.startswith("-"):
        return st.just(word)
    return mostly(st.sampled_from(PLACEHOLDER_VALUES.get(word, NAMES)), line_free_text(10))


def arguments_like(usage):
    """Arguments shaped like a usage line: `:run EXPR [EXPR ...] [--feed KEY=VALUE ...]`
    gives one or more expressions and maybe some feeds."""
    parts = []
    for optional, required in USAGE_PARTS.findall(usage.partition(" ")[2]):
        words = (optional or required).split()
        group = st.tuples(*[usage_word(w) for w in words if w != "..."]).map(" ".join)
        if words[-1] == "...":
            group = st.lists(group, min_size=1, max_size=3).map(" ".join)
        if optional:
            group = st.one_of(st.just(""), group)
        parts.append(group)
    return st.tuples(*parts).map(lambda texts: " ".join(t for t in texts if t))


@st.composite
def command_lines(draw):
    """:NAME ARGS: NAME mostly from the command table, ARGS mostly shaped like its usage."""
    name = draw(mostly(st.sampled_from(command_names()), line_free_text(10)))
    command = commands.COMMANDS.get(name)
    random_tokens = st.lists(mostly(st.sampled_from(ARGUMENT_TOKENS), line_free_text()),
                             max_size=6).map(" ".join)
    if command is not None:
        arguments = draw(mostly(arguments_like(command.usage), random_tokens))
    else:
        arguments = draw(random_tokens)
    separator = draw(mostly(st.just(" "), st.sampled_from(["  ", "\t", ""])))
    return f":{name}{separator}{arguments}"


@st.composite
def python_soup(draw):
    """Tokens of Python and of the tf API in random order (short: numbers stay small)."""
    return "".join(draw(st.lists(st.sampled_from(PYTHON_TOKENS), min_size=1, max_size=12)))


@st.composite
def cut_statements(draw):
    """A valid statement cut short, or with one bracket or quote added or removed."""
    statement = draw(st.sampled_from(VALID_STATEMENTS))
    at = draw(st.integers(0, len(statement)))
    if draw(st.booleans()):
        return statement[:at]
    return statement[:at] + draw(st.sampled_from("()[]{}'\":")) + statement[at:]


@st.composite
def long_lines(draw):
    """A piece repeated thousands of times: deep nesting, long sums, huge literals.
    No spaces in command lines: `:run`/`:eval` with many space-separated words has its own
    test below."""
    piece = draw(st.sampled_from(["(", "[", "x+", "-", "1,", "a", "'", "\\", "é", "[x, c]",
                                  "tf.constant(", "+c"]))
    body = piece * draw(st.integers(1_000, 20_000))
    return draw(st.sampled_from(["", ":eval ", ":run ", ":why ", ":graph ", "y = "])) + body


lines = st.one_of(st.sampled_from(VALID_STATEMENTS), command_lines(), python_soup(),
                  cut_statements(), st.text(max_size=80), long_lines())


def assert_still_works(shell):
    text, result = run_lines(shell, "import tensorflow as tf", "check = tf.constant(6.0) * 7.0",
                             "check_session = tf.InteractiveSession()", ":eval check")
    assert result.ok, result.error.one_line()
    assert "np.float32(42.0)" in text
    assert shell.execute("1 + 1").text == "2\n"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # a known escape, tested below
@FUZZ_SETTINGS
@given(st.lists(lines, min_size=1, max_size=8))
@example([":run y --feed x=[1, 2]", ":why y", ":steps", ":step 1", ":diff 1 1", ":graph",
          ":stack", ":exit", ":enter t", ":tb", ":ops", ":help why", ":reset", ":tui", ":quit"])
@example(["(" * 10_000, "1+" * 50_000 + "1", "\x00", "\ud800", ":eval \ud800", ":load \x00"])
def test_no_line_raises_out_of_execute_and_the_shell_still_works(elsewhere, typed):
    shell = Shell()
    try:
        for line in typed:
            result = shell.execute(line)
            assert isinstance(result, Result)
            assert isinstance(result.text, str)  # every entry renders as text
            if result.error is not None and "\n" not in line:  # one line in, one line out
                assert "\n" not in result.error.one_line(), (line, result.error.one_line())
        assert_still_works(shell)
    finally:
        shell.close()


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # a known escape, tested below
@FUZZ_SETTINGS
@given(st.lists(st.sampled_from(VALID_STATEMENTS), min_size=3, max_size=8),
       st.lists(command_lines(), min_size=1, max_size=6))
def test_commands_after_real_steps_never_raise_out_of_execute(elsewhere, setup, typed):
    """Commands meet a graph with steps, sessions and variables, not just an empty shell."""
    shell = Shell()
    try:
        run_lines(shell, *VALID_STATEMENTS[:10])  # a graph, sessions and a few steps
        run_lines(shell, *setup)
        for line in typed:
            assert isinstance(shell.execute(line), Result)
        assert_still_works(shell)
    finally:
        shell.close()


# -- escapes found by fuzzing, each with its own test --------------------------------------
@pytest.mark.parametrize("line", [":eval exit()", ":run quit()", ":enter exit()"])
def test_exit_inside_a_command_argument_stays_inside_execute(shell, line):
    result = shell.execute(line)
    assert result.quit or not result.ok
    assert shell.execute("1 + 1").text == "2\n"


@pytest.mark.parametrize("line", ["raise BadMessage()", "raise KeyError(BadMessage())",
                                  ":eval (_ for _ in ()).throw(BadMessage())"])
def test_an_exception_with_a_broken_message_stays_inside_execute(shell, line):
    shell.execute("class BadMessage(Exception): __str__ = lambda self: 1 / 0")
    result = shell.execute(line)
    assert result.error is not None and result.error.type_name in ("BadMessage", "KeyError")
    assert shell.execute("1 + 1").text == "2\n"


def test_splitting_a_run_line_compiles_work_linear_in_its_length(shell, monkeypatch):
    from graphshell.shell import arguments
    compiled = []
    real_compiles = arguments._compile_error
    monkeypatch.setattr(arguments, "_compile_error",
                        lambda source: compiled.append(len(source)) or real_compiles(source))
    run_lines(shell, "x = tf.constant(1.0)", "s = tf.InteractiveSession()")
    line = ":run " + "x " * 100
    result = shell.execute(line)
    assert result.ok and result.text.count("np.float32(1.0)") == 100
    assert sum(compiled) <= 20 * len(line), f"compiled {sum(compiled)} characters"


@pytest.mark.parametrize("line", ["1 is 1", ":eval (1, 2)(3)"])
def test_a_syntax_warning_becomes_a_note_like_any_other_warning(shell, line):
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        result = shell.execute(line)
    assert [str(w.message) for w in escaped] == []
    assert "SyntaxWarning" in result.text
