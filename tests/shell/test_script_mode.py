"""`graphshell FILE`, `graphshell < FILE` and `graphshell -c`: plain deterministic output,
honest exit statuses, and bad input that never crashes the runner."""

import os
import pathlib
import subprocess
import sys

import pytest

SAMPLES = pathlib.Path(__file__).parents[2] / "sample_graphs"


def graphshell(*args, stdin=None, env=None, timeout=300):
    """Runs graphshell in a child process. The timeouts here only stop a hung run: a busy
    machine can make a run that takes a second take a minute, which must not fail a test."""
    environment = dict(os.environ, **(env or {}))
    environment.pop("NO_COLOR", None) if env is None or "NO_COLOR" not in env else None
    return subprocess.run([sys.executable, "-m", "graphshell.cli", *args], input=stdin,
                          capture_output=True, timeout=timeout, env=environment)


def test_piped_script_runs_with_plain_output_and_exit_0():
    script = b"t = tf.constant(2.0, name='t')\ns = tf.InteractiveSession()\n:eval t * 3\n"
    done = graphshell(stdin=script)
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout.decode().splitlines() == ["step 1 on s (eval): ran 3 ops: t, mul/y, mul",
                                                 "np.float32(6.0)"]
    assert b"\x1b[" not in done.stdout


def test_file_and_command_line_forms_give_the_same_output(tmp_path):
    script = tmp_path / "lesson.gsh"
    script.write_text("a = tf.constant(1.0)\nb = a + 1\nwith tf.Session() as s:\n"
                      "    s.run(b)\n")
    from_file = graphshell(str(script))
    from_pipe = graphshell(stdin=script.read_bytes())
    from_c = graphshell("-c", "a = tf.constant(1.0); b = a + 1; s = tf.Session(); s.run(b)")
    assert from_file.returncode == from_pipe.returncode == from_c.returncode == 0
    assert from_file.stdout == from_pipe.stdout == from_c.stdout
    assert from_file.stdout.startswith(b"step 1 on s (run): ran 3 ops: Const, add/y, add")


def test_first_error_exits_1_naming_the_line():
    done = graphshell(stdin=b"x = 1\ny = undefined + 1\nprint('not reached')\n")
    assert done.returncode == 1
    assert done.stderr.decode() == "line 2: NameError: name 'undefined' is not defined\n"
    assert b"not reached" not in done.stdout


def test_keep_going_reports_every_error_and_exits_1_at_the_end():
    done = graphshell("--keep-going", stdin=b"1/0\n:nope\nprint('reached')\n")
    assert done.returncode == 1
    errors = done.stderr.decode().splitlines()
    assert errors[0] == "line 1: ZeroDivisionError: division by zero"
    assert errors[1].startswith("line 2: CommandError: unknown command :nope")
    assert done.stdout == b"reached\n"


def test_echo_prints_inputs_like_a_transcript():
    done = graphshell("--echo", stdin=b"for i in range(2):\n    print(i)\n\n:help quit\n")
    assert done.stdout.decode().splitlines()[:4] == [">>> for i in range(2):",
                                                     "...     print(i)", "0", "1"]
    assert ">>> :help quit" in done.stdout.decode()


def test_output_is_identical_from_run_to_run_even_with_random_ops():
    script = b"r = tf.random_uniform([3])\ns = tf.Session()\ns.run(r)\n:steps\n"
    first, second = graphshell(stdin=script), graphshell(stdin=script)
    assert first.returncode == 0 and first.stdout == second.stdout
    assert graphshell("--seed", "5", stdin=script).stdout != first.stdout


def test_timings_only_when_asked():
    script = b"s = tf.InteractiveSession()\n:eval tf.constant(1.0) + 1\n:steps\n"
    assert b" us" not in graphshell(stdin=script).stdout
    timed = graphshell("--timings", stdin=script).stdout.decode()
    assert " in " in timed.splitlines()[0] and "time" in timed


def test_colour_only_with_color_and_never_with_no_color():
    script = b"s = tf.InteractiveSession()\n:eval tf.constant(1.0)\n"
    assert b"\x1b[" in graphshell("--color", stdin=script).stdout
    assert b"\x1b[" not in graphshell("--color", stdin=script,
                                      env={"NO_COLOR": "1"}).stdout


def test_quit_stops_the_script():
    done = graphshell(stdin=b"print(1)\n:quit\nprint(2)\n")
    assert done.returncode == 0 and done.stdout == b"1\n"


