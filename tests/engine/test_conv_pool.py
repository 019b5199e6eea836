"""Convolutions and pooling against numpy written out with explicit loops on tiny inputs, and
their gradients against central differences."""

import numpy as np
import pytest
from central_differences import numeric_gradient as central_difference

from graphshell import tf

RNG = np.random.default_rng(12)


# -- references, written out pixel by pixel --------------------------------------------------------
def same_pads(size, window, stride, dilation=1):
    effective = (window - 1) * dilation + 1
    out = -(-size // stride)
    needed = max(0, (out - 1) * stride + effective - size)
    return needed // 2, needed - needed // 2


def pads_for(padding, x_shape, window, strides, dilations=(1, 1)):
    if padding == "VALID":
        return (0, 0), (0, 0)
    if padding == "SAME":
        return (same_pads(x_shape[1], window[0], strides[0], dilations[0]),
                same_pads(x_shape[2], window[1], strides[1], dilations[1]))
    return padding  # explicit ((top, bottom), (left, right))


def reference_conv2d(x, w, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    (top, bottom), (left, right) = pads_for(padding, x.shape, w.shape[:2], strides, dilations)
    n, rows, cols, depth = x.shape
    kh, kw, filter_depth, out_depth = w.shape
    per_group = out_depth // (depth // filter_depth)
    out_r = (rows + top + bottom - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    out_c = (cols + left + right - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    out = np.zeros((n, out_r, out_c, out_depth))
    for b in range(n):
        for i in range(out_r):
            for j in range(out_c):
                for o in range(out_depth):
                    group = o // per_group
                    total = 0.0
                    for di in range(kh):
                        for dj in range(kw):
                            r = i * strides[0] + di * dilations[0] - top
                            c = j * strides[1] + dj * dilations[1] - left
                            if 0 <= r < rows and 0 <= c < cols:
                                for k in range(filter_depth):
                                    total += x[b, r, c, group * filter_depth + k] * w[di, dj, k, o]
                    out[b, i, j, o] = total
    return out


def reference_pool(x, window, strides, padding, kind):
    """Max or mean over each window's real cells, and (for max) where the first maximum is."""
    (top, bottom), (left, right) = pads_for(padding, x.shape, window, strides)
    n, rows, cols, depth = x.shape
    out_r = (rows + top + bottom - window[0]) // strides[0] + 1
    out_c = (cols + left + right - window[1]) // strides[1] + 1
    out = np.zeros((n, out_r, out_c, depth))
    argmax = {}
    for b in range(n):
        for i in range(out_r):
            for j in range(out_c):
                for d in range(depth):
                    r0, c0 = i * strides[0] - top, j * strides[1] - left
                    cells = [(r, c) for r in range(r0, r0 + window[0])
                             for c in range(c0, c0 + window[1])
                             if 0 <= r < rows and 0 <= c < cols]
                    values = [x[b, r, c, d] for r, c in cells]
                    if kind == "max":
                        first = int(np.argmax(values))
                        out[b, i, j, d] = values[first]
                        argmax[b, i, j, d] = (b,) + cells[first] + (d,)
                    else:
                        out[b, i, j, d] = sum(values) / len(values)
    return out, argmax




def run(t, feed=None):
    with tf.Session() as s:
        return s.run(t, feed)


# -- values ----------------------------------------------------------------------------------------
CONV_CASES = [
    ((1, 5, 5, 2), (3, 3, 2, 3), (1, 1), "VALID", (1, 1)),
    ((2, 5, 6, 2), (3, 2, 2, 3), (2, 2), "SAME", (1, 1)),
    ((1, 7, 6, 1), (3, 3, 1, 2), (2, 3), "SAME", (1, 1)),
    ((1, 7, 7, 2), (3, 3, 2, 2), (1, 1), "SAME", (2, 2)),
    ((1, 8, 7, 2), (2, 3, 2, 2), (2, 1), "VALID", (3, 2)),
    ((1, 4, 5, 1), (3, 3, 1, 2), (1, 2), ((1, 2), (0, 3)), (1, 1)),
    ((1, 5, 5, 4), (3, 3, 2, 6), (1, 1), "SAME", (1, 1)),  # two groups
]


def _padding_argument(padding):
    if isinstance(padding, str):
        return padding
    return [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]


@pytest.mark.parametrize("x_shape, w_shape, strides, padding, dilations", CONV_CASES)
def test_conv2d_matches_loops_and_static_shape(x_shape, w_shape, strides, padding, dilations):
    x, w = RNG.normal(size=x_shape), RNG.normal(size=w_shape)
    y = tf.nn.conv2d(tf.constant(x), tf.constant(w), list(strides),
                     _padding_argument(padding), dilations=list(dilations))
    expected = reference_conv2d(x, w, strides, padding, dilations)
    assert y.shape.as_list() == list(expected.shape)
    np.testing.assert_allclose(run(y), expected, rtol=1e-12, atol=1e-12)


def test_conv2d_float32_and_float16_keep_their_dtype():
    x, w = RNG.normal(size=(1, 6, 6, 3)), RNG.normal(size=(3, 3, 3, 2))
    expected = reference_conv2d(x, w, padding="SAME")
    for dtype, tolerance in ((np.float32, 1e-5), (np.float16, 2e-2)):
        y = run(tf.nn.conv2d(tf.constant(x.astype(dtype)), tf.constant(w.astype(dtype)), 1,
                             "SAME"))
        assert y.dtype == dtype
        np.testing.assert_allclose(y, expected, rtol=tolerance, atol=tolerance * 4)


def test_conv2d_int32_sums_exactly():
    x = np.arange(32, dtype=np.int32).reshape(1, 4, 4, 2)
    y = run(tf.nn.conv2d(tf.constant(x), tf.ones([3, 3, 2, 1], tf.int32), 1, "VALID"))
    assert y.dtype == np.int32
    assert y.ravel().tolist() == reference_conv2d(x, np.ones((3, 3, 2, 1))).ravel().tolist()


def test_conv1d_is_conv2d_over_one_row():
    x, w = RNG.normal(size=(2, 9, 3)), RNG.normal(size=(3, 3, 4))
    y = tf.nn.conv1d(tf.constant(x), tf.constant(w), stride=2, padding="SAME")
    expected = reference_conv2d(x[:, None], w[None], (1, 2), "SAME")[:, 0]
    assert (y.op.name, y.op.inputs[0].op.type, y.op.inputs[0].op.name) == \
        ("conv1d/Squeeze", "Conv2D", "conv1d")
    np.testing.assert_allclose(run(y), expected, rtol=1e-12)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    # <conv(x), y> == <x, conv_transpose(y)> for every x, y
    x, w = RNG.normal(size=(2, 7, 6, 3)), RNG.normal(size=(3, 3, 3, 4))
    y = RNG.normal(size=(2, 4, 3, 4))
    forward = reference_conv2d(x, w, (2, 2), "SAME")
    transposed = run(tf.nn.conv2d_transpose(tf.constant(y), tf.constant(w), [2, 7, 6, 3],
                                            [1, 2, 2, 1], "SAME"))
    assert transposed.shape == x.shape
    np.testing.assert_allclose(np.sum(forward * y), np.sum(x * transposed), rtol=1e-10)


POOL_CASES = [((1, 4, 4, 2), (2, 2), (2, 2), "VALID"), ((2, 5, 5, 1), (2, 2), (2, 2), "SAME"),
              ((1, 5, 7, 2), (3, 3), (2, 2), "SAME"), ((1, 6, 5, 1), (3, 2), (1, 2), "VALID"),
              ((1, 3, 4, 1), (3, 3), (1, 1), "SAME")]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("shape, window, strides, padding", POOL_CASES)
def test_pools_match_loops_over_real_cells(kind, shape, window, strides, padding):
    x = RNG.normal(size=shape) - 3  # negative, so a zero padding cell would win a max
    pool = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
    y = pool(tf.constant(x), list(window), list(strides), padding)
    expected, _ = reference_pool(x, window, strides, padding, kind)
    assert y.shape.as_list() == list(expected.shape)
    np.testing.assert_allclose(run(y), expected, rtol=1e-12)


def test_max_pool_explicit_padding_and_nan_skipping():
    x = -np.ones((1, 3, 3, 1), np.float32)
    y = run(tf.nn.max_pool(tf.constant(x), 2, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]))
    assert y.shape == (1, 4, 4, 1) and (y == -1).all()
    with_nan = np.array([1.0, np.nan, 3.0, 2.0], np.float32).reshape(1, 2, 2, 1)
    assert run(tf.nn.max_pool(tf.constant(with_nan), 2, 1, "VALID")).ravel().tolist() == [3.0]


def test_max_pool_across_depth():
    x = RNG.normal(size=(1, 2, 2, 6))
    y = run(tf.nn.max_pool(tf.constant(x), [1, 1, 1, 3], [1, 1, 1, 3], "VALID"))
    np.testing.assert_array_equal(y, x.reshape(1, 2, 2, 2, 3).max(axis=-1))


# -- gradients -------------------------------------------------------------------------------------
UNDILATED = [case for case in CONV_CASES if case[4] == (1, 1)]


@pytest.mark.parametrize("x_shape, w_shape, strides, padding, dilations", UNDILATED)
def test_conv2d_gradients_match_central_differences(x_shape, w_shape, strides, padding,
                                                    dilations):
    x, w = RNG.normal(size=x_shape), RNG.normal(size=w_shape)
    weights = RNG.normal(size=reference_conv2d(x, w, strides, padding, dilations).shape)

    def loss(a, b):
        return np.sum(weights * reference_conv2d(a, b, strides, padding, dilations))
    xt, wt = tf.constant(x), tf.constant(w)
    y = tf.nn.conv2d(xt, wt, list(strides), _padding_argument(padding),
                     dilations=list(dilations))
    gx, gw = run(tf.gradients(tf.reduce_sum(y * weights), [xt, wt]))
    np.testing.assert_allclose(gx, central_difference(lambda a: loss(a, w), x), atol=1e-6)
    np.testing.assert_allclose(gw, central_difference(lambda b: loss(x, b), w), atol=1e-6)


def test_dilated_conv_gradients_are_refused_as_on_tf_cpu():
    x = tf.constant(RNG.normal(size=(1, 6, 6, 1)))
    w = tf.constant(RNG.normal(size=(2, 2, 1, 1)))
    gx, gw = tf.gradients(tf.nn.conv2d(x, w, 1, "VALID", dilations=2), [x, w])
    for grad in (gx, gw):
        with pytest.raises(tf.errors.InvalidArgumentError, match="do not yet support dilation "
                                                                 "rates larger than 1"):
            run(grad)


def test_conv2d_gradient_graph_has_tf_ops():
    x = tf.placeholder(tf.float32, [2, 6, 6, 3])
    y = tf.nn.conv2d(x, tf.ones([3, 3, 3, 4]), 2, "SAME")
    gx, gw = tf.gradients(y, [x, y.op.inputs[1]])
    assert (gx.op.type, gw.op.type) == ("Conv2DBackpropInput", "Conv2DBackpropFilter")
    assert gx.op.inputs[0].op.type == "ShapeN" and gx.op.inputs[0].op.name == \
        "gradients/Conv2D_grad/ShapeN"
    assert gx.shape.as_list() == [2, 6, 6, 3] and gw.shape.as_list() == [3, 3, 3, 4]
    assert gx.op.get_attr("strides") == [1, 2, 2, 1] and gx.op.get_attr("padding") == b"SAME"


def test_second_order_conv_gradients_match_central_differences():
    # d/dw of sum(v * d(sum(u * conv(x, w)))/dx): through Conv2DBackpropInput's own gradient
    x, w = RNG.normal(size=(1, 5, 5, 2)), RNG.normal(size=(3, 3, 2, 2))
    u, v = RNG.normal(size=(1, 3, 3, 2)), RNG.normal(size=(1, 5, 5, 2))
    xt, wt = tf.constant(x), tf.constant(w)
    gx = tf.gradients(tf.nn.conv2d(xt, wt, [1, 2, 2, 1], "SAME"), xt, grad_ys=tf.constant(u))[0]
    second = run(tf.gradients(tf.reduce_sum(gx * v), wt))[0]

    def inner(b):  # sum(v * conv_transpose(u, b)) == sum(u * conv(v, b))
        return np.sum(u * reference_conv2d(v, b, (2, 2), "SAME"))
    np.testing.assert_allclose(second, central_difference(inner, w), atol=1e-6)


@pytest.mark.parametrize("shape, window, strides, padding", POOL_CASES)
def test_max_pool_gradient_goes_to_the_first_maximum(shape, window, strides, padding):
    x = np.round(RNG.normal(size=shape), 0)  # many ties
    g = RNG.normal(size=reference_pool(x, window, strides, padding, "max")[0].shape)
    xt = tf.constant(x)
    grad = run(tf.gradients(tf.nn.max_pool(xt, list(window), list(strides), padding), xt,
                            grad_ys=tf.constant(g))[0])
    expected = np.zeros_like(x)
    for out_index, in_index in reference_pool(x, window, strides, padding, "max")[1].items():
        expected[in_index] += g[out_index]
    np.testing.assert_allclose(grad, expected, rtol=1e-12)


@pytest.mark.parametrize("shape, window, strides, padding", POOL_CASES)
def test_avg_pool_gradient_matches_central_differences(shape, window, strides, padding):
    x = RNG.normal(size=shape)
    g = RNG.normal(size=reference_pool(x, window, strides, padding, "avg")[0].shape)
    xt = tf.constant(x)
    grad = run(tf.gradients(tf.nn.avg_pool(xt, list(window), list(strides), padding), xt,
                            grad_ys=tf.constant(g))[0])
    expected = central_difference(
        lambda a: np.sum(g * reference_pool(a, window, strides, padding, "avg")[0]), x)
    np.testing.assert_allclose(grad, expected, atol=1e-6)


def test_max_pool_grad_grad_picks_the_gradient_at_each_maximum():
    x = RNG.normal(size=(1, 4, 4, 1))
    xt = tf.constant(x)
    gx = tf.gradients(tf.nn.max_pool(xt, 2, 2, "VALID"), xt)[0]
    probe = RNG.normal(size=x.shape)
    second = tf.gradients(gx, gx.op.inputs[2], grad_ys=tf.constant(probe))[0]
    assert second.op.type == "MaxPoolGradGrad"
    _, argmax = reference_pool(x, (2, 2), (2, 2), "VALID", "max")
    expected = np.zeros((1, 2, 2, 1))
    for out_index, in_index in argmax.items():
        expected[out_index] = probe[in_index]
    np.testing.assert_allclose(run(second), expected)


# -- errors ----------------------------------------------------------------------------------------
def test_build_time_shape_errors_use_tf_words():
    x = tf.placeholder(tf.float32, [2, 7, 7, 3])
    with pytest.raises(ValueError, match=r"Depth of input \(3\) is not a multiple of input "
                                         r"depth of filter \(2\)"):
        tf.nn.conv2d(x, tf.ones([3, 3, 2, 4]), 1, "VALID")
    with pytest.raises(ValueError, match="Negative dimension size caused by subtracting 9 from 7"):
        tf.nn.max_pool(x, [1, 9, 2, 1], 1, "VALID")
    with pytest.raises(ValueError, match="strides should be of length 1, 2 or 4"):
        tf.nn.conv2d(x, tf.ones([3, 3, 3, 4]), [1, 1, 1], "VALID")


def test_run_time_refusals_use_tf_classes():
    with pytest.raises(tf.errors.UnimplementedError, match="only supports the NHWC tensor"):
        run(tf.nn.conv2d(tf.ones([1, 3, 6, 6]), tf.ones([3, 3, 3, 4]), 1, "VALID",
                         data_format="NCHW"))
    with pytest.raises(tf.errors.UnimplementedError, match="strides in the batch and depth"):
        run(tf.nn.conv2d(tf.ones([2, 7, 7, 3]), tf.ones([3, 3, 3, 4]), [2, 1, 1, 1], "VALID"))
    p = tf.placeholder(tf.float32, [None, None, None, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Computed output size would be "
                                                             "negative: -1"):
        run(tf.nn.conv2d(p, tf.ones([4, 4, 3, 2]), 1, "VALID"), {p: np.ones((1, 2, 2, 3))})
