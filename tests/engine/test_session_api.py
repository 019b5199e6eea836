"""Session limits (timeouts, targets, partial_run checks, which exceptions leave a step) and the
framework API TF's graph-mode tests use, ported from TF's session_test.py,
session_partial_run_test.py, gradient_checker_test.py, gradients_test.py, nest_test.py,
compat_test.py and variables_test.py; expected values are numpy written out."""

import collections
import signal
import threading

import numpy as np
import pytest
from central_differences import numeric_gradient

from graphshell import tf
from graphshell.engine.graph import errors


def endless_loop():
    return tf.while_loop(lambda i: i < 2_000_000_000, lambda i: i + 1, [0])


# -- timeouts (session_test's timeout tests) ----------------------------------------------------
def test_run_options_timeout_stops_an_endless_loop(sess):
    with pytest.raises(errors.DeadlineExceededError, match="^Timed out waiting for notification$"):
        sess.run(endless_loop(), options=tf.RunOptions(timeout_in_ms=20))


def test_config_operation_timeout_applies_to_every_step():
    loop = endless_loop()
    with tf.Session(config=tf.ConfigProto(operation_timeout_in_ms=20)) as s:
        with pytest.raises(errors.DeadlineExceededError):
            s.run(loop)
        assert s.run(tf.constant(2.0) * 3) == 6.0


def test_timed_out_session_runs_the_next_step():
    loop = endless_loop()
    with tf.Session() as s:
        with pytest.raises(errors.DeadlineExceededError):
            s.run(loop, options=tf.RunOptions(timeout_in_ms=20))
        counted = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [0])
        assert s.run(counted) == 10


def test_timeout_on_a_repeated_plan_keeps_values(sess):
    # a plan run many times would be compiled; with a timeout it stays interpreted and checked
    x = tf.placeholder(tf.float32, [2])
    y = tf.reduce_sum(x * x)
    options = tf.RunOptions(timeout_in_ms=60_000)
    for k in range(5):
        assert sess.run(y, {x: [k, 1.0]}, options=options) == np.float32(k * k + 1)


def test_timeout_with_cond_and_loop_keeps_values(sess):
    p = tf.placeholder(tf.bool, [])
    r = tf.cond(p, lambda: tf.while_loop(lambda i: i < 7, lambda i: i + 1, [0]),
                lambda: tf.constant(-1))
    options = tf.RunOptions(timeout_in_ms=60_000)
    assert sess.run(r, {p: True}, options=options) == 7
    assert sess.run(r, {p: False}, options=options) == -1


# -- targets (testInvalidTargetFails) -------------------------------------------------------------
def test_invalid_target_fails_with_not_found():
    tf.constant(1.0)
    with pytest.raises(errors.NotFoundError, match="No session factory registered"):
        tf.Session("INVALID_TARGET")


def test_empty_target_as_bytes_is_the_local_session():
    c = tf.constant(4.0)
    with tf.Session(b"") as s:
        assert s.run(c) == 4.0


# -- which exceptions leave a step as themselves --------------------------------------------------
class HandlerError(Exception):
    pass


def test_signal_handler_exception_keeps_its_class(sess):
    loop = endless_loop()

    def raise_from_handler(signum, frame):
        raise HandlerError("from the signal handler")

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach only the main thread")
    previous = signal.signal(signal.SIGALRM, raise_from_handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.02)
        with pytest.raises(HandlerError, match="from the signal handler"):
            sess.run(loop, options=tf.RunOptions(timeout_in_ms=30_000))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_kernel_errors_still_become_op_errors(sess):
    p = tf.placeholder(tf.float32, [None])
    with pytest.raises(errors.InvalidArgumentError):
        sess.run(tf.reshape(p, [2, 2]), {p: [1.0, 2.0, 3.0]})


