"""Records the checkpoint fixtures from real TensorFlow (run with a TF venv, never by the tests).

    <python with tensorflow-cpu> tools/record_checkpoint_fixtures.py

It runs the programs of tests/fixtures/checkpoints/programs.py in tests/fixtures/checkpoints/tf/
(TF's V2 checkpoints: `basic` with every dtype and a global step, `keep` with max_to_keep=2 over
three saves), and records in expected.json what TF reads back from them (values, dtype and shape
maps, debug_string, the state file's paths).

It then reads the checkpoints graphshell wrote in tests/fixtures/checkpoints/graphshell/ (by
tools/write_checkpoint_fixtures.py) in TensorFlow: restoring them with a tf.train.Saver into
zeroed variables and with tf.train.NewCheckpointReader, and records what it read under
"tf_reads_graphshell", so the tests know TensorFlow restores graphshell's checkpoints.
"""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import tensorflow.compat.v1 as tf
from fixture_files import ROOT, fixture_folder, load_programs

tf.disable_v2_behavior()
HERE = fixture_folder("checkpoints")


def plain(value) -> dict:
    """A numpy value as JSON: dtype name, shape and nested values (strings as UTF-8 text)."""
    array = np.asarray(value)
    if array.dtype == object or array.dtype.kind in "SU":
        items = [v.decode() if isinstance(v, bytes) else str(v) for v in array.reshape(-1)]
        return {"dtype": "string", "shape": list(array.shape),
                "value": np.array(items, dtype=object).reshape(array.shape).tolist()}
    return {"dtype": array.dtype.name, "shape": list(array.shape), "value": array.tolist()}


def describe_reader(prefix: str) -> dict:
    reader = tf.train.NewCheckpointReader(prefix)
    names = sorted(reader.get_variable_to_shape_map())
    # latin-1: the keys of a partitioned tensor's slices are binary (TF's OrderedCode)
    return {"debug_string": reader.debug_string().decode("latin-1"),
            "shape_map": reader.get_variable_to_shape_map(),
            "dtype_map": {n: d.name for n, d in reader.get_variable_to_dtype_map().items()},
            "values": {n: plain(reader.get_tensor(n)) for n in names}}


def record_tf(programs) -> dict:
    directory = HERE / "tf"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    os.chdir(directory)
    prefix = programs.save_basic(tf, "basic")
    last = programs.keep_run(tf, "keep")
    state = tf.train.get_checkpoint_state("keep")
    sharded = programs.save_sharded(tf, "sharded")
    programs.save_with_meta_graph(tf, "meta")
    partitioned = save_partitioned("partitioned")
    return {"basic": {"prefix": prefix, **describe_reader(prefix)},
            "partitioned": partitioned,
            "sharded": {"prefix": sharded, "files": sorted(os.listdir("sharded")),
                        **describe_reader(sharded)},
            "keep": {"last_checkpoints": last, "latest": tf.train.latest_checkpoint("keep"),
                     "all_model_checkpoint_paths": list(state.all_model_checkpoint_paths),
                     "files": sorted(os.listdir("keep"))}}


def save_partitioned(directory: str) -> dict:
    """A checkpoint of two partitioned variables (TF stores them in slices; graphshell reads
    them back whole, or a slice by RestoreV2's shape_and_slices spec)."""
    tf.reset_default_graph()
    full = {"emb": np.arange(12, dtype=np.float32).reshape(6, 2) / 4,
            "w2": np.arange(10, dtype=np.int64).reshape(2, 5) - 3}
    emb = tf.get_variable("emb", [6, 2], partitioner=tf.fixed_size_partitioner(3))
    w2 = tf.get_variable("w2", [2, 5], tf.int64, initializer=tf.zeros_initializer(),
                         partitioner=tf.fixed_size_partitioner(2, axis=1))
    saver = tf.train.Saver()
    os.makedirs(directory)
    specs = {}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for name, variable in (("emb", emb), ("w2", w2)):
            for part in variable:
                info = part._save_slice_info
                index = tuple(slice(o, o + n) for o, n in zip(info.var_offset, info.var_shape))
                sess.run(part.assign(full[name][index]))
                specs[part.op.name] = info.spec
        prefix = saver.save(sess, f"{directory}/model", write_meta_graph=False)
        names, slices = sess.run(["save/SaveV2/tensor_names:0",
                                  "save/SaveV2/shape_and_slices:0"])
    return {"prefix": prefix, "specs": specs, "save_v2_names": [n.decode() for n in names],
            "save_v2_slices": [n.decode() for n in slices], **describe_reader(prefix)}


def restore_with_saver(programs, prefix: str) -> dict:
    tf.reset_default_graph()
    made = programs.build_variables(tf, zeros=True)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver.restore(sess, prefix)
        return {name: plain(sess.run(variable)) for name, variable in made.items()}


def restore_from_meta_graph(prefix: str) -> dict:
    """import_meta_graph of graphshell's .meta, then its Saver restores the checkpoint."""
    tf.reset_default_graph()
    saver = tf.train.import_meta_graph(prefix + ".meta")
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        return {"saver_def": str(saver.as_saver_def()),
                "values": {name: plain(sess.run(name + ":0")) for name in ("p", "q")}}


def record_tf_reads_graphshell(programs) -> dict:
    os.chdir(HERE / "graphshell")
    latest = tf.train.latest_checkpoint("keep")
    tf.reset_default_graph()
    x = tf.Variable([0.0, 0.0], name="x")
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, latest)
        kept = plain(sess.run(x))
    return {"sharded": describe_reader("sharded/model"),
            "meta": restore_from_meta_graph("meta/model-1"),
            "basic": {"restored": restore_with_saver(programs, "basic/model-7"),
                      **describe_reader("basic/model-7")},
            "keep": {"latest": latest, "x": kept,
                     "all_model_checkpoint_paths": list(
                         tf.train.get_checkpoint_state("keep").all_model_checkpoint_paths)}}


def main() -> None:
    programs = load_programs("checkpoints")
    expected = {"tf_version": tf.__version__, "tf": record_tf(programs)}
    if (HERE / "graphshell" / "basic").is_dir():
        expected["tf_reads_graphshell"] = record_tf_reads_graphshell(programs)
    else:
        print("no graphshell checkpoints yet: run tools/write_checkpoint_fixtures.py first")
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(f"wrote {HERE.relative_to(ROOT)}/expected.json")


if __name__ == "__main__":
    main()
