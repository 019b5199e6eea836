"""Completion of commands, Python names and attributes, op names, sessions and files."""

from graphshell import tf


def texts(completions):
    return [c.text for c in completions]


def test_command_names(shell):
    assert texts(shell.complete(":st")) == [":stack", ":step", ":steps"]
    assert shell.complete(":st")[0].start == -3


def test_python_names_and_attributes_without_calling_anything(shell):
    shell.execute("session_one = tf.Session()")
    assert "session_one" in texts(shell.complete("sess"))
    assert "close" in texts(shell.complete("session_one.cl"))
    assert "reduce_sum" in texts(shell.complete("tf.reduce_s"))
    assert texts(shell.complete("tf.nn.rel")) == ["relu", "relu6"]
    shell.execute("class Trap:\n    @property\n    def boom(self):\n        raise RuntimeError\n")
    shell.execute("trap = Trap()")
    assert texts(shell.complete("trap.boom.x")) == []


def test_command_arguments_complete_by_kind(shell, tmp_path):
    with shell.activated():  # ops built outside an input go into the shell's graph this way
        tf.constant(1.0, name="alpha")
        with tf.name_scope("layer"):
            tf.constant(1.0, name="beta")
    shell.execute("mine = tf.Session()")
    assert texts(shell.complete(":why al")) == ["alpha"]
    assert "layer/beta" in texts(shell.complete(":why layer/"))
    assert texts(shell.complete(":graph la")) == ["layer"]
    assert texts(shell.complete(":enter mi")) == ["mine"]
    (tmp_path / "lesson.gsh").write_text("")
    assert texts(shell.complete(f":load {tmp_path}/les")) == [f"{tmp_path}/lesson.gsh"]
    assert "mine" in texts(shell.complete(":run mi"))
