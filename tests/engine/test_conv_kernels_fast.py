"""The fast conv and pooling kernels (im2col + one matmul, per-tap col2im, per-tap max and its
scatter) against direct loops over every output and window tap, on random shapes, strides,
paddings (SAME, VALID, explicit), dilations and groups (NHWC: TF's CPU kernels refuse NCHW).
Pooling values and gradients are compared bit for bit: the loops sum in TF's order."""

import numpy as np
import pytest

from graphshell import tf

RNG = np.random.default_rng(1601)


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


# -- references: one loop over outputs and taps ----------------------------------------------------
def padding_of(padding, size, window, stride, dilation):
    """(out, before) of one axis as TF computes them."""
    effective = (window - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        needed = max(0, (out - 1) * stride + effective - size)
        return out, needed // 2
    before, after = (0, 0) if padding == "VALID" else padding
    return (size + before + after - effective) // stride + 1, before


def axis_geometry(padding, x_shape, window, strides, dilations):
    pads = (padding, padding) if isinstance(padding, str) else padding
    return [padding_of(p, x_shape[1 + a], window[a], strides[a], dilations[a])
            for a, p in enumerate(pads)]


def taps_of(geometry, window, strides, dilations, rows, cols):
    """(output row, output col, tap row, tap col, input row, input col) of every real cell,
    outputs in row-major order, taps in row-major order within each."""
    (out_r, top), (out_c, left) = geometry
    for i in range(out_r):
        for j in range(out_c):
            for a in range(window[0]):
                for b in range(window[1]):
                    r = i * strides[0] + a * dilations[0] - top
                    c = j * strides[1] + b * dilations[1] - left
                    if 0 <= r < rows and 0 <= c < cols:
                        yield i, j, a, b, r, c


def loop_conv(x, w, strides, padding, dilations):
    geometry = axis_geometry(padding, x.shape, w.shape[:2], strides, dilations)
    groups = x.shape[3] // w.shape[2]
    per_in, per_out = w.shape[2], w.shape[3] // groups
    out = np.zeros((x.shape[0], geometry[0][0], geometry[1][0], w.shape[3]))
    for i, j, a, b, r, c in taps_of(geometry, w.shape[:2], strides, dilations, *x.shape[1:3]):
        for g in range(groups):
            ins, outs = slice(g * per_in, (g + 1) * per_in), slice(g * per_out, (g + 1) * per_out)
            out[:, i, j, outs] += x[:, r, c, ins] @ w[a, b, :, outs]
    return out


def loop_conv_grads(x, w, dy, strides, padding):
    """(d input, d filter) of sum(conv(x, w) * dy)."""
    geometry = axis_geometry(padding, x.shape, w.shape[:2], strides, (1, 1))
    groups = x.shape[3] // w.shape[2]
    per_in, per_out = w.shape[2], w.shape[3] // groups
    dx, dw = np.zeros(x.shape), np.zeros(w.shape)
    for i, j, a, b, r, c in taps_of(geometry, w.shape[:2], strides, (1, 1), *x.shape[1:3]):
        for g in range(groups):
            ins, outs = slice(g * per_in, (g + 1) * per_in), slice(g * per_out, (g + 1) * per_out)
            dx[:, r, c, ins] += dy[:, i, j, outs] @ w[a, b, :, outs].T
            dw[a, b, :, outs] += x[:, r, c, ins].T @ dy[:, i, j, outs]
    return dx, dw


def loop_max_pool(x, window, strides, padding):
    """The max of each window's real cells (NaN skipped), and the input cell of its first
    maximum (a window of NaNs: its first cell)."""
    geometry = axis_geometry(padding, x.shape, window, strides, (1, 1))
    n, rows, cols, depth = x.shape
    best = np.zeros((n, geometry[0][0], geometry[1][0], depth), x.dtype)
    where = {}
    for i, j, _, _, r, c in taps_of(geometry, window, strides, (1, 1), rows, cols):
        for k in range(n):
            for d in range(depth):
                value, key = x[k, r, c, d], (k, i, j, d)
                if key not in where or value > best[key] or (np.isnan(best[key])
                                                             and not np.isnan(value)):
                    best[key], where[key] = value, (k, r, c, d)
    return best, where


def loop_max_pool_grad(x, dy, window, strides, padding):
    """TF's order: outputs in row-major order each add their gradient to their max's cell."""
    _, where = loop_max_pool(x, window, strides, padding)
    dx = np.zeros_like(x)
    for key in sorted(where):
        dx[where[key]] += dy[key]
    return dx


def loop_avg_pool(x, window, strides, padding):
    geometry = axis_geometry(padding, x.shape, window, strides, (1, 1))
    sums = np.zeros((x.shape[0], geometry[0][0], geometry[1][0], x.shape[3]), x.dtype)
    counts = np.zeros(sums.shape[1:3], x.dtype)
    for i, j, _, _, r, c in taps_of(geometry, window, strides, (1, 1), *x.shape[1:3]):
        sums[:, i, j] += x[:, r, c]
        counts[i, j] += 1
    return sums / counts[:, :, None]


def loop_avg_pool_grad(x_shape, dy, window, strides, padding):
    geometry = axis_geometry(padding, x_shape, window, strides, (1, 1))
    cells = list(taps_of(geometry, window, strides, (1, 1), *x_shape[1:3]))
    counts = np.zeros(dy.shape[1:3], dy.dtype)
    for i, j, *_ in cells:
        counts[i, j] += 1
    share = dy * (1.0 / counts[:, :, None]).astype(dy.dtype)  # TF's reciprocal, then a product
    dx = np.zeros(x_shape, dy.dtype)
    for i, j, _, _, r, c in cells:
        dx[:, r, c] += share[:, i, j]
    return dx


# -- random cases ----------------------------------------------------------------------------------
def random_padding(window, dilations):
    choice = RNG.integers(3)
    if choice == 2:  # explicit, up to the window's reach on each side
        return tuple(tuple(int(p) for p in RNG.integers(0, (k - 1) * d + 1, 2))
                     for k, d in zip(window, dilations))
    return ("SAME", "VALID")[choice]


def padding_argument(padding):
    if isinstance(padding, str):
        return padding
    return [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]


def conv_case(seed, gradients):
    """(x shape, w shape, strides, padding, dilations) with at least one output cell."""
    rng = np.random.default_rng(seed)
    while True:
        groups = int(rng.choice([1, 1, 1, 2]))
        per_in = int(rng.choice([1, 1, 2, 3, 8]))
        out = groups * int(rng.integers(1, 5))
        window = tuple(int(k) for k in rng.integers(1, 5, 2))
        strides = (1, 1) if rng.random() < 0.4 else tuple(int(s) for s in rng.integers(1, 4, 2))
        dilations = (1, 1) if gradients or rng.random() < 0.5 else tuple(
            int(d) for d in rng.integers(1, 3, 2))
        x_shape = (int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10)),
                   groups * per_in)
        padding = random_padding(window, dilations)
        geometry = axis_geometry(padding, x_shape, window, strides, dilations)
        if min(geometry[0][0], geometry[1][0]) > 0:
            return x_shape, window + (per_in, out), strides, padding, dilations


