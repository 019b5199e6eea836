"""The TensorBoard-logging tutorial program (tests/programs/tensorboard_logging.py) run on
graphshell: its event file, loaded with TensorBoard's own EventAccumulator, holds the numbers
the program printed (and TensorFlow printed: tests/programs/goldens), the graph and the traced
step's run metadata."""

import pathlib
import re

import pytest
from test_tutorial_programs import GOLDENS, differences, run_on_graphshell

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "tensorboard" / "tf_run"
LINE = re.compile(r"step (\d+) loss (\S+) accuracy (\S+) weights min (\S+) max (\S+) sum (\S+)")


def test_event_file_holds_what_the_program_printed(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSORBOARD_LOGDIR", str(tmp_path))
    printed, errors, status = run_on_graphshell("tensorboard_logging")
    assert not errors and status == 0
    golden = (GOLDENS / "tensorboard_logging.txt").read_text().splitlines()
    assert not differences(printed, golden)
    accumulator = EventAccumulator(str(tmp_path), size_guidance={"scalars": 0, "histograms": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    assert sorted(tags["scalars"]) == ["accuracy_1", "cross_entropy"]
    assert sorted(tags["histograms"]) == ["biases", "weights"]
    assert tags["graph"] and tags["meta_graph"] and tags["run_metadata"] == ["step010"]
    rows = [LINE.fullmatch(line).groups() for line in printed[:-1]]
    losses = accumulator.Scalars("cross_entropy")
    accuracies = accumulator.Scalars("accuracy_1")
    weights = accumulator.Histograms("weights")
    assert [e.step for e in losses] == [int(row[0]) for row in rows] == [0, 5, 10, 15, 20]
    for row, loss, accuracy, histogram in zip(rows, losses, accuracies, weights):
        assert f"{loss.value:.6f}" == row[1] and f"{accuracy.value:.4f}" == row[2]
        value = histogram.histogram_value
        assert [f"{v:.6f}" for v in (value.min, value.max, value.sum)] == list(row[3:])
        assert value.num == 12
    (device,) = accumulator.RunMetadata("step010").step_stats.dev_stats
    names = {n.node_name for n in device.node_stats}
    assert {"model/MatMul", "GradientDescent/update_model/W/ApplyGradientDescent"} <= names
    assert "accuracy/Mean" not in names  # the traced step ran only the training op


def test_event_file_matches_the_one_tensorflow_wrote(tmp_path, monkeypatch):
    """TF's event file for the same program (tests/fixtures/tensorboard, recorded by
    tools/record_tensorboard_fixture.py) and graphshell's load with the same tags, scalars,
    histogram buckets and collections."""
    monkeypatch.setenv("TENSORBOARD_LOGDIR", str(tmp_path))
    run_on_graphshell("tensorboard_logging")
    guidance = {"scalars": 0, "histograms": 0}
    ours = EventAccumulator(str(tmp_path), size_guidance=guidance)
    theirs = EventAccumulator(str(FIXTURE), size_guidance=guidance)
    ours.Reload()
    theirs.Reload()
    assert ours.Tags() == theirs.Tags()
    for tag in theirs.Tags()["scalars"]:
        assert [(e.step, pytest.approx(e.value, rel=1e-5)) for e in theirs.Scalars(tag)] == \
            [(e.step, e.value) for e in ours.Scalars(tag)]
    for tag in theirs.Tags()["histograms"]:
        for their, our in zip(theirs.Histograms(tag), ours.Histograms(tag), strict=True):
            a, b = their.histogram_value, our.histogram_value
            assert (their.step, list(a.bucket_limit), list(a.bucket), a.num) == \
                (our.step, list(b.bucket_limit), list(b.bucket), b.num)
            assert (b.min, b.max) == (pytest.approx(a.min, rel=1e-5),
                                      pytest.approx(a.max, rel=1e-5))
    assert sorted(ours.MetaGraph().collection_def) == sorted(theirs.MetaGraph().collection_def)
