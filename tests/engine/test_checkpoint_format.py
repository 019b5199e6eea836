"""TF's V2 checkpoint format: the sorted table of `.index`, the bundle's tensor bytes and the
checkpoint ops, checked against the layout TF's table and bundle code write (written out here)
and against the bytes of checkpoints TensorFlow wrote (tests/fixtures/checkpoints/tf/)."""

import pathlib
import struct

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import dtypes, errors, table, tensor_bundle
from graphshell.engine.graph.crc32c import crc32c, masked_crc32c

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "checkpoints"


# -- the table -------------------------------------------------------------------------------
def test_varints_round_trip_and_use_seven_bits_per_byte():
    out = bytearray()
    for value in (0, 127, 128, 300, 2**35 + 7):
        table.put_varint(out, value)
    assert bytes(out[:4]) == b"\x00\x7f\x80\x01"
    position, read = 0, []
    while position < len(out):
        value, position = table.get_varint(out, position)
        read.append(value)
    assert read == [0, 127, 128, 300, 2**35 + 7]


def test_separators_are_leveldbs_bytewise_ones():
    assert table.shortest_separator(b"abcdef", b"abzz") == b"abd"
    assert table.shortest_separator(b"abc", b"abd") == b"abc"  # c+1 is not below d
    assert table.shortest_separator(b"ab", b"abc") == b"ab"  # a prefix stays as it is
    assert table.short_successor(b"s") == b"t"
    assert table.short_successor(b"\xff\xffa") == b"\xff\xffb"
    assert table.short_successor(b"\xff") == b"\xff"


def test_a_small_table_is_laid_out_as_tf_writes_it():
    data = table.build_table([(b"", b"h"), (b"ab", b"1"), (b"ac", b"22")])
    # one data block: entries (shared, unshared, value length, key delta, value), the restart
    # array [0] and its count, then the block trailer
    block = b"\x00\x00\x01h" + b"\x00\x02\x01ab1" + b"\x01\x01\x02c22" + struct.pack("<II", 0, 1)
    assert data.startswith(block + b"\x00")
    assert struct.unpack_from("<I", data, len(block) + 1)[0] == masked_crc32c(block + b"\x00")
    assert data[-8:] == struct.pack("<Q", 0xDB4775248B80FB57)
    footer = data[-48:-8]
    metaindex_offset, position = table.get_varint(footer, 0)
    metaindex_size, position = table.get_varint(footer, position)
    assert (metaindex_offset, metaindex_size) == (len(block) + 5, 8)  # the empty metaindex
    assert list(table.read_table(data)) == [(b"", b"h"), (b"ab", b"1"), (b"ac", b"22")]


def test_keys_share_prefixes_until_every_sixteenth_entry_restarts():
    keys = [f"key{i:03d}".encode() for i in range(40)]
    data = table.build_table([(k, b"v") for k in keys])
    assert [k for k, _ in table.read_table(data)] == keys
    index_offset, _ = table.get_varint(data, len(data) - 48 + 3)  # after the metaindex handle
    block_size = index_offset - 5 - 8 - 5  # the data block before the metaindex and trailers
    block = data[:block_size]
    count = struct.unpack_from("<I", block, len(block) - 4)[0]
    restarts = struct.unpack_from(f"<{count}I", block, len(block) - 4 - 4 * count)
    assert count == 3 and restarts[0] == 0  # entries 0, 16 and 32 start afresh
    for offset in restarts:
        assert block[offset] == 0  # no shared prefix at a restart point
    assert block[restarts[0] + 10] == 5  # the second key shares "key00" with the first


def test_a_table_over_a_block_size_has_several_blocks_and_reads_back():
    rows = [(f"tensor_{i:05d}".encode(), bytes([i % 251]) * 1000) for i in range(600)]
    data = table.build_table(rows)
    assert len(data) > 2 * table.BLOCK_SIZE
    assert list(table.read_table(data)) == rows


