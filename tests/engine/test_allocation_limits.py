"""Allocation limits: an op whose output would be over the tensor size limit fails with TF's
ResourceExhaustedError, naming that op, before any kernel fills the memory.

Two paths: an output shape known when the graph is built is checked when the plan is built
(the op fails when it runs); one that depends on input values or unknown shapes is checked
inside the kernel. Each family is tried far above any machine's memory (the peak memory of the
failing step, measured with tracemalloc, stays small), and with the limit lowered to check ops
whose inputs are small."""

import tracemalloc

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph.build import OpScope, make_tensor
from graphshell.engine.ops.pool_ops import PoolAttrs, pool_op
from graphshell.engine.ops.sampling_ops import sparse_to_dense
from graphshell.engine.run import runtime

BIG = 10**6  # BIG x BIG float32 is 3.6 TiB: more than any machine running these tests
PEAK_BYTES = 64 * 2**20  # what a refused step may allocate (its small inputs, a few copies)


def placeholder(dtype, rank):
    """A placeholder with unknown dimensions: only the kernel can check what it makes."""
    return tf.placeholder(dtype, [None] * rank)


def fed(dtype, value):
    """A placeholder of unknown shape and the feed giving it `value`."""
    value = np.asarray(value)
    p = placeholder(dtype, value.ndim)
    return p, {p: value}


def refused(sess, fetch, feeds=None):
    """Runs `fetch`, which must fail with TF's OOM error; returns the error and the step's
    peak memory."""
    tracemalloc.start()
    try:
        with pytest.raises(tf.errors.ResourceExhaustedError) as info:
            sess.run(fetch, feeds)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    error = info.value
    assert "OOM when allocating tensor with shape[" in error.message
    assert error.op is not None and f"[[{{{{node {error.op.name}}}}}]]" in error.message
    return error, peak


def assert_session_still_works(sess):
    probe = tf.placeholder(tf.float64, [2], name="probe")
    np.testing.assert_array_equal(sess.run(probe * 3.0 + 1.0, {probe: [1.0, 2.0]}), [4.0, 7.0])


# -- far above the limit: (op type that fails, builder -> (fetch, feeds)) -----------------------
def tile_static():
    return tf.tile(tf.ones([1000]), [10**9]), {}


def tile_fed():
    x, feeds = fed(tf.float32, np.ones(1000))
    m, more = fed(tf.int32, [10**9])
    return tf.tile(x, m), {**feeds, **more}


def range_static():
    return tf.range(0, 10**12, dtype=tf.int64), {}


def range_fed():
    limit = tf.placeholder(tf.int64, [])
    return tf.range(tf.constant(0, tf.int64), limit), {limit: 10**12}


def one_hot_static():
    return tf.one_hot(tf.range(1000), 2 * 10**9), {}


def one_hot_fed():
    indices, feeds = fed(tf.int32, np.arange(1000))
    depth = tf.placeholder(tf.int32, [])
    return tf.one_hot(indices, depth), {**feeds, depth: 2 * 10**9}


def add_static():
    return tf.ones([BIG, 1]) + tf.ones([1, BIG]), {}


def add_fed():
    a, feeds = fed(tf.float32, np.ones((BIG, 1), np.float32))
    b, more = fed(tf.float32, np.ones((1, BIG), np.float32))
    return a + b, {**feeds, **more}


def less_fed():
    a, feeds = fed(tf.float32, np.ones((BIG, 1), np.float32))
    b, more = fed(tf.float32, np.ones((1, BIG), np.float32))
    return tf.less(a, b), {**feeds, **more}


def where_v2_fed():
    c, feeds = fed(tf.bool, np.ones((BIG, 1), bool))
    x, more = fed(tf.float32, np.ones((1, BIG), np.float32))
    return tf.where_v2(c, x, 0.0), {**feeds, **more}


def matmul_static():
    return tf.matmul(tf.ones([BIG, 1]), tf.ones([1, BIG])), {}


def matmul_fed():
    a, feeds = fed(tf.float32, np.ones((BIG, 1), np.float32))
    b, more = fed(tf.float32, np.ones((1, BIG), np.float32))
    return tf.matmul(a, b), {**feeds, **more}


def batch_matmul_fed():
    a, feeds = fed(tf.float32, np.ones((BIG, 1, 1), np.float32))
    b, more = fed(tf.float32, np.ones((1, 1, BIG), np.float32))
    return tf.matmul(a, b), {**feeds, **more}


def broadcast_to_fed():
    shape = tf.placeholder(tf.int32, [2])
    return tf.broadcast_to(tf.ones([1]), shape), {shape: [BIG, BIG]}


