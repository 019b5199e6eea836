"""Records the RNN fixtures from real TensorFlow (run with a TF venv, never by the tests).

    <python with tensorflow-cpu> tools/record_rnn_fixtures.py

It builds tests/fixtures/rnn/model.py in TensorFlow, writes its graph to
tests/fixtures/rnn/tf/rnn.pb and records TF's values of the fetches in expected.json. Then it
imports the graph graphshell wrote (tests/fixtures/rnn/graphshell/rnn.pb, from
tools/write_rnn_fixtures.py) into TensorFlow, runs it, and records those values under
"tf_runs_graphshell" (and the gradients of graphshell's rnn_gradients.pb under
"tf_runs_graphshell_gradients"), so the tests know TensorFlow runs graphshell's RNN graphs.
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import tensorflow.compat.v1 as tf  # after the environment it reads
from fixture_files import fixture_folder, load_programs

tf.disable_v2_behavior()
HERE = fixture_folder("rnn")


def run(graph, model, fetches=None, init=None) -> dict:
    fetches = fetches or model.FETCHES
    with tf.Session(graph=graph) as session:
        session.run(init or model.INIT)
        values = session.run(fetches, model.feed())
    return {name: value.tolist() for name, value in zip(fetches, values)}


def imported(path: pathlib.Path):
    graph_def = tf.GraphDef()
    graph_def.ParseFromString(path.read_bytes())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    return graph


def main() -> None:
    model = load_programs("rnn", "model.py")
    with tf.Graph().as_default() as graph:
        model.build(tf)
        tf.train.write_graph(graph, str(HERE / "tf"), "rnn.pb", as_text=False)
        expected = {"tf": run(graph, model)}
    expected["tf_runs_graphshell"] = run(imported(HERE / "graphshell" / "rnn.pb"), model)
    expected["tf_runs_graphshell_gradients"] = run(
        imported(HERE / "graphshell" / "rnn_gradients.pb"), model, model.GRADIENT_FETCHES,
        "init_all")
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
