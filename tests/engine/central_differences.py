"""Numeric gradients for the engine tests: central differences, element by element, and a check
of a graph's gradient against them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numeric_gradient(function: Callable[[np.ndarray], float], values, eps: float = 1e-6):
    """d function / d values at `values` (made float64), by central differences."""
    values = np.array(values, dtype=np.float64)
    grad = np.zeros_like(values)
    for index in np.ndindex(values.shape):
        up, down = values.copy(), values.copy()
        up[index] += eps
        down[index] -= eps
        grad[index] = (function(up) - function(down)) / (2 * eps)
    return grad


def check_weighted_sum_gradient(build, value, rng: np.random.Generator, atol: float = 1e-6):
    """tf.gradients of sum(w * build(x)) at `value` (float64, fed to x) against central
    differences; w is drawn from `rng` in the output's run-time shape. The graph is built in a
    graph of its own, its variables initialized."""
    from graphshell import tf
    value = np.asarray(value, np.float64)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, value.shape)
        y = build(x)
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            weights = rng.normal(size=session.run(y, {x: value}).shape)
            loss = tf.reduce_sum(y * weights)
            grad = tf.gradients(loss, x)[0]
            found = session.run(grad, {x: value})
            expected = numeric_gradient(lambda v: session.run(loss, {x: v}), value)
    np.testing.assert_allclose(found, expected, atol=atol, rtol=1e-6)
