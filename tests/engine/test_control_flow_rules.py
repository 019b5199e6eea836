"""Feed/fetch rules inside control flow, variables read by loops, loop gradients and the
construction-time checks of cond and while_loop: TF's kernel_tests/control_flow_ops_py_test.py
methods, ported in our own words (each test names the TF method it follows)."""

import numpy as np
import pytest

from graphshell import tf

NOT_FETCHABLE = "has been marked as not fetchable"


def test_fetchable_cond_inputs_run_or_are_refused(sess):  # testFetchable
    x = tf.placeholder(tf.float32, name="x")
    tf.cond(tf.constant(True), lambda: x + 2.0, lambda: x + 0.0)
    graph = tf.get_default_graph()
    refused = ran = 0
    for op in graph.get_operations():
        for tensor in op.inputs:
            if graph.is_fetchable(tensor.op):
                sess.run(tensor, {x: 3.0})
                ran += 1
            else:
                with pytest.raises(ValueError, match=NOT_FETCHABLE):
                    sess.run(tensor, {x: 3.0})
                refused += 1
    assert ran and refused


def test_cond_branch_ops_are_not_fetchable_but_feedable(sess):
    x = tf.placeholder(tf.float32, [], name="x")
    inside = []

    def true_fn():
        inside.append(tf.multiply(x, 3.0, name="triple"))
        return inside[0] + 2.0
    out = tf.cond(x > 0.0, true_fn, lambda: x - 1.0, name="cond")
    graph = tf.get_default_graph()
    assert not graph.is_fetchable(inside[0].op) and graph.is_feedable(inside[0])
    assert graph.is_fetchable(out.op)
    with pytest.raises(tf.errors.InaccessibleTensorError, match="cond/triple " + NOT_FETCHABLE):
        sess.run(inside[0], {x: 1.0})
    assert sess.run(out, {x: 1.0, inside[0]: 10.0}) == 12.0


def test_feedable_while_tensors(sess):  # testFeedable
    c = tf.constant(2, name="c")
    i0 = tf.constant(0, name="i0")
    r = tf.while_loop(lambda i: i < 1000, lambda i: tf.square(c) + i, [i0])
    assert sess.run(r, {i0: 0}) == 1000
    graph = tf.get_default_graph()
    feedable = [t for op in graph.get_operations() for t in op.outputs if graph.is_feedable(t)]
    assert {t.name for t in feedable} == {"c:0", "i0:0", "while/Exit:0"}
    for tensor in feedable:
        sess.run(r, {tensor: 3})  # ends: a fed loop value would make the loop endless
    for op in graph.get_operations():
        for tensor in op.inputs:
            if tensor not in feedable and tensor.dtype == tf.int32:
                with pytest.raises(ValueError, match=f"Tensor {tensor.name} may not be fed."):
                    sess.run(r, {tensor: 3})


def test_while_marks_follow_tf():
    r = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)], name="while")
    graph = tf.get_default_graph()
    by_type = {op.type: op for op in graph.get_operations()}
    enter = by_type["Enter"]
    assert graph.is_fetchable(enter) and not graph.is_feedable(enter.outputs[0])
    for op_type in ("Merge", "Switch", "Identity", "LoopCond", "NextIteration"):
        assert not graph.is_fetchable(by_type[op_type])
    assert graph.is_fetchable(r.op) and graph.is_feedable(r)
    with tf.Session() as s:
        assert s.run("while/Enter:0") == 0  # only the Enter runs


def test_nested_loop_exit_is_not_fetchable(sess):
    def outer_body(i, total):
        inner = tf.while_loop(lambda j: j < 2, lambda j: j + 1, [tf.constant(0)], name="inner")
        return i + 1, total + inner
    r = tf.while_loop(lambda i, t: i < 3, outer_body, [tf.constant(0), tf.constant(0)],
                      name="outer")
    graph = tf.get_default_graph()
    inner_exit = graph.get_operation_by_name("outer/inner/Exit")
    assert not graph.is_fetchable(inner_exit) and not graph.is_feedable(inner_exit.outputs[0])
    assert sess.run(r) == (3, 6)
    with pytest.raises(ValueError, match=NOT_FETCHABLE):
        sess.run(inner_exit.outputs[0])


