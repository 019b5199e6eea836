"""The shell core: Python and :commands through execute(), step reports, errors."""

import pytest
from shell_helpers import run_lines

from graphshell import tf
from graphshell.shell.core import Shell


def test_eval_twice_is_two_steps_and_run_is_one(shell):
    text, _ = run_lines(
        shell, "t = tf.constant(42.0, name='t')", "u = tf.constant(37.0, name='u')",
        "tu = tf.multiply(t, u, name='tu')", "ut = tf.multiply(u, t, name='ut')",
        "sess = tf.Session()", ":enter sess", ":eval tu", ":eval ut", ":run tu ut")
    lines = [line for line in text.splitlines() if line.startswith("step ")]
    assert lines == ["step 1 on sess (eval): ran 3 ops: t, u, tu",
                     "step 2 on sess (eval): ran 3 ops: t, u, ut",
                     "step 3 on sess (run): ran 4 ops: t, u, tu, ut"]
    assert "[np.float32(1554.0), np.float32(1554.0)]" in text


def test_steps_from_python_lines_are_reported_once_with_their_values(shell):
    text, _ = run_lines(shell, "c = tf.constant(5.0, name='c')", "s = tf.Session()",
                        "s.run(c)")
    assert text.splitlines() == ["step 1 on s (run): ran 1 op: c", "np.float32(5.0)"]


def test_eval_of_a_list_gives_tensorflows_error_and_a_hint(shell):
    _, result = run_lines(shell, "a = tf.constant(1.0)", "s = tf.InteractiveSession()",
                          ":eval [a, a]")
    assert result.error.type_name == "AttributeError"
    assert "'list' object has no attribute 'eval'" in result.error.message
    assert ":run a a fetches a list in one step" in result.error.message
    assert shell.execute(":run a a").error is None  # the hint names a command that works


def test_run_without_a_default_session_explains_how_to_get_one(shell):
    _, result = run_lines(shell, "a = tf.constant(1.0)", ":run a")
    assert result.error.type_name == "CommandError"
    assert "no default session" in result.error.message and ":enter" in result.error.message


def test_feeds_in_commands(shell):
    text, _ = run_lines(shell, "x = tf.placeholder(tf.float32, [2], name='x')", "y = x * 2.0",
                        "s = tf.InteractiveSession()", ":run y --feed x=[1, 2]",
                        ":eval y --feed x:0=np.ones(2)")
    assert "step 1 on s (run): fed x; ran 2 ops: mul/y, mul" in text
    assert "array([2., 4.], dtype=float32)" in text and "array([2., 2.], dtype=float32)" in text


def test_stack_enter_and_exit(shell):
    text, _ = run_lines(shell, "a = tf.Session()", "b = tf.Session()", ":enter a", ":enter b",
                        ":stack")
    stack = text.split("default-session stack (top first):")[1]
    assert stack.index("* b (Session#") < stack.index("  a (Session#")
    text, _ = run_lines(shell, ":exit", ":stack")
    assert "* a (Session#" in text and "left b" in text
    _, result = run_lines(shell, ":exit", ":exit")
    assert "nothing to exit" in result.error.message


def test_steps_step_diff_and_why(shell):
    run_lines(shell, "x = tf.placeholder(tf.float32, [], name='x')",
              "h = tf.multiply(x, 2.0, name='h')", "y = tf.add(h, 1.0, name='y')",
              "z = tf.sqrt(x, name='z')", "s = tf.InteractiveSession()",
              ":run y --feed x=1.0", ":run y --feed h=5.0")
    text, _ = run_lines(shell, ":steps")
    assert text.splitlines()[0].split() == ["step", "session", "via", "fetched", "fed", "ran"]
    text, _ = run_lines(shell, ":step 2")
    assert "fed:     h:0" in text and "y/y" in text
    text, _ = run_lines(shell, ":diff 1 2")
    assert "only in step 1: h/y, h" in text and "only in step 2: nothing" in text
    assert run_lines(shell, ":why h 2")[0].startswith("h in step 2: fed")
    assert "was fetched and needs it: y <- h" in run_lines(shell, ":why h 1")[0]
    assert "nothing fetched in this step depends on it" in run_lines(shell, ":why z 1")[0]
    assert "feeding cut the graph" in run_lines(shell, ":why x 2")[0]


def test_unknown_commands_suggest_the_nearest(shell):
    result = shell.execute(":stak")
    assert result.error.message == "unknown command :stak; did you mean :stack?"
    assert "lists the commands" in shell.execute(":zzzzzz").error.message


@pytest.mark.parametrize("line, error", [
    ("x = (", "SyntaxError"), ("undefined_name + 1", "NameError"), ("1 / 0", "ZeroDivisionError"),
    (":step banana", "CommandError"), (":diff 1", "CommandError"), (":enter 3", "CommandError"),
    (":why", "CommandError"), (":load /no/such/file", "CommandError"),
])
def test_bad_input_gives_one_line_and_the_shell_goes_on(shell, line, error):
    shell.execute("kept = 41")
    result = shell.execute(line)
    assert result.error.type_name == error
    assert "\n" not in result.error.one_line()
    assert shell.execute("kept + 1").text == "42\n"


