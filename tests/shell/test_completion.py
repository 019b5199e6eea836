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
    assert texts(shell.complete("tf.nn.rel")) == ["relu", "relu6", "relu_layer"]
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


def test_numbered_names_sort_by_number_not_by_character(shell):
    with shell.activated():
        one = tf.constant(1.0)
        for _ in range(101):
            tf.add_n([one, one])  # AddN, AddN_1 ... AddN_100
    shell.execute("x10, x9, x100 = 1, 2, 3")
    names = [n for n in texts(shell.complete(":why AddN_")) if "/" not in n]
    assert names == [f"AddN_{i}" for i in range(1, 101)]
    assert texts(shell.complete("x"))[:3] == ["x9", "x10", "x100"]


def test_nothing_is_offered_for_attributes_of_a_value_only_a_call_would_give(shell):
    for text in ["tf.Session().", "tf.Session().cl", "t[0].", "'text'.", "(1 + 2).re"]:
        assert shell.complete(text) == [], text
    assert "close" in texts(shell.complete(":run tf.Session.cl"))  # the class is no call


def test_eval_and_run_offer_op_names_after_python_names(shell):
    with shell.activated():
        total = tf.constant(1.0, name="start")
        for _ in range(2):
            total = total + 1.0  # add, add/y, add_1, add_1/y
    shell.execute("adder = 1")
    assert texts(shell.complete(":eval ad")) == ["adder", "add", "add/y", "add_1", "add_1/y"]
    assert texts(shell.complete(":run start ad"))[:2] == ["adder", "add"]
    assert texts(shell.complete(":eval tf.ad"))[0] == "add"  # tf.add, not an op
    assert all(c.meta != "op" for c in shell.complete(":eval tf.ad"))