# -- partial_run argument checks (session_partial_run_test) --------------------------------------
def test_partial_run_setup_needs_a_fetch(sess):
    a = tf.placeholder(tf.float32, [])
    with pytest.raises(errors.InvalidArgumentError,
                       match="Must specify at least one target to fetch or execute."):
        sess.partial_run_setup([], [a])


def test_partial_run_feeds_each_tensor_once(sess):
    a, b = tf.placeholder(tf.float32, []), tf.placeholder(tf.float32, [])
    c = a * b
    d = c * 2
    h = sess.partial_run_setup([c, d], [a, b])
    assert sess.partial_run(h, c, {a: 2.0, b: 3.0}) == 6.0
    with pytest.raises(errors.InvalidArgumentError, match="The feed Placeholder:0 has already "
                                                          "been fed."):
        sess.partial_run(h, d, {a: 5.0})
    assert sess.partial_run(h, d) == 12.0


def test_partial_run_fetches_each_tensor_once(sess):
    a = tf.placeholder(tf.float32, [])
    b = a * 2
    c = b * 3
    h = sess.partial_run_setup([b, c], [a])
    assert sess.partial_run(h, b, {a: 1.0}) == 2.0
    with pytest.raises(errors.InvalidArgumentError, match="The fetch mul:0 has already been "
                                                          "fetched."):
        sess.partial_run(h, b)
    assert sess.partial_run(h, c) == 6.0


def test_rejected_partial_run_call_does_not_use_up_its_feed(sess):
    a, b = tf.placeholder(tf.float32, []), tf.placeholder(tf.float32, [])
    r = a + b
    other = a * b
    h = sess.partial_run_setup([r], [a, b])
    with pytest.raises(errors.InvalidArgumentError, match="not specified in partial_run_setup"):
        sess.partial_run(h, other, {a: 1.0, b: 2.0})
    assert sess.partial_run(h, r, {a: 1.0, b: 2.0}) == 3.0


def test_partial_run_empty_fetches_only_feed(sess):
    a = tf.placeholder(tf.float32)
    b = a * 2.0
    h = sess.partial_run_setup([b], [a])
    assert sess.partial_run(h, [], {a: 3.0}) == []
    assert sess.partial_run(h, [b]) == [6.0]


# -- the gradient checker (gradient_checker_test) ------------------------------------------------
def test_compute_gradient_of_a_product_matches_its_jacobian(sess):
    x = tf.placeholder(tf.float64, [2, 3])
    w = np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])
    y = tf.reduce_sum(x * x * w, axis=0)
    x0 = np.arange(6.0).reshape(2, 3) / 3
    symbolic, numeric = tf.test.compute_gradient(x, [2, 3], y, [3], x_init_value=x0)
    expected = np.zeros((6, 3))
    for row in range(6):
        expected[row, row % 3] = 2 * x0.ravel()[row] * w.ravel()[row]
    np.testing.assert_allclose(symbolic, expected, rtol=1e-12)
    np.testing.assert_allclose(numeric, expected, atol=1e-8)


def test_compute_gradient_error_is_small_for_matmul_and_large_for_a_wrong_gradient(sess):
    a = tf.constant(np.arange(6.0).reshape(2, 3) / 7)
    x = tf.placeholder(tf.float64, [3, 2])
    assert tf.test.compute_gradient_error(x, [3, 2], tf.matmul(a, x), [2, 2]) < 1e-8

    @tf.custom_gradient
    def wrong_square(t):
        return t * t, lambda dy: dy * 3.0  # the true gradient is 2 t
    x2 = tf.placeholder(tf.float64, [2])
    error = tf.test.compute_gradient_error(x2, [2], wrong_square(x2), [2],
                                           x_init_value=np.array([1.0, 2.0]))
    np.testing.assert_allclose(error, 1.0, rtol=1e-6)  # |3 - 2 t| is 1 at t = 1 and t = 2


