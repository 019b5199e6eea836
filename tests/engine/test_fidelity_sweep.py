"""The fidelity sweep: Split/SplitV, the fused activation gradients, scalar reductions of an
unknown rank, ones_like via Fill, folded tf.stack, squeeze errors, StridedSliceGrad constants
and bytes string attrs, checked against numpy written out and central differences."""

from __future__ import annotations

import numpy as np
import pytest
from central_differences import numeric_gradient

from graphshell import tf

# points away from the kinks (0 and 6), where the derivative is defined
POINTS = np.array([[-2.5, -0.75, 0.3], [1.25, 4.0, 7.5]])


def _gradient_and_numeric(build, points=POINTS):
    """tf.gradients of sum(build(x)) at float64 points, and the central differences of it."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, points.shape)
        y = tf.reduce_sum(build(x))
        g = tf.gradients(y, x)[0]
        with tf.Session() as session:
            analytic = session.run(g, {x: points})
            numeric = numeric_gradient(lambda v: session.run(y, {x: v}), points)
    return analytic, numeric


@pytest.mark.parametrize("build", [
    lambda x: tf.nn.leaky_relu(x, alpha=0.3),
    lambda x: tf.nn.leaky_relu(x, alpha=1.5),
    tf.nn.relu6, tf.nn.elu, tf.nn.softsign, tf.nn.relu,
])
def test_fused_activation_gradients_match_central_differences(build):
    analytic, numeric = _gradient_and_numeric(build)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("build", [
    lambda x: tf.nn.leaky_relu(x, alpha=0.3),
    tf.nn.elu,
])
def test_second_derivatives_match_central_differences(build):
    def first_derivative(x):
        return tf.gradients(tf.reduce_sum(build(x) * x), x)[0]
    analytic, numeric = _gradient_and_numeric(first_derivative)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_leaky_relu_selects_rather_than_takes_the_maximum():
    x = np.array([-2.0, -0.5, 0.0, 3.0], dtype=np.float32)
    with tf.Graph().as_default(), tf.Session() as session:
        small, large = session.run([tf.nn.leaky_relu(x), tf.nn.leaky_relu(x, alpha=1.5)])
    alpha = np.float32(0.2)
    np.testing.assert_array_equal(small, np.where(x > 0, x, x * alpha))
    np.testing.assert_array_equal(large, np.where(x > 0, x, x * np.float32(1.5)))


def test_fused_gradient_kernels_written_out():
    x = np.array([-3.0, -0.5, 0.0, 2.0, 6.0, 9.0], dtype=np.float32)
    dy = np.array([1.0, 2.0, -1.0, 0.5, 3.0, np.inf], dtype=np.float32)
    with tf.Graph().as_default(), tf.Session() as session:
        t = tf.constant(x)
        relu6, elu, soft = tf.nn.relu6(t), tf.nn.elu(t), tf.nn.softsign(t)
        g = tf.constant(dy)
        values = session.run([tf.gradients(relu6, t, g)[0], tf.gradients(elu, t, g)[0],
                              tf.gradients(soft, t, g)[0], elu])
    y = values[3]
    np.testing.assert_array_equal(values[0], np.where((x > 0) & (x < 6), dy, 0))
    np.testing.assert_array_equal(values[1], np.where(y < 0, (y + 1) * dy, dy))
    np.testing.assert_array_equal(values[2], dy / np.square(np.abs(x) + 1))


def test_split_int_is_split_and_sizes_with_minus_one_fill_the_rest():
    value = np.arange(24, dtype=np.float32).reshape(4, 6)
    with tf.Graph().as_default(), tf.Session() as session:
        equal = tf.split(value, 3, axis=1)
        sized = tf.split(value, [2, -1, 1], axis=1)
        assert equal[0].op.type == "Split" and sized[0].op.type == "SplitV"
        assert [t.shape.as_list() for t in sized] == [[4, 2], [4, 3], [4, 1]]
        got_equal, got_sized = session.run([equal, sized])
    for got, want in zip(got_equal, (value[:, 0:2], value[:, 2:4], value[:, 4:6])):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(got_sized, (value[:, 0:2], value[:, 2:5], value[:, 5:6])):
        np.testing.assert_array_equal(got, want)


def test_split_gradient_matches_central_differences():
    points = np.arange(12, dtype=np.float64).reshape(2, 6) / 7.0
    weights = np.array([[1.0], [-2.0]])

    def build(x):
        first, _, third = tf.split(x, 3, axis=1)
        return first * weights + tf.square(third)
    analytic, numeric = _gradient_and_numeric(build, points)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_uneven_split_fails_when_built_and_when_run():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="^Dimension size must be evenly divisible by 2 "
                                             "but is 5"):
            tf.split(tf.zeros([5]), 2)
        p = tf.placeholder(tf.float32)
        parts = tf.split(p, 2)
        with tf.Session() as session, pytest.raises(
                tf.errors.InvalidArgumentError, match="split_dim 0 \\(size = 3\\) and num_split 2"):
            session.run(parts, {p: [1.0, 2.0, 3.0]})


def test_reductions_of_an_unknown_rank_are_scalars_without_keepdims():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32)
        assert tf.reduce_sum(x).shape.ndims == 0
        assert tf.reduce_logsumexp(x).shape.ndims == 0
        assert tf.reduce_max(x, keepdims=True).shape.ndims is None
        assert tf.reduce_mean(x, 0).shape.ndims is None
        with tf.Session() as session:
            value = np.array([[1.0, 2.0], [3.0, 5.0]], dtype=np.float32)
            assert session.run(tf.reduce_mean(x), {x: value}) == np.float32(2.75)


def test_ones_like_of_an_unknown_shape_fills_the_dynamic_shape():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        ones, zeros = tf.ones_like(x, dtype=tf.int64), tf.zeros_like(x, dtype=tf.int64)
        assert ones.op.type == zeros.op.type == "Fill"
        assert tf.zeros_like(x).op.type == "ZerosLike"
        with tf.Session() as session:
            got_ones, got_zeros = session.run([ones, zeros], {x: np.zeros([2, 3])})
    np.testing.assert_array_equal(got_ones, np.ones([2, 3], dtype=np.int64))
    np.testing.assert_array_equal(got_zeros, np.zeros([2, 3], dtype=np.int64))


def test_stack_folds_python_values_and_packs_tensors_level_by_level():
    with tf.Graph().as_default():
        folded = tf.stack([[1, 2], [3, 4]])
        assert folded.op.type == "Const" and folded.op.name == "stack"
        t = tf.constant(1.0, name="t")
        packed = tf.stack([[t, 2.0], [3.0, 4.0]])
        ops = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
        assert ops[-4:] == [("stack_1/0/1", "Const"), ("stack_1/0", "Pack"),
                            ("stack_1/1_1", "Const"), ("stack_1", "Pack")]
        with tf.Session() as session:
            np.testing.assert_array_equal(session.run(packed), [[1.0, 2.0], [3.0, 4.0]])


def test_pack_shape_clash_names_the_input_merged_from_the_end():
    with tf.Graph().as_default(), pytest.raises(
            ValueError, match="(?s)are 2 and 3.*From merging shape 1 with other"):
            tf.stack([tf.zeros([2]), tf.zeros([2]), tf.zeros([3])])


def test_concat_names_python_elements_values_i():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        joined = tf.concat([x, [[1.0, 2.0]]], 0)
        assert [t.name for t in joined.op.inputs] == ["Placeholder:0", "concat/values_1:0",
                                                     "concat/axis:0"]
        with pytest.raises(TypeError, match=r"have types \[int32, float32\]"):
            tf.concat([tf.constant([1]), [2.5]], 0)


def test_squeeze_errors_name_the_normalised_dimension():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32)
        with tf.Session() as session:
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"dim\[1\], expected"):
                session.run(tf.squeeze(p, [-1]), {p: np.zeros([2, 3])})
            with pytest.raises(tf.errors.InvalidArgumentError, match="index -3 for tensor"):
                session.run(tf.squeeze(p, [-3]), {p: np.zeros([2, 3])})


def test_strided_slice_gradient_has_its_own_constants():
    with tf.Graph().as_default():
        x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        g = tf.gradients(x[:, 1:], x)[0]
        inputs = [t.op.name for t in g.op.inputs[:4]]
        assert inputs == [f"gradients/strided_slice_grad/StridedSliceGrad/{part}"
                          for part in ("shape", "begin", "end", "strides")]
        assert g.op.get_attr("T") == tf.float32 and g.op.get_attr("Index") == tf.int32
        with tf.Session() as session:
            np.testing.assert_array_equal(session.run(g), [[0, 1, 1], [0, 1, 1]])


def test_string_attrs_come_back_as_bytes():
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        printed = tf.Print(v, [v], message="hello")
        assert v.op.get_attr("container") == b"" and v.op.get_attr("shared_name") == b""
        assert printed.op.get_attr("message") == b"hello"
        assert 's: "hello"' in str(printed.op)  # the NodeDef text view is unchanged
