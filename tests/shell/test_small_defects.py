"""Issue 13's smaller defects: the REPL's history file, closed standard streams, sys.exit's
message and status, :exit after a nesting error, :quit in a loaded file, errors without a
line or a message, a negative --seed, and the order of steps run from threads."""

import os
import pathlib
import stat
import subprocess
import sys
import threading

import pexpect
import pytest
from prompt_toolkit.history import FileHistory
from test_repl import ANSI_SEQUENCE, Repl

from graphshell import tf
from graphshell.faces.history_file import (
    HistoryFileError,
    PrivateFileHistory,
    usable_path,
)


def graphshell(*args, close=(), stdin=None):
    """Runs graphshell with the given standard descriptors closed (as `<&-` and `>&-` do)."""
    def close_descriptors():
        for descriptor in close:
            os.close(descriptor)
    return subprocess.run([sys.executable, "-m", "graphshell.cli", *args], stdin=stdin,
                          stdout=None if 1 in close else subprocess.PIPE,
                          stderr=subprocess.PIPE, preexec_fn=close_descriptors, timeout=60)


def lines_of(data: bytes) -> list[str]:
    return data.decode().splitlines()


# -- the history file ---------------------------------------------------------------------------
def start_repl(history) -> tuple[Repl, str]:
    """A REPL and the plain text it showed before its first prompt."""
    repl = Repl(history, wait_until_loaded=False)
    return repl, ANSI_SEQUENCE.sub("", repl.child.before)


@pytest.mark.parametrize("history, says", [
    ("/dev/full", "/dev/full is a device, not a file"),  # every write to it would fail
    ("folder", "folder is a directory, not a file"),
])
def test_an_unusable_history_file_is_one_note_and_the_repl_goes_on(tmp_path, history, says):
    if history == "folder":
        history = tmp_path / "folder"
        history.mkdir()
    repl, started = start_repl(history)
    try:
        assert started.count("history is not saved this session") == 1 and says in started
        shown = repl.run("a = 40") + repl.run("print(a + 2)") + repl.run("print('again')")
        assert "Traceback" not in shown and "Errno" not in shown
        assert "history is not saved" not in shown
        assert "42" in shown and "again" in shown
        assert repl.quit() == 0
    finally:
        if repl.child.isalive():
            repl.child.terminate(force=True)


@pytest.mark.parametrize("make, says", [
    (lambda path: path.mkdir(), "is a directory, not a file"),
    (lambda path: None, None),
])
def test_usable_path_refuses_what_cannot_hold_history(tmp_path, make, says):
    path = tmp_path / "history"
    make(path)
    if says is None:
        assert usable_path(str(path)) == str(path)
    else:
        with pytest.raises(HistoryFileError, match=says):
            usable_path(str(path))


def test_a_device_is_not_a_history_file():
    with pytest.raises(HistoryFileError, match="/dev/full is a device, not a file"):
        usable_path("/dev/full")


def test_the_history_file_is_created_private(tmp_path):
    saved_umask = os.umask(0o022)
    try:
        path = usable_path(str(tmp_path / "new" / "history"))
        PrivateFileHistory(path).store_string("secret = 1")
    finally:
        os.umask(saved_umask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) == 0o700