def test_compute_gradient_of_unconnected_x_is_zero(sess):
    x = tf.placeholder(tf.float64, [2])
    unrelated = tf.constant([1.0, 2.0], tf.float64) * 2
    symbolic, numeric = tf.test.compute_gradient(x, [2], unrelated, [2])
    assert not symbolic.any() and not numeric.any() and symbolic.shape == (2, 2)


def test_compute_gradient_needs_a_default_session():
    x = tf.placeholder(tf.float64, [2])
    with pytest.raises(ValueError, match="default session"):
        tf.test.compute_gradient(x, [2], x * 2, [2])


def test_compute_gradient_checks_the_init_value_shape(sess):
    x = tf.placeholder(tf.float64, [2])
    with pytest.raises(AssertionError, match="x_shape"):
        tf.test.compute_gradient(x, [2], x * 2, [2], x_init_value=np.zeros(3))


# -- custom_gradient (gradients_test testCustomGradient...) --------------------------------------
def test_custom_gradient_replaces_the_gradient(sess):
    @tf.custom_gradient
    def clipped_identity(t):
        return tf.identity(t), lambda dy: tf.clip_by_value(dy, -0.5, 0.5)
    x = tf.constant([1.0, 2.0])
    y = clipped_identity(x)
    g = tf.gradients(y * tf.constant([3.0, -0.25]), x)[0]
    assert y.op.type == "IdentityN"
    np.testing.assert_array_equal(sess.run(g), [0.5, -0.25])


def test_custom_gradient_refuses_keyword_arguments():
    @tf.custom_gradient
    def f(t):
        return t, lambda dy: dy
    with pytest.raises(ValueError, match="keywords arguments only when eager"):
        f(t=tf.constant(1.0))


def test_custom_gradient_refuses_ref_variables_created_inside():
    @tf.custom_gradient
    def with_variable(t):
        v = tf.Variable(2.0)
        return t * v, lambda dy: dy * v
    with pytest.raises(TypeError, match="must be `ResourceVariable`s"):
        with_variable(tf.constant(1.0))


# -- tf.nest (nest_test) ---------------------------------------------------------------------
Point = collections.namedtuple("Point", ["x", "y"])


def test_nest_flatten_orders_dicts_by_key_and_keeps_leaves():
    structure = {"b": [1, (2, 3)], "a": Point(4, 5), "c": None}
    assert tf.nest.flatten(structure) == [4, 5, 1, 2, 3, None]
    assert tf.nest.flatten("text") == ["text"]
    array = np.zeros(3)
    assert tf.nest.flatten(array)[0] is array


def test_nest_pack_sequence_as_rebuilds_each_container_kind():
    structure = {"b": [1, (2, 3)], "a": Point(4, 5)}
    packed = tf.nest.pack_sequence_as(structure, [10, 20, 30, 40, 50])
    assert packed == {"b": [30, (40, 50)], "a": Point(10, 20)}
    assert list(packed) == ["b", "a"] and isinstance(packed["a"], Point)
    assert tf.nest.pack_sequence_as(7, [8]) == 8


def test_nest_pack_sequence_as_counts_atoms():
    with pytest.raises(ValueError, match="Structure had 2 atoms, but flat_sequence had 1"):
        tf.nest.pack_sequence_as([1, 2], [1])


def test_nest_deep_structures_need_no_recursion():
    deep = 0
    for _ in range(5000):
        deep = [deep]
    assert tf.nest.flatten(deep) == [0]
    rebuilt = tf.nest.pack_sequence_as(deep, [9])
    assert tf.nest.flatten(rebuilt) == [9]


def test_nest_map_structure_and_assert_same_structure():
    assert tf.nest.map_structure(lambda u, w: u * w, [2, (3, 4)], [10, (20, 30)]) == \
        [20, (60, 120)]
    with pytest.raises(ValueError):
        tf.nest.assert_same_structure([1, 2], [1, 2, 3])
    with pytest.raises(TypeError, match="same sequence type"):
        tf.nest.assert_same_structure([1, 2], (1, 2))
    tf.nest.assert_same_structure([1, 2], (1, 2), check_types=False)
    assert tf.nest.is_nested({"a": 1}) and not tf.nest.is_nested(b"ab")


