"""`:load model.meta` and `graphshell --tui model.meta`: a MetaGraph recorded from TensorFlow
(tests/fixtures/meta_graphs) imported into a fresh default graph with its collections, its
while loop and cond runnable, explorable with :ops and :why."""

import json
import pathlib
import sys

import pytest
from shell_helpers import run_lines

from graphshell import cli

pytest.importorskip("tensorboard")

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "meta_graphs"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


def test_loading_a_meta_graph_says_its_ops_and_collections_in_one_line(shell):
    path = FIXTURES / "tf_model.meta"
    text, result = run_lines(shell, f":load {path}")
    assert result.error is None
    assert text.strip() == (f"loaded {path}: 107 ops and 8 collections into a new default "
                            f"graph; every op type has a kernel here")
    graph = shell.default_graph()
    assert [v.name for v in graph.get_collection("variables")] == \
        ["dense/w:0", "dense/b:0", "scale:0", "global_step:0"]


def test_a_loaded_meta_graph_initializes_trains_and_runs_its_loop(shell):
    recorded = EXPECTED["model"]
    feeds = recorded["feeds"]["x:0"]
    feed_dict = f"{{'x:0': {feeds!r}}}"
    text, result = run_lines(
        shell, f":load {FIXTURES / 'tf_model_text.meta'}", "s = tf.Session()",
        "s.run(tf.global_variables_initializer())",
        f"s.run(tf.get_collection('train_op'), {feed_dict})",
        f"total = s.run('doubling/Exit_1:0', {feed_dict})", ":why doubling/Exit_1")
    assert result.error is None
    assert shell.namespace["total"] == recorded["imported"]["after_train_op"][3]["value"]
    assert "doubling/Exit_1 in step 3: ran because it was fetched" in text


def test_a_text_file_that_is_no_meta_graph_is_a_one_line_error(shell, tmp_path):
    broken = tmp_path / "broken.meta"
    broken.write_text("graph_def { node { name: ")
    text, result = run_lines(shell, f":load {broken}")
    assert result.error is not None
    assert text.strip().startswith(f"CommandError: cannot load {broken}: Cannot parse file")
    assert "\n" not in text.strip()


def test_tui_with_a_meta_graph_checks_the_file_and_opens_the_explorer(monkeypatch, capsys):
    opened = []
    monkeypatch.setattr(cli, "_is_terminal", lambda stream: True)
    monkeypatch.setitem(sys.modules, "graphshell.faces.tui.app", type(sys)("stub_app"))
    sys.modules["graphshell.faces.tui.app"].run_tui = \
        lambda script, seed: opened.append(script) or 0
    assert cli.main(["--tui", str(FIXTURES / "tf_loops.meta")]) == 0
    assert opened == [str(FIXTURES / "tf_loops.meta")]
    assert cli.main(["--tui", "/no/such/model.meta"]) == cli.EXIT_USAGE
    assert capsys.readouterr().err.strip() == "graphshell: no such file: /no/such/model.meta"