def pad_fed():
    paddings = tf.placeholder(tf.int32, [2, 2])
    return tf.pad(tf.ones([10, 10]), paddings), {paddings: [[0, BIG], [0, BIG]]}


def gather_fed():
    indices, feeds = fed(tf.int32, np.zeros(BIG, np.int32))
    return tf.gather(tf.ones([1, BIG]), indices), feeds


def gather_nd_fed():
    indices, feeds = fed(tf.int32, np.zeros((BIG, 1), np.int32))
    return tf.gather_nd(tf.ones([1, BIG]), indices), feeds


def scatter_nd_fed():
    shape = tf.placeholder(tf.int32, [2])
    return tf.scatter_nd([[0, 0]], [1.0], shape), {shape: [BIG, BIG]}


def segment_sum_fed():
    count = tf.placeholder(tf.int32, [])
    return tf.unsorted_segment_sum(tf.ones([1, BIG]), [0], count), {count: 2 * 10**9}


def sparse_to_dense_fed():
    shape = tf.placeholder(tf.int32, [2])
    return sparse_to_dense([[0, 0]], shape, 1.0), {shape: [BIG, BIG]}


def dynamic_stitch_fed():
    indices = tf.placeholder(tf.int32, [1])
    return tf.dynamic_stitch([indices], [tf.ones([1, 1000])]), {indices: [2 * 10**9]}


def einsum_fed():
    a, feeds = fed(tf.float32, np.ones(BIG, np.float32))
    b, more = fed(tf.float32, np.ones(BIG, np.float32))
    return tf.einsum("i,j->ij", a, b), {**feeds, **more}


def conv2d_static():
    return tf.nn.conv2d(tf.ones([1, 1000, 1000, 1]), tf.ones([1, 1, 1, BIG]),
                        [1, 1, 1, 1], "VALID"), {}


def conv2d_fed():
    x, feeds = fed(tf.float32, np.ones((1, 1000, 1000, 1), np.float32))
    w, more = fed(tf.float32, np.ones((1, 1, 1, BIG), np.float32))
    return tf.nn.conv2d(x, w, [1, 1, 1, 1], "VALID"), {**feeds, **more}


def conv2d_backprop_input_fed():
    sizes = tf.placeholder(tf.int32, [4])
    grad = tf.nn.conv2d_transpose(tf.ones([1, 10, 10, 1]), tf.ones([1, 1, 1, 1]), sizes,
                                  [1, 10**5, 10**5, 1], "VALID")
    return grad, {sizes: [1, BIG, BIG, 1]}


def depthwise_fed():
    x, feeds = fed(tf.float32, np.ones((1, 1000, 1000, 1), np.float32))
    w, more = fed(tf.float32, np.ones((1, 1, 1, BIG), np.float32))
    return tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID"), {**feeds, **more}


def avg_pool_grad_fed():
    shape = tf.placeholder(tf.int32, [4])
    attrs = PoolAttrs((1, 10**5, 10**5, 1), (1, 10**5, 10**5, 1), "VALID", (), "NHWC")
    return pool_op("AvgPoolGrad", [shape, tf.ones([1, 10, 10, 1])], attrs), \
        {shape: [1, BIG, BIG, 1]}


def resize_fed(resize):
    def build():
        size = tf.placeholder(tf.int32, [2])
        return resize(tf.ones([1, 2, 2, 1]), size), {size: [BIG, BIG]}
    return build


def diag_fed():
    x, feeds = fed(tf.float32, np.ones(BIG, np.float32))
    return tf.diag(x), feeds


def matrix_diag_fed():
    x, feeds = fed(tf.float32, np.ones(BIG, np.float32))
    return tf.matrix_diag(x), feeds


def space_to_batch_fed():
    paddings = tf.placeholder(tf.int32, [2, 2])
    return tf.space_to_batch_nd(tf.ones([1, 2, 2, 1]), [1, 1], paddings), \
        {paddings: [[0, BIG], [0, BIG]]}


def strided_slice_grad_fed():
    shape = tf.placeholder(tf.int32, [2])
    with OpScope(None, "StridedSliceGrad", []) as scope:
        grad = make_tensor("StridedSliceGrad", [shape, tf.constant([0, 0]), tf.constant([1, 1]),
                                                tf.constant([1, 1]), tf.ones([1, 1])], scope,
                           {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0,
                            "new_axis_mask": 0, "shrink_axis_mask": 0})
    return grad, {shape: [BIG, BIG]}