# -- small API (compat_test, ops_test, variables_test, array_ops_test) ---------------------------
def test_compat_text_conversions():
    assert tf.compat.as_bytes("\u00e9") == b"\xc3\xa9"
    assert tf.compat.as_text(b"\xc3\xa9") == "\u00e9"
    assert tf.compat.as_str(b"q") == "q" and tf.compat.as_bytes(bytearray(b"z")) == b"z"
    with pytest.raises(TypeError, match="Expected binary or unicode string"):
        tf.compat.as_bytes(3)


def test_tensor_ref_is_hashable_by_identity():
    t, u = tf.constant([1.0]), tf.constant([1.0])
    table = {t.ref(): "t", u.experimental_ref(): "u"}
    assert table[t.experimental_ref()] == "t" and t.ref() != u.ref()
    assert t.ref().deref() is t
    v = tf.Variable(1.0)
    assert v.ref() == v.experimental_ref() and v.ref().deref() is v


def test_tensor_spec_describes_and_compares():
    spec = tf.TensorSpec([2, None], tf.float32, name="x")
    assert spec == tf.TensorSpec([2, None], "float32", name="x")
    assert spec != tf.TensorSpec([2, None], tf.float32)
    assert spec.is_compatible_with(tf.placeholder(tf.float32, [2, 7]))
    assert not spec.is_compatible_with(tf.placeholder(tf.float32, [3, 7]))
    assert repr(tf.TensorSpec([3])) == "TensorSpec(shape=(3,), dtype=tf.float32, name=None)"


def test_count_up_to_counts_then_fails_at_the_limit(sess):
    v = tf.Variable(0, name="counter")
    c = tf.count_up_to(v, 3)
    sess.run(v.initializer)
    assert [sess.run(c) for _ in range(3)] == [0, 1, 2] and sess.run(v) == 3
    with pytest.raises(errors.OutOfRangeError, match="Reached limit of 3"):
        sess.run(c)


def test_count_up_to_checks_its_variable():
    with pytest.raises(TypeError):
        tf.count_up_to(tf.Variable(0.0), 3)
    with pytest.raises(ValueError, match="rank 0"):
        tf.Variable([0, 1]).count_up_to(3)


def test_assert_variables_initialized_fails_until_initialized(sess):
    assert tf.assert_variables_initialized() is None
    tf.Variable([1.0, 2.0], name="v")
    w = tf.Variable(3.0, name="w")
    check = tf.assert_variables_initialized()
    with pytest.raises(errors.FailedPreconditionError, match="uninitialized value v"):
        sess.run(check)
    sess.run(tf.global_variables_initializer())
    np.testing.assert_array_equal(sess.run(check), [1, 0])
    assert sess.run(tf.assert_variables_initialized([w])) == 0


def test_shape_n_refuses_mixed_types(sess):
    a = tf.placeholder(tf.float32, [None, 3])
    sa, sb = tf.shape_n([a, tf.zeros([1, 2])])
    assert sa.op is sb.op and sa.op.type == "ShapeN"
    values = sess.run([sa, sb], {a: np.zeros((4, 3))})
    np.testing.assert_array_equal(values[0], [4, 3])
    with pytest.raises(TypeError, match=r"have types \[float32, int32\] that don't all match"):
        tf.shape_n([a, tf.constant([1])])


def test_strided_slice_by_name_matches_numpy(sess):
    x = np.arange(24).reshape(2, 3, 4)
    t = tf.constant(x)
    plain = tf.strided_slice(t, [0, 1], [2, 3])
    masked = tf.strided_slice(t, [0, 0, 1], [1, 3, 4], [1, 2, 2], begin_mask=2,
                              shrink_axis_mask=1)
    assert plain.shape.as_list() == [2, 2, 4] and plain.op.type == "StridedSlice"
    np.testing.assert_array_equal(sess.run(plain), x[0:2, 1:3])
    np.testing.assert_array_equal(sess.run(masked), x[0, :3:2, 1:4:2])


