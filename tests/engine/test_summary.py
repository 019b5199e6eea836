"""tf.summary ops and FileWriter: protos checked against numpy written out, event files read
back with TensorBoard's own loader, and tensorboard staying an optional, lazy import."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import errors
from graphshell.engine.ops import summary_ops

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_file_loader import (
    LegacyEventFileLoader,  # events as written, not migrated to tensor summaries
)


def _parsed(raw: bytes):
    proto = tf.Summary()
    proto.ParseFromString(raw)
    return proto


def _events(logdir):
    files = sorted(logdir.glob("events.out.tfevents.*"))
    return files, [event for f in files for event in LegacyEventFileLoader(str(f)).Load()]


# -- the ops ---------------------------------------------------------------------------------------
def test_scalar_returns_serialized_summary_with_float32_value(sess):
    s = tf.summary.scalar("third", tf.constant(1.0 / 3.0, tf.float64))
    value = _parsed(sess.run(s)).value[0]
    assert (value.tag, value.simple_value) == ("third", float(np.float32(1.0 / 3.0)))


def test_scalar_of_fed_value_follows_the_feed(sess):
    p = tf.placeholder(tf.float32, [])
    s = tf.summary.scalar("fed", p)
    assert [_parsed(sess.run(s, {p: v})).value[0].simple_value for v in (1.5, -2.0)] == [1.5, -2]


def test_scalar_with_vector_value_fails_with_shape_message(sess):
    s = tf.summary.scalar("bad", tf.constant([1.0, 2.0]))
    with pytest.raises(errors.InvalidArgumentError,
                       match=r"not the same shape: \[\] != \[2\] \(tag 'bad'\)"):
        sess.run(s)


def test_default_bucket_limits_follow_tf_growth_rule():
    limits = summary_ops.default_bucket_limits()
    positive = limits[limits > 0]
    assert positive[0] == 1e-12 and positive[-1] == sys.float_info.max
    assert np.all(positive[:-2] * 1.1 == positive[1:-1])  # each limit is the last one x 1.1
    assert positive[-2] < 1e20 <= positive[-2] * 1.1
    np.testing.assert_array_equal(limits[: len(positive)], -positive[::-1])
    assert limits[len(positive)] == 0.0


def test_histogram_counts_match_numpy_histogram_over_kept_buckets(sess):
    values = np.linspace(-30.0, 45.0, 101)
    histo = _parsed(sess.run(tf.summary.histogram("h", values))).value[0].histo
    limits = summary_ops.default_bucket_limits()
    expected = np.bincount(np.searchsorted(limits, values, side="right"), minlength=len(limits))
    kept = [int(np.flatnonzero(limits == b)[0]) for b in histo.bucket_limit]
    assert list(histo.bucket) == expected[kept].tolist()
    assert sum(histo.bucket) == values.size and histo.bucket_limit[-1] == sys.float_info.max
    # every kept empty bucket stands for a run that ends just before a nonempty one (or the end)
    for position, index in enumerate(kept):
        if expected[index] == 0:
            assert index == len(limits) - 1 or expected[index + 1] > 0
            previous = kept[position - 1] if position else -1
            assert expected[previous + 1:index + 1].sum() == 0
    assert (histo.min, histo.max, histo.num) == (-30.0, 45.0, 101)
    assert histo.sum == np.cumsum(values)[-1]
    assert histo.sum_squares == np.cumsum(values * values)[-1]


def test_histogram_of_nan_names_the_op(sess):
    h = tf.summary.histogram("weights", tf.constant([np.inf, np.nan]))
    with pytest.raises(errors.InvalidArgumentError, match="^Infinity in Histogram for: weights"):
        sess.run(h)


def test_merge_keeps_values_in_input_order(sess):
    a, b = tf.summary.scalar("a", 1.0), tf.summary.scalar("b", 2.0)
    merged = _parsed(sess.run(tf.summary.merge([b, a])))
    assert [(v.tag, v.simple_value) for v in merged.value] == [("b", 2.0), ("a", 1.0)]


def test_merge_of_unparsable_input_fails(sess):
    merged = tf.summary.merge([tf.constant(b"\xff\xff")])
    with pytest.raises(errors.InvalidArgumentError, match="Could not parse one of the summary"):
        sess.run(merged)


def test_tensor_summary_stores_little_endian_content(sess):
    values = np.array([[1.5, -2.0]], np.float32)
    tensor = _parsed(sess.run(tf.summary.tensor_summary("t", values))).value[0].tensor
    assert [d.size for d in tensor.tensor_shape.dim] == [1, 2]
    assert tensor.tensor_content == values.astype("<f4").tobytes()


# -- FileWriter ------------------------------------------------------------------------------------
def test_file_writer_events_read_back_by_tensorboard(tmp_path, sess):
    s = tf.summary.scalar("loss", tf.constant(0.5))
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_summary(sess.run(s), global_step=7)
        writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="acc", simple_value=0.75)]), 8)
        writer.add_session_log(tf.summary.SessionLog(status=tf.summary.SessionLog.START), 9)
        assert writer.get_logdir() == str(tmp_path)
    files, events = _events(tmp_path)
    assert len(files) == 1
    assert events[0].file_version == "brain.Event:2"
    assert [(e.step, e.summary.value[0].tag, e.summary.value[0].simple_value)
            for e in events[1:3]] == [(7, "loss", 0.5), (8, "acc", 0.75)]
    assert (events[3].step, events[3].session_log.status) == (9, tf.summary.SessionLog.START)


def test_file_writer_keeps_metadata_of_first_value_per_tag(tmp_path, sess):
    t = tf.summary.text("note", tf.constant("hi"))
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_summary(sess.run(t), 1)
        writer.add_summary(sess.run(t), 2)
    _, events = _events(tmp_path)
    has_metadata = [e.summary.value[0].HasField("metadata") for e in events[1:]]
    assert has_metadata == [True, False]


def test_closed_writer_warns_and_reopen_starts_a_new_file(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path), filename_suffix=".first")
    writer.close()
    with pytest.warns(UserWarning, match="Attempting to use a closed FileWriter"):
        writer.add_summary(tf.Summary(), 1)
    writer.reopen()
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="x", simple_value=1.0)]), 2)
    writer.close()
    files, events = _events(tmp_path)
    assert len(files) == 2 and [e.step for e in events if e.summary.value] == [2]


def test_file_writer_cache_shares_one_writer_per_logdir(tmp_path):
    with warnings.catch_warnings():
        first = tf.summary.FileWriterCache.get(str(tmp_path))
        assert tf.summary.FileWriterCache.get(str(tmp_path)) is first
        tf.summary.FileWriterCache.clear()
        assert tf.summary.FileWriterCache.get(str(tmp_path)) is not first
        tf.summary.FileWriterCache.clear()


# -- tensorboard stays optional --------------------------------------------------------------------
def test_import_graphshell_tf_does_not_import_tensorboard():
    code = "import sys, graphshell.tf; print(any(m.startswith('tensorboard') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_summary_without_tensorboard_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard.compat.proto", None)
    summary_ops.protos.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"pip install 'graphshell\[tensorboard\]'"):
            tf.summary.scalar("x", 1.0)
    finally:
        summary_ops.protos.cache_clear()
