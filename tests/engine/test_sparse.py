"""IndexedSlices, sparse gradients, scatter updates and embedding lookups against numpy written
out and central differences."""

import numpy as np
import pytest
from central_differences import numeric_gradient

from graphshell import tf
from graphshell.engine.graph import errors

RNG = np.random.default_rng(12)




def dense_of(values, indices, rows):
    """What an IndexedSlices stands for: its rows added into zeros (numpy's add.at)."""
    dense = np.zeros((rows,) + np.shape(values)[1:], dtype=np.asarray(values).dtype)
    np.add.at(dense, np.asarray(indices), np.asarray(values))
    return dense


# -- IndexedSlices -------------------------------------------------------------------------------
def test_indexed_slices_densify_adds_duplicate_rows(sess):
    values = RNG.normal(size=(4, 3)).astype(np.float32)
    slices = tf.IndexedSlices(tf.constant(values), tf.constant([2, 0, 2, 5]), tf.constant([6, 3]))
    dense = tf.convert_to_tensor(slices)
    assert dense.op.type == "UnsortedSegmentSum" and dense.shape.as_list() == [6, 3]
    np.testing.assert_array_equal(sess.run(dense), dense_of(values, [2, 0, 2, 5], 6))


def test_indexed_slices_is_fetched_as_an_indexed_slices_value_inside_structures(sess):
    slices = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([1]), tf.constant([3, 1]))
    got = sess.run({"g": [slices, -slices]})
    first, negated = got["g"]
    assert type(first).__name__ == "IndexedSlicesValue"
    np.testing.assert_array_equal(first.dense_shape, [3, 1])
    np.testing.assert_array_equal(negated.values, [[-1.0]])


def test_indexed_slices_without_dense_shape_fetches_none_and_refuses_densifying(sess):
    slices = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([1]))
    assert sess.run(slices).dense_shape is None
    with pytest.raises(ValueError, match="without dense_shape"):
        tf.convert_to_tensor(slices)


# -- gradients -----------------------------------------------------------------------------------
def test_gather_gradient_is_indexed_slices_whose_dense_form_matches_differences(sess):
    params_value = RNG.normal(size=(5, 3))
    params = tf.placeholder(tf.float64, (5, 3))
    weights = RNG.uniform(0.5, 1.5, size=(2, 2, 3))
    loss = tf.reduce_sum(tf.gather(params, [[4, 1], [1, 0]]) * weights)
    grad = tf.gradients(loss, params)[0]
    assert isinstance(grad, tf.IndexedSlices)
    got = sess.run(grad, {params: params_value})
    np.testing.assert_array_equal(got.indices, [4, 1, 1, 0])
    np.testing.assert_array_equal(got.values, weights.reshape(4, 3))
    numeric = numeric_gradient(lambda v: sess.run(loss, {params: v}), params_value)
    np.testing.assert_allclose(dense_of(got.values, got.indices, 5), numeric, rtol=1e-6)


def test_two_sparse_gradients_concatenate_and_a_dense_one_makes_add_n(sess):
    w = tf.Variable(RNG.normal(size=(4, 2)).astype(np.float32), name="w")
    two_lookups = tf.reduce_sum(tf.gather(w, [1])) + tf.reduce_sum(tf.gather(w, [1, 3]))
    sparse_only = tf.gradients(two_lookups, w)[0]
    mixed = tf.gradients(tf.reduce_sum(tf.gather(w, [1])) + tf.reduce_sum(w * 2.0), w)[0]
    assert isinstance(sparse_only, tf.IndexedSlices) and sparse_only.values.op.type == "ConcatV2"
    assert isinstance(mixed, tf.Tensor) and mixed.op.type == "AddN"
    sess.run(w.initializer)
    got = sess.run(sparse_only)
    np.testing.assert_array_equal(got.indices, [1, 1, 3])
    expected = np.full((4, 2), 2.0, np.float32)
    expected[1] += 1.0
    np.testing.assert_array_equal(sess.run(mixed), expected)