def test_scalar_mul_scales_dense_and_sparse(sess):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(sess.run(tf.scalar_mul(-2.0, x)), [[-2.0, -4.0], [-6.0, -8.0]])
    sl = tf.IndexedSlices(tf.constant([[1.0, 2.0]]), tf.constant([1]), tf.constant([2, 2]))
    scaled = tf.scalar_mul(3.0, sl)
    assert isinstance(scaled, tf.IndexedSlices)
    np.testing.assert_array_equal(sess.run(scaled.values), [[3.0, 6.0]])
    with pytest.raises(ValueError, match="must be a 0-D value"):
        tf.scalar_mul(tf.constant([1.0, 2.0]), x)


def test_container_sets_the_container_attr_innermost_first():
    with tf.container("one"):
        v1 = tf.Variable(1.0)
        with tf.container("two"):
            v2 = tf.Variable(2.0)
    v3 = tf.Variable(3.0)
    assert [v.op.get_attr("container") for v in (v1, v2, v3)] == [b"one", b"two", b""]


def test_init_scope_leaves_control_dependencies_keeps_name_scope():
    a = tf.constant(1.0)
    with tf.name_scope("outer"), tf.control_dependencies([a]):
        with tf.init_scope():
            lifted = tf.constant(2.0, name="lifted")
        inside = tf.constant(3.0)
    assert lifted.op.control_inputs == [] and inside.op.control_inputs == [a.op]
    assert lifted.name == "outer/lifted:0"


def test_aggregation_method_is_accepted_by_gradients(sess):
    x = tf.constant(3.0)
    for method in (tf.AggregationMethod.ADD_N, tf.AggregationMethod.EXPERIMENTAL_TREE):
        assert sess.run(tf.gradients(x * x + x, x, aggregation_method=method)) == [7.0]


# -- SparseTensor (sparse_tensor_test, session_test's sparse feeds and fetches) -----------------
def dense_of_sparse(indices, values, shape, default=0.0):
    dense = np.full(shape, default, dtype=np.asarray(values).dtype)
    for position, value in zip(indices, values):
        dense[tuple(position)] = value
    return dense


def test_sparse_tensor_fetches_as_a_sparse_tensor_value(sess):
    sp = tf.SparseTensor([[0, 0], [1, 2]], [1.0, 2.0], [3, 4])
    value = sess.run(sp)
    assert isinstance(value, tf.SparseTensorValue) and sp.shape.as_list() == [3, 4]
    np.testing.assert_array_equal(value.indices, [[0, 0], [1, 2]])
    assert value.indices.dtype == np.int64 and value.dense_shape.dtype == np.int64
    nested = sess.run([sp, {"again": sp}])
    np.testing.assert_array_equal(nested[1]["again"].values, [1.0, 2.0])


def test_sparse_tensor_to_dense_matches_numpy(sess):
    indices, values = [[0, 1], [1, 0], [2, 3]], np.array([4.0, -1.5, 2.0], np.float32)
    sp = tf.SparseTensor(indices, values, [3, 4])
    np.testing.assert_array_equal(sess.run(tf.sparse_tensor_to_dense(sp)),
                                  dense_of_sparse(indices, values, (3, 4)))
    np.testing.assert_array_equal(sess.run(tf.sparse.to_dense(sp, default_value=7.0)),
                                  dense_of_sparse(indices, values, (3, 4), 7.0))