HUGE = [
    ("Tile", tile_static), ("Tile", tile_fed),
    ("Range", range_static), ("Range", range_fed),
    ("OneHot", one_hot_static), ("OneHot", one_hot_fed),
    ("AddV2", add_static), ("AddV2", add_fed),
    ("Less", less_fed), ("SelectV2", where_v2_fed),
    ("MatMul", matmul_static), ("MatMul", matmul_fed), ("BatchMatMulV2", batch_matmul_fed),
    ("BroadcastTo", broadcast_to_fed), ("Pad", pad_fed),
    ("GatherV2", gather_fed), ("GatherNd", gather_nd_fed), ("ScatterNd", scatter_nd_fed),
    ("UnsortedSegmentSum", segment_sum_fed), ("SparseToDense", sparse_to_dense_fed),
    ("DynamicStitch", dynamic_stitch_fed), ("Einsum", einsum_fed),
    ("Conv2D", conv2d_static), ("Conv2D", conv2d_fed),
    ("Conv2DBackpropInput", conv2d_backprop_input_fed),
    ("DepthwiseConv2dNative", depthwise_fed), ("AvgPoolGrad", avg_pool_grad_fed),
    ("ResizeBilinear", resize_fed(tf.image.resize_bilinear)),
    ("ResizeNearestNeighbor", resize_fed(tf.image.resize_nearest_neighbor)),
    ("ResizeBicubic", resize_fed(tf.image.resize_bicubic)),
    ("ResizeArea", resize_fed(tf.image.resize_area)),
    ("Diag", diag_fed), ("MatrixDiagV3", matrix_diag_fed),
    ("SpaceToBatchND", space_to_batch_fed), ("StridedSliceGrad", strided_slice_grad_fed),
]


@pytest.mark.parametrize(("op_type", "build"), HUGE, ids=[b.__name__ for _, b in HUGE])
def test_an_output_far_above_the_limit_fails_at_its_op_before_allocating(sess, op_type, build):
    fetch, feeds = build()
    error, peak = refused(sess, fetch, feeds)
    assert error.op.type == op_type
    assert peak < PEAK_BYTES, f"the refused step allocated {peak / 2**20:.0f} MiB"
    assert_session_still_works(sess)


def test_the_message_is_tfs_with_the_shape_and_type(sess):
    error, _ = refused(sess, tf.tile(tf.ones([1000], name="x"), [10**9], name="Tile"))
    assert error.message.startswith(
        "OOM when allocating tensor with shape[1000000000000] and type float on "
        "/job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu")
    assert error.op.name == "Tile"
    error, _ = refused(sess, tf.range(0, 10**12, dtype=tf.int64, name="r"))
    assert "shape[1000000000000] and type int64 on" in error.message


# -- when the op fails: when it runs, as in TF ----------------------------------------------------
def test_the_ops_before_the_refused_one_run_in_that_step(sess):
    counter = tf.Variable(0, name="counter")
    sess.run(counter.initializer)
    with tf.control_dependencies([tf.assign_add(counter, 1)]):
        huge = tf.tile(tf.ones([1000]), [10**9], name="huge")
    for expected in (1, 2):
        error, _ = refused(sess, huge)
        assert error.op.name == "huge"
        assert sess.run(counter) == expected


def test_an_oversized_op_in_a_branch_not_taken_does_not_fail(sess):
    take = tf.placeholder(tf.bool, [])
    result = tf.cond(take, lambda: tf.reduce_sum(tf.tile(tf.ones([1000]), [10**9])),
                     lambda: tf.constant(5.0))
    assert sess.run(result, {take: False}) == 5.0
    error, _ = refused(sess, result, {take: True})
    assert error.op.type == "Tile"


def test_a_refused_op_keeps_failing_once_its_plan_is_compiled(fresh_engine, sess):
    fresh_engine.keep_step_values = False  # plans compile on their third run
    x = tf.placeholder(tf.float32, [1000])
    huge = tf.tile(x, [10**9], name="huge") * 2.0
    for _ in range(5):
        error, _ = refused(sess, huge, {x: np.ones(1000)})
        assert error.op.name == "huge"


def test_an_op_no_bigger_than_its_input_is_not_refused(monkeypatch, sess):
    x = tf.placeholder(tf.float32, [1000])
    same = tf.reshape(tf.identity(x), [10, 100])  # views of what was fed: nothing allocated
    monkeypatch.setattr(runtime, "MAX_TENSOR_BYTES", 1000)
    assert sess.run(same, {x: np.ones(1000)}).shape == (10, 100)


