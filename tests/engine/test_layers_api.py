"""tf.layers: names and variable scopes, weights, outputs against numpy written out, reuse,
regularization losses, dropout's training flag and batch norm's updates."""

import numpy as np
import pytest

from graphshell import tf

KERNEL = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], dtype=np.float32)
X = np.array([[1.0, 2.0], [3.0, -1.0]], dtype=np.float32)


def _initialized_run(tensors, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(tensors, feed)


def test_dense_computes_activation_of_x_kernel_plus_bias():
    y = tf.layers.dense(X, 3, activation=tf.nn.relu,
                        kernel_initializer=tf.constant_initializer(KERNEL),
                        bias_initializer=tf.constant_initializer(0.1))
    assert y.op.inputs[0].op.inputs[0].op.inputs[0].op.name == "Const"  # converted outside
    assert (y.op.name, y.op.inputs[0].op.name) == ("dense/Relu", "dense/BiasAdd")
    np.testing.assert_allclose(_initialized_run(y), np.maximum(X @ KERNEL + 0.1, 0), rtol=1e-6)


def test_layer_names_and_scopes_count_up_per_graph():
    x = tf.placeholder(tf.float32, [None, 2])
    first, second = tf.layers.Dense(1), tf.layers.Dense(1)
    first(x)
    second(x)
    assert (first.name, second.name) == ("dense_1", "dense_2")
    assert (first.scope_name, second.scope_name) == ("dense", "dense_1")
    assert [v.op.name for v in second.trainable_weights] == ["dense_1/kernel", "dense_1/bias"]


def test_calling_a_layer_again_shares_its_weights():
    layer = tf.layers.Dense(3, kernel_initializer=tf.constant_initializer(KERNEL))
    once, twice = layer(X), layer(2 * X)
    assert len(tf.global_variables()) == 2
    assert twice.op.name == "dense/BiasAdd_1"
    np.testing.assert_allclose(_initialized_run(twice), 2 * _initialized_run(once), rtol=1e-6)


def test_functional_layers_reuse_by_name_only_when_asked():
    x = tf.placeholder(tf.float32, [None, 2])
    tf.layers.dense(x, 3, name="fc")
    shared = tf.layers.dense(x, 3, name="fc", reuse=True)
    assert shared.op.inputs[0].op.inputs[1].op.name == "fc/kernel/read"
    with pytest.raises(ValueError, match="Variable fc/kernel already exists, disallowed"):
        tf.layers.dense(x, 3, name="fc")


def test_kernel_regularizer_loss_lands_in_regularization_losses():
    layer = tf.layers.Dense(2, kernel_initializer=tf.constant_initializer(2.0),
                            kernel_regularizer=tf.nn.l2_loss)
    layer(X)
    [loss] = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert loss.op.name == "dense/kernel/Regularizer/L2Loss"
    assert _initialized_run(loss) == pytest.approx(0.5 * 4.0 * 4)


def test_dropout_identity_unless_training_and_a_cond_for_a_tensor_flag():
    x = tf.ones([10, 40])
    flag = tf.placeholder(tf.bool, [])
    off = tf.layers.dropout(x, 0.5)
    switched = tf.layers.dropout(x, 0.5, training=flag)
    assert off.op.type == "Identity" and switched.op.type == "Merge"
    kept, dropped = _initialized_run([off, switched], {flag: True})
    assert np.all(kept == 1.0)
    assert set(np.unique(dropped)) <= {0.0, 2.0} and 0 < np.mean(dropped == 0) < 1


def test_conv2d_same_padding_sums_the_window_times_the_constant_kernel():
    x = np.arange(16, dtype=np.float32).reshape([1, 4, 4, 1])
    y = tf.layers.conv2d(x, 1, 3, padding="same", use_bias=False,
                         kernel_initializer=tf.ones_initializer())
    padded = np.pad(x[0, :, :, 0], 1)
    expected = np.array([[padded[i:i + 3, j:j + 3].sum() for j in range(4)] for i in range(4)])
    np.testing.assert_allclose(_initialized_run(y)[0, :, :, 0], expected)
    assert y.op.name == "conv2d/Conv2D"


def test_pooling_layers_take_window_maxima_and_means():
    x = np.arange(16, dtype=np.float32).reshape([1, 4, 4, 1])
    pooled, averaged = _initialized_run([tf.layers.max_pooling2d(x, 2, 2),
                                         tf.layers.average_pooling2d(x, 2, 2)])
    grid = x[0, :, :, 0].reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(2, 2, 4)
    np.testing.assert_allclose(pooled[0, :, :, 0], grid.max(axis=2))
    np.testing.assert_allclose(averaged[0, :, :, 0], grid.mean(axis=2))


def test_batch_norm_training_normalizes_by_batch_moments_and_updates_moving_averages():
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]], dtype=np.float32)
    y = tf.layers.batch_normalization(x, training=True, momentum=0.9)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert [op.name for op in updates] == ["batch_normalization/AssignMovingAvg",
                                           "batch_normalization/AssignMovingAvg_1"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        normalized = sess.run(y)
        sess.run(updates)
        moving_mean, moving_variance = sess.run(tf.global_variables()[2:])
    np.testing.assert_allclose(normalized, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), rtol=1e-5)
    np.testing.assert_allclose(moving_mean, 0.1 * x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(moving_variance, 0.9 + 0.1 * x.var(0), rtol=1e-6)


def test_fused_batch_norm_inference_uses_the_moving_statistics():
    x = np.arange(12, dtype=np.float32).reshape([1, 2, 3, 2])
    y = tf.layers.batch_normalization(x, moving_mean_initializer=tf.constant_initializer(2.0))
    assert y.op.type == "FusedBatchNormV3"
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    np.testing.assert_allclose(_initialized_run(y), (x - 2.0) / np.sqrt(1.0 + 1e-3), rtol=1e-6)


def test_flatten_keeps_the_batch_axis():
    y = tf.layers.flatten(tf.placeholder(tf.float32, [None, 2, 3]))
    assert y.shape.as_list() == [None, 6]