def test_usage_errors_exit_2():
    assert graphshell("--no-such-flag").returncode == 2
    missing = graphshell("/no/such/script.gsh")
    assert missing.returncode == 2 and b"no such file" in missing.stderr


def test_binary_garbage_and_a_1mb_line_do_not_crash():
    garbage = bytes(range(256)) * 40 + b"\nprint('alive')\n"
    done = graphshell("--keep-going", stdin=garbage)  # binary: refused in one line (issue 13)
    assert done.returncode == 2 and b"alive" not in done.stdout
    assert done.stderr.decode().splitlines() == [
        "graphshell: <stdin> is a binary file, not a script (a text script has no NUL bytes)"]
    huge = b"x = [" + b"1, " * 350_000 + b"1]\nprint(len(x))\n"
    done = graphshell(stdin=huge)
    assert done.returncode == 0 and done.stdout == b"350001\n"
    nested = b"(" * 100_000 + b"\nprint('still here')\n"
    done = graphshell("--keep-going", stdin=nested)
    assert b"still here" in done.stdout and b"Traceback" not in done.stderr


def test_load_runs_a_script_and_refuses_missing_or_binary_files(tmp_path):
    good = tmp_path / "good.gsh"
    good.write_text("loaded = 7\n")
    binary = tmp_path / "data.bin"
    binary.write_bytes(b"\x00\x01\x02")
    done = graphshell("--keep-going", stdin=f":load {good}\nloaded * 6\n:load {binary}\n"
                                           f":load {tmp_path}/missing.gsh\n".encode())
    assert done.stdout.decode().splitlines() == ["42"]
    errors = done.stderr.decode().splitlines()
    assert "is a binary file, not a script" in errors[0] and "no such file" in errors[1]


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.gsh")))
def test_sample_sessions_run_deterministically(sample):
    first = graphshell("--keep-going", str(SAMPLES / sample))
    second = graphshell("--keep-going", str(SAMPLES / sample))
    assert first.stdout == second.stdout and first.stderr == second.stderr
    assert b"Traceback" not in first.stderr
    assert first.stdout.count(b"step ") >= 2


def test_tui_needs_a_terminal():
    done = graphshell("--tui", stdin=b"")
    assert done.returncode == 2 and b"--tui needs a terminal" in done.stderr


def test_a_reader_that_stops_early_ends_the_script_quietly():
    command = (f"{sys.executable} -m graphshell.cli -c 'for i in range(100000): print(i)' "
               "| head -2")
    done = subprocess.run(command, shell=True, capture_output=True, timeout=300)
    assert done.stdout == b"0\n1\n" and done.stderr == b""


# -- expected-error marks ------------------------------------------------------------------------
def test_a_marked_error_is_printed_and_the_script_goes_on_to_exit_0():
    script = (b"s = tf.InteractiveSession()\nx = tf.placeholder(tf.float32, name='x')\n"
              b":eval x  # error: InvalidArgumentError\nundefined  # error: NameError\n"
              b"print('reached')\n")
    done = graphshell(stdin=script)
    assert done.returncode == 0 and done.stderr == b""
    lines = done.stdout.decode().splitlines()
    assert lines[1].startswith("line 3: InvalidArgumentError: You must feed a value")
    assert lines[2:] == ["line 4: NameError: name 'undefined' is not defined", "reached"]


def test_a_marked_error_may_name_a_base_class():
    done = graphshell(stdin=b"{}['k']  # error: LookupError\n")
    assert done.returncode == 0 and done.stdout == b"line 1: KeyError: k\n"


def test_a_marked_error_that_does_not_happen_is_one_line_and_exit_1():
    done = graphshell(stdin=b"x = 1  # error: NameError\nprint('not reached')\n")
    assert done.returncode == 1 and done.stdout == b""
    assert done.stderr == (b"line 1: expected NameError (marked on this input), but it ran "
                           b"without error\n")


def test_another_error_than_the_marked_one_fails():
    done = graphshell("--keep-going", stdin=b"1/0  # error: NameError\nprint('on')\n")
    assert done.returncode == 1 and done.stdout == b"on\n"
    assert done.stderr == (b"line 1: ZeroDivisionError: division by zero (this input is "
                           b"marked to fail with NameError)\n")


def test_a_mark_in_a_string_is_no_mark():
    done = graphshell(stdin=b"print('# error: NameError')\n")
    assert done.returncode == 0 and done.stdout == b"# error: NameError\n"


