"""Large graphs: no recursion that grows with depth, and work linear in the graph's size."""

import sys
import time

import numpy as np
import pytest

from graphshell import tf


def build_chain(length):
    """x -> (+c) -> (*d) -> ... : `length` ops in one long dependency chain."""
    x = tf.placeholder(tf.float64, [], name="x")
    c, d = tf.constant(0.5, tf.float64), tf.constant(1.0001, tf.float64)
    y = x
    for i in range(length):
        y = y * d if i % 2 else y + c
    return x, y


def expected_chain(length, x=1.0):
    value, slope = x, 1.0
    for i in range(length):
        if i % 2:
            value, slope = value * 1.0001, slope * 1.0001
        else:
            value += 0.5
    return value, slope


def test_a_100000_op_chain_builds_runs_and_differentiates():
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        x, y = build_chain(100_000)
        grad = tf.gradients(y, x)[0]
        with tf.Session() as sess:
            value, slope = sess.run([y, grad], {x: 1.0})
    finally:
        sys.setrecursionlimit(old_limit)
    expected_value, expected_slope = expected_chain(100_000)
    np.testing.assert_allclose([value, slope], [expected_value, expected_slope], rtol=1e-9)


def test_a_2000_wide_fan_in():
    xs = [tf.placeholder(tf.float32, [], name=f"x{i}") for i in range(2000)]
    total = tf.add_n(xs)
    grads = tf.gradients(total * total, xs)
    with tf.Session() as sess:
        values = sess.run([total] + grads[:2], {x: 1.0 for x in xs})
    assert values == [2000.0, 4000.0, 4000.0]


def _chain_seconds(length):
    tf.reset_default_graph()
    start = time.perf_counter()
    x, y = build_chain(length)
    grad = tf.gradients(y, x)[0]
    with tf.Session() as sess:
        sess.run([y, grad], {x: 1.0})
    return time.perf_counter() - start


def test_build_run_and_differentiate_scale_linearly():
    small = min(_chain_seconds(5_000) for _ in range(2))
    large = _chain_seconds(50_000)
    assert large / small < 30, f"10x the ops took {large / small:.1f}x the time"


def test_gradients_pause_the_garbage_collector_and_put_it_back():
    """tf.gradients runs with the cyclic collector off (its full passes find nothing to free
    in a growing graph) and leaves it as it found it, on success and on error alone."""
    import gc

    seen = []

    @tf.RegisterGradient("RecordsCollectorState")
    def _recording(op, grad):
        seen.append(gc.isenabled())
        return [grad * 2.0 * op.inputs[0]]

    with tf.Graph().as_default() as graph:
        x = tf.constant(3.0)
        with graph.gradient_override_map({"Square": "RecordsCollectorState"}):
            y = tf.square(x)
        assert gc.isenabled()
        tf.gradients(y, x)
        assert seen == [False] and gc.isenabled()
        gc.disable()
        try:
            tf.gradients(y, x)
            assert not gc.isenabled()  # a caller's choice is kept
        finally:
            gc.enable()
        with graph.gradient_override_map({"Square": "FailsWhileDifferentiating"}):
            z = tf.square(x)
        with pytest.raises(RuntimeError, match="gradient failed"):
            tf.gradients(z, x)
        assert gc.isenabled()


@tf.RegisterGradient("FailsWhileDifferentiating")
def _failing_gradient(op, grad):
    raise RuntimeError("gradient failed")
