"""tf.while_loop: values, the TF1 op structure, step records (which ops ran, how often) and
gradients, checked against plain Python loops and central finite differences."""

from __future__ import annotations

import _thread
import threading

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import errors


def recorded_steps(sess):
    steps = []
    sess._listeners.append(steps.append)
    return steps


def central_differences(f, x0, eps=1e-6):
    grad = np.zeros_like(x0)
    for j in range(x0.size):
        step = np.zeros_like(x0)
        step.flat[j] = eps
        grad.flat[j] = (f(x0 + step) - f(x0 - step)) / (2 * eps)
    return grad


# -- values ------------------------------------------------------------------------------------
def test_counter_and_accumulator_match_a_python_loop():
    i, total = tf.while_loop(lambda i, t: i < 6, lambda i, t: (i + 1, t + tf.cast(i, tf.float32)),
                             [tf.constant(0), tf.constant(0.0)])
    with tf.Session() as sess:
        assert sess.run([i, total]) == [6, sum(range(6))]


def test_vector_state_and_fed_bound():
    limit = tf.placeholder(tf.int32, [])
    start = tf.placeholder(tf.float64, [3])
    _, grown = tf.while_loop(lambda k, v: k < limit, lambda k, v: (k + 1, v * 1.5 + 1.0),
                             [tf.constant(0), start])
    x0 = np.array([1.0, -2.0, 0.5])
    with tf.Session() as sess:
        for n in (0, 1, 7):
            expected = x0.copy()
            for _ in range(n):
                expected = expected * 1.5 + 1.0
            np.testing.assert_allclose(sess.run(grown, {limit: n, start: x0}), expected)


def test_nested_loops_sum_the_inner_counts():
    def outer_body(i, acc):
        inner = tf.while_loop(lambda j, a: j < i, lambda j, a: (j + 1, a + 1),
                              [tf.constant(0), acc])
        return i + 1, inner[1]
    _, total = tf.while_loop(lambda i, a: i < 5, outer_body, [tf.constant(0), tf.constant(0)])
    with tf.Session() as sess:
        assert sess.run(total) == 0 + 1 + 2 + 3 + 4


def test_loop_inside_a_cond_runs_only_when_its_branch_is_taken():
    limit = tf.placeholder(tf.float32, [])
    doubled = tf.cond(limit > 0,
                      lambda: tf.while_loop(lambda v: v < limit, lambda v: v * 2.0,
                                            [tf.constant(1.0)]),
                      lambda: tf.constant(-1.0))
    sess = tf.Session()
    steps = recorded_steps(sess)
    assert sess.run(doubled, {limit: 10.0}) == 16.0
    assert any(op.type == "LoopCond" for op in steps[-1].executed_ops)
    assert sess.run(doubled, {limit: -3.0}) == -1.0
    assert not any(op.type in ("LoopCond", "Merge") and op.name.startswith("cond/while")
                   for op in steps[-1].executed_ops)


def test_cond_inside_a_loop_picks_a_branch_each_iteration():
    _, values = tf.while_loop(
        lambda i, v: i < 6,
        lambda i, v: (i + 1, tf.cond(tf.equal(i % 2, 0), lambda: v + 10, lambda: v * 2)),
        [tf.constant(0), tf.constant(1)])
    expected = 1
    for i in range(6):
        expected = expected + 10 if i % 2 == 0 else expected * 2
    with tf.Session() as sess:
        assert sess.run(values) == expected


def test_maximum_iterations_and_structures():
    capped = tf.while_loop(lambda i: i < 100, lambda i: i + 2, [tf.constant(0)],
                           maximum_iterations=3)
    pair = tf.while_loop(lambda i, t: i < 2, lambda i, t: (i + 1, t * 3),
                         (tf.constant(0), tf.constant(1)))
    assert isinstance(capped, tf.Tensor) and isinstance(pair, tuple)
    with tf.Session() as sess:
        assert sess.run(capped) == 6
        assert sess.run(pair) == (2, 9)