def test_sparse_to_dense_checks_indices(sess):
    def dense(indices):
        sp = tf.SparseTensor(indices, [1.0] * len(indices), [2, 3])
        return sess.run(tf.sparse_tensor_to_dense(sp))
    with pytest.raises(errors.InvalidArgumentError, match=r"indices\[1\] = \[0,0\] is out of "
                                                          "order"):
        dense([[1, 0], [0, 0]])
    with pytest.raises(errors.InvalidArgumentError, match="is repeated"):
        dense([[0, 1], [0, 1]])
    with pytest.raises(errors.InvalidArgumentError, match=r"out of bounds: need 0 <= index < "
                                                          r"\[2,3\]"):
        dense([[0, 0], [2, 0]])


def test_sparse_to_dense_gradient_matches_central_differences(sess):
    weights = np.array([[3.0, 4.0], [5.0, 6.0]])
    values = tf.placeholder(tf.float64, [2])
    default = tf.placeholder(tf.float64, [])
    sp = tf.SparseTensor([[0, 0], [1, 1]], values, [2, 2])
    loss = tf.reduce_sum(tf.sparse_tensor_to_dense(sp, default_value=default) ** 2 * weights)
    grads = tf.gradients(loss, [values, default])
    at_values, at_default = np.array([1.0, -2.0]), 0.5

    def loss_of(v, d):
        return float(np.sum(dense_of_sparse([[0, 0], [1, 1]], v, (2, 2), d) ** 2 * weights))
    got = sess.run(grads, {values: at_values, default: at_default})
    np.testing.assert_allclose(got[0], numeric_gradient(lambda v: loss_of(v, at_default),
                                                        at_values), rtol=1e-6)
    np.testing.assert_allclose(got[1], numeric_gradient(lambda d: loss_of(at_values, d[()]),
                                                        np.array(at_default)), rtol=1e-6)


def test_sparse_placeholder_takes_a_value_or_a_tuple(sess):
    p = tf.sparse_placeholder(tf.float32, name="p")
    dense = tf.sparse_tensor_to_dense(p)
    got = sess.run(dense, {p: tf.SparseTensorValue([[0, 1]], [5.0], [2, 2])})
    np.testing.assert_array_equal(got, [[0.0, 5.0], [0.0, 0.0]])
    got = sess.run(dense, {p: ([[1, 2]], [7.0], [2, 3])})
    np.testing.assert_array_equal(got, [[0.0, 0.0, 0.0], [0.0, 0.0, 7.0]])
    assert (p.indices.name, p.values.name, p.dense_shape.name) == \
        ("p/indices:0", "p/values:0", "p/shape:0")


def test_sparse_placeholder_shape_is_its_default_dense_shape(sess):
    q = tf.sparse_placeholder(tf.float32, shape=[2, 3])
    assert q.shape.as_list() == [2, 3] and q.indices.shape.as_list() == [None, 2]
    got = sess.run(tf.sparse_tensor_to_dense(q), {q.indices: [[1, 0]], q.values: [2.5]})
    np.testing.assert_array_equal(got, [[0.0, 0.0, 0.0], [2.5, 0.0, 0.0]])


def test_sparse_tensor_checks_part_ranks():
    with pytest.raises(ValueError, match="must have rank 2"):
        tf.SparseTensor([0, 1], [1.0, 2.0], [2])
    with pytest.raises(ValueError, match="not compatible"):
        tf.SparseTensor([[0], [1]], [1.0, 2.0, 3.0], [2])


# -- Graph.switch_to_thread_local (ops_test) ----------------------------------------------------
def make_in_thread(graph, name):
    made = []

    def work():
        with graph.as_default():
            made.append(tf.constant(0.0, name=name))
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return made[0]


def test_threads_share_control_dependencies_until_the_switch():
    g = tf.Graph()
    with g.as_default():
        a, b = tf.constant(1.0, name="a"), tf.constant(2.0, name="b")
        with g.control_dependencies([a]):
            shared = make_in_thread(g, "shared")
        with g.control_dependencies([a]):
            g.switch_to_thread_local()
        with g.control_dependencies([b]):
            own = make_in_thread(g, "own")
            inside = tf.constant(3.0, name="inside")
    assert shared.op.control_inputs == [a.op]
    assert own.op.control_inputs == [a.op]  # the stack as it was at the switch
    assert inside.op.control_inputs == [b.op]


