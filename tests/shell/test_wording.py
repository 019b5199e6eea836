"""How the shell words what happened: :run of one fetch, wrapped text, interrupted steps, step
times, graph names as command arguments, plurals and articles."""

import re

import numpy as np
import pytest
from shell_helpers import run_lines

from graphshell import tf
from graphshell.engine.graph import registry
from graphshell.engine.graph.build import make_tensor
from graphshell.shell.commands import COMMANDS
from graphshell.shell.report import count_of, paragraphs, with_article, wrap
from graphshell.shell.styled import Styled


def values_shown(result):
    return [entry.data for entry in result.entries if entry.kind == "value"]


# -- :run of one fetch ----------------------------------------------------------------------------
def test_run_of_one_fetch_is_sess_run_of_it_not_of_a_list_around_it(shell):
    run_lines(shell, "a = tf.constant(3.0)", "grad = tf.gradients(a * a, [a])",
              "sess = tf.InteractiveSession()", "direct = sess.run(grad)")
    direct = shell.namespace["direct"]
    [shown] = values_shown(shell.execute(":run grad"))
    assert type(shown) is type(direct) and len(shown) == len(direct) == 1
    assert not isinstance(shown[0], list) and shown[0] == direct[0]
    [both] = values_shown(shell.execute(":run a grad"))  # several fetches are still a list
    assert len(both) == 2 and both[0] == 3.0 and both[1] == direct


# -- wrapping at the terminal's width -------------------------------------------------------------
def words_of(text):
    return text.split()


def test_wrap_breaks_between_words_keeps_styles_and_indents_wrapped_parts():
    styled = Styled().add("  :run EXPR  ", "prompt").add("fetch every one of the expressions "
                                                         "given in one single step, sharing ops")
    wrapped = wrap(styled, 30)
    lines = wrapped.plain.splitlines()
    assert len(lines) > 1 and all(len(line) <= 30 for line in lines)
    assert words_of(wrapped.plain) == words_of(styled.plain)  # no word was cut
    assert all(line.startswith("    ") and not line.startswith("     ") for line in lines[1:])
    assert ("prompt", ":run") in wrapped.fragments
    assert all(line.startswith(" " * 13) for line in
               wrap(styled, 40, indent=13).plain.splitlines()[1:])


def test_a_word_longer_than_the_line_stays_whole():
    long_name = "gradients/" + "x" * 60
    wrapped = wrap(Styled().add(f"only in step 1: a, {long_name}, b"), 40, indent=16).plain
    assert wrapped.splitlines() == ["only in step 1: a,", " " * 16 + long_name + ",",
                                    " " * 16 + "b"]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_commands_help_reflows_to_80_columns_without_cutting_a_word(name):
    found = COMMANDS[name]
    shown = wrap(Styled().add(found.usage, "heading").add("\n" + paragraphs(found.help)), 80)
    lines = shown.plain.splitlines()
    assert all(len(line) <= 80 for line in lines), name
    assert words_of(shown.plain) == words_of(found.usage + " " + found.help)
    examples = [line for line in found.help.splitlines() if line.strip().startswith("Example")]
    assert all(example.strip() in lines for example in examples)  # kept on their own lines


@pytest.mark.parametrize("width", [80, 60])
def test_help_fits_the_shells_width(shell, width):
    shell.width = width
    for line in [":help"] + [f":help {name}" for name in COMMANDS]:
        shown = shell.execute(line).text
        assert all(len(row) <= width for row in shown.splitlines()), (line, shown)


def test_diff_wraps_between_names_at_the_shells_width(shell):
    shell.width = 80
    lines = ["s = tf.InteractiveSession()", "total = tf.constant(0.0)"]
    lines += [f"total = tf.add(total, 1.0, name='a_rather_long_op_name_{i}')" for i in range(8)]
    run_lines(shell, *lines, ":eval total", "other = tf.constant(1.0, name='other')",
              ":eval other")
    text = shell.execute(":diff 1 2").text
    assert all(len(line) <= 80 for line in text.splitlines())
    names = [f"a_rather_long_op_name_{i}" for i in range(8)]
    assert all(re.search(rf"\b{name}\b", text) for name in names)  # none cut in two
    first_list = text.split("only in step 1: ")[1].split("\nonly in step 2")[0].splitlines()
    assert len(first_list) > 1 and all(line.startswith(" " * len("only in step 1: "))
                                       for line in first_list[1:])


def test_why_wraps_its_explanation(shell):
    shell.width = 60
    run_lines(shell, "x = tf.placeholder(tf.float32, [], name='x')",
              "unused = tf.sqrt(x, name='unused')", "y = tf.identity(x, name='y')",
              "s = tf.InteractiveSession()", ":eval y --feed x=1.0")
    text = shell.execute(":why unused").text
    assert all(len(line) <= 60 for line in text.splitlines()) and len(text.splitlines()) > 1
    assert "nothing fetched in this step depends on it" in " ".join(text.split())


# -- interrupted steps ------------------------------------------------------------------------
def _stop_at_five(value):
    if np.all(value >= 5):
        raise KeyboardInterrupt  # Ctrl-C pressed while the kernel runs, at a known moment
    return value


if "StopAtFiveForTest" not in registry.registered_types():
    registry.define("StopAtFiveForTest", kernel=_stop_at_five, stateful=True,
                    infer=lambda op: [(op._inputs[0].dtype, op._inputs[0]._shape)])