# -- structure and errors ------------------------------------------------------------------------
def test_tf1_op_structure_in_creation_order():
    tf.while_loop(lambda i: i < 5, lambda i: i + 1, [tf.constant(0, name="start")])
    names = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
    assert names == [
        ("start", "Const"), ("while/Enter", "Enter"), ("while/Merge", "Merge"),
        ("while/Less/y", "Const"), ("while/Less", "Less"), ("while/LoopCond", "LoopCond"),
        ("while/Switch", "Switch"), ("while/Identity", "Identity"), ("while/add/y", "Const"),
        ("while/add", "AddV2"), ("while/NextIteration", "NextIteration"), ("while/Exit", "Exit")]


def test_condition_must_be_boolean():
    with pytest.raises(TypeError, match="Input 'input' of 'LoopCond' Op has type int32"):
        tf.while_loop(lambda i: i, lambda i: i + 1, [tf.constant(0)])


def test_body_must_keep_the_structure_and_shape():
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tf.while_loop(lambda i: i < 3, lambda i: (i + 1, i), [tf.constant(0)])
    with pytest.raises(ValueError, match="shape_invariants"):
        tf.while_loop(lambda v: tf.size(v) < 8, lambda v: tf.concat([v, v], 0), [tf.constant([1])])


def test_shape_invariants_allow_growth():
    grown = tf.while_loop(lambda v: tf.size(v) < 8, lambda v: tf.concat([v, v], 0),
                          [tf.constant([1])], shape_invariants=[tf.TensorShape([None])])
    with tf.Session() as sess:
        assert sess.run(grown).tolist() == [1] * 8


def test_body_changing_a_dtype_fails_when_run():
    mismatched = tf.while_loop(lambda i: i < 3, lambda i: tf.cast(i, tf.float32), [tf.constant(0)])
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="dtype of a loop variable"):
            sess.run(mismatched)
        assert sess.run(tf.constant(4)) == 4


# -- step records -------------------------------------------------------------------------------
def test_step_records_every_loop_op_once_with_its_count():
    start = tf.constant(0, name="start")
    unused = tf.constant(9, name="unused")
    result = tf.while_loop(lambda i: i < 3, lambda i: tf.add(i, 1, name="step"), [start],
                           name="loop")
    sess = tf.Session()
    steps = recorded_steps(sess)
    sess.run(result)
    step = steps[-1]
    names = step.executed_names
    assert len(names) == len(set(names))
    assert "loop/step" in names and "start" in names and unused.op.name not in names
    counts = {op.name: times for op, times in step.repeated_ops}
    assert counts["loop/step"] == 3 and counts["loop/Merge"] == 4 and counts["loop/LoopCond"] == 4
    assert step.loop_iterations == [("loop", 3)]
    assert all(duration >= 0 for _, duration in step.op_times_ns)


def test_ctrl_c_stops_an_endless_loop_and_the_session_survives():
    endless = tf.while_loop(lambda i: i >= 0, lambda i: i + 1, [tf.constant(0)])
    sess = tf.Session()
    steps = recorded_steps(sess)
    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            sess.run(endless)
    finally:
        timer.cancel()
    assert steps[-1].error is not None
    assert sess.run(tf.constant(2.0) * 3.0) == 6.0


# -- gradients -----------------------------------------------------------------------------------
def test_gradient_of_repeated_multiplication_is_the_power_rule():
    x = tf.constant(2.0)
    _, cube = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x),
                            [tf.constant(0), tf.constant(1.0)])
    grad = tf.gradients(cube, x)[0]
    with tf.Session() as sess:
        assert sess.run([cube, grad]) == [8.0, 12.0]


def test_gradient_through_a_loop_variable_matches_finite_differences():
    y = tf.placeholder(tf.float64, [3])
    result = tf.while_loop(lambda k, v: k < 4, lambda k, v: (k + 1, tf.sin(v) * 1.5 + v * v),
                           [0, y])[1]
    grad = tf.gradients(tf.reduce_sum(result), y)[0]

    def numpy_loop(v):
        for _ in range(4):
            v = np.sin(v) * 1.5 + v * v
        return v.sum()
    y0 = np.array([0.1, -0.3, 0.7])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(grad, {y: y0}), central_differences(numpy_loop, y0),
                                   rtol=1e-6)


