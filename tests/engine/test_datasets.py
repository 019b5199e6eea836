"""tf.data pipelines: stage values against numpy written out, iterator state per session, the
structure of what get_next returns, and Ctrl-C atomicity of steps that take elements."""

import signal

import numpy as np
import pytest

from graphshell import tf


def drain(sess, element):
    """Every value `element` yields in `sess` until End of sequence."""
    values = []
    while True:
        try:
            values.append(sess.run(element))
        except tf.errors.OutOfRangeError:
            return values


def test_batch_stacks_consecutive_elements(sess):
    data = np.arange(14, dtype=np.float32).reshape(7, 2)
    batches = drain(sess, tf.data.Dataset.from_tensor_slices(data).batch(3)
                    .make_one_shot_iterator().get_next())
    expected = [data[0:3], data[3:6], data[6:7]]
    assert len(batches) == 3
    for got, want in zip(batches, expected):
        np.testing.assert_array_equal(got, want)


def test_drop_remainder_drops_the_short_batch_and_fixes_the_shape(sess):
    ds = tf.data.Dataset.range(7).batch(3, drop_remainder=True)
    assert ds.output_shapes.as_list() == [3]
    got = drain(sess, ds.make_one_shot_iterator().get_next())
    assert [b.tolist() for b in got] == [[0, 1, 2], [3, 4, 5]]


def test_padded_batch_pads_with_the_padding_value(sess):
    rows = [[1], [2, 2], [3, 3, 3]]
    ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill(tf.reshape(x, [1]), x))
    got = drain(sess, ds.padded_batch(3, padded_shapes=[4], padding_values=tf.constant(
        -1, tf.int64)).make_one_shot_iterator().get_next())
    expected = np.full((3, 4), -1, np.int64)
    for k, row in enumerate(rows):
        expected[k, :len(row)] = row
    np.testing.assert_array_equal(got[0], expected)


def test_map_runs_the_traced_function_per_element(sess):
    ds = tf.data.Dataset.from_tensor_slices(np.array([1.0, 4.0, 9.0], np.float32))
    got = drain(sess, ds.map(lambda x: tf.sqrt(x) + 1.0).make_one_shot_iterator().get_next())
    np.testing.assert_allclose(got, np.sqrt([1.0, 4.0, 9.0]) + 1.0)


def test_map_of_a_dict_keeps_the_structure(sess):
    ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0], [2.0]]})
    element = ds.make_one_shot_iterator().get_next()
    assert sorted(element) == ["a", "b"] and element["b"].shape.as_list() == [1]
    assert sess.run(element)["a"] == 1


def test_filter_needs_a_scalar_bool_predicate():
    with pytest.raises(ValueError, match="predicate"):
        tf.data.Dataset.range(3).filter(lambda x: x + 1)


def test_each_session_has_its_own_iterator_position():
    element = tf.data.Dataset.range(3).make_one_shot_iterator().get_next()
    with tf.Session() as first, tf.Session() as second:
        assert first.run(element) == 0 and first.run(element) == 1
        assert second.run(element) == 0


def test_get_next_before_the_initializer_fails_with_tfs_message(sess):
    iterator = tf.data.Dataset.range(3).make_initializable_iterator()
    with pytest.raises(tf.errors.FailedPreconditionError, match="has not been initialized"):
        sess.run(iterator.get_next())


def test_from_generator_checks_the_declared_shape(sess):
    ds = tf.data.Dataset.from_generator(lambda: iter([[1, 2], [3]]), tf.int64,
                                        tf.TensorShape([2]))
    element = ds.make_one_shot_iterator().get_next()
    assert sess.run(element).tolist() == [1, 2]
    with pytest.raises(tf.errors.InvalidArgumentError, match="shape"):
        sess.run(element)


def test_text_lines_drop_their_line_ends(sess, tmp_path):
    path = tmp_path / "lines.txt"
    path.write_bytes(b"a\r\nb\n\nc")
    got = drain(sess, tf.data.TextLineDataset(str(path)).make_one_shot_iterator().get_next())
    assert got == [b"a", b"b", b"", b"c"]


def test_a_missing_file_is_not_found(sess, tmp_path):
    element = tf.data.TextLineDataset(str(tmp_path / "no.txt")).make_one_shot_iterator()
    with pytest.raises(tf.errors.NotFoundError, match="no.txt"):
        sess.run(element.get_next())


def test_an_interrupted_step_with_a_loop_gives_its_element_back(sess):
    element = tf.data.Dataset.range(5).make_one_shot_iterator().get_next()
    counter = tf.while_loop(lambda i: i < 2, lambda i: i + 1, [tf.constant(0)])
    interrupt = {"armed": True}

    def maybe_interrupt(value, count):
        if interrupt.pop("armed", False):
            signal.raise_signal(signal.SIGINT)
        return value

    step = tf.py_func(maybe_interrupt, [element, counter], tf.int64)
    with pytest.raises(KeyboardInterrupt):
        sess.run(step)
    assert sess.run(step) == 0  # the interrupted step took element 0 and gave it back
    assert sess.run(step) == 1


def test_a_straight_line_step_finishes_before_ctrl_c(sess):
    element = tf.data.Dataset.range(5).make_one_shot_iterator().get_next()
    interrupt = {"armed": True}

    def maybe_interrupt(value):
        if interrupt.pop("armed", False):
            signal.raise_signal(signal.SIGINT)
        return value

    step = tf.py_func(maybe_interrupt, [element], tf.int64)
    with pytest.raises(KeyboardInterrupt):
        sess.run(step)  # the step ran to its end: element 0 is taken
    assert sess.run(step) == 1


def test_parallel_map_keeps_the_input_order(sess):
    ds = tf.data.Dataset.range(8).map(lambda x: x * x, num_parallel_calls=4)
    assert ds._variant_tensor.op.type == "ParallelMapDatasetV2"
    assert drain(sess, ds.make_one_shot_iterator().get_next()) == [i * i for i in range(8)]


def test_interleave_takes_blocks_from_the_open_datasets_in_turn(sess):
    ds = tf.data.Dataset.range(1, 3).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(3), cycle_length=2, block_length=2)
    assert drain(sess, ds.make_one_shot_iterator().get_next()) == [1, 1, 2, 2, 1, 2]


def test_a_large_shuffle_buffer_is_a_permutation(sess):
    ds = tf.data.Dataset.range(70000).shuffle(100000, seed=5).batch(70000)
    order = sess.run(ds.make_one_shot_iterator().get_next())
    assert sorted(order.tolist()) == list(range(70000)) and order.tolist() != list(range(70000))


def test_a_generator_error_becomes_the_error_class_tfs_py_func_picks(sess):
    def broken():
        yield 1
        raise ValueError("bad item")
    element = tf.data.Dataset.from_generator(broken, tf.int64).make_one_shot_iterator().get_next()
    assert sess.run(element) == 1
    with pytest.raises(tf.errors.InvalidArgumentError, match="ValueError: bad item"):
        sess.run(element)
