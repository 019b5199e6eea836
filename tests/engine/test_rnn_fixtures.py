"""RNN graphs both ways with real TensorFlow, from fixtures recorded by
tools/record_rnn_fixtures.py: graphshell builds tests/fixtures/rnn/model.py node for node as TF
built it, runs the GraphDef TF wrote and gets TF's values, and TF ran the GraphDefs graphshell
wrote (tools/write_rnn_fixtures.py), its loop gradients included, and got graphshell's
values."""

import importlib.util
import json
import pathlib

import numpy as np
import pytest

from graphshell import tf

HERE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "rnn"
EXPECTED = json.loads((HERE / "expected.json").read_text())


def _model():
    spec = importlib.util.spec_from_file_location("rnn_fixture_model", HERE / "model.py")
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    return model


MODEL = _model()


def _read_graph_def(path: pathlib.Path):
    graph_def = tf.GraphDef()
    graph_def.ParseFromString(path.read_bytes())
    return graph_def


def _run(graph, fetches=MODEL.FETCHES, init=MODEL.INIT) -> dict:
    with tf.Session(graph=graph) as session:
        session.run(init)
        values = session.run(fetches, MODEL.feed())
    return dict(zip(fetches, values))


def _nodes(graph_def) -> list:
    return [(node.name, node.op, list(node.input)) for node in graph_def.node]


def test_graphshell_builds_the_model_node_for_node_as_tf():
    with tf.Graph().as_default() as graph:
        MODEL.build(tf)
    ours = _nodes(graph.as_graph_def())
    theirs = _nodes(_read_graph_def(HERE / "tf" / "rnn.pb"))
    assert ours == theirs


@pytest.mark.parametrize("fetch", MODEL.FETCHES)
def test_graphshell_runs_the_graph_tf_wrote(fetch):
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(_read_graph_def(HERE / "tf" / "rnn.pb"), name="")
        found = _run(graph)[fetch]
    np.testing.assert_allclose(found, EXPECTED["tf"][fetch], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("fetch", MODEL.FETCHES)
def test_tf_ran_the_graph_graphshell_wrote_with_graphshells_values(fetch):
    with tf.Graph().as_default() as graph:
        MODEL.build(tf)
        ours = _run(graph)[fetch]
    np.testing.assert_allclose(EXPECTED["tf_runs_graphshell"][fetch], ours, rtol=1e-6,
                               atol=1e-7)


@pytest.mark.parametrize("fetch", MODEL.GRADIENT_FETCHES)
def test_tf_ran_graphshells_loop_gradients_with_graphshells_values(fetch):
    with tf.Graph().as_default() as graph:
        MODEL.build(tf)
        MODEL.build_gradients(tf)
        ours = _run(graph, MODEL.GRADIENT_FETCHES, "init_all")[fetch]
    np.testing.assert_allclose(EXPECTED["tf_runs_graphshell_gradients"][fetch], ours,
                               rtol=1e-5, atol=1e-6)


def test_the_written_fixture_is_graphshells_current_graph():
    with tf.Graph().as_default() as graph:
        MODEL.build(tf)
    written = _read_graph_def(HERE / "graphshell" / "rnn.pb")
    assert _nodes(written) == _nodes(graph.as_graph_def())
    with graph.as_default():
        MODEL.build_gradients(tf)
    written = _read_graph_def(HERE / "graphshell" / "rnn_gradients.pb")
    assert _nodes(written) == _nodes(graph.as_graph_def())