# -- exit statuses and pipes ---------------------------------------------------------------------
@pytest.mark.parametrize("call, status, stderr", [
    ("import sys; sys.exit(3)", 3, b""), ("exit(7)", 7, b""), ("sys.exit()", 0, b""),
    ("raise SystemExit('bye')", 1, b"bye\n"), ("import sys; sys.exit(0)", 0, b""),
])
def test_sys_exit_sets_the_exit_status(call, status, stderr):
    done = graphshell(stdin=f"import sys\nprint('before')\n{call}\nprint('after')\n".encode())
    assert done.returncode == status and done.stdout == b"before\n" and done.stderr == stderr


def test_exit_inside_a_loaded_script_sets_the_status(tmp_path):
    inner = tmp_path / "inner.gsh"
    inner.write_text("print('inner')\nexit(5)\nprint('not reached')\n")
    done = graphshell(stdin=f":load {inner}\nprint('not reached either')\n".encode())
    assert done.returncode == 5 and done.stdout == b"inner\n"


def test_echo_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    script = tmp_path / "long.gsh"
    script.write_text("x = 1\n" * 20000)  # more echo than a pipe holds once head has gone
    command = f"{sys.executable} -m graphshell.cli --echo {script} | head -1"
    done = subprocess.run(command, shell=True, capture_output=True, timeout=300)
    assert done.stdout == b">>> x = 1\n" and done.stderr == b""


# -- .py files run as Python runs them ---------------------------------------------------------
def test_a_py_file_shows_only_what_it_prints(tmp_path):
    program = tmp_path / "program.py"
    program.write_text('"""A docstring."""\nc = tf.constant(3.0, name="c")\n1 + 1\n'
                       's = tf.Session()\nprint("c:", s.run(c))\ns.run(c)\n')
    done = graphshell(str(program))
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines() == [
        "step 1 on s (run): ran 1 op: c", "c: 3.0", "step 2 on s (run): ran 1 op: c"]


def test_a_py_file_with_a_syntax_error_runs_nothing(tmp_path):
    program = tmp_path / "broken.py"
    program.write_text("print('first')\nx = (1 +* 2)\n")
    done = graphshell(str(program))
    assert done.returncode == 1 and done.stdout == b""
    assert done.stderr.decode().splitlines() == [
        "line 2, column 9: SyntaxError: invalid syntax", "    x = (1 +* 2)", "            ^"]


# -- the command itself -------------------------------------------------------------------------
def test_version_and_python_dash_m():
    from graphshell import __version__
    done = subprocess.run([sys.executable, "-m", "graphshell", "--version"],
                          capture_output=True, timeout=300)
    assert done.returncode == 0 and done.stdout == f"graphshell {__version__}\n".encode()
    done = subprocess.run([sys.executable, "-m", "graphshell", "-c", "print(6 * 7)"],
                          capture_output=True, timeout=300)
    assert done.returncode == 0 and done.stdout == b"42\n"


def test_help_lists_environment_exit_statuses_and_examples():
    text = graphshell("--help").stdout.decode()
    for needed in ("NO_COLOR", "non-empty", "GRAPHSHELL_HISTORY", "exit status:", "130",
                   "sys.exit(n)", "examples:", "--check", "# error: ClassName", "--version"):
        assert needed in text, needed


def test_an_empty_no_color_does_not_disable_colour():
    script = b"s = tf.InteractiveSession()\n:eval tf.constant(1.0)\n"
    assert b"\x1b[" in graphshell("--color", stdin=script, env={"NO_COLOR": ""}).stdout


def test_syntax_errors_name_line_and_column_with_a_caret():
    source = "x = 1\nfor i in range(3) print(i)\n"
    try:
        compile(source, "<test>", "exec")
    except SyntaxError as error:
        python_says = error  # where Python's own compiler puts it
    done = graphshell(stdin=source.encode())
    assert done.returncode == 1
    line, text, caret = done.stderr.decode().splitlines()
    assert line == f"line 2, column {python_says.offset}: SyntaxError: {python_says.msg}"
    assert text == "    for i in range(3) print(i)"
    assert caret.index("^") == len("    ") + python_says.offset - 1


def test_tui_on_a_missing_file_says_so_before_opening():
    import pexpect
    child = pexpect.spawn(sys.executable, ["-m", "graphshell", "--tui", "/no/such/lesson.gsh"],
                          timeout=300)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert child.before.decode().strip() == "graphshell: no such file: /no/such/lesson.gsh"
