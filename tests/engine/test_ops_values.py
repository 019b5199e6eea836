"""Op values, dtypes and static shapes, checked against numpy written out independently."""

import numpy as np
import pytest

from graphshell import tf

RNG = np.random.default_rng(7)
X = RNG.uniform(0.5, 2.0, (3, 4)).astype(np.float32)
Y = RNG.uniform(0.5, 2.0, (3, 4)).astype(np.float32)
ROW = RNG.uniform(0.5, 2.0, (4,)).astype(np.float32)

UNARY = [
    (tf.negative, np.negative), (tf.abs, np.abs), (tf.sign, np.sign), (tf.square, np.square),
    (tf.sqrt, np.sqrt), (tf.rsqrt, lambda x: 1 / np.sqrt(x)), (tf.exp, np.exp),
    (tf.log, np.log), (tf.log1p, np.log1p), (tf.sin, np.sin), (tf.cos, np.cos),
    (tf.tan, np.tan), (tf.tanh, np.tanh), (tf.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    (tf.reciprocal, lambda x: 1 / x), (tf.floor, np.floor), (tf.ceil, np.ceil),
    (tf.round, np.round), (tf.nn.relu, lambda x: np.maximum(x, 0)),
    (tf.nn.softplus, lambda x: np.log1p(np.exp(x))),
    (tf.nn.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
]


POSITIVE_ONLY = {tf.sqrt, tf.rsqrt, tf.log, tf.log1p}


@pytest.mark.parametrize("function, reference", UNARY, ids=lambda f: getattr(f, "__name__", ""))
def test_unary_ops_match_numpy_and_keep_float32(sess, function, reference):
    values = X if function in POSITIVE_ONLY else X - 1.2
    result = sess.run(function(tf.constant(values)))
    assert result.dtype == np.float32
    np.testing.assert_allclose(result, reference(values.astype(np.float64)), rtol=2e-6,
                               atol=1e-7)


BINARY = [
    (lambda a, b: a + b, np.add), (lambda a, b: a - b, np.subtract),
    (lambda a, b: a * b, np.multiply), (lambda a, b: a / b, np.divide),
    (lambda a, b: a // b, np.floor_divide), (lambda a, b: a % b, np.mod),
    (lambda a, b: a ** b, np.power), (tf.maximum, np.maximum), (tf.minimum, np.minimum),
    (tf.squared_difference, lambda a, b: (a - b) ** 2),
]


@pytest.mark.parametrize("function, reference", BINARY)
@pytest.mark.parametrize("right", [Y, ROW, np.float32(1.5)], ids=["same", "row", "scalar"])
def test_binary_ops_broadcast_like_numpy(sess, function, reference, right):
    result = sess.run(function(tf.constant(X), tf.constant(right)))
    expected = reference(X.astype(np.float64), np.float64(right))
    assert result.dtype == np.float32 and result.shape == expected.shape
    np.testing.assert_allclose(result, expected, rtol=2e-6)


def test_static_shapes_of_broadcasting_and_their_errors():
    assert (tf.constant(X) + tf.constant(ROW)).shape.as_list() == [3, 4]
    p = tf.placeholder(tf.float32, [None, 4])
    assert (p * tf.constant(ROW)).shape.as_list() == [None, 4]
    with pytest.raises(ValueError, match=r"Dimensions must be equal, but are 2 and 3 for "
                                         r"'\{\{node add_1\}\} = AddV2\[T=DT_FLOAT\]"
                                         r"\(Const_3, Const_4\)' with input shapes: \[2\], \[3\]"):
        tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])


def test_integer_division_rules(sess):
    seven, minus_seven, two = tf.constant(7), tf.constant(-7), tf.constant(2)
    quotient = seven / two
    assert quotient.dtype == tf.float64 and sess.run(quotient) == 3.5
    assert [op.type for op in tf.get_default_graph().get_operations()[-3:]] == \
        ["Cast", "Cast", "RealDiv"]
    assert (tf.constant(7, tf.int16) / tf.constant(2, tf.int16)).dtype == tf.float32
    assert sess.run([minus_seven // two, minus_seven % two]) == [-4, 1]
    assert sess.run(tf.constant(-7.5) % 2.0) == 0.5


def test_integer_division_by_zero_is_an_invalid_argument(sess):
    with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
        sess.run(tf.constant(5) // tf.constant(0))
    assert np.isinf(sess.run(tf.constant(5.0) / 0.0))


def test_dtype_mismatch_is_a_type_error():
    with pytest.raises(TypeError, match="Input 'y' of 'AddV2' Op has type float64 that does not "
                                        "match type float32"):
        tf.add(tf.constant(1.0), tf.constant(1.0, tf.float64))
    with pytest.raises(TypeError, match="Expected int32"):
        tf.constant(1) * 1.5


def test_python_values_take_the_tensor_dtype(sess):
    assert sess.run(tf.constant(2.0, tf.float64) * 3).dtype == np.float64
    assert sess.run(2 * tf.constant(3)).dtype == np.int32
    assert sess.run(np.array([1.0, 2.0]) * tf.constant(2.0)).dtype == np.float32


@pytest.mark.parametrize("ta, tb", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_with_transpose_flags(sess, ta, tb):
    a = RNG.normal(size=(3, 5) if not ta else (5, 3)).astype(np.float32)
    b = RNG.normal(size=(5, 2) if not tb else (2, 5)).astype(np.float32)
    result = sess.run(tf.matmul(a, b, transpose_a=ta, transpose_b=tb))
    expected = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b)
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-6)


def test_matmul_shape_errors():
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]))
    with pytest.raises(ValueError, match="Shape must be rank 2 but is rank 1"):
        tf.matmul(tf.ones([3]), tf.ones([3, 2]))