def test_while_update_variable_by_scatter(sess):  # testWhileUpdateVariable_1
    select = tf.Variable([3.0, 4.0, 5.0])

    def body(j):
        update = tf.scatter_update(select, j, 10.0)
        return tf.tuple([j + 1], control_inputs=[update])[0]
    r = tf.while_loop(lambda j: j < 3, body, [tf.constant(0)], parallel_iterations=1)
    sess.run(tf.global_variables_initializer())
    assert sess.run(r) == 3
    np.testing.assert_array_equal(sess.run(select), [10.0, 10.0, 10.0])


def test_while_condition_rereads_variable(sess):  # testWhileUpdateVariable_5
    var_a, var_b = tf.Variable(0, name="a"), tf.Variable(0, name="b")

    def body(i):
        add_a = tf.assign_add(var_a, tf.constant(1))
        add_b = tf.assign_add(var_b, tf.constant(1))
        with tf.control_dependencies([add_a, add_b]):
            return tf.identity(var_b)
    loop = tf.while_loop(lambda i: tf.less(var_b, 10), body, [var_b], parallel_iterations=1)
    sess.run(tf.global_variables_initializer())
    assert sess.run(var_b) == 0
    sess.run(loop)
    assert sess.run([var_a, var_b]) == [10, 10]


def test_while_body_sees_earlier_iterations_updates(sess):  # testWhileUpdateVariable_6
    var_a, var_b = tf.Variable(0, name="a"), tf.Variable(0, name="b")

    def body(i):
        add_a = tf.assign_add(var_a, 1)
        with tf.control_dependencies([add_a]):
            add_b = tf.assign_add(var_b, var_a)
        with tf.control_dependencies([add_b]):
            return tf.add(i, 1)
    loop = tf.while_loop(lambda i: i < 10, body, [tf.constant(0)], parallel_iterations=1)
    sess.run(tf.global_variables_initializer())
    sess.run(loop)
    assert sess.run([var_a, var_b]) == [10, sum(range(1, 11))]


def test_no_backprop_loop_lets_no_gradient_through(sess):  # testWhileGrad_NoGradient
    v = tf.constant(2.0, name="v")
    r = tf.while_loop(lambda v: v < 100.0, tf.square, [v], back_prop=False)
    assert sess.run(tf.gradients(tf.add(r, v), v)) == [1.0]
    assert tf.gradients(r, v) == [None]
    with_backprop = tf.while_loop(lambda v: v < 100.0, tf.square, [v])
    assert sess.run(tf.gradients(tf.add(with_backprop, v), v)) == [8 * 2.0 ** 7 + 1]


def test_gradient_of_while_cond_while(sess):  # testNestedWhileCondWhileGrad
    v = tf.constant(1.0)

    def inner_loop(s):
        return tf.while_loop(lambda i, x: i < 4, lambda i, x: [i + 1, x * 2.0],
                             [tf.constant(0), s])

    def body(x):
        return tf.cond(tf.constant(True), lambda: tf.square(inner_loop(x)[1]),
                       lambda: x * 2.0)
    r = tf.while_loop(lambda x: x < 128.0, body, [v])
    # one pass: (16 v)**2 = 256 v**2, so d/dv = 512 v at v = 1
    assert sess.run([r, tf.gradients(r, v)[0]]) == [256.0, 512.0]


def _central_difference(function, x, eps=1e-3):
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = eps
        grad.flat[i] = (function(x + step) - function(x - step)) / (2 * eps)
    return grad


def test_gradient_with_unknown_shape_invariant(sess):
    x = tf.placeholder(tf.float32, [None], name="x")
    r = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, tf.concat([a, a * 2.0], 0)),
                      [tf.constant(0), x], shape_invariants=[tf.TensorShape([]),
                                                             tf.TensorShape([None])])
    loss = tf.reduce_sum(r[1])
    grad = tf.gradients(loss, x)[0]
    assert r[1].shape.as_list() == [None]
    point = np.array([1.0, 2.0])
    got = sess.run(grad, {x: point})
    expected = _central_difference(lambda p: sess.run(loss, {x: p}), point)
    np.testing.assert_allclose(got, expected, rtol=1e-3)