def test_a_world_readable_history_file_is_made_private(tmp_path):
    path = tmp_path / "history"
    path.write_text("")
    path.chmod(0o644)
    usable_path(str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_symlink_to_the_users_own_file_is_followed(tmp_path):
    target = tmp_path / "real_history"
    link = tmp_path / "history"
    link.symlink_to(target)
    real = usable_path(str(link))
    PrivateFileHistory(real).store_string("x = 1")
    assert link.is_symlink() and "+x = 1" in target.read_text()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a file of another user needs root")
def test_a_symlink_to_another_users_file_is_refused(tmp_path):
    target = tmp_path / "theirs"
    target.write_text("")
    os.chown(target, 65534, 65534)
    link = tmp_path / "history"
    link.symlink_to(target)
    with pytest.raises(HistoryFileError, match="is a symlink to .*theirs, which is not your own"):
        usable_path(str(link))
    assert target.read_text() == ""


def test_a_symlink_to_a_new_file_in_another_users_folder_is_refused(tmp_path):
    if os.geteuid() == 0:
        folder = tmp_path / "theirs"
        folder.mkdir()
        os.chown(folder, 65534, 65534)
    else:
        folder = pathlib.Path("/")  # root's
    link = tmp_path / "history"
    link.symlink_to(folder / "graphshell_history")
    with pytest.raises(HistoryFileError, match="not your own file; not following it"):
        usable_path(str(link))
    assert not (folder / "graphshell_history").exists()


def test_history_is_trimmed_to_its_newest_entries_when_loaded(tmp_path):
    path = tmp_path / "history"
    writer = FileHistory(str(path))  # prompt_toolkit's format: files from before still load
    for number in range(25):
        writer.store_string(f"x = {number}\nprint(x)")
    history = PrivateFileHistory(str(path), max_entries=10)
    loaded = list(history.load_history_strings())
    assert loaded == [f"x = {number}\nprint(x)" for number in range(24, 14, -1)]
    assert list(PrivateFileHistory(str(path)).load_history_strings()) == loaded  # rewritten
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_history_is_trimmed_as_it_is_written(tmp_path):
    path = str(tmp_path / "history")
    history = PrivateFileHistory(path, max_entries=10)
    list(history.load_history_strings())
    for number in range(30):
        history.store_string(f"y = {number}")
    on_disk = list(PrivateFileHistory(path, max_entries=1000).load_history_strings())
    assert 10 <= len(on_disk) <= 11 and on_disk[0] == "y = 29"


def test_a_write_that_fails_later_turns_history_off_with_one_note(tmp_path):
    path = tmp_path / "history"
    history = PrivateFileHistory(usable_path(str(path)))
    list(history.load_history_strings())
    history.store_string("a = 1")
    path.unlink()
    path.mkdir()  # now every append fails
    history.store_string("b = 2")
    history.store_string("c = 3")
    notes = history.take_notes()
    assert len(notes) == 1 and notes[0].startswith("history is not saved this session: "
                                                   "cannot write")
    assert history.take_notes() == []


# -- closed standard streams -----------------------------------------------------------------------
def test_closed_stdin_is_one_error_line_and_exit_2():
    done = graphshell(close=(0,))
    assert done.returncode == 2
    assert lines_of(done.stderr) == ["graphshell: stdin is closed: there is no script to read "
                                     "(give a FILE or -c CODE)"]


def test_closed_stdout_is_one_error_line_and_exit_2():
    done = graphshell("-c", "print(1)", close=(1,))
    assert done.returncode == 2
    assert lines_of(done.stderr) == ["graphshell: stdout is closed: there is nowhere to write "
                                     "the output"]


def test_closed_stdin_does_not_matter_to_a_command_line_program():
    done = graphshell("-c", "print(6 * 7)", close=(0,))
    assert (done.returncode, lines_of(done.stdout), done.stderr) == (0, ["42"], b"")


def test_closed_stderr_still_runs_and_fails_with_the_status():
    done = subprocess.run([sys.executable, "-m", "graphshell.cli", "-c", "print(1)\nnope"],
                          stdout=subprocess.PIPE, preexec_fn=lambda: os.close(2), timeout=60)
    assert (done.returncode, lines_of(done.stdout)) == (1, ["1"])


# -- sys.exit ------------------------------------------------------------------------------------
def test_sys_exit_with_a_message_exits_the_repl_with_1(tmp_path):
    repl = Repl(tmp_path / "history")
    repl.child.send('import sys; sys.exit("bye")\r')
    repl.child.expect(pexpect.EOF)
    assert "bye" in ANSI_SEQUENCE.sub("", repl.child.before)
    repl.child.close()
    assert repl.child.exitstatus == 1


def test_sys_exit_with_a_number_exits_the_repl_with_it(tmp_path):
    repl = Repl(tmp_path / "history")
    repl.child.send("exit(3)\r")
    repl.child.expect(pexpect.EOF)
    repl.child.close()
    assert repl.child.exitstatus == 3


def test_sys_exit_with_an_unprintable_object_is_one_line_and_exit_1():
    code = ("import sys\nclass Odd:\n    def __str__(self):\n        raise ValueError('no')\n"
            "sys.exit(Odd())")
    done = graphshell("-c", code)
    assert done.returncode == 1
    assert lines_of(done.stderr) == ["the object given to sys.exit() cannot be printed "
                                     "(ValueError: no)"]


# -- :exit, :quit in :load, errors without a line or a message ----------------------------------
def test_exit_refuses_a_session_pushed_over_and_leaves_it_on_the_stack(shell):
    shell.execute("a = tf.Session(); b = tf.Session()")
    shell.execute(":enter a")
    shell.execute("over = b.as_default(); over.__enter__()")
    refused = shell.execute(":exit")
    assert refused.error.message == ("cannot exit a (Session#1): b (Session#2) was pushed over "
                                     "it and is the default session; leave that one first (its "
                                     "`with` block or __exit__)")
    shell.execute("over.__exit__(None, None, None)")
    left = shell.execute(":exit")
    assert left.ok and "left a (Session#1); default session: none" in left.text
    with shell.activated():
        assert tf.get_default_session() is None


def test_exit_after_a_nesting_error_does_not_claim_to_leave(shell):
    shell.execute("a = tf.Session(); b = tf.Session()")
    shell.execute(":enter a")
    shell.execute("over = b.as_default(); over.__enter__()")
    shell.execute(":exit")
    again = shell.execute(":exit")
    assert not again.ok and "left a" not in again.text
    with shell.activated():
        assert tf.get_default_session() is shell.namespace["b"]


@pytest.mark.parametrize("stop", [":quit", "quit()", "import sys; sys.exit(0)"])
def test_quit_in_a_loaded_file_stops_that_file(shell, tmp_path, stop):
    script = tmp_path / "stops.gsh"
    script.write_text(f"print('before')\n{stop}\nprint('after')\n")
    result = shell.execute(f":load --quiet {script}")
    assert result.quit and result.ok
    assert "before" in result.text and "after" not in result.text


def test_a_nul_byte_in_a_script_line_is_reported_at_its_line(shell):
    result = shell.execute("a = 1\nb = 2 \0 3", line=7, filename="lesson.gsh")
    assert result.error.one_line() == ("line 8: SyntaxError: source code string cannot contain "
                                       "null bytes")


@pytest.mark.parametrize("error", ["MemoryError", "MemoryError()", "ValueError()"])
def test_an_error_without_a_message_reads_as_its_class(shell, error):
    result = shell.execute(f"raise {error}", line=4, filename="lesson.gsh")
    assert result.error.one_line() == f"line 4: {error.rstrip('()')}"


def test_a_negative_seed_is_a_usage_error():
    done = graphshell("--seed", "-5", "-c", "print(1)")
    assert done.returncode == 2 and done.stdout == b""
    assert lines_of(done.stderr) == ["graphshell: --seed must be a non-negative integer, not -5"]


# -- steps from threads ----------------------------------------------------------------------
def test_steps_finishing_out_of_order_are_kept_in_number_order(shell):
    """Step 1's session hands it on only once step 2 has been recorded: step 2 finishes
    first, yet the history lists step 1 first."""
    shell.execute("x = tf.constant(1.0); first = tf.Session(); second = tf.Session()")
    first, second, x = (shell.namespace[name] for name in ("first", "second", "x"))
    step_one_done, step_two_recorded = threading.Event(), threading.Event()

    def hold_step_one(step):
        step_one_done.set()
        step_two_recorded.wait(timeout=30)

    first.add_step_listener(hold_step_one)

    def run_first():
        with shell.activated():
            first.run(x)

    thread = threading.Thread(target=run_first)
    thread.start()
    assert step_one_done.wait(timeout=30)
    with shell.activated():
        second.run(x)
    step_two_recorded.set()
    thread.join(timeout=30)
    assert [step.number for step in shell.steps] == [1, 2]
    assert [step.session for step in shell.steps] == [first, second]