REDUCTIONS = [(tf.reduce_sum, np.sum), (tf.reduce_mean, np.mean), (tf.reduce_max, np.max),
              (tf.reduce_min, np.min), (tf.reduce_prod, np.prod)]


@pytest.mark.parametrize("function, reference", REDUCTIONS)
@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, False), (1, True), ([0, 1], False),
                                            (-1, False)])
def test_reductions_match_numpy(sess, function, reference, axis, keepdims):
    t = function(tf.constant(X), axis=axis, keepdims=keepdims)
    expected = reference(X.astype(np.float64), axis=None if axis is None else tuple(
        np.atleast_1d(axis)), keepdims=keepdims)
    result = sess.run(t)
    assert t.shape.as_list() == list(np.shape(expected))
    np.testing.assert_allclose(result, expected, rtol=2e-6)


def test_integer_reductions_keep_integer_dtypes(sess):
    ints = tf.constant([1, 2])
    assert sess.run(tf.reduce_sum(ints)).dtype == np.int32
    assert sess.run(tf.reduce_mean(ints)) == 1
    assert sess.run(tf.reduce_mean(tf.constant([-3, 0]))) == -1


def test_reduction_axis_out_of_range():
    with pytest.raises(ValueError, match="Invalid reduction dimension 5 for input with 2"):
        tf.reduce_sum(tf.ones([2, 3]), axis=5)


