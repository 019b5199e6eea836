"""Feeds: keys of every kind, value conversion, shape and dtype checks, cutting the graph."""

import numpy as np
import pytest

from graphshell import tf


def test_unfed_placeholder_is_a_run_time_error_for_run_and_eval(sess):
    p = tf.placeholder(tf.float32, shape=[2], name="p")
    y = p * 2.0
    message = "You must feed a value for placeholder tensor 'p' with dtype float and shape \\[2\\]"
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        sess.run(y)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        y.eval()
    np.testing.assert_array_equal(sess.run(y, {p: [1, 2]}), [2.0, 4.0])


def test_placeholder_without_static_shape_omits_shape_in_message(sess):
    p = tf.placeholder(tf.int32, name="q")
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(p + 1)
    assert str(info.value) == ("You must feed a value for placeholder tensor 'q' with dtype "
                               "int32\n\t [[{{node q}}]]")


def test_fed_and_fetched_tensor_returns_the_converted_feed(sess):
    p = tf.placeholder(tf.float32, shape=[2])
    out, fed = sess.run([tf.identity(p), p], {p: [1, 2]})
    assert isinstance(fed, np.ndarray) and fed.dtype == np.float32
    scalar = tf.placeholder(tf.float32, shape=[])
    assert type(sess.run(scalar, {scalar: 1.0})) is np.ndarray
    assert type(sess.run(scalar + 0, {scalar: 1.0})) is np.float32


def test_static_shape_is_checked_before_running(sess):
    some = tf.constant([2.0, 2.0, 2.0, 2.0])
    r = tf.reshape(some, tf.constant([2, 2]))
    p = tf.placeholder(tf.float32, shape=[None, 2])
    with pytest.raises(ValueError, match=r"Cannot feed value of shape \(3,\) for Tensor Const:0, "
                                         r"which has shape \(4,\)"):
        sess.run(r, {some: [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match=r"which has shape \(\?, 2\)"):
        sess.run(p, {p: np.zeros((3, 3))})
    np.testing.assert_array_equal(sess.run(p, {p: np.zeros((1, 2))}), [[0.0, 0.0]])


def test_a_tensor_is_not_a_feed_value(sess):
    p = tf.placeholder(tf.float32)
    out = tf.identity(p)
    value = tf.constant(5.0)
    for run in (lambda: sess.run(out, {p: value}), lambda: out.eval({p: value}),
                lambda: out.op.run({p: value})):
        with pytest.raises(TypeError, match="The value of a feed cannot be a tf.Tensor object"):
            run()


def test_feed_keys_tensor_name_and_nested_tuple(sess):
    x = tf.zeros([2], name="x")
    np.testing.assert_array_equal(sess.run(2 * x, {x: np.ones(2, np.float32)}), [2.0, 2.0])
    np.testing.assert_array_equal(sess.run(2 * x, {"x:0": [1, 1]}), [2.0, 2.0])
    pair = ((tf.zeros([2]),), tf.zeros([2]))
    result = sess.run([pair[0][0] * 2, pair[1] * 2],
                      {pair: ((np.array([1, 1]),), np.array([2, 2]))})
    np.testing.assert_array_equal(result, [[2.0, 2.0], [4.0, 4.0]])


@pytest.mark.parametrize("key_of", [lambda x: "x", lambda x: x.op, lambda x: 3])
def test_bad_feed_keys_are_type_errors(sess, key_of):
    x = tf.zeros([2], name="x")
    with pytest.raises(TypeError, match="Cannot interpret feed_dict key as Tensor"):
        sess.run(x, {key_of(x): [2.0, 2.0]})


def test_feeding_an_intermediate_tensor_cuts_the_graph(sess):
    x = tf.placeholder(tf.float32, shape=[], name="x")
    h = x * 2.0
    y = h + 1.0
    assert sess.run(y, {h: 3.0}) == 4.0
    c = tf.constant(3.0)
    d = c * 10.0
    assert (sess.run(d, {c: 1.0}), sess.run(d)) == (10.0, 30.0)


def test_python_int_that_does_not_fit_the_dtype(sess):
    c32 = tf.constant(1)
    with pytest.raises(TypeError, match="Type of feed value 9223372036854775807 with type "
                                        "<class 'int'> is not compatible with Tensor type"):
        sess.run(tf.constant(1.0), {c32: np.iinfo(np.int64).max})
    assert sess.run(c32, {c32: 7}) == 7


def test_feed_values_convert_like_numpy(sess):
    i = tf.placeholder(tf.int32, [2])
    np.testing.assert_array_equal(sess.run(i, {i: [1.7, -2.9]}), [1, -2])
    f = tf.placeholder(tf.float32, [])
    with pytest.raises(ValueError, match="could not convert string to float"):
        sess.run(f, {f: "abc"})
    with pytest.raises(ValueError):
        sess.run(tf.placeholder(tf.float32), {"Placeholder_2:0": [[1, 2], [3]]})
    assert np.isnan(sess.run(f * 1.0, {f: np.nan}))


def test_placeholder_with_default_uses_the_default_unless_fed(sess):
    p = tf.placeholder_with_default(tf.constant([1.0, 2.0]), shape=[None])
    np.testing.assert_array_equal(sess.run(p * 2), [2.0, 4.0])
    np.testing.assert_array_equal(sess.run(p * 2, {p: [5.0]}), [10.0])


def test_feeds_last_one_step(sess):
    c = tf.constant(3.0)
    assert sess.run(c, {c: 1.0}) == 1.0 and sess.run(c) == 3.0
