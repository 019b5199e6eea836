"""Ctrl-C always stops the input: no finalizer run by the garbage collector swallows it."""

import gc
import os
import random
import signal
import threading

from graphshell.shell.python_exec import LineWriter


def test_collecting_an_old_writer_runs_none_of_its_code():
    # IOBase's finalizer flushes: a Ctrl-C arriving in that flush is swallowed by it
    emitted = []
    writer = LineWriter(emitted.append)
    writer.write("no newline yet")
    writer.cycle = writer  # only the cyclic collector frees it, at a moment nobody chose
    del writer
    gc.collect()
    assert emitted == []


def test_writer_is_usable_as_stdout():
    lines = []
    writer = LineWriter(lines.append)
    print("a", "b", file=writer)
    writer.writelines(["c\n", "d"])
    writer.flush()
    assert lines == ["a b", "c", "d"]
    assert writer.writable() and not writer.isatty() and not writer.closed


def test_stdout_is_restored_when_ctrl_c_lands_in_the_last_flush(shell, monkeypatch):
    import sys
    saved = sys.stdout

    def interrupted_flush(self):
        raise KeyboardInterrupt
    monkeypatch.setattr(LineWriter, "flush", interrupted_flush)
    result = shell.execute("print('x', end='')")
    assert result.error.type_name == "KeyboardInterrupt"
    assert sys.stdout is saved


def test_every_ctrl_c_in_a_loop_of_steps_stops_it(shell):
    """Real SIGINTs at random moments of a loop of steps that only Ctrl-C ends; the previous
    trial's writers and tracebacks are garbage the collector frees during the next one."""
    started_read, started_write = os.pipe()
    shell.namespace["started"] = lambda: os.write(started_write, b".")
    shell.execute("p = tf.placeholder(tf.float64, []); y = p * 2.0 + 1.0")
    shell.execute("s = tf.InteractiveSession()")
    lost, trials, pick = 0, 40, random.Random(13)
    for _ in range(trials):
        done = threading.Event()
        delay = pick.uniform(0, 0.002)

        def interrupt(done, delay):
            nonlocal lost
            os.read(started_read, 1)  # the input is running
            done.wait(delay)
            os.kill(os.getpid(), signal.SIGINT)
            if not done.wait(120):  # lost (even on a busy machine): a second Ctrl-C ends it
                lost += 1
                os.kill(os.getpid(), signal.SIGINT)
        sender = threading.Thread(target=interrupt, args=(done, delay))
        sender.start()
        result = shell.execute("started()\nwhile True:\n    s.run(y, {p: 1.0})\n    print(1)",
                               show_values=False)
        done.set()
        sender.join()
        assert result.error is not None and result.error.type_name == "KeyboardInterrupt"
    os.close(started_read)
    os.close(started_write)
    assert lost == 0


LOOPING_SCRIPT = """\
import sys
x = tf.Variable(0.0)
s = tf.Session()
s.run(tf.global_variables_initializer())
step = tf.assign_add(x, 1.0)
while True:
    s.run(step)
    if s.run(x) == 1.0:  # inside the loop, so that the signal reaches the loop
        print("looping", file=sys.stderr)
print("after the loop", file=sys.stderr)
"""


def _interrupted_script(tmp_path, *options):
    """Runs the looping script, sends SIGINT once it says it loops; (status, stdout, stderr)."""
    import subprocess
    import sys
    script = tmp_path / "loop.gsh"
    script.write_text(LOOPING_SCRIPT)
    process = subprocess.Popen([sys.executable, "-m", "graphshell.cli", *options, str(script)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        marker = process.stderr.readline()
        assert marker == "looping\n"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    return process.returncode, out, marker + err


def test_sigint_stops_a_script_with_status_130(tmp_path):
    status, _, err = _interrupted_script(tmp_path)
    assert status == 130
    assert "KeyboardInterrupt" in err and "after the loop" not in err


def test_sigint_stops_a_keep_going_script_too(tmp_path):
    status, _, err = _interrupted_script(tmp_path, "--keep-going")
    assert status == 130
    assert "after the loop" not in err
