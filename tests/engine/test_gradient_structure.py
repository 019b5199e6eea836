"""The gradient ops built as TF's math_grad/nn_grad build them: fused <Op>Grad kernels against
numpy formulas, second derivatives against central differences, the reduction gradients'
shape paths and the sparse cross entropy against numpy written out."""

import numpy as np
import pytest
from test_gradients import check_gradient

from graphshell import tf

X = np.array([0.3, 0.9, 1.7])


def _run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


@pytest.mark.parametrize("function, formula", [
    (tf.sigmoid, lambda y, g: g * y * (1 - y)),
    (tf.tanh, lambda y, g: g * (1 - y * y)),
    (tf.sqrt, lambda y, g: 0.5 * g / y),
    (tf.rsqrt, lambda y, g: -0.5 * g * y ** 3),
    (tf.reciprocal, lambda y, g: -g * y * y),
], ids=["sigmoid", "tanh", "sqrt", "rsqrt", "reciprocal"])
def test_fused_grad_op_matches_formula_and_second_derivative(function, formula):
    x = tf.constant(X)
    y = function(x)
    weights = tf.constant([0.5, -1.0, 2.0], tf.float64)
    grad = tf.gradients(y, x, grad_ys=weights)[0]
    assert grad.op.type == function(x).op.type + "Grad"
    y_value, grad_value = _run([y, grad])
    np.testing.assert_allclose(grad_value, formula(y_value, np.array([0.5, -1.0, 2.0])),
                               rtol=1e-12)
    check_gradient(lambda t: tf.gradients(function(t), t)[0], X)


def test_sum_gradient_paths():
    static = tf.constant(np.ones((2, 3)))
    dynamic = tf.placeholder(tf.float64, [None, 3])
    all_axes = tf.gradients(tf.reduce_sum(static), static)[0]
    one_axis = tf.gradients(tf.reduce_sum(static, 1), static)[0]
    unknown = tf.gradients(tf.reduce_sum(dynamic, 1), dynamic)[0]
    assert [all_axes.op.type, one_axis.op.type, unknown.op.type] == \
        ["Tile", "Tile", "BroadcastTo"]
    values = _run([all_axes, one_axis, unknown], {dynamic: np.zeros((4, 3))})
    np.testing.assert_array_equal(values[0], np.ones((2, 3)))
    np.testing.assert_array_equal(values[1], np.ones((2, 3)))
    np.testing.assert_array_equal(values[2], np.ones((4, 3)))


def test_reduction_gradients_against_differences():
    values = np.array([[0.5, 1.5, -2.0], [1.0, 3.0, 0.25]])
    check_gradient(lambda t: tf.reduce_mean(t, 0), values)
    check_gradient(lambda t: tf.reduce_max(t, 1), values)
    check_gradient(lambda t: tf.reduce_prod(t, [0, 1]), values)
    dynamic = tf.placeholder(tf.float64, [None, 3])
    mean = tf.gradients(tf.reduce_mean(dynamic, 0), dynamic)[0]
    np.testing.assert_allclose(_run(mean, {dynamic: values}), np.full((2, 3), 0.5))


def test_dynamic_stitch_reduced_shape():
    x = tf.placeholder(tf.float32, [None, None, 2])
    g = tf.gradients(tf.reduce_sum(x, [0, 2]), x)[0]
    stitch = tf.get_default_graph().get_operation_by_name("gradients/Sum_grad/DynamicStitch")
    assert stitch.type == "DynamicStitch"
    shape = _run(stitch.outputs[0], {x: np.zeros((3, 4, 2))})
    np.testing.assert_array_equal(shape, [1, 4, 1])
    assert _run(g, {x: np.zeros((3, 4, 2))}).shape == (3, 4, 2)


def test_broadcast_binary_gradients_against_differences():
    a = np.array([[0.5, 1.5, 2.0], [1.0, 3.0, 0.25]])
    b = np.array([0.75, 1.25, 2.5])
    check_gradient(lambda p, q: p * q, a, b)
    check_gradient(lambda p, q: p / q, a, b)
    check_gradient(lambda p, q: tf.squared_difference(p, q), a, b)
    check_gradient(lambda p, q: tf.pow(p, q), a, b)


def test_sparse_cross_entropy_is_one_op_matching_numpy():
    logits = np.array([[1.0, 2.0, 0.5], [0.1, -0.3, 0.9]])
    labels = np.array([1, 2])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    assert loss.op.type == "SparseSoftmaxCrossEntropyWithLogits"
    shifted = logits - logits.max(1, keepdims=True)
    expected = np.log(np.exp(shifted).sum(1)) - shifted[[0, 1], labels]
    np.testing.assert_allclose(_run(loss), expected, rtol=1e-12)
    check_gradient(lambda t: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=t), logits)


def test_sparse_cross_entropy_bad_label():
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant([3]), logits=tf.constant([[1.0, 2.0, 0.5]]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of 3"):
        _run(loss)


def test_dense_cross_entropy_second_derivative():
    logits = np.array([[1.0, 2.0, 0.5], [0.1, -0.3, 0.9]])
    labels = np.array([[0.2, 0.7, 0.1], [0.0, 0.0, 1.0]])

    def first_derivative(t):
        loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=t)
        return tf.gradients(loss * tf.constant([1.0, 2.0], tf.float64), t)[0]
    check_gradient(first_derivative, logits)
    check_gradient(lambda t: tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=labels, logits=t), logits)


def test_bias_add_grad_op():
    value = np.arange(6.0).reshape(3, 2)
    check_gradient(lambda v, b: tf.nn.bias_add(v, b), value, np.array([0.5, -0.5]))
    bias = tf.constant([0.5, -0.5], tf.float64)
    grad = tf.gradients(tf.nn.bias_add(tf.constant(value), bias), bias,
                        grad_ys=tf.constant(value))[0]
    assert grad.op.type == "BiasAddGrad"
    np.testing.assert_array_equal(_run(grad), value.sum(0))
