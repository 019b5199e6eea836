"""The REPL in a real pseudo-terminal: prompt, steps, multi-line input, pasted blocks,
completion, history, Ctrl-C and Ctrl-D; and the REPL's typing rules fed key by key."""

import asyncio
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

ANSI_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PROMPT_STARTS = re.escape("\x1b[?2004h")
INPUT_ACCEPTED = re.escape("\x1b[?2004l")
CURSOR_POSITION_REQUEST = re.escape("\x1b[6n")
ESCAPES = "(\x1b\\[[0-9;?]*[A-Za-z])*"
CONTINUATION_LINE = "\n" + ESCAPES + re.escape("...")
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
README = Path(__file__).resolve().parents[2] / "README.md"


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
    def __init__(self, history, color=False, cursor_requests=True, python_code=None,
                 wait_until_loaded=None):
        env = dict(os.environ, GRAPHSHELL_HISTORY=str(history), TERM="xterm-256color")
        if not cursor_requests:
            env["PROMPT_TOOLKIT_NO_CPR"] = "1"
        env.pop("NO_COLOR", None)
        if not color:
            env["NO_COLOR"] = "1"
        arguments = ["-c", python_code] if python_code else ["-m", "graphshell.cli"]
        self.child = AnsweringTerminal(sys.executable, arguments, env=env,
                                       encoding="utf-8", timeout=20, dimensions=(40, 160))
        self.expect_prompt()
        if cursor_requests if wait_until_loaded is None else wait_until_loaded:
            self.expect_loaded()

    def expect_loaded(self):
        """Waits until the toolbar says the shell has loaded (its redraw then cannot mix with
        the echo of keys a test types)."""
        self.child.expect(painted("(:enter SESSION)"))

    def expect_prompt(self):
        """Waits for a prompt; prompt_toolkit switches bracketed paste on as each one starts."""
        self.child.expect(PROMPT_STARTS)
        return self.child.before

    def run(self, line):
        """Types a line, presses Enter, returns the plain text shown before the next prompt."""
        self.child.send(line + "\r")
        self.child.expect(INPUT_ACCEPTED)
        return ANSI_SEQUENCE.sub("", self.expect_prompt())

    def type_lines(self, *lines):
        """Types lines as a person does, the first key of each on its own (keys that arrive
        together are a paste; lines start with a visible character, which is awaited on
        screen). Returns the plain text shown after the last Enter, up to the next prompt."""
        for number, line in enumerate(lines, 1):
            if line:
                self.child.send(line[0])
                self.child.expect(drawn_alone(line[0]))
            self.child.send(line[1:] + "\r")
            if number < len(lines):
                self.child.expect(CONTINUATION_LINE)
        self.child.expect(INPUT_ACCEPTED)
        return ANSI_SEQUENCE.sub("", self.expect_prompt())

    def paste(self, text, bracketed=True):
        """Pastes text as a terminal does (bracketed: marked as a paste, then Enter; or not:
        all its keys at once, newlines as Enter) and returns the plain text it showed."""
        if bracketed:
            self.child.send(PASTE_START + text + PASTE_END + "\r")
        else:
            self.child.send(text.replace("\n", "\r"))
        self.child.expect(INPUT_ACCEPTED)
        return ANSI_SEQUENCE.sub("", self.expect_prompt())

    def quit(self):
        self.child.sendcontrol("c")  # clears whatever is being typed
        self.expect_prompt()
        for _ in range(10):
            # A Ctrl-D that lands while the cancelled prompt gives way to the next one reaches
            # a terminal in cooked mode, which swallows it: then press it again.
            self.child.sendcontrol("d")
            try:
                self.child.expect(pexpect.EOF, timeout=2)
                break
            except pexpect.TIMEOUT:
                continue
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
    assert re.search(r"step 1 on sess \(eval\): ran 3 ops\b.*: t, u, mul", shown)
    assert "np.float32(1554.0)" in shown
    assert re.search(r"step 2 on sess \(run\): ran 2 ops\b.*: t, u", repl.run("sess.run([t, u])"))
    assert repl.quit() == 0


def test_multi_line_blocks_run_after_an_empty_line(repl):
    shown = repl.type_lines("for i in range(3):", "print('line', i)", "")
    assert "line 0" in shown and "line 2" in shown


