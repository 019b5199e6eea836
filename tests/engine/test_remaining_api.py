"""Depthwise convolutions, SpaceToBatchND, linspace, DynamicPartition / stitches, partitioned
embedding lookups and gather's gradient along other axes: values against numpy written out
with explicit loops, gradients against central differences (float64)."""

import numpy as np
import pytest
from central_differences import numeric_gradient as central_difference

from graphshell import tf

RNG = np.random.default_rng(13)


def run(*fetches, feed=None):
    with tf.Session() as s:
        return s.run(list(fetches), feed)




# -- depthwise -------------------------------------------------------------------------------------
def reference_depthwise(x, w, stride, padding, rate=1):
    n, rows, cols, depth = x.shape
    kh, kw, _, mult = w.shape
    eff_h, eff_w = (kh - 1) * rate + 1, (kw - 1) * rate + 1
    if padding == "SAME":
        out_r, out_c = -(-rows // stride), -(-cols // stride)
        top = max(0, (out_r - 1) * stride + eff_h - rows) // 2
        left = max(0, (out_c - 1) * stride + eff_w - cols) // 2
    else:
        out_r, out_c = (rows - eff_h) // stride + 1, (cols - eff_w) // stride + 1
        top = left = 0
    out = np.zeros((n, out_r, out_c, depth * mult))
    for b, i, j, c, m in np.ndindex(n, out_r, out_c, depth, mult):
        total = 0.0
        for di in range(kh):
            for dj in range(kw):
                r, q = i * stride + di * rate - top, j * stride + dj * rate - left
                if 0 <= r < rows and 0 <= q < cols:
                    total += x[b, r, q, c] * w[di, dj, c, m]
        out[b, i, j, c * mult + m] = total
    return out


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", [
    ((1, 5, 5, 2), (3, 3, 2, 2), 1, "SAME"),
    ((2, 6, 5, 3), (2, 3, 3, 1), 2, "SAME"),
    ((1, 7, 6, 1), (3, 2, 1, 3), 2, "VALID"),
])
def test_depthwise_values_match_loops(x_shape, w_shape, stride, padding):
    x, w = RNG.normal(size=x_shape), RNG.normal(size=w_shape)
    (y,) = run(tf.nn.depthwise_conv2d(x, w, [1, stride, stride, 1], padding))
    np.testing.assert_allclose(y, reference_depthwise(x, w, stride, padding), atol=1e-12)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_dilated_depthwise_through_space_to_batch_matches_loops(padding):
    x, w = RNG.normal(size=(1, 7, 8, 2)), RNG.normal(size=(3, 2, 2, 2))
    y = tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], padding, rate=[2, 2])
    assert y.op.type == "BatchToSpaceND"
    np.testing.assert_allclose(run(y)[0], reference_depthwise(x, w, 1, padding, rate=2),
                               atol=1e-12)


@pytest.mark.parametrize("stride, padding, rate", [(1, "SAME", 1), (2, "VALID", 1),
                                                   (1, "SAME", 2)])
def test_depthwise_gradients_match_central_differences(stride, padding, rate):
    x, w = RNG.normal(size=(1, 5, 6, 2)), RNG.normal(size=(2, 3, 2, 2))
    weights = RNG.normal(size=reference_depthwise(x, w, stride, padding, rate).shape)

    def loss(a, b):
        return float(np.sum(reference_depthwise(a, b, stride, padding, rate) * weights))
    xt, wt = tf.constant(x), tf.constant(w)
    y = tf.nn.depthwise_conv2d(xt, wt, [1, stride, stride, 1], padding, rate=[rate, rate])
    gx, gw = run(*tf.gradients(tf.reduce_sum(y * weights), [xt, wt]))
    np.testing.assert_allclose(gx, central_difference(lambda a: loss(a, w), x), atol=1e-6)
    np.testing.assert_allclose(gw, central_difference(lambda b: loss(x, b), w), atol=1e-6)


def test_separable_conv2d_is_depthwise_then_pointwise():
    x, dw, pw = (RNG.normal(size=s) for s in ((1, 5, 5, 2), (3, 3, 2, 2), (1, 1, 4, 3)))
    (y,) = run(tf.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "SAME"))
    expected = np.einsum("nijc,co->nijo", reference_depthwise(x, dw, 1, "SAME"), pw[0, 0])
    np.testing.assert_allclose(y, expected, atol=1e-12)


