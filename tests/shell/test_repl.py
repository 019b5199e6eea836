"""The REPL in a real pseudo-terminal: prompt, steps, multi-line input, completion, history,
Ctrl-C and Ctrl-D."""

import os
import re
import sys

import pexpect
import pytest

ANSI_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PROMPT_STARTS = re.escape("\x1b[?2004h")
INPUT_ACCEPTED = re.escape("\x1b[?2004l")
CURSOR_POSITION_REQUEST = re.escape("\x1b[6n")


class AnsweringTerminal(pexpect.spawn):
    """A pty that answers cursor-position requests as a real terminal emulator does
    (prompt_toolkit draws its bottom toolbar only when it knows where the cursor is)."""

    def expect(self, pattern, timeout=-1, **kwargs):
        seen = ""
        while True:
            index = super().expect([CURSOR_POSITION_REQUEST, pattern], timeout=timeout, **kwargs)
            if index == 1:
                self.before = seen + self.before
                return 0
            seen += self.before
            self.send("\x1b[20;1R")


class Repl:
    def __init__(self, history, color=False, cursor_requests=True):
        env = dict(os.environ, GRAPHSHELL_HISTORY=str(history), TERM="xterm-256color")
        if not cursor_requests:
            env["PROMPT_TOOLKIT_NO_CPR"] = "1"
        env.pop("NO_COLOR", None)
        if not color:
            env["NO_COLOR"] = "1"
        self.child = AnsweringTerminal(sys.executable, ["-m", "graphshell.cli"], env=env,
                                       encoding="utf-8", timeout=20, dimensions=(40, 160))
        self.expect_prompt()

    def expect_prompt(self):
        """Waits for a prompt; prompt_toolkit switches bracketed paste on as each one starts."""
        self.child.expect(PROMPT_STARTS)
        return self.child.before

    def run(self, line):
        """Types a line, presses Enter, returns the plain text shown before the next prompt."""
        self.child.send(line + "\r")
        self.child.expect(INPUT_ACCEPTED)
        return ANSI_SEQUENCE.sub("", self.expect_prompt())

    def quit(self):
        self.child.sendcontrol("c")  # clears whatever is being typed
        self.expect_prompt()
        self.child.sendcontrol("d")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


@pytest.fixture
def repl(tmp_path):
    instance = Repl(tmp_path / "history")
    yield instance
    if instance.child.isalive():
        instance.child.terminate(force=True)


def test_steps_are_reported_after_eval_and_run(repl):
    repl.run("t = tf.constant(42.0, name='t')")
    repl.run("u = tf.constant(37.0, name='u')")
    repl.run("sess = tf.InteractiveSession()")
    shown = repl.run(":eval t * u")
    assert "step 1 on sess (eval): ran 3 ops: t, u, mul" in shown
    assert "np.float32(1554.0)" in shown
    assert "step 2 on sess (run): ran 2 ops: t, u" in repl.run("sess.run([t, u])")
    assert repl.quit() == 0


def test_multi_line_blocks_run_after_an_empty_line(repl):
    repl.child.send("for i in range(3):\r")
    repl.child.send("print('line', i)\r")
    repl.child.send("\r")
    repl.child.expect(INPUT_ACCEPTED)
    shown = ANSI_SEQUENCE.sub("", repl.expect_prompt())
    assert "line 0" in shown and "line 2" in shown


def painted(text):
    """A pattern for `text` as a terminal may paint it: in pieces, with escapes between."""
    return "(\x1b\\[[0-9;?]*[A-Za-z])*".join(re.escape(char) for char in text)


def test_tab_completes_commands_and_attributes(repl):
    repl.run("sess = tf.Session()")
    repl.child.send(":sta\t")
    repl.child.expect(painted("stack"))
    assert "default-session stack" in repl.run("")
    repl.child.send("sess.clo\t")
    repl.child.expect(painted("close"))
    repl.run("()")
    assert "open" not in repl.run(":stack").split("other sessions")[1].split("\n")[1]


def test_history_is_kept_across_runs(tmp_path):
    first = Repl(tmp_path / "history")
    first.run("remember_me = 12345")
    assert first.quit() == 0
    second = Repl(tmp_path / "history")
    second.child.send("\x1b[A")
    second.child.expect(painted("12345"))
    assert "remember_me" in ANSI_SEQUENCE.sub("", second.child.before)
    second.quit()