def test_gradients_of_a_captured_variable_and_zero_iterations():
    weights = tf.Variable([1.0, 2.0], dtype=tf.float64)
    y = tf.placeholder(tf.float64, [2])
    n = tf.placeholder(tf.int32, [])
    result = tf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, a * weights + y), [0, y])[1]
    grad_w, grad_y = tf.gradients(tf.reduce_sum(result), [weights, y])
    w0, y0 = np.array([1.0, 2.0]), np.array([0.3, -0.4])

    def numpy_loop(w, v, count):
        a = v.copy()
        for _ in range(count):
            a = a * w + v
        return a.sum()
    with tf.Session() as sess:
        sess.run(weights.initializer)
        for count in (0, 1, 3):
            got_w, got_y = sess.run([grad_w, grad_y], {y: y0, n: count})
            np.testing.assert_allclose(got_w, central_differences(
                lambda w: numpy_loop(w, y0, count), w0), atol=1e-6)  # noqa: B023 - called in this iteration
            np.testing.assert_allclose(got_y, central_differences(
                lambda v: numpy_loop(w0, v, count), y0), atol=1e-6)  # noqa: B023 - called in this iteration


def test_gradient_through_nested_loops():
    y = tf.placeholder(tf.float64, [2])

    def outer_body(i, v):
        inner = tf.while_loop(lambda j, w: j < i + 1, lambda j, w: (j + 1, w * 0.9 + tf.sin(w)),
                              [0, v])[1]
        return i + 1, inner * v
    result = tf.while_loop(lambda i, v: i < 3, outer_body, [0, y])[1]
    grad = tf.gradients(tf.reduce_sum(result), y)[0]

    def numpy_loop(v):
        for i in range(3):
            w = v.copy()
            for _ in range(i + 1):
                w = w * 0.9 + np.sin(w)
            v = w * v
        return v.sum()
    y0 = np.array([0.3, -0.4])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(grad, {y: y0}), central_differences(numpy_loop, y0),
                                   rtol=1e-6)


def test_gradient_through_a_cond_inside_a_loop():
    y = tf.placeholder(tf.float64, [2])
    result = tf.while_loop(
        lambda i, v: i < 4,
        lambda i, v: (i + 1, tf.cond(tf.reduce_sum(v) > 0, lambda: v * v, lambda: tf.exp(v))),
        [0, y])[1]
    grad = tf.gradients(tf.reduce_sum(result), y)[0]

    def numpy_loop(v):
        for _ in range(4):
            v = v * v if v.sum() > 0 else np.exp(v)
        return v.sum()
    with tf.Session() as sess:
        for y0 in (np.array([0.3, -0.4]), np.array([0.9, 0.2])):
            np.testing.assert_allclose(sess.run(grad, {y: y0}),
                                       central_differences(numpy_loop, y0), rtol=1e-5, atol=1e-8)


def test_gradient_through_a_loop_inside_a_cond():
    y = tf.placeholder(tf.float64, [2])
    take_loop = tf.placeholder(tf.bool, [])
    result = tf.cond(take_loop,
                     lambda: tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * tf.cos(v)),
                                           [0, y])[1],
                     lambda: y * 2.0)
    grad = tf.gradients(tf.reduce_sum(result), y)[0]

    def numpy_loop(v):
        for _ in range(3):
            v = v * np.cos(v)
        return v.sum()
    y0 = np.array([0.3, -0.4])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(grad, {y: y0, take_loop: True}),
                                   central_differences(numpy_loop, y0), rtol=1e-6)
        np.testing.assert_allclose(sess.run(grad, {y: y0, take_loop: False}), [2.0, 2.0])


def test_gradient_of_a_value_inside_the_body_is_refused_clearly():
    seen = []

    def body(v):
        seen.append(v * 2.0)
        return seen[-1]
    tf.while_loop(lambda v: v < 10.0, body, [tf.constant(1.0)])
    with pytest.raises(ValueError, match="inside the while loop while"):
        tf.gradients(seen[0], tf.get_default_graph().get_operations()[0].outputs[0])


def test_a_variable_updated_in_the_body_is_updated_once_per_iteration():
    total = tf.Variable(0.0, name="total")

    def body(i):
        with tf.control_dependencies([tf.assign_add(total, tf.cast(i, tf.float32))]):
            return i + 1
    loop = tf.while_loop(lambda i: i < 5, body, [tf.constant(0)])
    assert any(op.type == "RefEnter" for op in tf.get_default_graph().get_operations())
    with tf.Session() as sess:
        sess.run(total.initializer)
        assert sess.run(loop) == 5
        assert sess.run(total) == 0 + 1 + 2 + 3 + 4
