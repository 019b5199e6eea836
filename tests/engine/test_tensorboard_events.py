"""Event files as TensorBoard reads them: every kind of summary, the graph, the MetaGraph and
tagged run metadata, loaded with TensorBoard's own EventAccumulator (never a reader of ours);
images decoded with Pillow and clips with the standard library's wave module, checked against
TF's normalisation written out in numpy."""

import io
import json
import pathlib
import wave

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import errors
from graphshell.engine.ops import image_summary_ops

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def _accumulated(logdir) -> EventAccumulator:
    everything = {"images": 0, "audio": 0, "histograms": 0}
    accumulator = EventAccumulator(str(logdir), size_guidance=everything)
    accumulator.Reload()
    return accumulator


def _expected_pixels(image: np.ndarray) -> np.ndarray:
    """TF's float-image rule: all-positive scaled to 255 by the max, else centred on 128."""
    low, high = image.min(), image.max()
    if low < 0:
        scale, offset = np.float32(127.0) / max(-low, high), np.float32(128.0)
    else:
        scale, offset = np.float32(255.0) / high, np.float32(0.0)
    return (image * scale + offset).astype(np.uint8)


def _decoded_png(encoded: bytes) -> np.ndarray:
    image_module = pytest.importorskip("PIL.Image")
    return np.asarray(image_module.open(io.BytesIO(encoded)))


# -- images and audio ------------------------------------------------------------------------------
def test_images_load_in_tensorboard_with_tf_normalisation(tmp_path, sess):
    rng = np.random.RandomState(0)
    batch = rng.uniform(-1.0, 2.0, size=(2, 5, 7, 3)).astype(np.float32)
    summary = tf.summary.image("faces", batch, max_outputs=2)
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_summary(sess.run(summary), global_step=4)
    accumulator = _accumulated(tmp_path)
    assert accumulator.Tags()["images"] == ["faces/image/0", "faces/image/1"]
    for i in range(2):
        (event,) = accumulator.Images(f"faces/image/{i}")
        assert (event.step, event.width, event.height) == (4, 7, 5)
        pixels = _decoded_png(event.encoded_image_string)
        np.testing.assert_array_equal(pixels, _expected_pixels(batch[i]))


def test_uint8_images_are_stored_unchanged_and_nonfinite_pixels_take_bad_color(sess):
    gray = np.arange(12, dtype=np.uint8).reshape(1, 3, 4, 1) * 20
    (value,) = tf.Summary.FromString(sess.run(tf.summary.image("g", gray, 1))).value
    np.testing.assert_array_equal(_decoded_png(value.image.encoded_image_string), gray[0, :, :, 0])
    rgb = np.ones((1, 2, 2, 3), np.float32)
    rgb[0, 0, 1, 1] = np.nan
    (value,) = tf.Summary.FromString(sess.run(tf.summary.image("b", rgb, 1))).value
    pixels = _decoded_png(value.image.encoded_image_string)
    assert pixels[0, 1].tolist() == [255, 0, 0] and pixels[1, 1].tolist() == [255, 255, 255]


def test_image_summary_checks_bad_color_against_depth(sess):
    summary = image_summary_ops.image_summary("t", tf.ones([1, 2, 2, 3]), bad_color=[1, 2])
    with pytest.raises(errors.InvalidArgumentError, match="got depth = 3, bad_color.size = 2"):
        sess.run(summary)


