"""Graphs: naming, name scopes, control dependencies, look-ups and the default-graph stack."""

import numpy as np
import pytest

from graphshell import tf


def test_default_op_names_follow_tensorflow():
    a = tf.constant(2.0)
    b = tf.constant(3.0)
    names = [t.name for t in [a, b, a * b, tf.multiply(a, b), a * b, a + b, tf.add(a, b),
                              a - b, a / b, a // b, a % b, a ** b, -a, abs(a)]]
    assert names == ["Const:0", "Const_1:0", "mul:0", "Mul_1:0", "mul_2:0", "add:0", "Add_1:0",
                     "sub:0", "truediv:0", "floordiv:0", "mod:0", "pow:0", "Neg:0", "Abs:0"]
    assert [(a + b).op.type, (a / b).op.type, (a // b).op.type, (a % b).op.type] == \
        ["AddV2", "RealDiv", "FloorDiv", "FloorMod"]


def test_unique_names_are_case_insensitive_and_skip_taken_suffixes():
    names = [tf.constant(1.0, name=n).op.name for n in ["x", "x", "x_1", "x", "X"]]
    assert names == ["x", "x_1", "x_1_1", "x_2", "X_3"]
    g = tf.Graph()
    assert [g.unique_name(n) for n in ["foo_2", "foo", "foo", "foo"]] == \
        ["foo_2", "foo", "foo_1", "foo_3"]
    assert g.unique_name("foo", mark_as_used=False) == g.unique_name("foo", mark_as_used=False)


def test_name_scopes_prefix_uniquify_reenter_and_reset():
    g = tf.get_default_graph()
    with g.name_scope("bar") as scope:
        first = tf.constant(0.0, name="c").op.name
        second = tf.constant(0.0, name="c").op.name
        named_by_scope = tf.identity(1.0, name=scope).op.name
    with g.name_scope("bar"):
        fresh_scope = tf.constant(0.0, name="c").op.name
    with g.name_scope("bar/"):
        reentered = tf.constant(0.0, name="c").op.name
    with g.name_scope("bar"), g.name_scope(None):
        root = tf.constant(0.0, name="top").op.name
    assert scope == "bar/"
    assert [first, second, named_by_scope, fresh_scope, reentered, root] == \
        ["bar/c", "bar/c_1", "bar", "bar_1/c", "bar/c_2", "top"]
    assert tf.constant(0.0, name="bar").op.name == "bar_3"


def test_operator_constants_live_in_the_op_scope():
    x = tf.placeholder(tf.float32, name="x")
    assert (x * 2).op.inputs[1].op.name == "mul/y"
    assert (2 * x).op.inputs[0].op.name == "mul_1/x"
    assert tf.add(x, 1.0, name="d").op.inputs[1].op.name == "d/y"


def test_tf_name_scope_v1_signature_uses_default_name():
    with tf.name_scope(None, "outer", []) as scope:
        op = tf.constant(1.0, name="c").op
    assert scope == "outer/" and op.name == "outer/c"


def test_invalid_names_raise_value_error():
    with pytest.raises(ValueError, match="`bad name` is not a valid node name"):
        tf.constant(1.0, name="bad name")
    with (pytest.raises(ValueError, match="'_bar' is not a valid root scope name"),
          tf.get_default_graph().name_scope("_bar")):
        pass


def test_control_dependencies_nest_clear_and_skip_dominated_ops():
    g = tf.get_default_graph()
    a1, a2, a3 = (tf.constant(v, name=n) for v, n in [(1.0, "a1"), (2.0, "a2"), (3.0, "a3")])
    with g.control_dependencies([a1]), g.control_dependencies([a2]):
        b12 = tf.constant(0.0, name="b12")
        with g.control_dependencies(None):
            bnone = tf.constant(0.0, name="bnone")
            with g.control_dependencies([a3]):
                b3 = tf.constant(0.0, name="b3")
        e = tf.identity(b12, name="e")

    def names(t):
        return sorted(op.name for op in t.op.control_inputs)
    assert (names(b12), names(bnone), names(b3), names(e)) == (["a1", "a2"], [], ["a3"], [])


def test_control_dependencies_only_attach_to_new_ops():
    v = tf.Variable(0.0)
    inc = v.assign_add(1.0, read_value=False)
    x = tf.constant(10.0)
    with tf.control_dependencies([inc]):
        y = tf.identity(x)
        z = x
    assert y.op.control_inputs == [inc] and z.op.control_inputs == []
    with tf.Session() as s:
        s.run(v.initializer)
        s.run(y)
        s.run(z)
        assert s.run(v) == 1.0


def test_control_dependencies_reject_non_graph_elements():
    with (pytest.raises(TypeError, match="Can not convert a int into a Tensor or Operation."),
          tf.control_dependencies([5])):
        pass


@pytest.mark.parametrize("name, error, message", [
    ("c:x", ValueError, "looks a like a Tensor name, but is not a valid one"),
    ("foo:0", KeyError, "The operation, 'foo', does not exist in the graph."),
    ("c:1", KeyError, "exists but only has 1 outputs."),
    ("nope", KeyError, "refers to an Operation not in the graph."),
])
def test_name_lookups_fail_with_tensorflows_errors(name, error, message):
    tf.constant(1.0, name="c")
    with pytest.raises(error, match=message):
        tf.get_default_graph().as_graph_element(name)


def test_lookups_return_the_same_objects():
    c = tf.constant(1.0, name="c")
    g = tf.get_default_graph()
    assert g.get_tensor_by_name("c:0") is c
    assert g.get_operation_by_name("c") is c.op
    assert g.as_graph_element(b"c:0") is c
    with pytest.raises(ValueError, match="refers to an Operation, not a Tensor"):
        g.get_tensor_by_name("c")


def test_tensor_consumers_list_each_input_slot():
    x = tf.constant(1.0)
    y = x * x
    z = tf.identity(x)
    assert x.consumers() == [y.op, y.op, z.op]
    assert y.op.inputs == (x, x)


def test_ops_are_built_in_their_inputs_graph():
    with tf.Graph().as_default():
        a = tf.constant(1.0, name="a")
    g = tf.Graph()
    with g.as_default():
        b = tf.constant(2.0, name="b")
        with pytest.raises(ValueError, match=r'Tensor\("b:0".*must be from the same graph as '
                                             r'Tensor\("a:0"'):
            a + b
        assert (a + 1.0).graph is a.graph


def test_finalized_graph_refuses_new_ops():
    g = tf.Graph()
    g.finalize()
    with g.as_default(), pytest.raises(RuntimeError, match="Graph is finalized"):
        tf.constant(1.0)


def test_default_graph_stack_and_reset():
    g0 = tf.get_default_graph()
    tf.reset_default_graph()
    assert tf.get_default_graph() is not g0
    g = tf.Graph()
    with g.as_default():
        assert tf.get_default_graph() is g
        with pytest.raises(AssertionError, match="Do not use tf.reset_default_graph"):
            tf.reset_default_graph()
    with tf.Session(), pytest.raises(AssertionError, match="nested graphs"):
        tf.reset_default_graph()


def test_leaving_graph_contexts_out_of_order_is_an_assertion_error():
    first, second = tf.Graph().as_default(), tf.Graph().as_default()
    first.__enter__()
    second.__enter__()
    with pytest.raises(AssertionError, match="Nesting violated for default stack"):
        first.__exit__(None, None, None)


def test_each_thread_has_its_own_default_graph():
    import threading
    seen = []
    thread = threading.Thread(target=lambda: seen.append(tf.get_default_graph()))
    thread.start()
    thread.join()
    assert seen[0] is not tf.get_default_graph()


def test_repr_and_str_of_tensors_ops_and_shapes():
    p = tf.placeholder(tf.float32, [None, 2], name="p")
    assert repr(p) == "<tf.Tensor 'p:0' shape=(?, 2) dtype=float32>"
    assert str(p) == 'Tensor("p:0", shape=(?, 2), dtype=float32)'
    assert repr(p.op) == "<tf.Operation 'p' type=Placeholder>"
    assert str(p.op).startswith('name: "p"\nop: "Placeholder"\n')
    assert p.shape.as_list() == [None, 2] and p.shape.ndims == 2
    assert repr(p.shape) == "TensorShape([Dimension(None), Dimension(2)])"
    assert p.shape[1] == 2 and p.shape[0].value is None
    assert str(tf.placeholder(tf.float32).shape) == "<unknown>"


def test_symbolic_tensors_are_not_python_values():
    t = tf.constant([1.0, 2.0])
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError,
                       match="as a Python `bool` is not allowed"):
        bool(t)
    assert issubclass(tf.errors.OperatorNotAllowedInGraphError, TypeError)
    with pytest.raises(TypeError,
                       match=r"len is not well defined for a symbolic Tensor \(Const:0\)"):
        len(t)
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError, match="Iterating over a symbolic"):
        iter(t)
    with pytest.raises(NotImplementedError, match="Cannot convert a symbolic tf.Tensor"):
        np.asarray(t)
    other = tf.constant([1.0, 2.0])
    assert (t == t) is True and (t == other) is False
    assert {t: 1}[t] == 1


def test_graph_def_lists_nodes_with_inputs():
    a = tf.constant(1.0, name="a")
    with tf.control_dependencies([a]):
        b = tf.identity(a, name="b") + tf.constant(2.0, name="two")
    nodes = {n.name: n for n in tf.get_default_graph().as_graph_def().node}
    assert nodes["add"].input == ["b", "two"]
    assert nodes["two"].input == ["^a"]
    assert b.op.type == "AddV2"