def test_ctrl_c_clears_the_line_and_interrupts_a_running_input(repl):
    repl.child.send("this line is abandoned")
    repl.child.sendcontrol("c")
    repl.expect_prompt()
    assert "2" in repl.run("1 + 1")
    repl.run("kept = 'still here'")
    repl.child.send("while True: pass\r\r")
    repl.child.expect("running")
    repl.child.sendcontrol("c")
    repl.child.expect("KeyboardInterrupt")
    shown = repl.child.before + ANSI_SEQUENCE.sub("", repl.child.after + repl.expect_prompt())
    assert "KeyboardInterrupt: interrupted; the shell, its graphs and sessions are intact" in shown
    assert "still here" in repl.run("kept")


def test_toolbar_shows_the_default_session_and_last_step(repl):
    repl.run("sess = tf.InteractiveSession()")
    repl.child.send(":eval tf.constant(1.0)\r")
    repl.child.expect(r"session: sess \(InteractiveSession#1\)")
    repl.child.expect(r"last: step 1 eval ran 1 ops")


def test_import_tensorflow_is_accepted_with_a_note(repl):
    shown = repl.run("import tensorflow.compat.v1 as tf")
    assert "binds graphshell's tf" in shown
    assert "True" in repl.run("tf.compat.v1 is tf")


def test_ctrl_c_right_after_an_input_does_not_end_the_repl(tmp_path):
    # Cursor-position answers arriving after a cancelled prompt would confuse this harness
    # (a real terminal answers at once), so the terminal here does not ask for them.
    repl = Repl(tmp_path / "history", cursor_requests=False)
    for _ in range(3):
        repl.child.send(":help quit\r")
        repl.child.expect("Leave graphshell")
        repl.child.sendcontrol("c")
    for _ in range(20):  # typeahead into a prompt that Ctrl-C cancelled may be dropped
        repl.child.send("3 + 4\r")
        try:
            repl.child.expect(r"\n(\x1b\[[0-9;?]*[A-Za-z])*7\r\n", timeout=1)
            break
        except pexpect.TIMEOUT:
            continue
    else:
        raise AssertionError("the REPL stopped answering after Ctrl-C")
    assert repl.child.isalive()
    assert "Traceback" not in repl.child.before


def test_bad_input_keeps_the_shell_alive(repl):
    assert "SyntaxError" in repl.run("def (")
    assert "did you mean :step" in repl.run(":stepz")
    assert "NameError" in repl.run("nothing_here")
    assert "3" in repl.run("1 + 2")


def test_python_is_highlighted_when_colour_is_on(tmp_path):
    coloured = Repl(tmp_path / "history", color=True)
    coloured.child.send("for")
    coloured.child.expect(r"\x1b\[[0-9;]*m\s*for")
    coloured.child.sendcontrol("c")
    coloured.expect_prompt()
    coloured.child.send(":eval 1\r")
    coloured.child.expect("AttributeError")
    coloured.quit()


EVERY_COMMAND = [
    (":help", "Commands:"), (":eval t", "step 1 on sess (eval): ran 1 op: t"),
    (":run t t2", "ran 3 ops: t, t2/y, t2"), (":stack", "default-session stack"),
    (":exit", "left sess"), (":enter sess", "is now the default session"),
    (":graph", "executed"), (":ops t*", "name"), (":steps", "via"),
    (":step 2", "executed, in order"), (":diff 1 2", "only in step 2: t2/y, t2"),
    (":why t2 1", "pruned"), (":load {script}", "loaded ok"), (":tb", "no error yet"),
    (":reset", "reset: new default graph"),
]


def test_every_command_in_the_terminal(tmp_path):
    script = tmp_path / "lesson.gsh"
    script.write_text("print('loaded ok')\n")
    repl = Repl(tmp_path / "history")
    repl.run("t = tf.constant(1.0, name='t')")
    repl.run("t2 = tf.add(t, 1.0, name='t2')")
    repl.run("sess = tf.Session()")
    repl.run(":enter sess")
    for line, expected in EVERY_COMMAND:
        shown = repl.run(line.format(script=script))
        assert expected in shown, (line, shown)
    assert repl.quit() == 0


def test_tui_opens_from_the_repl_and_returns_with_state_kept(repl):
    repl.run("kept = tf.constant(5.0, name='kept')")
    repl.child.send(":tui\r")
    repl.child.expect("session stack")
    repl.child.expect("kept")
    repl.child.sendcontrol("q")
    repl.expect_prompt()
    assert "np.float32(5.0)" in repl.run("tf.Session().run(kept)")
