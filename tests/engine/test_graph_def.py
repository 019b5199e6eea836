"""GraphDef export: graph.as_graph_def() / op.node_def as TF's messages, tf.train.write_graph and
FileWriter's graph event (read back with TensorBoard's own loader); the protos stay lazy."""

import subprocess
import sys

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import graph_def

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_file_loader import (
    LegacyEventFileLoader,
)


def _node(gd, name):
    return next(n for n in gd.node if n.name == name)


def test_import_of_tf_loads_no_protobuf():
    code = ("import sys, graphshell.tf; "
            "print(any(m.startswith(('tensorboard', 'google.protobuf')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_tensorboard_is_one_line_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard.compat.proto", None)
    graph_def.protos.cache_clear()
    try:
        hint = r"^GraphDef .*pip install 'graphshell\[tensorboard\]'$"
        with pytest.raises(ImportError, match=hint):
            tf.Graph().as_graph_def()
    finally:
        graph_def.protos.cache_clear()


def test_multi_element_constants_are_raw_little_endian_bytes():
    g = tf.Graph()
    values = np.array([[1.5, -2.0], [3.25, 4.0]], np.float64)
    with g.as_default():
        tf.constant(values, name="c")
    tensor = _node(g.as_graph_def(), "c").attr["value"].tensor
    assert tensor.tensor_content == values.astype("<f8").tobytes()
    assert [d.size for d in tensor.tensor_shape.dim] == [2, 2] and not tensor.double_val


def test_scalars_strings_halves_and_complex_use_value_fields():
    g = tf.Graph()
    with g.as_default():
        tf.constant(np.float16(0.5), name="h")
        tf.constant(np.array([1 + 2j], np.complex128), name="c")
        tf.constant([b"a", b"bc"], name="s")
        tf.constant(True, name="b")
    gd = g.as_graph_def()
    assert list(_node(gd, "h").attr["value"].tensor.half_val) == [
        int(np.array(0.5, np.float16).view(np.uint16))]
    assert list(_node(gd, "c").attr["value"].tensor.dcomplex_val) == [1.0, 2.0]
    assert list(_node(gd, "s").attr["value"].tensor.string_val) == [b"a", b"bc"]
    assert list(_node(gd, "b").attr["value"].tensor.bool_val) == [True]


def test_constant_filled_from_one_value_stores_that_value_only():
    g = tf.Graph()
    with g.as_default():
        z = tf.zeros([3, 2], name="z")
    tensor = _node(g.as_graph_def(), "z").attr["value"].tensor
    assert list(tensor.float_val) == [0.0] and not tensor.tensor_content
    assert "_tensor_values" not in _node(g.as_graph_def(), "z").attr
    with tf.Session(graph=g) as sess:  # the graph still computes the full value
        np.testing.assert_array_equal(sess.run(z), np.zeros([3, 2], np.float32))


def test_type_and_length_attrs_are_read_off_the_inputs():
    g = tf.Graph()
    with g.as_default():
        a = tf.constant([1, 2], tf.int64, name="a")
        total = tf.add_n([a, a, a], name="total")
        joined = tf.concat([a, a], 0, name="joined")
    gd = g.as_graph_def()
    assert _node(gd, "total").attr["N"].i == 3
    assert _node(gd, "total").attr["T"].type == tf.int64.as_datatype_enum
    assert _node(gd, "joined").attr["N"].i == 2 and _node(gd, "joined").attr["Tidx"].type == 3
    assert total.op.node_def == _node(gd, "total") and joined.op.node_def.op == "ConcatV2"


def test_output_shapes_and_inputs_with_indices_and_controls():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        first, second = tf.unstack(x, axis=1, name="parts")
        before = tf.no_op(name="before")
        with tf.control_dependencies([before]):
            out = tf.identity(second, name="out")
    node = _node(g.as_graph_def(add_shapes=True), "out")
    assert list(node.input) == ["parts:1", "^before"]
    assert [d.size for d in node.attr["_output_shapes"].list.shape[0].dim] == [-1]
    assert "_output_shapes" not in _node(g.as_graph_def(add_shapes=True), "before").attr
    assert out.op.node_def.input == ["parts:1", "^before"]
    assert _node(g.as_graph_def(), "before").attr["_has_manual_control_dependencies"].b


def test_write_graph_text_and_binary_round_trip(tmp_path):
    g = tf.Graph()
    with g.as_default():
        tf.Variable([1.0, 2.0], name="v")
    text_path = tf.train.write_graph(g, tmp_path / "new", "g.pbtxt")
    binary_path = tf.train.write_graph(g.as_graph_def(), str(tmp_path), "g.pb", as_text=False)
    from google.protobuf import text_format
    with open(text_path) as f:
        assert text_format.Parse(f.read(), tf.GraphDef()) == g.as_graph_def()
    parsed = tf.GraphDef()
    with open(binary_path, "rb") as f:
        parsed.ParseFromString(f.read())
    assert parsed == g.as_graph_def() and binary_path == str(tmp_path / "g.pb")


def _graph_events(logdir):
    files = sorted(logdir.glob("events.out.tfevents.*"))
    events = [e for f in files for e in LegacyEventFileLoader(str(f)).Load()]
    return [e for e in events if e.HasField("graph_def")]


def test_file_writer_writes_the_graph_tensorboard_reads(tmp_path):
    g = tf.Graph()
    with g.as_default():
        tf.reduce_sum(tf.placeholder(tf.float32, [None, 3], name="x"), name="total")
    tf.summary.FileWriter(str(tmp_path), g).close()
    (event,) = _graph_events(tmp_path)
    written = tf.GraphDef()
    written.ParseFromString(event.graph_def)
    assert written == g.as_graph_def(add_shapes=True)
    assert [e.step for e in tf.train.summary_iterator(
        str(next(tmp_path.glob("events.*"))))] == [0, 0, 0]  # version, graph, meta graph


def test_add_graph_takes_a_graph_def_and_refuses_other_values(tmp_path):
    g = tf.Graph()
    with g.as_default():
        tf.constant(1.0, name="one")
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_graph(None, global_step=7, graph_def=g.as_graph_def())
        with pytest.raises(TypeError, match="must be an instance of `Graph`"):
            writer.add_graph("graph")
        with pytest.raises(ValueError, match="only graph, or graph_def"):
            writer.add_graph(g, graph_def=g.as_graph_def())
    (event,) = _graph_events(tmp_path)
    assert event.step == 7 and tf.GraphDef.FromString(event.graph_def) == g.as_graph_def()
