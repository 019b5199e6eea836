"""The long-tail ops (clipping, masks, matrix algebra, einsum, norms, Print/Assert, case): values
against numpy written out, gradients against central differences in float64."""

import numpy as np
import pytest
from central_differences import numeric_gradient

from graphshell import tf
from graphshell.engine.ops.logging_ops import summarize_value

RNG = np.random.default_rng(12)




def check_gradient(sess, build, value, rtol=1e-5, atol=1e-7):
    """d(sum(build(x) * w))/dx by tf.gradients equals central differences."""
    x = tf.placeholder(tf.float64, np.shape(value))
    out = build(x)
    weights = RNG.normal(size=out.shape.as_list())
    loss = tf.reduce_sum(out * weights)
    grad = sess.run(tf.gradients(loss, x)[0], {x: value})
    expected = numeric_gradient(lambda v: sess.run(loss, {x: v}), value)
    np.testing.assert_allclose(grad, expected, rtol=rtol, atol=atol)


def test_clip_by_norm_matches_the_formula(sess):
    x = np.array([[3.0, 4.0], [0.3, 0.4]], dtype=np.float32)
    rows = sess.run(tf.clip_by_norm(x, 1.0, axes=[1]))
    norms = np.sqrt((x * x).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(rows, x * 1.0 / np.maximum(norms, 1.0), rtol=1e-6)


def test_clip_by_global_norm_scales_all_by_one_factor(sess):
    a, b = np.array([3.0, 4.0]), np.array([[12.0]])
    clipped, norm = tf.clip_by_global_norm([a, None, b], 6.5)
    got_a, got_b, got_norm = sess.run([clipped[0], clipped[2], norm])
    assert clipped[1] is None
    assert got_norm == pytest.approx(13.0)
    np.testing.assert_allclose(got_a, a * 0.5)
    np.testing.assert_allclose(got_b, b * 0.5)


def test_clip_gradients(sess):
    value = np.array([[-2.0, 0.3, 3.0], [1.1, -0.5, 0.7]])
    check_gradient(sess, lambda x: tf.clip_by_norm(x, 1.5), value)
    check_gradient(sess, lambda x: tf.clip_by_value(x, -1.0, 1.0), value)


def test_saturate_cast_clamps_instead_of_wrapping(sess):
    got = sess.run(tf.saturate_cast(np.array([-5.0, 3.7, 300.0], np.float32), tf.uint8))
    np.testing.assert_array_equal(got, np.array([0, 3, 255], np.uint8))


def test_masks(sess):
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(sess.run(tf.boolean_mask(x, x > 2.5)), x[x > 2.5])
    np.testing.assert_array_equal(sess.run(tf.boolean_mask(x, [True, False, True], axis=1)),
                                  x[:, [0, 2]])
    lengths = np.array([1, 3, 0])
    expected = np.arange(4)[None, :] < lengths[:, None]
    np.testing.assert_array_equal(sess.run(tf.sequence_mask(lengths, 4)), expected)
    assert sess.run(tf.count_nonzero(x)) == np.count_nonzero(x)


def test_unique_keeps_first_appearance_order(sess):
    values, index = sess.run(tf.unique([4, 2, 4, 1, 2]))
    np.testing.assert_array_equal(values, [4, 2, 1])
    np.testing.assert_array_equal(index, [0, 1, 0, 2, 1])


def test_matrix_values(sess):
    a = RNG.normal(size=(2, 3, 3)) + 3 * np.eye(3)
    np.testing.assert_allclose(sess.run(tf.matrix_inverse(a)), np.linalg.inv(a), rtol=1e-10)
    np.testing.assert_allclose(sess.run(tf.matrix_determinant(a)), np.linalg.det(a), rtol=1e-10)
    np.testing.assert_allclose(sess.run(tf.trace(a)), np.trace(a, axis1=1, axis2=2))
    band = sess.run(tf.matrix_band_part(a, 1, 0))
    np.testing.assert_allclose(band, np.tril(np.triu(a, -1)))
    np.testing.assert_allclose(sess.run(tf.matrix_diag_part(a, k=1)),
                               np.diagonal(a, 1, axis1=1, axis2=2))


@pytest.mark.parametrize("build", [
    lambda x: tf.matrix_inverse(x),
    lambda x: tf.matrix_inverse(x, adjoint=True),
    lambda x: tf.matrix_determinant(x),
    lambda x: tf.matrix_diag_part(x, k=-1),
    lambda x: tf.matrix_set_diag(x, [1.0, 2.0, 3.0]),
    lambda x: tf.matrix_band_part(x, 0, 1),
    lambda x: tf.diag(tf.diag_part(x)),
    lambda x: tf.cross(x, x * x),
    lambda x: tf.einsum("ij,jk->ik", x, x),
    lambda x: tf.einsum("ij->j", x),
    lambda x: tf.tensordot(x, x, [[0], [1]]),
    lambda x: tf.norm(x, axis=1),
    lambda x: tf.norm(x, ord=3, axis=0),
    lambda x: tf.math.reduce_euclidean_norm(x, 1),
    lambda x: tf.reverse(x, [0]),
    lambda x: tf.matrix_transpose(x),
])
def test_gradients_match_differences(sess, build):
    value = RNG.normal(size=(3, 3)) + 2 * np.eye(3)
    check_gradient(sess, build, value, rtol=1e-4, atol=1e-6)


def test_einsum_and_tensordot_match_numpy(sess):
    a, b = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(4, 3))
    c = RNG.normal(size=(4, 5))
    np.testing.assert_allclose(sess.run(tf.einsum("bij,jk->bik", a, c)),
                               np.einsum("bij,jk->bik", a, c))
    np.testing.assert_allclose(sess.run(tf.tensordot(a, b, [[1, 2], [1, 0]])),
                               np.tensordot(a, b, [[1, 2], [1, 0]]))


