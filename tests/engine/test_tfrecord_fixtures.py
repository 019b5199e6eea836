"""TFRecord files and tf.train.Example: files TensorFlow wrote (tests/fixtures/tfrecord/, by
tools/record_tfrecord_fixtures.py) read here, and files written here byte-identical to TF's."""

import json
import pathlib
import struct
import subprocess
import sys

import numpy as np
import pytest

from graphshell import tf

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "tfrecord"
MANIFEST = json.loads((FIXTURES / "records.json").read_text())
RECORDS = [bytes.fromhex(h) for h in MANIFEST["records"]]
FILES = sorted(MANIFEST["files"].items())


@pytest.mark.parametrize("name,kind", FILES)
def test_tf_record_iterator_reads_tensorflows_file(name, kind):
    options = tf.io.TFRecordOptions(kind)
    assert list(tf.io.tf_record_iterator(str(FIXTURES / name), options)) == RECORDS


@pytest.mark.parametrize("name,kind", FILES)
def test_the_writer_writes_tensorflows_bytes(name, kind, tmp_path):
    path = tmp_path / name
    with tf.python_io.TFRecordWriter(str(path), tf.python_io.TFRecordOptions(kind)) as writer:
        for record in RECORDS:
            writer.write(record)
    assert path.read_bytes() == (FIXTURES / name).read_bytes()


@pytest.mark.parametrize("name,kind", FILES)
def test_tfrecord_dataset_reads_tensorflows_file(name, kind, sess):
    element = tf.data.TFRecordDataset(str(FIXTURES / name), compression_type=kind) \
        .make_one_shot_iterator().get_next()
    got = []
    while True:
        try:
            got.append(sess.run(element))
        except tf.errors.OutOfRangeError:
            break
    assert got == RECORDS


def test_an_empty_file_has_no_records():
    assert list(tf.io.tf_record_iterator(str(FIXTURES / "empty.tfrecord"))) == []


def test_a_corrupted_record_is_data_loss(tmp_path):
    data = bytearray((FIXTURES / "plain.tfrecord").read_bytes())
    data[12 + 0 + 4 + 12] ^= 0xFF  # a byte of the second record's data ("a")
    path = tmp_path / "bad.tfrecord"
    path.write_bytes(bytes(data))
    with pytest.raises(tf.errors.DataLossError, match="corrupted record"):
        list(tf.io.tf_record_iterator(str(path)))


def test_the_framing_is_length_crc_data_crc():
    first = (FIXTURES / "plain.tfrecord").read_bytes()[:16]
    length, = struct.unpack("<Q", first[:8])
    assert length == len(RECORDS[0]) == 0 and len(first) == 16


def test_examples_serialize_to_tensorflows_bytes():
    examples = [tf.train.Example.FromString(r) for r in RECORDS[4:]]
    assert [e.SerializeToString() for e in examples] == RECORDS[4:]
    assert list(examples[3].features.feature["label"].int64_list.value) == [-1, 2**40]


def test_parse_example_reads_tensorflows_examples(sess):
    serialized = tf.constant(RECORDS[4:7])
    parsed = tf.io.parse_example(serialized, {"x": tf.io.FixedLenFeature([2], tf.float32)})
    expected = np.array([[i, i / 4.0] for i in range(3)], np.float32)
    np.testing.assert_array_equal(sess.run(parsed["x"]), expected)


def test_var_len_features_become_sparse_values(sess):
    parsed = tf.io.parse_single_example(tf.constant(RECORDS[8]),
                                        {"name": tf.io.VarLenFeature(tf.string)})
    value = sess.run(parsed["name"])
    assert value.values.tolist() == [b"one", b"two"]
    assert value.indices.tolist() == [[0], [1]] and value.dense_shape.tolist() == [2]


def test_a_missing_required_feature_is_an_error(sess):
    parsed = tf.io.parse_single_example(tf.constant(RECORDS[4]),
                                        {"y": tf.io.FixedLenFeature([], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="y"):
        sess.run(parsed["y"])


def test_importing_tf_does_not_import_protobuf():
    code = ("import sys, graphshell.tf; "
            "print(any(m.startswith('google.protobuf') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_serialize_tensor_round_trips_values(sess):
    value = np.arange(6, dtype=np.int16).reshape(2, 3) - 3
    back = tf.io.parse_tensor(tf.io.serialize_tensor(tf.constant(value)), tf.int16)
    np.testing.assert_array_equal(sess.run(back), value)


def test_parse_tensor_checks_the_dtype(sess):
    serialized = tf.io.serialize_tensor(tf.constant([1.0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Type mismatch"):
        sess.run(tf.io.parse_tensor(serialized, tf.int32))