def drawn_alone(char):
    """A pattern for a screen update that draws only `char`: the echo of one typed key."""
    return re.escape("\x1b[?25l") + ESCAPES + re.escape(char) + ESCAPES + re.escape("\x1b[?25h")


def painted(text):
    """A pattern for `text` as a terminal may paint it: in pieces, with escapes between, and
    a character already on screen at its place skipped by a cursor move."""
    return ESCAPES.join(f"(?:{re.escape(char)}|\x1b\\[C)" for char in text)


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
    line_so_far = ("running" + repl.child.before).rsplit("\r", 1)[-1]
    assert "running" not in line_so_far  # the progress line is cleared before the error
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
    (":help", "Commands:"), (":eval t", "step 1 on sess (eval): ran 1 op"),
    (":run t t2", ": t, t2/y, t2"), (":stack", "default-session stack"),
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


# -- pasted blocks ----------------------------------------------------------------------------

def readme_seed_program():
    """The first Python block of the README's "The engine" section, and the lines its print
    calls are documented to show (the comments after them)."""
    engine = README.read_text().split("## The engine", 1)[1]
    program = engine.split("```python\n", 1)[1].split("```", 1)[0]
    shown = [line.split("#", 1)[1].strip() for line in program.splitlines()
             if line.strip().startswith("print(") and "#" in line]
    return program, shown


def test_a_bracketed_paste_of_the_readme_seed_program_runs_it(repl):
    program, documented = readme_seed_program()
    assert len(documented) == 2
    shown = repl.paste(program)
    assert "SyntaxError" not in shown and "Error" not in shown, shown
    for line in documented:
        assert line in shown.splitlines(), (line, shown)
    assert "True" in repl.run("sess.closed")  # the `with` block ran to its end


def test_a_bracketed_paste_of_two_statements_runs_both(repl):
    shown = repl.paste("x = 1\ny = 2")
    assert "SyntaxError" not in shown
    assert "3" in repl.run("x + y")


def test_a_paste_without_brackets_keeps_its_own_indentation(repl):
    shown = repl.paste("total = 0\nfor i in range(3):\n    total += i\nprint('total', total)\n",
                       bracketed=False)
    assert [line for line in shown.splitlines() if line.startswith("total")] == ["total 3"]


def test_a_pasted_block_stops_at_its_first_error(repl):
    shown = repl.paste("first = 1\nundefined_name\nsecond = 2")
    assert "NameError" in shown
    assert "stopped at line 2: 1 input after it did not run" in shown
    assert "1" in repl.run("first")
    assert "NameError" in repl.run("second")


# -- typing rules, fed to the real prompt key by key (each string is one read) ----------------

def buffer_after(*reads):
    """The prompt's text after these reads of keys (a read of several keys is how a paste
    arrives, one key per read how a person types; a KeyPress is read on its own)."""
    from prompt_toolkit.application.current import create_app_session, set_app
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.key_binding.key_processor import KeyPress
    from prompt_toolkit.keys import Keys
    from prompt_toolkit.output import DummyOutput

    from graphshell.faces.repl_prompt import prompt_session

    async def typed():
        with create_pipe_input() as keyboard, \
                create_app_session(input=keyboard, output=DummyOutput()):
            session = prompt_session(lambda: None)
            processor = session.app.key_processor
            with set_app(session.app):
                for read in reads:
                    processor.feed_multiple(
                        [read] if isinstance(read, KeyPress) else
                        [KeyPress(Keys.ControlM if key == "\r" else key, key) for key in read])
                    processor.process_keys()
            return session.default_buffer.text

    return asyncio.run(typed())