def test_summaries_follow_tensorflow():
    assert summarize_value(np.array([[1.5, 2.0, 0.1], [4.0, 5.0, 6.0]], np.float32), 3) == \
        "[1.5 2 0.1]..."
    assert summarize_value(np.arange(24).reshape(2, 3, 4), 5) == "[[0 1 2 3][4...]]..."
    assert summarize_value(np.array([True, False]), 3) == "1 0"
    assert summarize_value(np.array([1e20, 123456789.0], np.float32), -1) == "1e+20 123456792"
    assert summarize_value(np.array(b"ab"), 3) == "ab"


def test_print_writes_to_stderr_the_first_n_times(sess, capsys):
    x = tf.constant([1.0, 2.0, 3.0])
    y = tf.Print(x, [x, "tag"], message="x: ", first_n=2, summarize=2)
    for _ in range(3):
        np.testing.assert_array_equal(sess.run(y), [1.0, 2.0, 3.0])
    assert capsys.readouterr().err == "x: [1 2...][tag]\nx: [1 2...][tag]\n"


def test_assert_fails_with_the_data(sess):
    p = tf.placeholder(tf.float32, [None])
    check = tf.Assert(tf.reduce_all(p > 0), ["p is", p])
    sess.run(check, {p: [1.0]})
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"assertion failed: \[p is\] "
                                                             r"\[1 -2 3\.\.\.\]"):
        sess.run(check, {p: [1.0, -2.0, 3.0, 4.0]})


def test_case_picks_the_first_true_branch(sess):
    x = tf.placeholder(tf.float32, [])
    y = tf.case([(x < 0.0, lambda: x * 0.0 - 1.0), (x < 10.0, lambda: x * 2.0)],
                default=lambda: x + 100.0)
    assert [sess.run(y, {x: v}) for v in (-5.0, 3.0, 50.0)] == [-1.0, 6.0, 150.0]