def test_audio_loads_in_tensorboard_and_decodes_as_16_bit_wav(tmp_path, sess):
    clip = np.array([[[0.5, -0.5], [0.25, 1.0], [-1.0, 0.0]]], np.float32)
    summary = tf.summary.audio("voice", clip, 16000.0, max_outputs=1)
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_summary(sess.run(summary), global_step=1)
    (event,) = _accumulated(tmp_path).Audio("voice/audio")
    assert (event.content_type, event.sample_rate, event.length_frames) == \
        ("audio/wav", 16000.0, 3)
    with wave.open(io.BytesIO(event.encoded_audio_string)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == \
            (2, 2, 16000)
        samples = np.frombuffer(reader.readframes(3), "<i2").reshape(3, 2)
    expected = np.clip(np.round(clip[0].astype(np.float64) * 32768), -32768, 32767)
    np.testing.assert_array_equal(samples, expected)


# -- scalars, histograms, text, the graph ----------------------------------------------------------
def test_scalars_histograms_and_text_load_with_their_values(tmp_path, sess):
    values = tf.placeholder(tf.float32, [None], name="values")
    merged = tf.summary.merge([tf.summary.scalar("average", tf.reduce_mean(values)),
                               tf.summary.histogram("spread", values),
                               tf.summary.text("note", tf.constant("step notes"))])
    batches = [np.array([1.0, 2.0, 6.0], np.float32), np.array([-3.0, 0.5], np.float32)]
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        for step, batch in enumerate(batches):
            writer.add_summary(sess.run(merged, {values: batch}), global_step=step)
    accumulator = _accumulated(tmp_path)
    assert [(e.step, e.value) for e in accumulator.Scalars("average")] == \
        [(0, pytest.approx(3.0)), (1, pytest.approx(-1.25))]
    histograms = accumulator.Histograms("spread")
    assert [(h.histogram_value.min, h.histogram_value.max, h.histogram_value.num)
            for h in histograms] == [(1.0, 6.0, 3), (-3.0, 0.5, 2)]
    assert histograms[0].histogram_value.sum == 9.0
    (text_event, _) = accumulator.Tensors("note")
    assert text_event.tensor_proto.string_val == [b"step notes"]
    metadata = accumulator.SummaryMetadata("note")
    assert metadata.plugin_data.plugin_name == "text"


def test_graph_and_meta_graph_load_from_a_writer_given_the_graph(tmp_path):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    tf.reduce_sum(x * 2.0, name="total")
    tf.summary.FileWriter(str(tmp_path), tf.get_default_graph()).close()
    accumulator = _accumulated(tmp_path)
    assert accumulator.Tags()["graph"] and accumulator.Tags()["meta_graph"]
    assert sorted(n.name for n in accumulator.Graph().node) == \
        sorted(op.name for op in tf.get_default_graph().get_operations())
    meta = accumulator.MetaGraph()
    assert "Sum" in [op.name for op in meta.meta_info_def.stripped_op_list.op]


# -- run metadata ----------------------------------------------------------------------------------
def test_traced_step_run_metadata_loads_as_tagged_run_metadata(tmp_path, sess):
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.add(x * 2.0, 1.0, name="y")
    with tf.control_dependencies([y]):
        done = tf.no_op(name="done")
    metadata = tf.RunMetadata()
    sess.run([y, done], {x: [1.0, 2.0]}, options=tf.RunOptions(
        trace_level=tf.RunOptions.FULL_TRACE), run_metadata=metadata)
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_run_metadata(metadata, "train_step", global_step=3)
        with pytest.raises(ValueError, match="tag was already used"):
            writer.add_run_metadata(metadata, "train_step")
    accumulator = _accumulated(tmp_path)
    assert accumulator.Tags()["run_metadata"] == ["train_step"]
    (device,) = accumulator.RunMetadata("train_step").step_stats.dev_stats
    assert device.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    labels = {n.node_name: n.timeline_label for n in device.node_stats}
    assert labels["mul"] == "mul = Mul(_arg_x_0_0, mul/y)"
    assert labels["done"] == "done = NoOp(^y)"
    assert labels["_retval_y_0_0"] == "_retval_y_0_0 = _Retval(y)"
    assert {"_SOURCE", "_arg_x_0_0", "mul/y", "y/y", "y"} <= set(labels)


def test_add_run_metadata_and_add_meta_graph_refuse_other_types(tmp_path):
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        with pytest.raises(TypeError, match="run_metadata must be a RunMetadata"):
            writer.add_run_metadata("metadata", "t")
        with pytest.raises(TypeError, match="meta_graph_def must be type MetaGraphDef"):
            writer.add_meta_graph(tf.GraphDef())
        writer.add_meta_graph(tf.train.export_meta_graph(), global_step=2)
    assert _accumulated(tmp_path).Tags()["meta_graph"]


# -- the writer's settings and cache ---------------------------------------------------------------
def test_writer_logdir_suffix_reopen_and_cache(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path / "run"), filename_suffix=".v1", max_queue=2,
                                   flush_secs=1000)
    assert writer.get_logdir() == str(tmp_path / "run")
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=1.0)]), 1)
    writer.flush()  # flushed on request, long before flush_secs
    assert [e.value for e in _accumulated(tmp_path / "run").Scalars("a")] == [1.0]
    writer.close()
    assert [p.name.endswith(".v1") for p in (tmp_path / "run").iterdir()] == [True]
    cached = tf.summary.FileWriterCache.get(str(tmp_path / "cached"))
    assert tf.summary.FileWriterCache.get(str(tmp_path / "cached")) is cached
    tf.summary.FileWriterCache.clear()
    assert tf.summary.FileWriterCache.get(str(tmp_path / "cached")) is not cached
    tf.summary.FileWriterCache.clear()


