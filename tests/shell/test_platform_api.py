"""tf.flags, tf.app.run, tf.gfile and tf.logging, with the behaviour and messages TF 2.21's
tf.compat.v1 showed for the same calls."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from graphshell import tf


@pytest.fixture
def flags():
    tf.flags.DEFINE_float("lr", 0.5, "learning rate")
    tf.flags.DEFINE_boolean("fast", False, "go fast")
    tf.flags.DEFINE_list("names", "a,b", "names")
    tf.flags.DEFINE_enum("mode", "x", ["x", "y"], "mode")
    tf.flags.DEFINE_integer("count", 1, "how many", lower_bound=0)
    return tf.flags.FLAGS


def test_flags_parse_values_and_leave_the_rest_for_main(flags):
    rest = flags(["prog", "--fast", "--lr=0.25", "rest", "--names", "p,q", "--mode=y",
                  "--unknown=1"], known_only=True)
    assert rest == ["prog", "rest", "--unknown=1"]
    assert (flags.fast, flags.lr, flags.names, flags.mode) == (True, 0.25, ["p", "q"], "y")
    assert flags(["prog", "--nofast"]) == ["prog"] and flags.fast is False


def test_flags_read_before_parsing_parse_sys_argv_tolerating_unknown_flags(flags, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["prog", "--lr", "2", "--other"])
    assert flags.lr == 2.0 and flags.names == ["a", "b"]


def test_flag_errors_say_what_absl_says(flags):
    cases = [(["p", "--count=-1"], "flag --count=-1: -1 is not a non-negative integer"),
             (["p", "--lr=abc"], "flag --lr=abc: could not convert string to float: 'abc'"),
             (["p", "--fast=maybe"],
              "flag --fast=maybe: ('Non-boolean argument to boolean flag', 'maybe')")]
    for argv, message in cases:
        with pytest.raises(tf.flags.IllegalFlagValueError) as caught:
            flags(argv)
        assert str(caught.value) == message
    with pytest.raises(tf.flags.UnrecognizedFlagError, match="Unknown command line flag 'zzz'"):
        flags(["p", "--zzz"])
    with pytest.raises(tf.flags.DuplicateFlagError, match="The flag 'lr' is defined twice"):
        tf.flags.DEFINE_float("lr", 1.0, "again")
    with pytest.raises(AttributeError, match="missing"):
        _ = flags.missing


def test_flags_belong_to_the_program_not_the_process(flags):
    from graphshell.engine.graph.context import EngineContext
    with EngineContext().installed():
        tf.flags.DEFINE_float("lr", 9.0, "a second program may define the same flag")
        assert tf.flags.FLAGS.lr == 9.0
    assert flags.lr == 0.5


def test_app_run_passes_the_rest_of_argv_to_main_and_exits_with_its_result(tmp_path):
    program = tmp_path / "prog.py"
    program.write_text(textwrap.dedent("""\
        import tensorflow as tf
        tf.flags.DEFINE_float("lr", 0.5, "learning rate")
        FLAGS = tf.flags.FLAGS
        def main(argv):
            print("lr", FLAGS.lr, "rest", argv[1:])
            return 3
        if __name__ == "__main__":
            tf.app.run()
        """))
    done = subprocess.run([sys.executable, "-m", "graphshell", str(program), "--lr=0.25", "x"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert "lr 0.25 rest ['x']" in done.stdout


def test_gfile_reads_writes_and_lists(tmp_path):
    folder = tmp_path / "a" / "b"
    tf.gfile.MakeDirs(str(folder))
    tf.gfile.MakeDirs(str(folder))  # already there: fine, as in TF
    path = str(tmp_path / "a" / "f.txt")
    with tf.gfile.GFile(path, "w") as f:
        f.write("x\ny\n")
    assert list(tf.gfile.GFile(path)) == ["x\n", "y\n"]
    assert tf.gfile.GFile(path, "rb").read() == b"x\ny\n"
    assert tf.gfile.ListDirectory(str(tmp_path / "a")) == ["b", "f.txt"]
    assert tf.gfile.Glob(str(tmp_path / "a" / "*.txt")) == [path]
    assert tf.gfile.Stat(path).length == 4 and tf.gfile.GFile(path).size() == 4
    assert tf.gfile.IsDirectory(str(folder)) and tf.gfile.Exists(path)
    assert [entry[1:] for entry in tf.gfile.Walk(str(tmp_path))][0] == (["a"], [])
    tf.gfile.Copy(path, path + ".copy")
    tf.gfile.Rename(path + ".copy", path + ".moved")
    tf.gfile.DeleteRecursively(str(tmp_path / "a"))
    assert not tf.gfile.Exists(path)


def test_gfile_errors_are_tf_errors(tmp_path):
    missing = str(tmp_path / "missing")
    cases = [(lambda: tf.gfile.GFile(missing).read(), tf.errors.NotFoundError,
              f"{missing}; No such file or directory"),
             (lambda: tf.gfile.ListDirectory(missing), tf.errors.NotFoundError,
              f"Could not find directory {missing}"),
             (lambda: tf.gfile.Remove(missing), tf.errors.NotFoundError,
              f"{missing}; No such file or directory"),
             (lambda: tf.gfile.DeleteRecursively(missing), tf.errors.NotFoundError,
              f"{missing} not found"),
             (lambda: tf.gfile.MkDir(str(tmp_path)), tf.errors.AlreadyExistsError,
              "file already exists"),
             (lambda: tf.gfile.GFile(missing, "q"), tf.errors.InvalidArgumentError,
              "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'")]
    for call, error_class, message in cases:
        with pytest.raises(error_class) as caught:
            call()
        assert caught.value.message == message
    (tmp_path / "f").write_text("x")
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.gfile.Copy(str(tmp_path / "f"), str(tmp_path / "f"))


def test_logging_prints_tf_format_at_the_set_verbosity(capsys):
    saved = tf.logging.get_verbosity()
    try:
        tf.logging.set_verbosity(tf.logging.WARN)
        tf.logging.warning("hello %s", 1)
        tf.logging.info("quiet")
        tf.logging.set_verbosity(tf.logging.INFO)
        tf.logging.info("loud")
        for _ in range(5):
            tf.logging.log_every_n(tf.logging.INFO, "every %d", 2, 2)
        assert tf.logging.get_verbosity() == tf.logging.INFO == 20
    finally:
        tf.logging.set_verbosity(saved)
    assert capsys.readouterr().err.splitlines() == [
        "WARNING:tensorflow:hello 1", "INFO:tensorflow:loud", "INFO:tensorflow:every 2",
        "INFO:tensorflow:every 2", "INFO:tensorflow:every 2"]


def test_a_programs_stderr_goes_to_stderr_and_the_shell_shows_it_in_place(tmp_path):
    program = tmp_path / "prog.py"
    program.write_text("import tensorflow as tf\nprint('out')\ntf.logging.warning('careful')\n"
                       "import sys; print('raw', file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-m", "graphshell", str(program)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if not line.startswith("note:")] == ["out"]
    assert "WARNING:tensorflow:careful" in done.stderr and "raw" in done.stderr

    from graphshell.shell.core import Shell
    shell = Shell()
    try:
        result = shell.execute("import sys; print('to stderr', file=sys.stderr)")
        assert [(e.kind, e.body.plain) for e in result.entries] == [("stderr", "to stderr")]
    finally:
        shell.close()


def test_a_programs_own_modules_that_import_tensorflow_get_graphshells_tf(tmp_path):
    (tmp_path / "libs").mkdir()
    (tmp_path / "libs" / "__init__.py").write_text("")
    (tmp_path / "libs" / "activations.py").write_text(
        "import tensorflow as tf\nfrom tensorflow.python.framework import ops\n"
        "def lrelu(x):\n    return tf.maximum(x, 0.2 * x)\n")
    program = tmp_path / "prog.py"
    program.write_text("import tensorflow as tf\nfrom libs.activations import lrelu\n"
                       "with tf.Session() as s:\n    print(s.run(lrelu(tf.constant(-1.0))))\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([sys.executable, "-m", "graphshell", str(program)], cwd=elsewhere,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "-0.2"


def test_the_tensorflow_mapping_lasts_only_while_an_input_runs():
    from graphshell.shell.core import Shell
    shell = Shell()
    try:
        result = shell.execute("import sys; seen = sys.modules['tensorflow.compat.v1'] is tf")
        assert result.error is None and shell.namespace["seen"] is True
    finally:
        shell.close()
    assert "tensorflow" not in sys.modules and "tensorflow.compat.v1" not in sys.modules