def test_a_dense_consumer_of_a_sparse_gradient_gets_it_densified(sess):
    x = tf.placeholder(tf.float64, (3, 2))
    loss = tf.reduce_sum(tf.gather(tf.square(x), [2, 2, 0]))
    grad = tf.gradients(loss, x)[0]
    value = RNG.normal(size=(3, 2))
    assert isinstance(grad, tf.Tensor)
    numeric = numeric_gradient(lambda v: sess.run(loss, {x: v}), value)
    np.testing.assert_allclose(sess.run(grad, {x: value}), numeric, rtol=1e-6)


# -- scatter ---------------------------------------------------------------------------------------
SCATTERS = [
    (tf.scatter_add, np.add), (tf.scatter_sub, np.subtract), (tf.scatter_mul, np.multiply),
    (tf.scatter_div, np.divide), (tf.scatter_min, np.minimum), (tf.scatter_max, np.maximum),
]


@pytest.mark.parametrize(("build", "ufunc"), SCATTERS)
def test_scatter_combines_every_occurrence_of_an_index_as_numpy_ufunc_at(sess, build, ufunc):
    start = RNG.uniform(1.0, 2.0, size=(4, 3)).astype(np.float32)
    updates = RNG.uniform(0.5, 3.0, size=(2, 2, 3)).astype(np.float32)
    indices = np.array([[3, 0], [3, 3]], np.int32)
    v = tf.Variable(start)
    sess.run(v.initializer)
    result = sess.run(build(v, indices, updates))
    expected = start.copy()
    ufunc.at(expected, indices.reshape(-1), updates.reshape(4, 3))
    np.testing.assert_array_equal(result, expected)
    np.testing.assert_array_equal(sess.run(v), expected)