def test_gradient_with_fully_unknown_invariant(sess):
    x = tf.placeholder(tf.float32, name="x")
    r = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * a), [tf.constant(0), x],
                      shape_invariants=[tf.TensorShape([]), tf.TensorShape(None)])
    grad = tf.gradients(r[1], x)[0]
    point = np.array([1.5, -1.0], dtype=np.float32)
    np.testing.assert_allclose(sess.run(grad, {x: point}), 8 * point ** 7, rtol=1e-6)


def test_gradients_inside_body(sess):  # testWhileGrad inside the body (one pass)
    def body(i, x):
        dydx = tf.gradients(x * x, x)[0]
        return i + 1, x + dydx * 0.1
    r = tf.while_loop(lambda i, x: i < 2, body, [tf.constant(0), tf.constant(3.0)])
    expected = np.float32(3.0)
    for _ in range(2):
        expected = np.float32(expected + np.float32(2 * expected) * np.float32(0.1))
    assert sess.run(r) == (2, expected)


def test_gradients_inside_body_wrt_initial_value():  # testGradInWhileWrtInitialLoopVal
    x = tf.placeholder(tf.float32, [], name="x")
    y = x + 1.0

    def body(i, v):
        return i + 1, tf.gradients(v * 2.0, x)[0]
    with pytest.raises(ValueError, match="Cannot compute gradient inside while loop with "
                                         "respect to op 'x'. We do not support"):
        tf.while_loop(lambda i, v: i < 3, body, [0, y])


def test_loop_tensor_used_outside_is_refused():  # testInvalidContext
    inside = []

    def body(i):
        inside.append(tf.constant(1, name="Const_1"))
        return i + inside[0]
    r = tf.while_loop(lambda i: i < 3, body, [tf.constant(0)], name="while")
    with pytest.raises(ValueError, match="^Cannot use 'while/Const_1' as input to 'Add' because "
                                         "'while/Const_1' is in a while loop. See info log"):
        tf.add(inside[0], 1, name="Add")
    assert tf.add(r, 1).op.inputs[0] is r  # the loop's result is usable


def test_loop_tensor_in_another_loop_is_refused():  # testInvalidContextInWhile
    inside = []

    def body(i):
        inside.append(tf.add(i, 1, name="step"))
        return inside[0]
    tf.while_loop(lambda i: i < 3, body, [tf.constant(0)], name="first")
    with pytest.raises(ValueError, match="Cannot use 'first/step' as input to 'second/add' "
                                         "because they are in different while loops."):
        tf.while_loop(lambda i: i < 3, lambda i: i + inside[0], [tf.constant(0)], name="second")


def test_mismatched_shape_invariant():  # testWhileShapeInvariant... (bad invariant)
    x = tf.constant([1.0, 2.0], name="x")
    with pytest.raises(ValueError, match=r"The shape invariant specified for x:0 is not "
                                         r"compatible .* shape \(2,\), but the specified shape "
                                         r"invariant is \(3,\)\."):
        tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a), [tf.constant(0), x],
                      shape_invariants=[tf.TensorShape([]), tf.TensorShape([3])])


def test_loop_and_cond_structure_checks():
    one, two = tf.constant(0), tf.constant(1.0)
    same = "The two structures don't have the same nested structure."
    with pytest.raises(ValueError, match=same):
        tf.while_loop(lambda i, a: i < 2, lambda i, a: i + 1, [one, two])
    with pytest.raises(ValueError, match="'loop_vars' must be provided."):
        tf.while_loop(lambda i: i < 2, lambda i: i + 1, [])
    p = tf.placeholder(tf.bool, [])
    with pytest.raises(ValueError, match=same):
        tf.cond(p, lambda: [two, two], lambda: [two, two, two])


def test_exits_are_packed_as_the_body_returns_them():
    pair = (tf.constant(0), tf.constant(1.0))
    as_list = tf.while_loop(lambda i, a: i < 2, lambda i, a: [i + 1, a], pair)
    as_tuple = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a), list(pair))
    assert type(as_list) is list and type(as_tuple) is tuple
