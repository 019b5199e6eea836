"""`:load model.pb` / `model.pbtxt` and `graphshell --tui model.pb`: a GraphDef (recorded from
TensorFlow, tests/fixtures/graph_defs) imported into a fresh default graph, said in one line,
explorable with :graph, :ops and :why even where an op type has no kernel here."""

import json
import pathlib
import sys

import pytest
from shell_helpers import run_lines

from graphshell import cli
from graphshell.shell import reading

pytest.importorskip("tensorboard")

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "graph_defs"
RECORDED = json.loads((FIXTURES / "outputs.json").read_text())


def test_loading_a_binary_graph_def_says_so_in_one_line(shell):
    path = FIXTURES / "mlp.pb"
    text, result = run_lines(shell, "a = tf.constant(1.0)", f":load {path}")
    assert result.error is None
    assert text.strip() == (f"loaded {path}: 11 ops into a new default graph; every op type "
                            f"has a kernel here")
    graph = shell.default_graph()
    assert graph.get_operation_by_name("probs").type == "Softmax"
    assert "Const" not in [op.name for op in graph.get_operations()]  # a fresh graph
    assert "a" in shell.namespace  # the namespace is kept


def test_a_loaded_graph_runs_and_matches_tf(shell):
    feeds = RECORDED["mlp"]["feeds"]["x:0"]
    expected = RECORDED["mlp"]["fetches"]["logits/out:0"]
    _, result = run_lines(shell, f":load {FIXTURES / 'mlp.pb'}", "s = tf.Session()",
                          f"out = s.run('logits/out:0', {{'x:0': {feeds}}})")
    assert result.error is None
    assert shell.namespace["out"].tolist() == expected  # float32 values, exactly


def test_a_text_graph_def_with_a_kernel_less_op_is_explorable(shell):
    path = FIXTURES / "bucketize.pbtxt"
    text, result = run_lines(shell, f":load {path}")
    assert text.strip() == (f"loaded {path}: 4 ops into a new default graph; no kernel here "
                            f"for Bucketize (1 op): steps that need them fail")
    ops_text, _ = run_lines(shell, ":ops")
    assert "buckets    Bucketize    (3,)   int32    x:0" in ops_text
    graph_text, result = run_lines(shell, ":graph")
    assert result.error is None and "Bucketize" in graph_text
    run_text, result = run_lines(shell, "s = tf.Session()",
                                 "s.run('doubled:0', {'x:0': [1., 2., 3.]})", ":why doubled")
    assert result.error is None
    assert "ran 2 ops: doubled/y, doubled" in run_text
    assert "doubled in step 1: ran because it was fetched" in run_text
    failed_text, result = run_lines(shell, "s.run('buckets:0', {'x:0': [1., 2., 3.]})")
    assert result.error is not None
    assert "NotFoundError: No registered 'Bucketize' OpKernel" in failed_text
    assert "no kernel for op type 'Bucketize'" in failed_text


def test_a_cond_graph_loads_with_its_switch_and_merge(shell):
    text, result = run_lines(shell, f":load {FIXTURES / 'cond.pbtxt'}", ":ops cond/Merge",
                             "s = tf.Session()",
                             "r = s.run('out:0', {'p:0': False, 'x:0': [1.5, -3.0]})")
    assert result.error is None
    assert "Merge" in text
    assert shell.namespace["r"].tolist() == [0.5, -4.0]


def test_bad_graph_def_files_are_one_line_errors(shell, tmp_path):
    garbage = tmp_path / "garbage.pb"
    garbage.write_bytes(b"\xff\xff\xff\xff")
    broken_text = tmp_path / "broken.pbtxt"
    broken_text.write_text("node { name: ")
    for path, expected in ((tmp_path / "missing.pb", f"no such file: {tmp_path}/missing.pb"),
                           (garbage, f"cannot load {garbage}: {garbage} is not a binary "
                                     f"GraphDef"),
                           (broken_text, f"cannot load {broken_text}: {broken_text} is not a "
                                         f"text GraphDef")):
        text, result = run_lines(shell, f":load {path}")
        assert result.error is not None
        assert text.strip().startswith(f"CommandError: {expected}"), text
        assert "\n" not in text.strip()


def test_a_graph_def_over_the_read_limit_is_refused(shell, monkeypatch):
    monkeypatch.setattr(reading, "_configured", 100)
    text, result = run_lines(shell, f":load {FIXTURES / 'mlp.pb'}")
    assert result.error is not None and "larger than the read limit" in text


def test_a_graph_def_that_does_not_import_leaves_the_default_graph(shell, tmp_path):
    cyclic = tmp_path / "loop.pbtxt"
    cyclic.write_text('node { name: "a" op: "Identity" input: "b" attr { key: "T" value '
                      '{ type: DT_FLOAT } } }\nnode { name: "b" op: "Identity" input: "a" '
                      'attr { key: "T" value { type: DT_FLOAT } } }\n')
    run_lines(shell, "keep = tf.constant(2.0, name='keep')")
    text, result = run_lines(shell, f":load {cyclic}")
    assert result.error is not None
    assert f"cannot import {cyclic}: GraphDef has a cycle through node 'a'" in text
    assert [op.name for op in shell.default_graph().get_operations()] == ["keep"]


def test_tui_with_a_graph_def_checks_the_file_and_opens_the_explorer(monkeypatch, capsys):
    opened = []
    monkeypatch.setattr(cli, "_is_terminal", lambda stream: True)
    monkeypatch.setitem(sys.modules, "graphshell.faces.tui.app",
                        type(sys)("stub_app"))
    sys.modules["graphshell.faces.tui.app"].run_tui = \
        lambda script, seed: opened.append(script) or 0
    assert cli.main(["--tui", str(FIXTURES / "mlp.pb")]) == 0
    assert opened == [str(FIXTURES / "mlp.pb")]
    assert cli.main(["--tui", "/no/such/model.pb"]) == cli.EXIT_USAGE
    assert capsys.readouterr().err.strip() == "graphshell: no such file: /no/such/model.pb"


async def _settled(pilot):
    """Waits for the explorer's workers; a layout of the graph the load replaced may have been
    cancelled by the next one (an exclusive worker group), which is not a failure."""
    from textual.worker import WorkerCancelled
    for _ in range(100):
        try:
            await pilot.app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await pilot.pause()
    raise AssertionError("the explorer's workers did not settle")


async def test_the_explorer_opened_on_a_graph_def_shows_the_load_line():
    from graphshell.faces.tui.app import GraphshellApp
    from graphshell.shell.core import Shell
    shell = Shell(timings=False)
    app = GraphshellApp(shell, script=str(FIXTURES / "bucketize.pbtxt"))
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await _settled(pilot)
            await pilot.pause()
            lines = [str(line.text) for line in app.query_one("#log").lines]
            graph = shell.default_graph()
    finally:
        shell.close()
    assert any("no kernel here for Bucketize (1 op)" in line for line in lines), lines
    assert graph.get_operation_by_name("buckets").type == "Bucketize"
