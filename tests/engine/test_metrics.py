"""tf.metrics: running values over several updates against sums worked out by hand, the local
variables, and the collections."""

import numpy as np
import pytest

from graphshell import tf


@pytest.fixture
def batches():
    labels = tf.placeholder(tf.int32, [None])
    predictions = tf.placeholder(tf.int32, [None])
    return labels, predictions, [([1, 2, 3, 4], [1, 2, 0, 4]), ([0, 0], [1, 1]), ([5], [5])]


def test_accuracy_accumulates_correct_predictions_over_updates(batches):
    labels, predictions, data = batches
    accuracy, update = tf.metrics.accuracy(labels, predictions)
    seen = correct = 0
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for truth, guess in data:
            seen += len(truth)
            correct += sum(t == g for t, g in zip(truth, guess))
            assert sess.run(update, {labels: truth, predictions: guess}) == \
                np.float32(correct / seen)
        assert sess.run(accuracy) == np.float32(correct / seen)


def test_metric_variables_are_local_zeroed_and_untrainable():
    tf.metrics.mean(tf.constant([1.0, 2.0]))
    names = [v.op.name for v in tf.local_variables()]
    assert names == ["mean/total", "mean/count"]
    assert [v.op.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)] == names
    assert tf.global_variables() == [] and tf.trainable_variables() == []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(tf.local_variables()) == [0.0, 0.0]


def test_weighted_mean_divides_by_the_weight_sum():
    values = tf.placeholder(tf.float32, [None])
    weights = tf.placeholder(tf.float32, [None])
    mean, update = tf.metrics.mean(values, weights=weights)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        sess.run(update, {values: [1.0, 2.0, 6.0], weights: [1.0, 0.0, 3.0]})
        sess.run(update, {values: [10.0], weights: [0.5]})
        expected = (1.0 + 18.0 + 5.0) / (1.0 + 3.0 + 0.5)
        np.testing.assert_allclose(sess.run(mean), expected, rtol=1e-6)


def test_precision_and_recall_count_outcomes_across_batches():
    labels = tf.placeholder(tf.int32, [None])
    predictions = tf.placeholder(tf.int32, [None])
    precision, precision_update = tf.metrics.precision(labels, predictions)
    recall, recall_update = tf.metrics.recall(labels, predictions)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run([precision, recall]) == [0.0, 0.0]
        updates = [precision_update, recall_update]
        sess.run(updates, {labels: [1, 0, 1, 1], predictions: [1, 1, 0, 1]})
        sess.run(updates, {labels: [0, 1], predictions: [0, 1]})
        # true positives 3, false positives 1, false negatives 1
        np.testing.assert_allclose(sess.run([precision, recall]), [0.75, 0.75])


def test_regression_metrics_follow_their_formulas():
    labels = np.array([1.0, 2.0, 0.0], dtype=np.float32)
    predictions = np.array([2.0, 4.0, -3.0], dtype=np.float32)
    mse = tf.metrics.mean_squared_error(labels, predictions)
    mae = tf.metrics.mean_absolute_error(labels, predictions)
    rmse = tf.metrics.root_mean_squared_error(labels, predictions)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        values = sess.run([mse[1], mae[1], rmse[1]])
    squared = np.mean((labels - predictions) ** 2)
    np.testing.assert_allclose(values, [squared, np.mean(np.abs(labels - predictions)),
                                        np.sqrt(squared)], rtol=1e-6)


def test_collections_receive_values_and_update_ops():
    value, update = tf.metrics.accuracy([1], [1], metrics_collections=["values"],
                                        updates_collections=["updates"])
    assert tf.get_collection("values") == [value]
    assert tf.get_collection("updates") == [update]


def test_weights_of_impossible_rank_are_refused():
    with pytest.raises(ValueError, match="must have rank in"):
        tf.metrics.true_positives(tf.constant([True]), tf.constant([True]),
                                  weights=tf.ones([1, 1, 1]))