def test_unsorted_keys_and_corrupt_tables_are_refused():
    with pytest.raises(ValueError, match="increasing order"):
        table.build_table([(b"b", b""), (b"a", b"")])
    data = bytearray(table.build_table([(b"", b"h"), (b"a", b"1")]))
    with pytest.raises(errors.DataLossError, match="bad magic number"):
        list(table.read_table(bytes(data[:-1]) + b"\x00"))
    data[5] ^= 0xFF
    with pytest.raises(errors.DataLossError, match="block checksum mismatch"):
        list(table.read_table(bytes(data)))


# -- tensor bytes --------------------------------------------------------------------------------
def test_numbers_are_stored_as_little_endian_bytes_with_their_masked_crc():
    data, checksum = tensor_bundle.encode_tensor(np.array([1.5, -2.0], np.float64),
                                                 dtypes.float64)
    assert data == struct.pack("<2d", 1.5, -2.0)
    crc = crc32c(data)
    assert checksum == ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def test_strings_are_lengths_then_their_checksum_then_bytes():
    data, checksum = tensor_bundle.encode_tensor(np.array([b"hello", b"", b"wor"], object),
                                                 dtypes.string)
    assert data[:3] == b"\x05\x00\x03" and data[7:] == b"hellowor"
    lengths_crc = crc32c(struct.pack("<3I", 5, 0, 3))
    assert data[3:7] == struct.pack("<I", tensor_bundle._mask(lengths_crc))
    assert checksum == tensor_bundle._mask(crc32c(data[3:], lengths_crc))
    decoded = tensor_bundle.decode_tensor(data, dtypes.string, (3,), "s")
    assert decoded.tolist() == [b"hello", b"", b"wor"]


@pytest.mark.parametrize("dtype", [dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int8,
                                   dtypes.uint8, dtypes.int16, dtypes.int32, dtypes.int64,
                                   dtypes.bool_, dtypes.complex64, dtypes.complex128])
def test_every_numeric_dtype_round_trips_through_a_bundle(tmp_path, dtype):
    value = (np.arange(6) % 2 == 0) if dtype is dtypes.bool_ else np.arange(6) - 2
    value = np.asarray(value).astype(dtype.as_numpy_dtype).reshape(2, 3)
    writer = tensor_bundle.BundleWriter(str(tmp_path / "ckpt"))
    writer.add("v", value, dtype)
    writer.finish()
    reader = tensor_bundle.BundleReader(str(tmp_path / "ckpt"))
    read = reader.read("v")
    assert read.dtype == value.dtype and read.shape == (2, 3)
    np.testing.assert_array_equal(read, value)


def test_a_flipped_data_byte_fails_its_checksum(tmp_path):
    writer = tensor_bundle.BundleWriter(str(tmp_path / "ckpt"))
    writer.add("v", np.array([1.0, 2.0], np.float32), dtypes.float32)
    writer.finish()
    path = tmp_path / "ckpt.data-00000-of-00001"
    data = bytearray(path.read_bytes())
    data[0] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(errors.DataLossError, match="Checksum does not match"):
        tensor_bundle.BundleReader(str(tmp_path / "ckpt")).read("v")


def test_the_bundle_of_tfs_basic_fixture_is_written_byte_for_byte(tmp_path):
    reader = tensor_bundle.BundleReader(str(FIXTURES / "tf" / "basic" / "model-7"))
    writer = tensor_bundle.BundleWriter(str(tmp_path / "model-7"))
    for name in sorted(reader.entries, key=lambda n: reader.entries[n].offset):
        writer.add(name, reader.read(name), reader.entries[name].dtype)
    writer.finish()
    for suffix in (".index", ".data-00000-of-00001"):
        assert (tmp_path / f"model-7{suffix}").read_bytes() == \
            (FIXTURES / "tf" / "basic" / f"model-7{suffix}").read_bytes()