def test_errors_from_a_closed_session(shell):
    _, result = run_lines(shell, "c = tf.constant(1.0)", "with tf.Session() as s: pass",
                          "s.run(c)")
    assert result.error.one_line() == "RuntimeError: Attempted to use a closed Session."


def test_op_errors_are_one_line_naming_the_op(shell):
    _, result = run_lines(shell, "p = tf.placeholder(tf.float32, name='p')",
                          "s = tf.InteractiveSession()", ":eval p * 2")
    assert result.error.message == ("You must feed a value for placeholder tensor 'p' with "
                                    "dtype float (at op p)")
    assert "step 1 on s (eval): failed at p; ran 1 op: mul/y" in result.text


def test_import_tensorflow_binds_graphshells_tf_with_a_note(shell):
    text, _ = run_lines(shell, "import tensorflow.compat.v1 as tf2", "import tensorflow as tf3",
                        "tf2 is tf and tf3 is tf")
    assert text.count("note: `import tensorflow` binds graphshell's tf") == 2
    assert text.endswith("True\n")


def test_printed_output_and_warnings_are_captured(shell):
    text, _ = run_lines(shell, "print('hello'); print('world')",
                        "s1 = tf.InteractiveSession()", "s2 = tf.InteractiveSession()")
    assert text.startswith("hello\nworld\n")
    assert "UserWarning: An interactive session is already active" in text


def test_many_steps_in_one_input_are_summarised(shell):
    text, _ = run_lines(shell, "c = tf.constant(1.0, name='c')", "s = tf.Session()",
                        "for i in range(25): s.run(c)")
    assert len([line for line in text.splitlines() if line.startswith("step ")]) == 10
    assert "... 15 more steps not shown (steps 11-25); :steps lists them" in text


def test_keyboard_interrupt_leaves_everything_intact(shell):
    run_lines(shell, "v = tf.Variable(1.0)", "s = tf.InteractiveSession()",
              "s.run(v.initializer)")
    result = shell.execute("raise KeyboardInterrupt")
    assert result.error.type_name == "KeyboardInterrupt" and "intact" in result.error.message
    assert "np.float32(1.0)" in shell.execute(":eval v").text


def test_reset_starts_over(shell):
    run_lines(shell, "a = tf.constant(1.0)", "s = tf.InteractiveSession()", ":eval a")
    shell.execute(":reset")
    assert "a" not in shell.namespace and shell.steps == []
    with shell.activated():
        assert tf.get_default_session() is None and tf.get_default_graph().version == 0


def test_help_lists_every_command_and_each_has_help(shell):
    from graphshell.shell import commands
    text = shell.execute(":help").text
    for name in commands.COMMANDS:
        assert f":{name}" in text
        assert shell.execute(f":help {name}").ok


def test_quit_and_tb(shell):
    assert shell.execute(":quit").quit
    shell.execute("1/0")
    assert "Traceback" in shell.execute(":tb").text


def test_the_shell_keeps_its_default_stacks_across_threads(shell):
    import threading
    shell.execute("s = tf.InteractiveSession()")
    shell.execute("c = tf.constant(3.0)")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(shell.execute(":eval c").text))
    thread.start()
    thread.join()
    assert "step 1 on s (eval): ran 1 op" in seen[0]


def test_feeds_accept_nan_and_inf_without_hiding_user_names(shell):
    text, _ = run_lines(shell, "x = tf.placeholder(tf.float32, [2])",
                        "sess = tf.InteractiveSession()", ":eval x * 2 --feed x=[nan, -inf]")
    assert "nan, -inf" in text
    text, _ = run_lines(shell, "nan = 5.0", ":eval x --feed x=[nan, 1]")
    assert "5., 1." in text


def test_two_shells_in_one_process_keep_their_own_steps_and_numbers():
    from graphshell.shell.core import Shell
    first, second = Shell(), Shell()
    try:
        lines = ["c = tf.constant(2.0, name='c')", "s = tf.Session()", "s.run(c)"]
        first_text, _ = run_lines(first, *lines)
        second_text, _ = run_lines(second, *lines, "s.run(c)")
        assert first_text.splitlines()[0] == "step 1 on s (run): ran 1 op: c"
        assert [step.number for step in first.steps] == [1]
        assert [step.number for step in second.steps] == [1, 2]
        assert first.steps[0].session is not second.steps[0].session
        assert first.default_graph() is not second.default_graph()
        for shell in (first, second):
            assert shell.namespace["s"].name == "Session#1"
            assert shell.default_graph().name == "Graph#1"
    finally:
        first.close()
        second.close()


def test_a_shell_changes_nothing_for_programs_outside_it(fresh_engine):
    from graphshell.shell.core import Shell
    shell = Shell(seed=0)
    try:
        shell.execute("x = tf.constant(1.0, name='x')")
        assert not fresh_engine.keep_step_values and fresh_engine.unseeded_seed is None
        assert tf.get_default_graph() is not shell.default_graph()
        assert tf.get_default_graph().version == 0
    finally:
        shell.close()


