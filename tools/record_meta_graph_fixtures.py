"""Records the MetaGraph fixtures from real TensorFlow (run with a TF venv, never by the tests).

    <python with tensorflow-cpu> tools/record_meta_graph_fixtures.py

For each program of tests/fixtures/meta_graphs/programs.py it writes, into that folder:
`tf_<name>.meta` (binary MetaGraph), `tf_<name>_text.meta` (the same in text format) and
`tf_<name>.pb` (the GraphDef alone, as tf.import_graph_def reads it), plus `tf_saver.meta` (the
model with a tf.train.Saver). In expected.json it records what TensorFlow sees when it imports
each file: op names, every collection's items, the values of the program's fetches after
initializing the variables, and again after one run of the `train_op` collection; the
saver_def.

It then imports the MetaGraphs graphshell wrote (`graphshell_<name>.meta`, written by
tools/write_meta_graph_fixtures.py) in TensorFlow, and records the same for them under
"tf_reads_graphshell", so the tests know TensorFlow reads graphshell's files.
"""

from __future__ import annotations

import json

import numpy as np
import tensorflow.compat.v1 as tf
from fixture_files import fixture_folder, load_programs

tf.disable_v2_behavior()
HERE = fixture_folder("meta_graphs")


def _programs_module():
    return load_programs("meta_graphs")


def _programs():
    return _programs_module().PROGRAMS


def _plain(value):
    if isinstance(value, np.ndarray):
        return {"dtype": value.dtype.name, "value": value.tolist()}
    if isinstance(value, np.generic):
        return {"dtype": value.dtype.name, "value": value.item()}
    return value


def _item(item):
    """A collection item as the tests compare it."""
    if isinstance(item, (tf.Variable, tf.Tensor, tf.Operation)):
        return {"kind": type(item).__name__.replace("RefVariable", "Variable"),
                "name": item.name}
    if isinstance(item, bytes):
        return {"kind": "bytes", "value": item.decode()}
    if isinstance(item, (bool, int, float, str)):
        return {"kind": type(item).__name__, "value": item}
    return {"kind": type(item).__name__}


def _seen(graph, feeds, fetches, scope=""):
    """What TF sees of an imported graph: ops, collections, values after initialization."""
    seen = _programs_module().seen(tf, graph, feeds, fetches, _item, scope)
    seen["values"] = [_plain(v) for v in seen["values"]]
    if seen["after_train_op"] is not None:
        seen["after_train_op"] = [_plain(v) for v in seen["after_train_op"]]
    return seen


def record_program(name, build, expected):
    graph = tf.Graph()
    with graph.as_default():
        feeds, fetches = build(tf)
        tf.train.export_meta_graph(str(HERE / f"tf_{name}.meta"))
        tf.train.export_meta_graph(str(HERE / f"tf_{name}_text.meta"), as_text=True)
    tf.train.write_graph(graph.as_graph_def(), str(HERE), f"tf_{name}.pb", as_text=False)
    entry = expected[name] = {"feeds": feeds, "fetches": fetches}
    imported = tf.Graph()
    with imported.as_default():
        tf.train.import_meta_graph(str(HERE / f"tf_{name}.meta"), import_scope="imported")
    entry["imported"] = _seen(imported, feeds, fetches, "imported")
    from_pb = tf.Graph()
    with from_pb.as_default():
        graph_def = tf.GraphDef()
        graph_def.ParseFromString((HERE / f"tf_{name}.pb").read_bytes())
        tf.import_graph_def(graph_def, name="")
        with tf.Session(graph=from_pb) as session:
            # a GraphDef has no collections: run each variable's initializer by name
            session.run([op.name for op in from_pb.get_operations() if op.type == "Assign"])
            entry["graph_def_values"] = [_plain(v) for v in session.run(fetches, feeds)]
    print(f"{name}: {len(entry['imported']['ops'])} ops")


def record_saver(expected):
    graph = tf.Graph()
    with graph.as_default():
        feeds, fetches = _programs()["model"](tf)
        saver = tf.train.Saver(max_to_keep=3)
        saver.export_meta_graph(str(HERE / "tf_saver.meta"))
    imported = tf.Graph()
    with imported.as_default():
        restored = tf.train.import_meta_graph(str(HERE / "tf_saver.meta"))
        saver_def = restored.as_saver_def()
    expected["saver"] = {
        "saver_def": {"filename_tensor_name": saver_def.filename_tensor_name,
                      "save_tensor_name": saver_def.save_tensor_name,
                      "restore_op_name": saver_def.restore_op_name,
                      "max_to_keep": saver_def.max_to_keep, "version": saver_def.version},
        "imported": _seen(imported, feeds, fetches)}


def record_graphshell_files(expected):
    """TF imports the MetaGraphs graphshell wrote (if they are there yet)."""
    results = expected["tf_reads_graphshell"] = {}
    for name in _programs():
        for suffix in ("", "_text"):
            path = HERE / f"graphshell_{name}{suffix}.meta"
            if not path.exists():
                continue
            feeds, fetches = expected[name]["feeds"], expected[name]["fetches"]
            graph = tf.Graph()
            with graph.as_default():
                tf.train.import_meta_graph(str(path), import_scope="imported")
            results[path.name] = _seen(graph, feeds, fetches, "imported")
            print(f"TF imported {path.name}")


def main() -> None:
    expected = {"tensorflow_version": tf.__version__}
    for name, build in _programs().items():
        record_program(name, build, expected)
    record_saver(expected)
    record_graphshell_files(expected)
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
