"""Records the tf.data function-library fixtures from real TensorFlow (a TF venv, never the tests).

    <python with tensorflow-cpu> tools/record_dataset_function_fixtures.py

For each pipeline of tests/fixtures/dataset_functions/programs.py it writes, into that folder,
`tf_<name>.pb` (TF's GraphDef of the pipeline, functions in its library) and records in
expected.json the elements TF's iterator gives ("tf"), the initializer and element tensor names,
and the elements TF gives when it imports the GraphDef graphshell wrote
(`graphshell_<name>.pb`, from tools/write_dataset_function_fixtures.py): "tf_reads_graphshell".
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import tensorflow.compat.v1 as tf
from fixture_files import fixture_folder, load_programs

tf.disable_v2_behavior()
HERE = fixture_folder("dataset_functions")
PROGRAMS = load_programs("dataset_functions")


def elements(graph, initializer: str, element: list[str]) -> list:
    return PROGRAMS.elements(tf, graph, initializer, element)


def record_tf(build) -> dict:
    graph = tf.Graph()
    with graph.as_default():
        initializer, element = build(tf)
    names = {"initializer": initializer and initializer.name,
             "element": [t.name for t in tf.nest.flatten(element)]}
    return {"graph_def": graph.as_graph_def(), **names,
            "elements": elements(graph, names["initializer"], names["element"])}


def tf_reads_graphshell(name: str, fetches: dict) -> list:
    graph_def = tf.GraphDef()
    graph_def.ParseFromString((HERE / f"graphshell_{name}.pb").read_bytes())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    return elements(graph, fetches["initializer"], fetches["element"])


def main() -> None:
    graphshell_fetches = json.loads((HERE / "graphshell_fetches.json").read_text())
    expected = {}
    for name, build in PROGRAMS.PROGRAMS.items():
        recorded = record_tf(build)
        (HERE / f"tf_{name}.pb").write_bytes(recorded.pop("graph_def").SerializeToString(
            deterministic=True))
        recorded["tf_reads_graphshell"] = tf_reads_graphshell(name, graphshell_fetches[name])
        expected[name] = recorded
        print(name, "TF:", recorded["elements"] == recorded["tf_reads_graphshell"])
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