def test_output_partition_graphs_gives_the_graph_the_step_ran(sess):
    x = tf.placeholder(tf.float32, [2], name="x")
    unused = tf.negative(x, name="unused")  # noqa: F841 - pruned from the step
    y = tf.identity(x * 3.0, name="y")
    metadata = tf.RunMetadata()
    sess.run(y, {x: [1.0, 2.0]}, options=tf.RunOptions(output_partition_graphs=True),
             run_metadata=metadata)
    (partition,) = metadata.partition_graphs
    nodes = {n.name: (n.op, list(n.input)) for n in partition.node}
    assert nodes == {"_arg_x_0_0": ("_Arg", []), "mul/y": ("Const", []),
                     "mul": ("Mul", ["_arg_x_0_0", "mul/y"]), "y": ("Identity", ["mul"]),
                     "_retval_y_0_0": ("_Retval", ["y"])}
    assert {n.device for n in partition.node} == {"/job:localhost/replica:0/task:0/device:CPU:0"}
    assert not metadata.step_stats.dev_stats  # not traced: no step stats


def test_run_metadata_serializes_as_tf_message_and_parses_back(sess):
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.negative(x, name="y")
    metadata = tf.RunMetadata()
    sess.run(y, {x: [1.0, 2.0]}, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
             run_metadata=metadata)
    parsed = tf.RunMetadata.FromString(metadata.SerializeToString())
    (device,) = parsed.step_stats.dev_stats
    assert [n.node_name for n in device.node_stats] == \
        [n.node_name for n in metadata.step_stats.dev_stats[0].node_stats]
    assert [n.timeline_label for n in device.node_stats][-2:] == \
        ["y = Neg(_arg_x_0_0)", "_retval_y_0_0 = _Retval(y)"]


def test_tf_graph_of_image_and_audio_summaries_imports_and_gives_tf_bytes():
    """A GraphDef TF wrote (tests/fixtures/tensorboard, tools/record_tensorboard_fixture.py),
    its bad_color attr as int_val, run here on TF's feed: the same serialized summaries."""
    text_format = pytest.importorskip("google.protobuf.text_format")
    fixtures = pathlib.Path(__file__).parents[1] / "fixtures" / "tensorboard"
    recorded = json.loads((fixtures / "media_outputs.json").read_text())
    graph_def = text_format.Parse((fixtures / "media_summaries.pbtxt").read_text(),
                                  tf.GraphDef())
    tf.import_graph_def(graph_def, name="")
    with tf.Session() as sess:
        outputs = sess.run(list(recorded["outputs"]),
                           {"x:0": np.array(recorded["feed"], np.float32)})
    assert [o.hex() for o in outputs] == list(recorded["outputs"].values())