def test_enter_indents_typed_blocks(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSHELL_HISTORY", str(tmp_path / "history"))
    assert buffer_after("for i in range(3):", "\r", *"x = i", "\r", *"y = 2") == \
        "for i in range(3):\n    x = i\n    y = 2"


def test_a_typed_space_replaces_the_auto_indent(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSHELL_HISTORY", str(tmp_path / "history"))
    assert buffer_after("if x:", "\r", " ") == "if x:\n "
    assert buffer_after("if x:", "\r", *"    y") == "if x:\n    y"


def test_a_paste_without_brackets_is_not_auto_indented(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSHELL_HISTORY", str(tmp_path / "history"))
    assert buffer_after("for i in range(3):\r    x = i\rdone = 1") == \
        "for i in range(3):\n    x = i\ndone = 1"
    # a paste split across reads: the Enter ending the first read looked typed
    assert buffer_after("for i in range(3):\r    x = i\r", "done = 1") == \
        "for i in range(3):\n    x = i\ndone = 1"
    assert buffer_after("if x:\r", "\ty = 1") == "if x:\n\ty = 1"


# -- start-up, progress and toolbar -----------------------------------------------------------

def test_the_toolbar_shows_the_loaded_shell_without_a_key_press(tmp_path):
    repl = Repl(tmp_path / "history", wait_until_loaded=False)
    repl.expect_loaded()
    assert repl.quit() == 0


INTERRUPT_WHILE_IMPORTING_PROMPT_TOOLKIT = """
import os, signal, sys

class CtrlCOnImport:
    def find_spec(self, name, path=None, target=None):
        if name == "prompt_toolkit":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlCOnImport())
from graphshell.cli import main
sys.exit(main([]))
"""


def test_ctrl_c_while_the_repl_starts_does_not_end_it(tmp_path):
    repl = Repl(tmp_path / "history", python_code=INTERRUPT_WHILE_IMPORTING_PROMPT_TOOLKIT)
    assert "7" in repl.run("3 + 4")
    assert repl.quit() == 0


INTERRUPT_BEFORE_THE_REPL_TAKES_INTERRUPTS = INTERRUPT_WHILE_IMPORTING_PROMPT_TOOLKIT.replace(
    '"prompt_toolkit"', '"graphshell.faces.repl"')


def test_ctrl_c_before_the_repl_takes_interrupts_does_not_end_it(tmp_path):
    repl = Repl(tmp_path / "history", python_code=INTERRUPT_BEFORE_THE_REPL_TAKES_INTERRUPTS)
    assert "7" in repl.run("3 + 4")
    assert repl.quit() == 0


def test_the_progress_line_keeps_off_input_prompts(repl):
    repl.child.send("import time; time.sleep(1.5); reply = input('name? ')\r")
    repl.child.expect(INPUT_ACCEPTED)
    repl.child.expect(re.escape("name? "))
    before_prompt = repl.child.before
    repl.child.expect(r"\r\n")  # the prompt's line ends: the user types on the next one
    repl.child.expect(pexpect.TIMEOUT, timeout=1.0)  # progress ticks every 0.25 s
    while_reading = repl.child.before
    repl.child.send("Ada\r")
    repl.expect_prompt()
    assert "running" not in before_prompt.rsplit("\r", 1)[-1]  # drawn on a cleared line
    assert "running" not in while_reading
    assert "'Ada'" in repl.run("reply")


def test_a_bracketed_paste_with_its_own_indentation_replaces_the_auto_indent(tmp_path,
                                                                               monkeypatch):
    from prompt_toolkit.key_binding.key_processor import KeyPress
    from prompt_toolkit.keys import Keys
    monkeypatch.setenv("GRAPHSHELL_HISTORY", str(tmp_path / "history"))
    assert buffer_after("if x:", "\r", KeyPress(Keys.BracketedPaste, "    y = 1\r\nz = 2")) == \
        "if x:\n    y = 1\nz = 2"
    assert buffer_after("if x:", "\r", KeyPress(Keys.BracketedPaste, "y = 1")) == \
        "if x:\n    y = 1"


def test_input_hides_the_progress_line_from_before_its_prompt(monkeypatch):
    """A progress tick that comes while input() writes its prompt draws nothing: the line
    stays hidden from the prompt on, not only while stdin is read (a busy machine made the
    moment between the two long enough for a tick to draw over the user's line)."""
    import io
    import types

    from graphshell.faces.repl import Progress, Screen
    screen = Screen(color=False)
    screen.out, screen.err = io.StringIO(), io.StringIO()
    drawn_while_prompting = []

    class PromptWriter(io.StringIO):
        def write(self, text):
            screen.show_progress("  running... 2.0s")  # a tick arriving with the prompt
            drawn_while_prompting.append("running" in screen.err.getvalue())
            return super().write(text)

    monkeypatch.setattr(sys, "stdout", PromptWriter())
    monkeypatch.setattr(sys, "stdin", io.StringIO("Ada\n"))
    with Progress(types.SimpleNamespace(steps=[]), screen):
        reply = input("name? ")
    assert reply == "Ada"
    assert drawn_while_prompting and not any(drawn_while_prompting)