@pytest.mark.parametrize("seed", range(24))
def test_conv2d_matches_the_loops(seed):
    x_shape, w_shape, strides, padding, dilations = conv_case(seed, gradients=False)
    x, w = RNG.normal(size=x_shape), RNG.normal(size=w_shape)
    y = tf.nn.conv2d(tf.constant(x), tf.constant(w), [1, *strides, 1], padding_argument(padding),
                     dilations=[1, *dilations, 1])
    np.testing.assert_allclose(run(y), loop_conv(x, w, strides, padding, dilations),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(100, 130))
def test_conv2d_gradients_match_the_loops(seed):
    x_shape, w_shape, strides, padding, _ = conv_case(seed, gradients=True)
    x, w = RNG.normal(size=x_shape), RNG.normal(size=w_shape)
    xt, wt = tf.constant(x), tf.constant(w)
    y = tf.nn.conv2d(xt, wt, [1, *strides, 1], padding_argument(padding))
    dy = RNG.normal(size=y.shape.as_list())
    dx, dw = run(tf.gradients(y, [xt, wt], grad_ys=tf.constant(dy)))
    want_dx, want_dw = loop_conv_grads(x, w, dy, strides, padding)
    np.testing.assert_allclose(dx, want_dx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dw, want_dw, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("depth, out", [(1, 16), (16, 32), (4, 40), (3, 3)])
def test_both_input_gradient_methods_match_the_loops(depth, out):
    """Unit strides, several channels: dy convolved with the flipped filter when out <= 4 *
    depth, col2im of the windows' cells otherwise (and always with one input channel)."""
    x, w = RNG.normal(size=(2, 7, 6, depth)), RNG.normal(size=(3, 4, depth, out))
    xt = tf.constant(x)
    y = tf.nn.conv2d(xt, tf.constant(w), 1, "SAME")
    dy = RNG.normal(size=y.shape.as_list())
    dx = run(tf.gradients(y, xt, grad_ys=tf.constant(dy))[0])
    np.testing.assert_allclose(dx, loop_conv_grads(x, w, dy, (1, 1), "SAME")[0], rtol=1e-12,
                               atol=1e-12)


def test_float32_convolutions_stay_close_to_float64_loops():
    x, w = RNG.normal(size=(2, 9, 9, 5)), RNG.normal(size=(3, 3, 5, 7))
    xt, wt = tf.constant(x.astype(np.float32)), tf.constant(w.astype(np.float32))
    y = tf.nn.conv2d(xt, wt, 1, "SAME")
    dy = RNG.normal(size=y.shape.as_list())
    got = run([y] + tf.gradients(y, [xt, wt], grad_ys=tf.constant(dy.astype(np.float32))))
    want = [loop_conv(x, w, (1, 1), "SAME", (1, 1))] + list(loop_conv_grads(x, w, dy, (1, 1),
                                                                              "SAME"))
    for value, expected in zip(got, want):
        assert value.dtype == np.float32
        np.testing.assert_allclose(value, expected, rtol=1e-4, atol=1e-4)


def pool_case(seed):
    rng = np.random.default_rng(seed)
    while True:
        window = tuple(int(k) for k in rng.integers(1, 4, 2))
        strides = tuple(int(s) for s in rng.integers(1, 4, 2))
        x_shape = (int(rng.integers(1, 3)), int(rng.integers(1, 8)), int(rng.integers(1, 8)),
                   int(rng.integers(1, 4)))
        padding = ("SAME", "VALID")[int(rng.integers(2))]
        geometry = axis_geometry(padding, x_shape, window, strides, (1, 1))
        if min(geometry[0][0], geometry[1][0]) > 0:
            return x_shape, window, strides, padding


def tied_values(shape, dtype=np.float32):
    """Small integers, so that windows often hold their maximum twice."""
    return RNG.integers(-3, 4, size=shape).astype(dtype)


@pytest.mark.parametrize("seed", range(200, 230))
def test_max_pool_and_its_gradients_are_exactly_the_loops(seed):
    x_shape, window, strides, padding = pool_case(seed)
    x = tied_values(x_shape)
    xt = tf.constant(x)
    y = tf.nn.max_pool(xt, [1, *window, 1], [1, *strides, 1], padding)
    dy = RNG.normal(size=y.shape.as_list()).astype(np.float32)
    dyt = tf.constant(dy)
    dx = tf.gradients(y, xt, grad_ys=dyt)[0]
    ddx = RNG.normal(size=x_shape).astype(np.float32)
    second = tf.gradients(dx, dyt, grad_ys=tf.constant(ddx))[0]
    got_y, got_dx, got_second = run([y, dx, second])
    want_y, where = loop_max_pool(x, window, strides, padding)
    np.testing.assert_array_equal(got_y, want_y)
    np.testing.assert_array_equal(got_dx, loop_max_pool_grad(x, dy, window, strides, padding))
    want_second = np.zeros_like(dy)
    for key, cell in where.items():
        want_second[key] = ddx[cell]
    np.testing.assert_array_equal(got_second, want_second)


def test_max_pool_gradient_skips_nan_and_gives_all_nan_windows_their_first_cell():
    x = np.array([[np.nan, 1.0, np.nan, np.nan, 5.0],
                  [2.0, np.nan, np.nan, np.nan, np.nan],
                  [np.nan, -np.inf, 0.0, 0.0, np.nan]], np.float32).reshape(1, 3, 5, 1)
    xt = tf.constant(x)  # VALID: with padding, an all-NaN window's max is the padding
    y = tf.nn.max_pool(xt, [1, 2, 2, 1], [1, 1, 2, 1], "VALID")
    dy = np.arange(1, 1 + np.prod(y.shape.as_list()), dtype=np.float32).reshape(
        y.shape.as_list())
    got_y, got_dx = run([y, tf.gradients(y, xt, grad_ys=tf.constant(dy))[0]])
    want_y, _ = loop_max_pool(x, (2, 2), (1, 2), "VALID")
    np.testing.assert_array_equal(got_y, want_y)
    np.testing.assert_array_equal(got_dx, loop_max_pool_grad(x, dy, (2, 2), (1, 2), "VALID"))


@pytest.mark.parametrize("dtype", [np.float16, np.float64])
def test_max_pool_gradient_sums_overlapping_windows_in_the_input_dtype(dtype):
    x = tied_values((2, 6, 5, 3), dtype)
    xt = tf.constant(x)
    y = tf.nn.max_pool(xt, [1, 3, 3, 1], [1, 1, 1, 1], "SAME")
    dy = (RNG.normal(size=y.shape.as_list()) * 4).astype(dtype)
    got = run(tf.gradients(y, xt, grad_ys=tf.constant(dy))[0])
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, loop_max_pool_grad(x, dy, (3, 3), (1, 1), "SAME"))


