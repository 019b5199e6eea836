"""Initializers and Keras regularizers: deterministic values against numpy, scale constants
against the formulas written out, random samples by their statistics."""

import math

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.ops import init_ops, qr_ops


def _run(tensor):
    with tf.Session() as sess:
        return sess.run(tensor)


def _const(name):
    return _run(tf.get_default_graph().get_tensor_by_name(name))


def test_constant_fills_with_the_last_element_and_casts():
    value = _run(tf.constant_initializer([1, 2, 3])([2, 3], dtype=tf.float64))
    np.testing.assert_array_equal(value, np.array([[1, 2, 3], [3, 3, 3]], np.float64))


def test_zeros_and_ones_take_the_dtype_of_the_call():
    zeros = tf.zeros_initializer()([2], dtype=tf.int64)
    ones = tf.ones_initializer(dtype=tf.float64)([3])
    assert (zeros.dtype.name, ones.dtype.name) == ("int64", "float64")
    np.testing.assert_array_equal(_run([zeros, ones])[1], np.ones(3))


def test_identity_is_numpy_eye_times_gain():
    np.testing.assert_array_equal(_run(tf.initializers.identity(gain=3.0)([2, 4])),
                                  3.0 * np.eye(2, 4, dtype=np.float32))
    np.testing.assert_array_equal(_run(tf.initializers.identity()([3, 3])), np.eye(3))


def test_orthogonal_rows_or_columns_are_orthonormal_times_gain():
    tall, wide = _run([tf.orthogonal_initializer()([7, 3]),
                       tf.orthogonal_initializer(gain=2.0)([3, 5])])
    np.testing.assert_allclose(tall.T @ tall, np.eye(3), atol=1e-5)
    np.testing.assert_allclose(wide @ wide.T, 4.0 * np.eye(3), atol=1e-5)


def test_qr_reconstructs_its_input():
    a = np.array([[2.0, 1.0], [1.0, 3.0], [0.0, 1.0]], np.float32)
    q, r = qr_ops.qr(a)
    q_value, r_value = _run([q, r])
    assert q.shape.as_list() == [3, 2] and r.shape.as_list() == [2, 2]
    np.testing.assert_allclose(q_value @ r_value, a, atol=1e-6)
    np.testing.assert_allclose(np.tril(r_value, -1), 0.0)


@pytest.mark.parametrize("shape, fans", [([], (1, 1)), ([5], (5, 5)), ([3, 4], (3, 4)),
                                         ([2, 3, 4, 5], (24, 30))])
def test_fans_count_the_receptive_field(shape, fans):
    assert init_ops.compute_fans(shape) == fans


@pytest.mark.parametrize("mode, fan", [("fan_in", 24), ("fan_out", 30), ("fan_avg", 27)])
def test_variance_scaling_truncated_stddev_divides_by_the_truncation_factor(mode, fan):
    tf.get_variable("v", [2, 3, 4, 5],
                    initializer=tf.variance_scaling_initializer(scale=2.0, mode=mode))
    expected = math.sqrt(2.0 / fan) / 0.87962566103423978
    assert _const("v/Initializer/truncated_normal/stddev:0") == np.float32(expected)


def test_glorot_uniform_limit_and_sample_bounds():
    v = tf.get_variable("v", [50, 70], initializer=tf.glorot_uniform_initializer())
    limit = math.sqrt(6.0 / 120)
    assert _const("v/Initializer/random_uniform/max:0") == np.float32(limit)
    with tf.Session() as sess:
        sess.run(v.initializer)
        values = sess.run(v)
    assert np.abs(values).max() <= np.float32(limit)
    assert abs(values.std() - limit / math.sqrt(3)) < 0.01  # uniform's spread


def test_truncated_normal_samples_stay_within_two_stddevs():
    values = _run(tf.truncated_normal_initializer(mean=2.0, stddev=0.5)([5000]))
    assert np.abs(values - 2.0).max() <= 1.0
    assert abs(values.mean() - 2.0) < 0.03


def test_uniform_unit_scaling_limit_uses_all_but_the_last_dimension():
    tf.get_variable("v", [4, 3, 2], initializer=tf.uniform_unit_scaling_initializer(factor=2.0))
    assert _const("v/Initializer/random_uniform/max:0") == np.float32(math.sqrt(3 / 12) * 2)


def test_unit_random_uniform_skips_min_and_max_only_for_python_ints():
    tf.random_uniform_initializer(0, 1)([2])
    tf.random_uniform_initializer(0.0, 1.0)([2])
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert "random_uniform/min" not in names and "random_uniform_1/min" in names


def test_keras_initializers_default_to_a_scale_of_five_hundredths():
    tf.get_variable("n", [2], initializer=tf.keras.initializers.RandomNormal())
    tf.get_variable("u", [2], initializer=tf.keras.initializers.RandomUniform())
    assert _const("n/Initializer/random_normal/stddev:0") == np.float32(0.05)
    assert _const("u/Initializer/random_uniform/min:0") == np.float32(-0.05)


def test_argument_errors():
    with pytest.raises(ValueError, match="Argument `scale` must be a positive float"):
        tf.variance_scaling_initializer(scale=-1.0)
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        tf.constant_initializer(object())
    with pytest.raises(ValueError, match="at least two-dimensional"):
        tf.orthogonal_initializer()([3])


def test_keras_regularizers_match_the_numpy_penalties():
    w = np.array([[1.0, -2.0], [0.5, 4.0]], np.float32)
    penalties = _run([tf.keras.regularizers.l1(0.1)(tf.constant(w)),
                      tf.keras.regularizers.l2(0.2)(tf.constant(w)),
                      tf.keras.regularizers.l1_l2(0.3, 0.4)(tf.constant(w))])
    expected = [0.1 * np.abs(w).sum(), 0.2 * (w ** 2).sum(),
                0.3 * np.abs(w).sum() + 0.4 * (w ** 2).sum()]
    np.testing.assert_allclose(penalties, expected, rtol=1e-6)


def test_keras_regularizer_rejects_a_penalty_that_is_not_a_number():
    with pytest.raises(ValueError, match="is not a valid regularization penalty number"):
        tf.keras.regularizers.l2("0.1")