# -- the ops -----------------------------------------------------------------------------------
def test_save_v2_and_restore_v2_ops_round_trip(tmp_path, sess):
    from graphshell.engine.ops import checkpoint_ops
    prefix = str(tmp_path / "raw")
    save = checkpoint_ops.save_v2(prefix, ["zz", "aa"], ["", ""],
                                  [tf.constant([1.0, 2.0]), tf.constant(["x", "yz"])])
    assert save.type == "SaveV2" and save.name == "SaveV2"
    assert [t.op.name for t in save.inputs[:3]] == ["SaveV2/prefix", "SaveV2/tensor_names",
                                                    "SaveV2/shape_and_slices"]
    assert save.get_attr("dtypes") == [tf.float32, tf.string]
    sess.run(save)
    restored = checkpoint_ops.restore_v2(prefix, ["aa", "zz"], ["", ""], [tf.string, tf.float32])
    assert restored[0].shape.ndims is None  # TF knows no shape without slices
    words, numbers = sess.run(restored)
    assert words.tolist() == [b"x", b"yz"] and numbers.tolist() == [1.0, 2.0]
    data = (tmp_path / "raw.data-00000-of-00001").read_bytes()
    assert data[:8] == struct.pack("<2f", 1.0, 2.0)  # in the order given, not sorted


def test_restore_v2_errors_are_tfs(tmp_path, sess):
    from graphshell.engine.ops import checkpoint_ops
    prefix = str(FIXTURES / "tf" / "basic" / "model-7")
    missing = checkpoint_ops.restore_v2(prefix, ["nope"], [""], [tf.float32])
    with pytest.raises(tf.errors.NotFoundError, match="Key nope not found in checkpoint"):
        sess.run(missing)
    wrong = checkpoint_ops.restore_v2(prefix, ["weights"], [""], [tf.int32])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="tensor_name = weights; expected dtype int32 does not equal "
                             "original dtype float"):
        sess.run(wrong)
    absent = checkpoint_ops.restore_v2(str(tmp_path / "none"), ["a"], [""], [tf.float32])
    with pytest.raises(tf.errors.NotFoundError, match="Failed to find any matching files for"):
        sess.run(absent)


def test_sharded_names_and_string_ops(sess):
    from graphshell.engine.ops import checkpoint_ops
    name = checkpoint_ops.sharded_filename("/d/model_temp/part", 1, 3)
    spec = checkpoint_ops.sharded_filespec("/d/model", 12)
    joined = checkpoint_ops.string_join([["a", "b"], "-x"], separator="+")
    match = checkpoint_ops.regex_full_match(["s3://b/k", "/tmp/s3://"], "^s3://.*")
    assert sess.run([name, spec]) == [b"/d/model_temp/part-00001-of-00003",
                                      b"/d/model-?????-of-00012"]
    assert sess.run(joined).tolist() == [b"a+-x", b"b+-x"]
    assert sess.run(match).tolist() == [True, False]


def test_slice_keys_are_tfs_ordered_code():
    from graphshell.engine.graph.tensor_slices import _signed_num_increasing, slice_key
    assert slice_key("emb", [(2, 2), (0, 2)]) == b"\x00emb\x00\x01\x01\x02\x82\x82\x80\x82"
    assert slice_key("a\x00b", [(0, -1)]) == b"\x00a\x00\xffb\x00\x01\x01\x01\x80\x7f"
    # one byte up to 63, then length-prefixed big-endian, sign-extended for negatives
    assert [_signed_num_increasing(v).hex() for v in (63, 64, -65, 2**40, 2**63 - 1)] == [
        "bf", "c040", "3fbf", "fd0000000000", "ffc07fffffffffffffff"]


def test_a_failed_save_leaves_no_files(tmp_path, sess):
    from graphshell.engine.ops import checkpoint_ops
    save = checkpoint_ops.save_v2(str(tmp_path / "m"), ["a", "a"], ["", ""],
                                  [tf.constant(1.0), tf.constant(2.0)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Adding duplicate key: a"):
        sess.run(save)
    assert list(tmp_path.iterdir()) == []
