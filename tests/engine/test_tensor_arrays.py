"""py_func, TensorArray and map_fn/scan/foldl/foldr: values against numpy written out."""

import numpy as np
import pytest

from graphshell import tf


def test_py_func_runs_numpy_at_step_time_each_run():
    calls = []
    x = tf.placeholder(tf.float32, [2])
    y = tf.py_func(lambda a: (calls.append(1), a * 3)[1], [x], tf.float32)
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(y, {x: [1.0, 2.0]}), [3.0, 6.0])
        s.run(y, {x: [0.0, 0.0]})
    assert len(calls) == 2 and y.shape.ndims is None


def test_py_func_error_classes_follow_the_exception():
    x = tf.constant(1.0)
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="ValueError: no"):
            s.run(tf.py_func(lambda a: (_ for _ in ()).throw(ValueError("no")), [x],
                             tf.float32))
        with pytest.raises(tf.errors.InvalidArgumentError, match="is double, but expects float"):
            s.run(tf.py_func(lambda a: 1.5, [x], tf.float32))


def test_tensor_array_storage_is_fresh_each_step():
    ta = tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0)
    stacked = ta.stack()
    with tf.Session() as s:  # a second run would fail "already written" if storage persisted
        np.testing.assert_array_equal(s.run(stacked), [1.0, 2.0])
        np.testing.assert_array_equal(s.run(stacked), [1.0, 2.0])


def test_write_in_while_loop_then_stack_matches_numpy():
    ta = tf.TensorArray(tf.float32, size=4)
    _, final = tf.while_loop(lambda i, a: i < 4,
                             lambda i, a: (i + 1, a.write(i, tf.cast(i * i, tf.float32))),
                             [0, ta])
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(final.stack()), np.arange(4.0) ** 2)


def test_split_then_concat_round_trips_and_reports_lengths():
    value = np.arange(6.0, dtype=np.float32)
    ta = tf.TensorArray(tf.float32, size=3, infer_shape=False).split(value, [1, 2, 3])
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(ta.concat()), value)
        np.testing.assert_array_equal(s.run(ta.read(1)), value[1:3])


def test_map_fn_scan_and_folds_match_numpy():
    x = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    with tf.Session() as s:
        mapped, scanned, left, right = s.run([
            tf.map_fn(lambda v: v * v + 1, tf.constant(x)),
            tf.scan(lambda a, v: a * v, tf.constant(x)),
            tf.foldl(lambda a, v: a - v, tf.constant(x)),
            tf.foldr(lambda a, v: a - v, tf.constant(x))])
    np.testing.assert_array_equal(mapped, x * x + 1)
    np.testing.assert_array_equal(scanned, np.cumprod(x))
    assert left == x[0] - x[1] - x[2] - x[3] and right == x[3] - x[2] - x[1] - x[0]