def test_integer_max_pool_is_exactly_the_loops():
    x = RNG.integers(-2**31, 2**31 - 1, size=(2, 5, 7, 2)).astype(np.int32)
    y = tf.nn.max_pool(tf.constant(x), [1, 2, 3, 1], [1, 2, 1, 1], "SAME")
    np.testing.assert_array_equal(run(y), loop_max_pool(x, (2, 3), (2, 1), "SAME")[0])


@pytest.mark.parametrize("seed", range(300, 320))
def test_avg_pool_and_its_gradient_are_exactly_the_loops(seed):
    x_shape, window, strides, padding = pool_case(seed)
    x = RNG.normal(size=x_shape).astype(np.float32)
    xt = tf.constant(x)
    y = tf.nn.avg_pool(xt, [1, *window, 1], [1, *strides, 1], padding)
    dy = RNG.normal(size=y.shape.as_list()).astype(np.float32)
    got_y, got_dx = run([y, tf.gradients(y, xt, grad_ys=tf.constant(dy))[0]])
    np.testing.assert_array_equal(got_y, loop_avg_pool(x, window, strides, padding))
    np.testing.assert_array_equal(got_dx, loop_avg_pool_grad(x_shape, dy, window, strides,
                                                             padding))


# -- depthwise -------------------------------------------------------------------------------------
def loop_depthwise_and_grads(x, w, dy, strides, padding):
    """(output, d input, d filter) of a depthwise convolution, channel c's multiplier m
    writing output channel c * M + m."""
    geometry = axis_geometry(padding, x.shape, w.shape[:2], strides, (1, 1))
    multiplier = w.shape[3]
    out = np.zeros((x.shape[0], geometry[0][0], geometry[1][0], x.shape[3] * multiplier))
    dx, dw = np.zeros(x.shape), np.zeros(w.shape)
    for i, j, a, b, r, c in taps_of(geometry, w.shape[:2], strides, (1, 1), *x.shape[1:3]):
        out[:, i, j] += (x[:, r, c, :, None] * w[a, b]).reshape(x.shape[0], -1)
        g = dy[:, i, j].reshape(x.shape[0], x.shape[3], multiplier)
        dx[:, r, c] += (g * w[a, b]).sum(-1)
        dw[a, b] += (x[:, r, c, :, None] * g).sum(0)
    return out, dx, dw