def test_the_seed_argument_makes_unseeded_random_ops_repeatable():
    from graphshell.shell.core import Shell

    def draw(seed):
        shell = Shell(seed=seed)
        try:
            run_lines(shell, "r = tf.random_uniform([3])", "s = tf.Session()", "s.run(r)")
            return shell.steps[-1].results.tolist()
        finally:
            shell.close()
    assert draw(0) == draw(0) != draw(5)
    assert draw(None) != draw(None)  # fresh OS entropy, as in TF


def test_a_closed_shell_hears_no_more_steps(shell):
    run_lines(shell, "c = tf.constant(1.0)", "s = tf.Session()")
    shell.close()
    shell.execute("s.run(c)")
    assert shell.steps == []


def test_reset_numbers_steps_from_one_but_never_reuses_a_graph_or_session_name(shell):
    _, result = run_lines(shell, "s = tf.Session()", "s.run(tf.constant(1.0))")
    assert result.ok and shell.steps[-1].number == 1
    shell.execute(":reset")
    text, _ = run_lines(shell, "t = tf.Session()", "t.run(tf.constant(2.0))")
    assert text.startswith("step 1 on t (run)")
    assert shell.namespace["t"].name == "Session#2"
    assert shell.default_graph().name == "Graph#2"


# -- hints, carets and tracebacks ---------------------------------------------------------------
def test_eval_of_a_list_in_python_gets_the_hint_naming_a_command_that_works(shell):
    run_lines(shell, "a = tf.constant(2.0, name='a')", "grad = [a, a * 2]",
              "s = tf.InteractiveSession()")
    result = shell.execute("grad.eval()")
    assert result.error.message == ("'list' object has no attribute 'eval' (eval() takes one "
                                    "tensor; :run grad fetches a list in one step)")
    assert shell.execute(":run grad").ok  # the command named works
    literal = shell.execute("[a, grad[1]].eval()").error.message
    assert literal.endswith("(eval() takes one tensor; :run a grad[1] fetches a list in one step)")
    assert shell.execute(":run a grad[1]").ok


def test_inside_a_function_the_hint_is_python(shell):
    run_lines(shell, "def show(x):\n    return x.eval()\n")
    message = shell.execute("show((1, 2))").error.message
    assert message.endswith("(eval() takes one tensor; tf.get_default_session().run(x) fetches "
                            "a tuple in one step)")


def test_a_syntax_error_has_its_column_and_a_caret(shell):
    result = shell.execute("y = [1, 2 3]")
    try:
        compile("y = [1, 2 3]", "<test>", "exec")
    except SyntaxError as error:
        python_says = error
    assert result.error.column == python_says.offset
    lines = result.text.splitlines()
    assert lines[0] == f"column {python_says.offset}: SyntaxError: {python_says.msg}"
    assert lines[1:] == ["    y = [1, 2 3]", "    " + " " * (python_says.offset - 1) +
                         "^" * (python_says.end_offset - python_says.offset)]


def test_tb_shows_the_users_frames_with_their_source(shell):
    run_lines(shell, "def inner(v):\n    return 1 / v\n", "def outer():\n    return inner(0)\n")
    result = shell.execute("outer()")
    assert result.text.endswith("ZeroDivisionError: division by zero  (:tb shows where)\n")
    shown = shell.execute(":tb").text
    assert "graphshell/shell" not in shown
    assert 'File "<input 3>", line 1, in <module>\n    outer()' in shown
    assert 'File "<input 2>", line 2, in outer\n    return inner(0)' in shown
    assert 'File "<input 1>", line 2, in inner\n    return 1 / v' in shown
    assert "ZeroDivisionError: division by zero\n(2 frames inside graphshell not shown; " \
        ":tb --all shows them)" in shown
    assert "graphshell/shell/core.py" in shell.execute(":tb --all").text


def test_no_pointer_to_tb_when_it_has_nothing_more_to_show(shell):
    assert shell.execute("undefined_name").text == \
        "NameError: name 'undefined_name' is not defined\n"


def test_an_input_holding_only_a_comment_runs_nothing(shell):
    result = shell.execute("# just a note")
    assert result.ok and result.text == ""


@pytest.mark.parametrize("width", [60, 80, 120])
def test_help_fits_the_shells_width_without_cutting_a_word(width):
    from graphshell.shell.commands.table import COMMANDS
    shell = Shell(width=width)
    try:
        listing = shell.execute(":help").text
        one = shell.execute(":help load").text
    finally:
        shell.close()
    for text in (listing, one):
        assert all(len(line) <= width for line in text.splitlines()), text
    words = " ".join(listing.split())
    for found in COMMANDS.values():  # each summary whole, its words in order, none cut
        assert f"{found.usage} {found.summary}" in words, found.name
    assert one.split() == (COMMANDS["load"].usage + " " + COMMANDS["load"].help).split()


def test_the_eval_hint_quotes_each_element_as_typed_even_after_non_ascii_names(shell):
    _, result = run_lines(shell, "é = tf.constant(1.0)", "s = tf.InteractiveSession()",
                          ":eval [é, é + 1]")
    assert ":run é (é + 1) fetches a list in one step" in result.error.message