def test_scatter_update_writes_rows_and_broadcasts_a_scalar(sess):
    v = tf.Variable(np.zeros((3, 2), np.float32))
    sess.run(v.initializer)
    sess.run(tf.scatter_update(v, [2, 0], [[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(sess.run(tf.scatter_update(v, [1], 9.0)),
                                  [[3.0, 4.0], [9.0, 9.0], [1.0, 2.0]])


def test_integer_scatter_div_rounds_toward_zero(sess):
    v = tf.Variable([7, -7, 9])
    sess.run(v.initializer)
    np.testing.assert_array_equal(sess.run(tf.scatter_div(v, [0, 1, 2], [2, 2, -4])), [3, -3, -2])


def test_scatter_index_out_of_range_names_it_and_keeps_the_rows_before(sess):
    v = tf.Variable(np.zeros((5, 1), np.float32))
    sess.run(v.initializer)
    with pytest.raises(errors.InvalidArgumentError, match=r"indices\[0,1\] = 7 is not in \[0, 5\)"):
        sess.run(tf.scatter_add(v, [[2, 7, 3]], [[[1.0], [1.0], [1.0]]]))
    np.testing.assert_array_equal(sess.run(v)[:, 0], [0.0, 0.0, 1.0, 0.0, 0.0])


def test_scatter_updates_must_be_shaped_indices_plus_row_shape():
    v = tf.Variable(np.zeros((5, 2), np.float32))
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
        tf.scatter_add(v, [1, 2], [[1.0, 1.0]])
    with pytest.raises(TypeError, match="'indices' has DataType float32"):
        tf.scatter_add(v, [1.0], [[1.0, 1.0]])
    with pytest.raises(AttributeError, match="needs a variable"):
        tf.scatter_add(tf.constant([1.0]), [0], [1.0])


def test_scatter_nd_writes_and_adds_points_and_rows(sess):
    start = RNG.normal(size=(3, 2)).astype(np.float32)
    v = tf.Variable(start)
    sess.run(v.initializer)
    expected = start.copy()
    expected[0, 1], expected[2, 0] = -1.0, -2.0
    np.testing.assert_array_equal(
        sess.run(tf.scatter_nd_update(v, [[0, 1], [2, 0]], [-1.0, -2.0])), expected)
    np.add.at(expected, ([1, 1], [0, 0]), np.array([5.0, 1.0], np.float32))
    np.testing.assert_array_equal(sess.run(tf.scatter_nd_add(v, [[1, 0], [1, 0]], [5.0, 1.0])),
                                  expected)
    expected[2] = [7.0, 8.0]
    np.testing.assert_array_equal(sess.run(tf.scatter_nd_update(v, [[2]], [[7.0, 8.0]])), expected)
    with pytest.raises(errors.InvalidArgumentError, match=r"indices\[0\] = \[1, 7\] does not"):
        sess.run(tf.scatter_nd_update(v, [[1, 7]], [5.0]))


def test_compiled_scatter_steps_match_numpy_over_many_runs(sess):
    v = tf.Variable(np.zeros((3,), np.float32))
    step = tf.scatter_add(v, [0, 2, 2], [1.0, 0.5, 0.25])
    sess.run(v.initializer)
    for _ in range(6):  # past the third run, the plan is compiled
        sess.run(step)
    np.testing.assert_array_equal(sess.run(v), [6.0, 0.0, 4.5])


# -- embedding_lookup -----------------------------------------------------------------------------
def test_embedding_lookup_takes_rows_and_names_ops_as_tf(sess):
    table = RNG.normal(size=(6, 3)).astype(np.float32)
    w = tf.Variable(table, name="w")
    ids = np.array([[5, 0], [2, 2]], np.int32)
    e = tf.nn.embedding_lookup(w, ids)
    assert (e.op.type, e.op.name, e.op.inputs[0].op.name) == \
        ("Identity", "embedding_lookup/Identity", "embedding_lookup")
    sess.run(w.initializer)
    np.testing.assert_array_equal(sess.run(e), np.take(table, ids, axis=0))


def test_embedding_lookup_max_norm_scales_long_rows_and_its_gradient_matches(sess):
    table = RNG.normal(size=(4, 3)) * np.array([[3.0], [0.1], [2.0], [0.2]])
    params = tf.placeholder(tf.float64, (4, 3))
    e = tf.nn.embedding_lookup(params, [0, 1, 3, 0], max_norm=1.0)
    rows = table[[0, 1, 3, 0]]
    norms = np.sqrt(np.sum(rows * rows, axis=1, keepdims=True))
    np.testing.assert_allclose(sess.run(e, {params: table}),
                               rows * 1.0 / np.maximum(norms, 1.0), rtol=1e-12)
    weights = RNG.uniform(0.5, 1.5, size=(4, 3))
    loss = tf.reduce_sum(e * weights)
    grad = tf.convert_to_tensor(tf.gradients(loss, params)[0])
    numeric = numeric_gradient(lambda v: sess.run(loss, {params: v}), table)
    np.testing.assert_allclose(sess.run(grad, {params: table}), numeric, rtol=1e-5, atol=1e-8)


def test_embedding_lookup_of_no_params_is_refused_clearly():
    # (lookups over several partitions: tests/engine/test_remaining_api.py)
    with pytest.raises(ValueError, match="Need at least one param"):
        tf.nn.embedding_lookup([], [0])


def test_sparse_sgd_step_by_hand_matches_numpy(sess):
    table = RNG.normal(size=(5, 2)).astype(np.float32)
    target = RNG.normal(size=(3, 2)).astype(np.float32)
    w = tf.Variable(table, name="w")
    ids = [1, 4, 1]
    loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup(w, ids) - target))
    grad = tf.gradients(loss, w)[0]
    step = tf.scatter_sub(w, grad.indices, grad.values * 0.1)
    sess.run(w.initializer)
    expected = table.copy()
    for _ in range(3):
        sess.run(step)
        row_grads = (2.0 * (expected[ids] - target)).astype(np.float32)
        np.subtract.at(expected, ids, (row_grads * np.float32(0.1)).astype(np.float32))
    np.testing.assert_allclose(sess.run(w), expected, rtol=1e-6)