def test_reshape_transpose_concat_stack_and_friends(sess):
    t = tf.constant(X)
    assert sess.run(tf.reshape(t, [4, 3])).tolist() == X.reshape(4, 3).tolist()
    assert tf.reshape(t, [-1]).shape.as_list() == [12]
    np.testing.assert_array_equal(sess.run(tf.transpose(t)), X.T)
    np.testing.assert_array_equal(sess.run(tf.transpose(tf.ones([2, 3, 4]), [2, 0, 1])).shape,
                                  (4, 2, 3))
    np.testing.assert_array_equal(sess.run(tf.concat([t, t], 1)), np.concatenate([X, X], 1))
    np.testing.assert_array_equal(sess.run(tf.stack([t, t], axis=1)), np.stack([X, X], 1))
    parts = sess.run(tf.unstack(t))
    np.testing.assert_array_equal(parts[2], X[2])
    np.testing.assert_array_equal(sess.run(tf.expand_dims(t, 0)).shape, (1, 3, 4))
    np.testing.assert_array_equal(sess.run(tf.squeeze(tf.ones([1, 3, 1]))).shape, (3,))
    np.testing.assert_array_equal(sess.run(tf.tile(tf.constant([1, 2]), [3])), [1, 2] * 3)
    np.testing.assert_array_equal(sess.run(tf.gather(t, [2, 0])), X[[2, 0]])
    np.testing.assert_array_equal(sess.run(tf.split(t, 2, axis=1))[1], X[:, 2:])


def test_indexing_with_ints_slices_newaxis_and_ellipsis(sess):
    t = tf.constant(X)
    for key in [0, -1, slice(1, None), (slice(None), 2), (None, 1), (Ellipsis, 0),
                (slice(None, None, -1), slice(0, 3, 2))]:
        result = t[key]
        expected = X[key]
        assert result.shape.as_list() == list(np.shape(expected))
        np.testing.assert_array_equal(sess.run(result), expected)


def test_reshape_shape_errors():
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 6 elements to shape"):
        tf.reshape(tf.ones([2, 3]), [4])
    # TF numbers the dims without the concatenation axis (checked against TF 2.21)
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
        tf.concat([tf.ones([2, 3]), tf.ones([2, 4])], 0)


def test_zeros_ones_fill_cast_and_like(sess):
    assert tf.zeros([2, 3]).op.type == "Const" and tf.zeros([1000, 1000]).op.type == "Fill"
    np.testing.assert_array_equal(sess.run(tf.ones([2], tf.int32)), [1, 1])
    np.testing.assert_array_equal(sess.run(tf.fill([2, 2], 7)), [[7, 7], [7, 7]])
    assert sess.run(tf.cast(tf.constant([1.7, -1.7]), tf.int32)).tolist() == [1, -1]
    assert sess.run(tf.zeros_like(tf.constant(X))).shape == (3, 4)
    p = tf.placeholder(tf.float32, [None])
    np.testing.assert_array_equal(sess.run(tf.ones_like(p), {p: [5.0, 6.0]}), [1.0, 1.0])


def test_huge_requests_are_resource_exhausted_not_a_crash(sess):
    with pytest.raises(tf.errors.ResourceExhaustedError, match="OOM when allocating tensor"):
        sess.run(tf.zeros([10 ** 6, 10 ** 6]))
    assert sess.run(tf.constant(1.0)) == 1.0


def test_comparisons_logic_and_where(sess):
    a, b = tf.constant([1.0, 5.0]), tf.constant([2.0, 2.0])
    assert sess.run(a < b).tolist() == [True, False]
    assert sess.run(tf.logical_and(a < b, a > 0)).tolist() == [True, False]
    np.testing.assert_array_equal(sess.run(tf.where(a < b, a, b)), [1.0, 2.0])
    assert sess.run(tf.logical_xor(tf.constant(True), tf.constant(True))) == False  # noqa: E712


def test_add_n_and_nn_functions(sess):
    np.testing.assert_allclose(sess.run(tf.add_n([X, Y, X])), X + Y + X, rtol=1e-6)
    logits = X.astype(np.float64)
    soft = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    np.testing.assert_allclose(sess.run(tf.nn.softmax(X)), soft, rtol=1e-5)
    np.testing.assert_allclose(sess.run(tf.nn.log_softmax(X)), np.log(soft), rtol=1e-5)
    labels = np.eye(4, dtype=np.float32)[[0, 3, 1]]
    xent = sess.run(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=X))
    np.testing.assert_allclose(xent, -(labels * np.log(soft)).sum(-1), rtol=1e-5)
