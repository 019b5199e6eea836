"""Records TFRecord files written by real TensorFlow for tests/engine/test_tfrecord_fixtures.py.

Run with a Python that has TensorFlow: `<tf python> tools/record_tfrecord_fixtures.py`. It
writes tests/fixtures/tfrecord/: the same records (raw bytes and one-feature tf.train.Examples)
in a plain, a GZIP and a ZLIB file, an empty file, and records.json listing the records (hex),
so graphshell's reader is checked against TF's files and its writer against TF's bytes.
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

OUT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tfrecord"


def records(tf) -> list[bytes]:
    raw = [b"", b"a", b"\x00trailing nul\x00", bytes(range(256)) * 3]
    examples = [
        tf.train.Example(features=tf.train.Features(feature={
            "x": tf.train.Feature(float_list=tf.train.FloatList(value=[i, i / 4.0]))}))
        for i in range(3)] + [
        tf.train.Example(features=tf.train.Features(feature={
            "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[-1, 2**40]))})),
        tf.train.Example(features=tf.train.Features(feature={
            "name": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"one", b"two"]))}))]
    return raw + [e.SerializeToString() for e in examples]


def main() -> None:
    import tensorflow as tf
    OUT.mkdir(parents=True, exist_ok=True)
    data = records(tf)
    for kind, name in (("", "plain.tfrecord"), ("GZIP", "gzip.tfrecord"),
                       ("ZLIB", "zlib.tfrecord")):
        with tf.io.TFRecordWriter(str(OUT / name), tf.io.TFRecordOptions(kind)) as writer:
            for record in data:
                writer.write(record)
    with tf.io.TFRecordWriter(str(OUT / "empty.tfrecord")):
        pass
    manifest = {"tf_version": tf.__version__, "records": [r.hex() for r in data],
                "files": {"plain.tfrecord": "", "gzip.tfrecord": "GZIP",
                          "zlib.tfrecord": "ZLIB"}}
    (OUT / "records.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"{len(data)} records in 3 files written to {OUT}")


if __name__ == "__main__":
    main()
