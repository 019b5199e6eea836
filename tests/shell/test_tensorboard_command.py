""":tensorboard LOGDIR: the default graph and every recorded step's RunMetadata in an event
file, read back with TensorBoard's own EventAccumulator; its help, completion and errors."""

import pytest
from shell_helpers import run_lines

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

BUILD = ["x = tf.placeholder(tf.float32, [2], name='x')", "v = tf.Variable([1.0, 2.0], name='v')",
         "y = tf.add(x * 2.0, v, name='y')", "s = tf.Session()", "s.run(v.initializer)",
         "s.run(y, {x: [3.0, 4.0]})"]


def _accumulated(logdir) -> EventAccumulator:
    accumulator = EventAccumulator(str(logdir))
    accumulator.Reload()
    return accumulator


def _step_nodes(accumulator, tag):
    (device,) = accumulator.RunMetadata(tag).step_stats.dev_stats
    return [n.node_name for n in device.node_stats if not n.node_name.startswith("_")]


def test_writes_the_graph_and_each_step_as_tagged_run_metadata(shell, tmp_path):
    logdir = tmp_path / "logs"
    text, result = run_lines(shell, *BUILD, f":tensorboard {logdir}")
    assert result.error is None
    assert result.text == (f"wrote the graph (8 ops) and the run metadata of 2 steps (step_1, "
                           f"step_2) to {logdir}; view it with: tensorboard --logdir {logdir}\n")
    accumulator = _accumulated(logdir)
    assert accumulator.Tags()["run_metadata"] == ["step_1", "step_2"]
    assert sorted(n.name for n in accumulator.Graph().node) == \
        sorted(op.name for op in shell.default_graph().get_operations())
    for step in shell.steps:  # each step's nodes are the ops it executed, in order
        assert _step_nodes(accumulator, f"step_{step.number}") == step.executed_names
    (device,) = accumulator.RunMetadata("step_2").step_stats.dev_stats
    labels = {n.node_name: n.timeline_label for n in device.node_stats}
    assert labels["mul"] == "mul = Mul(_arg_x_0_0, mul/y)" and "_retval_y_0_0" in labels
    outputs = {n.node_name: n.output for n in device.node_stats}
    assert [d.size for d in outputs["y"][0].tensor_description.shape.dim] == [2]


def test_steps_of_other_graphs_are_left_out_and_an_unrun_graph_is_said(shell, tmp_path):
    run_lines(shell, *BUILD, "tf.reset_default_graph()", "c = tf.constant(1.0, name='c')")
    text, result = run_lines(shell, f":tensorboard {tmp_path}")
    assert result.error is None
    assert text.startswith(f"wrote the graph (1 op); no steps ran on it yet to {tmp_path}")
    assert _accumulated(tmp_path).Tags()["run_metadata"] == []


def test_errors_are_one_line(shell, tmp_path):
    assert run_lines(shell, ":tensorboard")[0] == "CommandError: usage: :tensorboard LOGDIR\n"
    text, _ = run_lines(shell, f":tensorboard {tmp_path}")
    assert text == "CommandError: the default graph is empty: build something first\n"
    (tmp_path / "plain").write_text("")
    text, _ = run_lines(shell, "c = tf.constant(1.0)", f":tensorboard {tmp_path / 'plain'}")
    assert text == (f"CommandError: {tmp_path / 'plain'} is a file, not a directory: give a "
                    f"log directory\n")


def test_help_and_completion(shell, tmp_path):
    assert ":tensorboard LOGDIR" in shell.execute(":help").text
    assert "tensorboard --logdir LOGDIR" in shell.execute(":help tensorboard").text
    (tmp_path / "runs").mkdir()
    assert [c.text for c in shell.complete(f":tensorboard {tmp_path}/ru")] == [f"{tmp_path}/runs/"]
