"""Transcripts people can trust: :history and :save write a session as a script that replays
it, :load shows each input above its output, and --check replays a transcript reporting what
differs, as doctest does."""

import io
import subprocess
import sys

from shell_helpers import run_lines

from graphshell.faces.script import ScriptRunner, check_transcript
from graphshell.shell import transcript
from graphshell.shell.core import Shell

SESSION = ["t = tf.constant(2.0, name='t')", "s = tf.InteractiveSession()", ":eval t * 3",
           "for i in range(2):\n    print('i', i)", "undefined_name", ":stak", ":history"]


def run_script(path, *args):
    return subprocess.run([sys.executable, "-m", "graphshell", *args, str(path)],
                          capture_output=True, timeout=60)


def test_history_lists_the_inputs_with_failures_marked(shell):
    text, _ = run_lines(shell, *SESSION)
    assert text.split("did you mean :stack?\n", 1)[1].splitlines() == [
        "1  t = tf.constant(2.0, name='t')", "2  s = tf.InteractiveSession()",
        "3  :eval t * 3", "4  for i in range(2):", "       print('i', i)",
        "5  undefined_name  # error: NameError", "6  :stak  # error: CommandError"]


def test_save_writes_a_script_that_replays_the_session(shell, tmp_path):
    run_lines(shell, *SESSION)
    result = shell.execute(f":save {tmp_path / 'session'}")
    assert result.ok and "saved 6 inputs to" in result.text
    saved = tmp_path / "session.gsh"
    replayed = run_script(saved)
    assert replayed.returncode == 0, replayed.stderr.decode()
    assert replayed.stdout.decode().startswith("step 1 on s (eval): ran 3 ops: t, mul/y, mul\n"
                                               "np.float32(6.0)\ni 0\ni 1\n")
    assert "line 7: NameError: name 'undefined_name' is not defined" in replayed.stdout.decode()


def test_save_keeps_an_existing_file_unless_forced(shell, tmp_path):
    target = tmp_path / "mine.gsh"
    target.write_text("precious = 1\n")
    run_lines(shell, "x = 1")
    result = shell.execute(f":save {target}")
    assert "exists; :save --force" in result.error.message
    assert target.read_text() == "precious = 1\n"
    assert shell.execute(f":save --force {target}").ok and target.read_text() == "x = 1\n"
    assert "nothing to save" in Shell().execute(f":save {tmp_path / 'empty'}").error.message


def test_interrupted_inputs_are_saved_commented_out(shell, tmp_path):
    run_lines(shell, "x = 1", "raise KeyboardInterrupt", "y = 2")
    shell.execute(f":save {tmp_path / 's.gsh'}")
    assert (tmp_path / "s.gsh").read_text() == ("x = 1\n# interrupted, so not replayed:\n"
                                                "# raise KeyboardInterrupt\ny = 2\n")


def test_load_shows_each_input_above_its_output(shell, tmp_path):
    script = tmp_path / "lesson.gsh"
    script.write_text("# a lesson\nc = tf.constant(1.0, name='c')\ns = tf.Session()\n"
                      "s.run(c)\n")
    assert shell.execute(f":load {script}").text.splitlines() == [
        ">>> # a lesson", ">>> c = tf.constant(1.0, name='c')", ">>> s = tf.Session()",
        ">>> s.run(c)", "step 1 on s (run): ran 1 op: c", "np.float32(1.0)"]
    assert shell.execute(f":load --quiet {script}").text.splitlines() == [
        "step 2 on s (run): ran 1 op: c_1", "np.float32(1.0)"]


def test_load_stops_at_an_unmarked_error_and_at_a_missing_marked_one(shell, tmp_path):
    unmarked = tmp_path / "unmarked.gsh"
    unmarked.write_text("1/0\nprint('not reached')\n")
    result = shell.execute(f":load {unmarked}")
    assert result.error.message.endswith("unmarked.gsh stopped at line 1")
    assert "not reached" not in result.text
    missing = tmp_path / "missing.gsh"
    missing.write_text("x = 1  # error: NameError\nprint('not reached')\n")
    result = shell.execute(f":load {missing}")
    assert "line 1: expected NameError (marked on this input), but it ran without error" \
        in result.text
    assert result.error.message.endswith("missing.gsh stopped at line 1")