def test_depthwise_kernel_refuses_unequal_strides_and_dilations():
    x, w = tf.ones([1, 5, 5, 2]), tf.ones([3, 3, 2, 1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="equal length strides"):
        run(tf.nn.depthwise_conv2d_native(x, w, [1, 2, 1, 1], "VALID"))
    with pytest.raises(tf.errors.UnimplementedError, match=r"received \[1 2 2 1\]"):
        run(tf.nn.depthwise_conv2d_native(x, w, [1, 1, 1, 1], "VALID", dilations=[1, 2, 2, 1]))


# -- space to batch --------------------------------------------------------------------------------
def test_space_to_batch_matches_loops_and_inverts():
    x = RNG.normal(size=(2, 4, 6, 3))
    pads = [[1, 1], [0, 2]]
    block = [3, 4]
    (y,) = run(tf.space_to_batch_nd(x, block, pads))
    padded = np.pad(x, ((0, 0), (1, 1), (0, 2), (0, 0)))
    expected = np.zeros((2 * 12, 2, 2, 3))
    for b, i, j, a, c in np.ndindex(2, 2, 2, 3, 4):
        expected[(a * 4 + c) * 2 + b, i, j] = padded[b, i * 3 + a, j * 4 + c]
    np.testing.assert_array_equal(y, expected)
    (back,) = run(tf.batch_to_space_nd(y, block, pads))
    np.testing.assert_array_equal(back, x)


# -- linspace --------------------------------------------------------------------------------------
@pytest.mark.parametrize("start, stop, num", [(0.0, 1.0, 5), (-3.5, 7.25, 9), (2.0, 2.0, 1),
                                              (1.0, 4.0, 0)])
def test_linspace_matches_its_formula(start, stop, num):
    """start + step * k in float32, both ends exact (TF's composite, not numpy's algorithm)."""
    (y,) = run(tf.linspace(start, stop, num))
    step = (np.float32(stop) - np.float32(start)) / np.float32(max(num - 1, 1))
    expected = [np.float32(start) + step * np.float32(k) for k in range(1, num - 1)]
    expected = ([np.float32(start)] + expected + [np.float32(stop)])[:num]
    np.testing.assert_array_equal(y, np.array(expected, np.float32))


def test_linspace_broadcasts_and_places_axis():
    start, stop = np.array([[0.0], [1.0]]), np.array([2.0, 3.0, 5.0])
    y = tf.linspace(start, stop, 4, axis=1)
    assert y.shape.as_list() == [2, 4, 3]
    expected = np.zeros((2, 4, 3))
    for i, j in np.ndindex(2, 3):
        expected[i, :, j] = np.linspace(start[i, 0], stop[j], 4)
    np.testing.assert_allclose(run(y)[0], expected, atol=1e-15)


# -- partition and stitch --------------------------------------------------------------------------
def test_dynamic_partition_and_stitch_match_loops():
    data = RNG.normal(size=(6, 2))
    partitions = [2, 0, 2, 1, 0, 2]
    parts = run(*tf.dynamic_partition(data, partitions, 3))
    for p in range(3):
        rows = [data[i] for i in range(6) if partitions[i] == p]
        np.testing.assert_array_equal(parts[p], np.array(rows).reshape(-1, 2))
    indices = [[0, 3], [1, 2, 3]]
    values = [RNG.normal(size=(2, 2)), RNG.normal(size=(3, 2))]
    (stitched,) = run(tf.dynamic_stitch(indices, values))
    expected = np.zeros((4, 2))
    for idx, val in zip(indices, values):
        for k, row in enumerate(idx):
            expected[row] = val[k]
    np.testing.assert_array_equal(stitched, expected)


def test_dynamic_partition_gradient_matches_central_differences():
    x = RNG.normal(size=(5, 2))
    partitions = [1, 0, 1, 2, 0]
    weights = [RNG.normal(size=(2, 2)), RNG.normal(size=(2, 2)), RNG.normal(size=(1, 2))]

    def loss(v):
        return sum(float(np.sum(np.sin(v[[i for i in range(5) if partitions[i] == p]]) * w))
                   for p, w in enumerate(weights))
    xt = tf.constant(x)
    parts = tf.dynamic_partition(xt, partitions, 3)
    total = tf.add_n([tf.reduce_sum(tf.sin(p) * w) for p, w in zip(parts, weights)])
    (g,) = run(tf.gradients(total, xt)[0])
    np.testing.assert_allclose(g, central_difference(loss, x), atol=1e-7)


def test_dynamic_partition_rejects_partition_ids_out_of_range():
    ph = tf.placeholder(tf.int32, [None])
    out = tf.dynamic_partition(tf.constant([1.0, 2.0]), ph, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"partitions\[1\] = 5 is not in"):
        run(*out, feed={ph: [0, 5]})


# -- embeddings over partitions --------------------------------------------------------------------
@pytest.mark.parametrize("strategy, sizes", [("mod", (3, 3, 2)), ("div", (3, 3, 2)),
                                             ("div", (4, 4, 3))])
def test_partitioned_lookup_matches_the_concatenated_table(strategy, sizes):
    total = sum(sizes)
    table = RNG.normal(size=(total, 3))
    if strategy == "mod":
        order = [i for p in range(len(sizes)) for i in range(p, total, len(sizes))]
    else:
        order = list(range(total))
    shards, start = [], 0
    for size in sizes:
        shards.append(table[order[start:start + size]])
        start += size
    ids = RNG.integers(0, total, size=(2, 5))
    (y,) = run(tf.nn.embedding_lookup([tf.constant(s) for s in shards], ids,
                                      partition_strategy=strategy))
    np.testing.assert_array_equal(y, table[ids])


def test_partitioned_lookup_gradient_counts_each_id():
    shards = [tf.constant(np.zeros((2, 2))), tf.constant(np.zeros((2, 2)))]
    y = tf.nn.embedding_lookup(shards, [0, 1, 1, 3, 1])
    g0, g1 = run(*[tf.convert_to_tensor(g) for g in tf.gradients(tf.reduce_sum(y), shards)])
    np.testing.assert_array_equal(g0, [[1, 1], [0, 0]])  # ids 0, 2 live in shard 0 ('mod')
    np.testing.assert_array_equal(g1, [[3, 3], [1, 1]])  # ids 1, 3 live in shard 1


# -- gather along other axes -----------------------------------------------------------------------
@pytest.mark.parametrize("axis, indices", [(1, [[2, 0], [2, 1]]), (2, [3, 3, 0]), (-1, [1])])
def test_gather_gradient_other_axes_matches_central_differences(axis, indices):
    x = RNG.normal(size=(2, 3, 4))
    weights = RNG.normal(size=np.take(x, indices, axis=axis).shape)
    xt = tf.constant(x)
    y = tf.gather(xt, indices, axis=axis)
    (g,) = run(tf.gradients(tf.reduce_sum(tf.sin(y) * weights), xt)[0])
    expected = central_difference(
        lambda v: float(np.sum(np.sin(np.take(v, indices, axis=axis)) * weights)), x)
    np.testing.assert_allclose(g, expected, atol=1e-7)