@pytest.mark.parametrize("seed", range(400, 412))
def test_depthwise_convolution_and_gradients_match_the_loops(seed):
    rng = np.random.default_rng(seed)
    window = tuple(int(k) for k in rng.integers(1, 4, 2))
    stride = int(rng.integers(1, 3))
    x_shape = (int(rng.integers(1, 3)), int(rng.integers(3, 8)), int(rng.integers(3, 8)),
               int(rng.integers(1, 4)))
    w_shape = window + (x_shape[3], int(rng.integers(1, 3)))
    padding = ("SAME", "VALID")[int(rng.integers(2))]
    x, w = RNG.normal(size=x_shape), RNG.normal(size=w_shape)
    xt, wt = tf.constant(x), tf.constant(w)
    y = tf.nn.depthwise_conv2d_native(xt, wt, [1, stride, stride, 1], padding)
    dy = RNG.normal(size=y.shape.as_list())
    got = run([y] + tf.gradients(y, [xt, wt], grad_ys=tf.constant(dy)))
    want = loop_depthwise_and_grads(x, w, dy, (stride, stride), padding)
    for value, expected in zip(got, want):
        np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)


def test_input_gradient_with_pads_wider_than_the_kernel_matches_the_loops():
    """Explicit pads beyond the kernel's reach leave the flipped-filter method (it would have
    to crop dy): col2im takes over."""
    x, w = RNG.normal(size=(1, 4, 5, 3)), RNG.normal(size=(2, 2, 3, 4))
    padding = ((3, 0), (1, 3))
    xt = tf.constant(x)
    y = tf.nn.conv2d(xt, tf.constant(w), 1, padding_argument(padding))
    dy = RNG.normal(size=y.shape.as_list())
    dx = run(tf.gradients(y, xt, grad_ys=tf.constant(dy))[0])
    np.testing.assert_allclose(dx, loop_conv_grads(x, w, dy, (1, 1), padding)[0], rtol=1e-12,
                               atol=1e-12)