def stop_at_five(x):
    return make_tensor("StopAtFiveForTest", [tf.convert_to_tensor(x)], "stop_at_five")


@pytest.fixture
def interrupted(shell):
    """Step 1: a while loop interrupted in its 6th condition; step 2: 2 of 4 ops ran."""
    with shell.activated():
        loop = tf.while_loop(lambda i: stop_at_five(i) < 100, lambda i: i + 1,
                             [tf.constant(0)], name="counting")
        late = tf.add(stop_at_five(tf.constant(7, name="seven")), 1, name="late")
    shell.namespace.update(loop=loop, late=late)
    run_lines(shell, "sess = tf.InteractiveSession()", ":run loop", ":eval late")
    return shell


def test_an_interrupted_step_says_how_far_it_got(interrupted):
    loop_step, plain_step = interrupted.steps
    text, _ = run_lines(interrupted, ":step 1", ":step 2")
    assert "step 1 on sess (run): interrupted after 5 iterations of counting;" in text
    assert "step 2 on sess (eval): interrupted after 2 of 4 ops; ran 2 ops: seven, late/y" \
        in text
    assert "failed" not in text and "?" not in text
    assert loop_step.interrupted and not loop_step.failed_op


def test_steps_and_why_call_an_interruption_an_interruption(interrupted):
    table, _ = run_lines(interrupted, ":steps")
    assert [line.split()[-1] for line in table.splitlines()[1:]] == ["(interrupted)"] * 2
    why, _ = run_lines(interrupted, ":why late 2")
    assert why.strip() == "late in step 2: did not run: the step was interrupted (Ctrl-C) " \
                          "before reaching it"


def test_a_failed_step_still_names_the_op_it_failed_at(shell):
    run_lines(shell, "p = tf.placeholder(tf.float32, name='p')", "y = tf.identity(p, name='y')",
              "s = tf.InteractiveSession()", ":eval y")
    text, _ = run_lines(shell, ":step 1", ":why y")
    assert "step 1 on s (eval): failed at p;" in text
    assert "y in step 1: did not run: the step failed at p before reaching it" in text


# -- step times ---------------------------------------------------------------------------------
def test_the_time_is_worded_as_the_steps_not_the_last_ops(shell):
    shell.timings = True
    text, _ = run_lines(shell, "a = tf.constant(1.0, name='a')", "b = tf.add(a, 1.0, name='b')",
                        "s = tf.InteractiveSession()", ":eval b")
    line = next(line for line in text.splitlines() if line.startswith("step 1"))
    assert re.fullmatch(r"step 1 on s \(eval\): ran 3 ops in [\d.]+ (us|ms): a, b/y, b", line)


# -- op names as arguments ----------------------------------------------------------------------
def test_eval_and_run_take_op_and_tensor_names_as_feed_does(shell):
    run_lines(shell, "total = tf.constant(1.0)", "for _ in range(3): total = total + 1.0",
              "s = tf.InteractiveSession()")
    by_name = values_shown(shell.execute(":eval add_2"))
    assert by_name == values_shown(shell.execute(":eval add_2:0")) == [4.0]
    assert values_shown(shell.execute(":run add_1:0 add_2 --feed add=10.0")) == [[11.0, 12.0]]
    assert values_shown(shell.execute(":run add_1 --feed add:0=0.0")) == [1.0]


def test_a_python_name_wins_over_an_op_name_and_unknown_names_say_so(shell):
    run_lines(shell, "a = tf.constant(1.0, name='a')", "b = tf.constant(2.0, name='b')",
              "s = tf.InteractiveSession()", "b = a")
    assert values_shown(shell.execute(":eval b")) == [1.0]
    result = shell.execute(":eval add_199")
    assert result.error.type_name == "CommandError"
    assert result.error.message == ("'add_199' is neither a Python name nor an op of "
                                    "Graph#1; :ops lists the ops")
    assert shell.execute(":eval no_such_function(1)").error.type_name == "NameError"
    assert "has 1 output" in shell.execute(":eval a:3").error.message


def test_an_op_without_outputs_is_run_by_name(shell):
    run_lines(shell, "v = tf.Variable(5.0, name='v')",
              "init = tf.global_variables_initializer()", "s = tf.InteractiveSession()",
              "del init")
    shell.execute(":run init")
    assert values_shown(shell.execute(":eval v")) == [5.0]


# -- plurals and articles -------------------------------------------------------------------------
def test_counts_and_articles_are_english():
    assert [count_of(n, "op") for n in (0, 1, 2)] == ["0 ops", "1 op", "2 ops"]
    assert count_of(1, "more op", "more ops") == "1 more op"
    words = ["int", "float", "ndarray", "uint8", "Operation", "Tensor", "list", "object"]
    assert [with_article(w) for w in words] == [
        "an int", "a float", "an ndarray", "a uint8", "an Operation", "a Tensor", "a list",
        "an object"]


def test_the_stack_enter_and_diff_speak_of_one_op_in_the_singular(shell):
    run_lines(shell, "one = tf.constant(1.0)", "s = tf.InteractiveSession()", ":eval one",
              ":eval one")
    stack, _ = run_lines(shell, ":stack")
    assert "Graph#1  1 op" in stack and "1 ops" not in stack
    assert shell.execute(":enter 5").error.message == "5 is an int, not a tf.Session"
    assert shell.execute(":diff 1 2").text.startswith("step 1 ran 1 op, step 2 ran 1;")
    assert repr(shell.steps[0]).endswith("ran 1 op>")