def test_load_ends_where_the_script_exits(shell, tmp_path):
    script = tmp_path / "exits.gsh"
    script.write_text("print('before')\nexit(4)\nprint('after')\n")
    result = shell.execute(f":load --quiet {script}")
    assert result.text == "before\n" and result.quit and result.exit_status == 4


def test_parse_reads_the_echo_format():
    examples = transcript.parse("prose\n>>> for i in x:\n...     f(i)\n...\nout 1\n\n>>>\n"
                                ">>> # note\n>>> :steps\n... not a continuation? it is\nlast\n")
    assert [(e.line, e.source, e.expected) for e in examples] == [
        (2, "for i in x:\n    f(i)\n", ["out 1", ""]), (7, "", []), (8, "# note", []),
        (9, ":steps\nnot a continuation? it is", ["last"])]
    assert transcript.script_of(examples[1:3]) == "\n# note\n"


def check(text):
    out = io.StringIO()
    shell = Shell(seed=0)
    try:
        return check_transcript(shell, text, "t.transcript", out), out.getvalue()
    finally:
        shell.close()


def test_check_passes_what_echo_printed(tmp_path):
    script = ("x = tf.placeholder(tf.float32, name='x')\ns = tf.InteractiveSession()\n"
              "# feed it\n:eval x * 2 --feed x=2.0\n\n:eval x  # error: InvalidArgumentError\n"
              "print('done')\n")
    out = io.StringIO()
    shell = Shell(seed=0)
    assert ScriptRunner(shell, out=out, echo=True).run(script, "lesson.gsh") == 0
    status, report = check(out.getvalue())
    assert status == 0, report
    assert report == "t.transcript: all 5 inputs give the expected output\n"


def test_check_reports_each_difference_like_doctest():
    status, report = check(">>> print(1)\n2\n>>> x = 5\n>>> print('a')\na\n>>> x\nsix\n"
                           ">>> print('b')\n")
    assert status == 1
    assert report.split("*" * 70 + "\n")[1:] == [
        'File "t.transcript", line 1\nFailed example:\n    print(1)\nExpected:\n    2\nGot:\n'
        "    1\n",
        'File "t.transcript", line 6\nFailed example:\n    x\nExpected:\n    six\nGot:\n    5\n',
        'File "t.transcript", line 8\nFailed example:\n    print(\'b\')\nExpected nothing\n'
        "Got:\n    b\n",
        "t.transcript: 3 of 5 inputs differ\n"]


def test_check_reports_unmarked_errors_and_goes_on():
    status, report = check(">>> 1/0\n>>> print('after')\nafter\n")
    assert status == 1
    assert "Got:\n    line 1: ZeroDivisionError: division by zero\n" in report
    assert report.endswith("t.transcript: 1 of 2 inputs differ\n")


def test_check_keeps_the_scripts_line_numbers():
    """A comment or blank input counts as a line, so errors name the script's lines."""
    status, report = check(">>> # one\n>>>\n>>> for i in []:\n...     pass\n"
                           ">>> nope  # error: NameError\n"
                           "line 5: NameError: name 'nope' is not defined\n")
    assert status == 0, report


def test_check_of_a_file_that_is_no_transcript_fails():
    status, report = check("x = 1\nprint(x)\n")
    assert status == 1 and "no `>>> ` inputs found" in report


def test_check_on_the_command_line(tmp_path):
    good, bad = tmp_path / "good.transcript", tmp_path / "bad.transcript"
    good.write_text(">>> print(6 * 7)\n42\n")
    bad.write_text(">>> print(6 * 7)\n41\n")
    done = subprocess.run([sys.executable, "-m", "graphshell", "--check", str(good), str(bad)],
                          capture_output=True, timeout=60)
    assert done.returncode == 1
    assert f"{good}: all 1 inputs give the expected output" in done.stdout.decode()
    assert f"{bad}: 1 of 1 inputs differ" in done.stdout.decode()
    missing = subprocess.run([sys.executable, "-m", "graphshell", "--check", "/no/such"],
                             capture_output=True, timeout=60)
    assert missing.returncode == 2 and b"no such file" in missing.stderr


def test_check_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    long = tmp_path / "long.transcript"
    long.write_text("".join(f">>> print({i})\nnot {i}\n" for i in range(3000)))
    command = f"{sys.executable} -m graphshell --check {long} | head -1"
    done = subprocess.run(command, shell=True, capture_output=True, timeout=120)
    assert done.stdout == b"*" * 70 + b"\n" and done.stderr == b""
