"""tf.losses: values against numpy written out, every reduction, weights, gradients by central
differences, and the collections."""

import numpy as np
import pytest

from graphshell import tf

LABELS = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]], dtype=np.float32)
PREDICTIONS = np.array([[1.5, 2.0], [2.0, 5.0], [2.0, -1.0]], dtype=np.float32)
ROW_WEIGHTS = np.array([[2.0], [0.0], [0.5]], dtype=np.float32)


def _run(tensor, feed=None):
    with tf.Session() as sess:
        return sess.run(tensor, feed)


@pytest.mark.parametrize("reduction, reduce", [
    ("none", lambda w: w),
    ("weighted_sum", np.sum),
    ("weighted_mean", lambda w: np.sum(w) / np.sum(np.broadcast_to(ROW_WEIGHTS, LABELS.shape))),
    ("weighted_sum_over_batch_size", lambda w: np.sum(w) / w.size),
    ("weighted_sum_by_nonzero_weights",
     lambda w: np.sum(w) / np.count_nonzero(np.broadcast_to(ROW_WEIGHTS, LABELS.shape))),
])
def test_mean_squared_error_reduces_weighted_squares_as_each_reduction_says(reduction, reduce):
    loss = tf.losses.mean_squared_error(LABELS, PREDICTIONS, weights=ROW_WEIGHTS,
                                        reduction=reduction)
    weighted = (PREDICTIONS - LABELS) ** 2 * ROW_WEIGHTS
    np.testing.assert_allclose(_run(loss), reduce(weighted), rtol=1e-6)


def test_default_reduction_is_zero_when_every_weight_is_zero():
    loss = tf.losses.absolute_difference(LABELS, PREDICTIONS, weights=0.0)
    assert _run(loss) == 0.0
    assert loss.op.type == "DivNoNan"


def test_losses_match_their_formulas():
    labels = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]], dtype=np.float32)
    x = np.array([[0.3, -2.5, 1.2], [4.0, 0.4, -0.5]], dtype=np.float32)
    error = np.abs(x - labels)
    quadratic = np.minimum(error, 0.75)
    huber = np.mean(0.5 * quadratic ** 2 + 0.75 * (error - quadratic))
    hinge = np.mean(np.maximum(0.0, 1.0 - (2 * labels - 1) * x))
    sigmoid = np.mean(np.maximum(x, 0) - x * labels + np.log1p(np.exp(-np.abs(x))))
    probabilities = 1 / (1 + np.exp(-x))
    log_loss = np.mean(-labels * np.log(probabilities + 1e-7)
                       - (1 - labels) * np.log(1 - probabilities + 1e-7))
    results = _run([tf.losses.huber_loss(labels, x, delta=0.75), tf.losses.hinge_loss(labels, x),
                    tf.losses.sigmoid_cross_entropy(labels, x),
                    tf.losses.log_loss(labels, probabilities)])
    np.testing.assert_allclose(results, [huber, hinge, sigmoid, log_loss], rtol=1e-5)


def test_softmax_cross_entropy_smooths_labels_towards_uniform():
    labels = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=np.float32)
    logits = np.array([[1.0, 2.0, 0.5], [2.0, -1.0, 0.0]], dtype=np.float32)
    smoothed = labels * 0.9 + 0.1 / 3
    log_softmax = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    expected = np.sum(-np.sum(smoothed * log_softmax, axis=1) * [1.0, 3.0]) / 2
    loss = tf.losses.softmax_cross_entropy(labels, logits, weights=[1.0, 3.0], label_smoothing=0.1)
    np.testing.assert_allclose(_run(loss), expected, rtol=1e-6)


def test_sparse_softmax_cross_entropy_squeezes_column_labels_and_weights():
    logits = np.array([[1.0, 2.0, 0.5], [2.0, -1.0, 0.0]], dtype=np.float32)
    flat = tf.losses.sparse_softmax_cross_entropy([1, 0], logits, weights=[1.0, 2.0])
    column = tf.losses.sparse_softmax_cross_entropy([[1], [0]], logits, weights=[[1.0], [2.0]])
    log_softmax = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    expected = (-log_softmax[0, 1] * 1.0 - log_softmax[1, 0] * 2.0) / 2
    np.testing.assert_allclose(_run([flat, column]), [expected, expected], rtol=1e-6)


def test_mean_pairwise_squared_error_averages_over_pairs_per_row():
    labels = np.array([[1.0, 2.0, 4.0]], dtype=np.float32)
    predictions = np.array([[1.5, 2.0, 3.0]], dtype=np.float32)
    diffs = predictions - labels
    pairs = [(diffs[0, i] - diffs[0, j]) ** 2 for i in range(3) for j in range(3) if i != j]
    loss = tf.losses.mean_pairwise_squared_error(labels, predictions)
    np.testing.assert_allclose(_run(loss), np.mean(pairs), rtol=1e-6)


def test_mean_squared_error_gradient_matches_central_differences():
    # the loss is computed in float32 (as TF casts it), so a wide step; exact for a quadratic
    x = tf.placeholder(tf.float32, [3, 2])
    loss = tf.losses.mean_squared_error(LABELS, x, weights=ROW_WEIGHTS)
    grad = tf.gradients(loss, x)[0]
    point = PREDICTIONS
    with tf.Session() as sess:
        analytic = sess.run(grad, {x: point})
        numeric = np.zeros_like(point)
        for index in np.ndindex(point.shape):
            step = np.zeros_like(point)
            step[index] = 0.0625
            numeric[index] = (sess.run(loss, {x: point + step})
                              - sess.run(loss, {x: point - step})) / 0.125
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6)


def test_weights_that_cannot_broadcast_are_refused_while_building():
    with pytest.raises(ValueError, match="weights can not be broadcast to values. values.rank=2"):
        tf.losses.mean_squared_error(LABELS, PREDICTIONS, weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="Mismatch at dim 0"):
        tf.losses.mean_squared_error(LABELS, PREDICTIONS, weights=[[1.0], [2.0]])


def test_unknown_batch_size_weights_broadcast_at_run_time():
    labels = tf.placeholder(tf.float32, [None, 2])
    weights = tf.placeholder(tf.float32, [None, 1])
    loss = tf.losses.mean_squared_error(labels, PREDICTIONS, weights=weights)
    value = _run(loss, {labels: LABELS, weights: ROW_WEIGHTS})
    np.testing.assert_allclose(value, np.sum((PREDICTIONS - LABELS) ** 2 * ROW_WEIGHTS) / 4,
                               rtol=1e-6)


def test_losses_are_collected_and_totalled_with_regularization():
    first = tf.losses.mean_squared_error([1.0], [3.0])
    tf.losses.absolute_difference([1.0], [2.0], loss_collection=None)
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.5))
    assert tf.losses.get_losses() == [first]
    assert _run([tf.losses.get_total_loss(), tf.losses.get_regularization_loss()]) == [4.5, 0.5]


def test_invalid_reduction_names_the_valid_keys():
    with pytest.raises(ValueError, match="Invalid Reduction Key sum. Key should be one of"):
        tf.losses.compute_weighted_loss([1.0], reduction="sum")