# -- the limit lowered: small inputs, outputs just over or under it --------------------------------
LIMIT = 2**20


@pytest.fixture
def low_limit(monkeypatch):
    monkeypatch.setattr(runtime, "MAX_TENSOR_BYTES", LIMIT)


LOW = [
    # (op type, builder of an output of 2**18 + 2**10 float32 elements: just over 1 MiB)
    ("Tile", lambda x: tf.tile(x, [2**8 + 1])),
    ("ConcatV2", lambda x: tf.concat([x] * (2**8 + 1), 0)),
    ("Pack", lambda x: tf.stack([x] * (2**8 + 1))),
    ("Pad", lambda x: tf.pad(x, [[0, 2**18]])),
    ("AddV2", lambda x: tf.reshape(x, [-1, 1]) + tf.reshape(x[:2**8 + 1], [1, -1])),
]


@pytest.mark.parametrize(("op_type", "build"), LOW, ids=[t for t, _ in LOW])
def test_a_lowered_limit_refuses_outputs_just_over_it(low_limit, sess, op_type, build):
    x = tf.placeholder(tf.float32, [None])
    fetch = build(x)
    error, _ = refused(sess, fetch, {x: np.ones(2**10, np.float32)})
    assert error.op.type == op_type
    assert f"limit {LIMIT / 2**30:.1f} GiB" in error.message


def test_outputs_under_a_lowered_limit_are_computed_as_before(low_limit, sess):
    x = tf.placeholder(tf.float32, [None])
    values = np.arange(4, dtype=np.float32)
    tiled, ranged = tf.tile(x, [3]), tf.range(2**10)
    np.testing.assert_array_equal(sess.run(tiled, {x: values}), np.tile(values, 3))
    np.testing.assert_array_equal(sess.run(ranged), np.arange(2**10))
    sums = tf.reshape(x, [-1, 1]) + tf.reshape(x, [1, -1])
    np.testing.assert_array_equal(sess.run(sums, {x: values}), values[:, None] + values)


def test_where_counts_its_true_elements_under_a_lowered_limit(low_limit, sess):
    condition = tf.placeholder(tf.bool, [None])
    indices = tf.where(condition)
    error, _ = refused(sess, indices, {condition: np.ones(2**17 + 1, bool)})  # int64 [n, 1]
    assert error.op.type == "Where"
    few = np.zeros(2**17 + 1, bool)
    few[[3, 7]] = True
    np.testing.assert_array_equal(sess.run(indices, {condition: few}), [[3], [7]])


def test_the_limit_is_read_when_the_op_runs(monkeypatch, sess):
    """A plan built under a low limit runs its op once the limit is raised again."""
    tiled = tf.tile(tf.constant([1.0, 2.0]), [2**18])  # 2 MiB, shape known when built
    monkeypatch.setattr(runtime, "MAX_TENSOR_BYTES", LIMIT)
    refused(sess, tiled)
    monkeypatch.setattr(runtime, "MAX_TENSOR_BYTES", 4 * LIMIT)
    assert sess.run(tiled).shape == (2**19,)


# -- kept values -----------------------------------------------------------------------------------
def test_kept_step_values_do_not_count_against_the_tensor_limit(monkeypatch, fresh_engine, sess):
    """A shell keeps step values under its own byte budget (shell/keep.py); the engine's limit
    is per tensor, so what earlier steps kept never makes a later step fail."""
    fresh_engine.keep_step_values = True
    monkeypatch.setattr(runtime, "MAX_TENSOR_BYTES", LIMIT)
    x = tf.placeholder(tf.float32, [None])
    doubled = x * 2.0
    values = np.ones(2**17, np.float32)  # half the limit, kept by every step
    for _ in range(8):
        np.testing.assert_array_equal(sess.run(doubled, {x: values}), values * 2.0)


def test_index_arguments_too_big_for_int32_become_int64_as_in_tf():
    tiled = tf.tile(tf.constant([1.0]), [10**12])
    assert tiled.op.inputs[1].dtype == tf.int64 and tiled.shape.as_list() == [10**12]
    with tf.Session() as sess, pytest.raises(tf.errors.ResourceExhaustedError, match="Tile"):
        sess.run(tiled)


def test_a_negative_one_hot_depth_is_refused_when_built_and_when_fed():
    with pytest.raises(ValueError, match="must be non-negative but is -3"):
        tf.one_hot([1, 2], -3)
    depth = tf.placeholder(tf.int32, [])
    hot = tf.one_hot([1, 2], depth)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="depth must be non-negative, got: -2"):
        sess.run(hot, {depth: -2})