# -- element types graphshell names but cannot compute with (dtypes_test) ----------------------
def test_bfloat16_and_quantized_types_are_dtypes():
    assert tf.as_dtype("bfloat16") is tf.bfloat16 and tf.as_dtype(11) is tf.qint8
    assert tf.bfloat16.is_floating and not tf.bfloat16.is_quantized
    assert all(d.is_quantized for d in (tf.qint8, tf.quint8, tf.qint16, tf.quint16, tf.qint32))
    assert tf.placeholder(tf.qint32, [3]).dtype is tf.qint32


def test_computing_with_bfloat16_says_numpy_has_no_such_type(sess):
    with pytest.raises(TypeError, match="graphshell cannot compute with bfloat16"):
        tf.constant([1.0], dtype=tf.bfloat16)
    p = tf.placeholder(tf.bfloat16, [1])
    with pytest.raises(TypeError, match="numpy has no bfloat16 element type"):
        sess.run(p, {p: [1.0]})


# -- sparse_add (sparse_add_op_test) -----------------------------------------------------------
def test_sparse_add_of_two_sparse_tensors_matches_dense_addition(sess):
    a_idx, a_val = [[0, 0], [1, 2]], np.array([1.0, 2.0], np.float32)
    b_idx, b_val = [[0, 0], [0, 1], [1, 1]], np.array([-1.0, 3.0, 4.0], np.float32)
    total = sess.run(tf.sparse_add(tf.SparseTensor(a_idx, a_val, [2, 3]),
                                   tf.SparseTensor(b_idx, b_val, [2, 3])))
    np.testing.assert_array_equal(total.indices, [[0, 0], [0, 1], [1, 1], [1, 2]])
    np.testing.assert_array_equal(
        dense_of_sparse(total.indices, total.values, (2, 3)),
        dense_of_sparse(a_idx, a_val, (2, 3)) + dense_of_sparse(b_idx, b_val, (2, 3)))


def test_sparse_add_threshold_drops_small_sums(sess):
    a = tf.SparseTensor([[0], [2]], [1.0, 0.25], [3])
    b = tf.SparseTensor([[0], [2]], [-1.0, 0.0], [3])
    kept = sess.run(tf.sparse_add(a, b, threshold=0.5))
    assert kept.indices.shape == (0, 1) and kept.values.shape == (0,)


def test_sparse_add_gradients_reach_both_values(sess):
    a = tf.SparseTensor([[0, 0], [1, 2]], tf.constant([1.0, 2.0]), [2, 3])
    b = tf.SparseTensor([[0, 0], [1, 1]], tf.constant([5.0, 6.0]), [2, 3])
    weights = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)
    loss = tf.reduce_sum(tf.sparse_tensor_to_dense(tf.sparse_add(a, b)) * weights)
    got = sess.run(tf.gradients(loss, [a.values, b.values]))
    np.testing.assert_array_equal(got[0], [weights[0, 0], weights[1, 2]])
    np.testing.assert_array_equal(got[1], [weights[0, 0], weights[1, 1]])


def test_sparse_add_with_a_dense_side_is_dense(sess):
    sp = tf.SparseTensor([[0, 1]], [2.0], [2, 2])
    dense = tf.sparse_add(tf.ones([2, 2]), sp)
    assert dense.op.type == "SparseTensorDenseAdd"
    np.testing.assert_array_equal(sess.run(dense), [[1.0, 3.0], [1.0, 1.0]])
    with pytest.raises(TypeError, match="At least one input should be SparseTensor"):
        tf.sparse_add(tf.ones([2]), tf.ones([2]))
