"""tf.train.export_meta_graph / import_meta_graph in graphshell: the proto-function registry,
TF's name-scope helpers, each CollectionDef kind, Variables rebuilt from VariableDefs,
export_scope, clear_devices, strip_default_attrs, files in both formats, TF's errors."""

import importlib.util

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import proto_functions
from graphshell.engine.graph.meta_graph import (
    build_meta_graph_def,
    read_meta_graph_file,
    write_meta_graph,
)
from graphshell.engine.graph.proto_functions import prepend_name_scope, strip_name_scope
from graphshell.facade import tf_logging

pytest.importorskip("tensorboard")


def _model():
    x = tf.placeholder(tf.float32, [2], name="x")
    with tf.name_scope("net"):
        v = tf.Variable([1.0, 2.0], name="v")
        w = tf.Variable(3.0, name="w", trainable=False)
        y = tf.add(v * w, x, name="y")
    tf.add_to_collection("outputs", y)
    tf.add_to_collection("ops", y.op)
    tf.add_to_collection("numbers", 7)
    tf.add_to_collection("rates", 0.1)
    tf.add_to_collection("labels", "tag")
    return x, v, w, y


# -- the registry and the names ---------------------------------------------------------------
def test_variable_collections_have_variable_def_proto_functions():
    for key in ("variables", "trainable_variables", "local_variables", "model_variables",
                "moving_average_variables", "global_step", "metric_variables"):
        assert proto_functions.get_collection_proto_type(key).__name__ == "VariableDef"
        assert proto_functions.get_to_proto_function(key) is not None
        assert proto_functions.get_from_proto_function(key) is tf.Variable.from_proto
    assert proto_functions.get_collection_proto_type("no such collection") is None
    assert proto_functions.get_to_proto_function("no such collection") is None


def test_registering_twice_or_a_non_callable_is_refused():
    with pytest.raises(KeyError, match="Registering two proto functions with name "
                                       "'variables'!"):
        proto_functions.register_proto_function("variables")
    with pytest.raises(TypeError, match="to_proto must be callable."):
        proto_functions.register_proto_function("test-only", to_proto=3)
    with pytest.raises(TypeError, match="from_proto must be callable."):
        proto_functions.register_proto_function("test-only", from_proto="x")


def test_name_scopes_are_stripped_and_prepended_as_tf_does():
    assert strip_name_scope("net/a/b:0", "net") == "a/b:0"
    assert strip_name_scope("^net//a", "net/") == "^a"
    assert strip_name_scope("loc:@net/v", "net") == "loc:@v"
    assert strip_name_scope("other/a", "net") == "other/a"
    assert strip_name_scope("net/a", None) == "net/a"
    assert prepend_name_scope("a:0", "imp") == "imp/a:0"
    assert prepend_name_scope("^a", "imp/") == "^imp/a"
    assert prepend_name_scope(b"loc:@a", "imp") == "loc:@imp/a"
    assert prepend_name_scope(b"a", "") == b"a"


# -- Variables as VariableDefs ------------------------------------------------------------------
def test_a_variable_writes_the_variable_def_tf_writes():
    v = tf.Variable([1.0, 2.0], name="v")
    proto = v.to_proto()
    assert (proto.variable_name, proto.initializer_name, proto.snapshot_name,
            proto.initial_value_name, proto.trainable) == \
        ("v:0", "v/Assign", "v/read:0", "v/initial_value:0", True)
    # TF's bytes for this variable (field order 1, 2, 3, 6, 7)
    assert proto.SerializeToString() == \
        b"\n\x03v:0\x12\x08v/Assign\x1a\x08v/read:02\x11v/initial_value:08\x01"
    assert v.to_proto(export_scope="other") is None


def test_a_variable_from_its_variable_def_uses_the_ops_already_there():
    v = tf.Variable([1.0, 2.0], name="v", trainable=False)
    copy = tf.Variable.from_proto(v.to_proto())
    assert copy is not v
    assert (copy.op, copy.initializer, copy.value(), copy.initial_value) == \
        (v.op, v.initializer, v.value(), v.initial_value)
    assert copy.trainable is False and copy.name == "v:0"
    assert tf.global_variables() == [v]  # from_proto joins no collection
    with pytest.raises(ValueError, match="variable_def and initial_value are mutually "
                                         "exclusive."):
        tf.Variable(1.0, variable_def=v.to_proto())


# -- export ---------------------------------------------------------------------------------------
def test_each_collection_is_written_in_its_collection_def_kind():
    _model()
    message = tf.train.export_meta_graph()
    collections = message.collection_def
    assert sorted(collections) == ["labels", "numbers", "ops", "outputs", "rates",
                                   "trainable_variables", "variables"]
    assert list(collections["outputs"].node_list.value) == ["net/y:0"]
    assert list(collections["ops"].node_list.value) == ["net/y"]
    assert list(collections["numbers"].int64_list.value) == [7]
    assert list(collections["rates"].float_list.value) == [pytest.approx(0.1)]
    assert list(collections["labels"].bytes_list.value) == [b"tag"]
    assert len(collections["variables"].bytes_list.value) == 2
    assert len(collections["trainable_variables"].bytes_list.value) == 1
    assert isinstance(message, tf.MetaGraphDef)


def test_meta_info_names_the_api_and_the_op_types_used():
    _model()
    info = tf.train.export_meta_graph().meta_info_def
    assert (info.tensorflow_version, info.tensorflow_git_version) == ("1.15.0", "unknown")
    names = [op.name for op in info.stripped_op_list.op]
    assert names == sorted({op.type for op in tf.get_default_graph().get_operations()})
    add = next(op for op in info.stripped_op_list.op if op.name == "AddV2")
    assert add.is_commutative and add.attr[0].allowed_values.list.type  # TF's whole OpDef


def test_the_graph_def_carries_output_shapes():
    _model()
    node = next(n for n in tf.train.export_meta_graph().graph_def.node if n.name == "net/y")
    assert [d.size for d in node.attr["_output_shapes"].list.shape[0].dim] == [2]


def test_a_collection_with_items_of_mixed_kinds_is_left_out_with_tf_warning(capsys):
    tf.add_to_collection("mixed", 3)
    tf.add_to_collection("mixed", True)  # protobuf refuses a bool in an int64 list, as in TF
    tf.add_to_collection("things", object())
    tf_logging.get_logger()  # TF's handler on the "tensorflow" logger, as TF sets it up
    message = tf.train.export_meta_graph()
    assert "mixed" not in message.collection_def and "things" not in message.collection_def
    warnings = capsys.readouterr().err  # the "tensorflow" logger's, which does not propagate
    assert "Issue encountered when serializing mixed." in warnings
    assert "Issue encountered when serializing things." in warnings


def test_collection_list_picks_the_collections_written():
    _model()
    message = tf.train.export_meta_graph(collection_list=["numbers"])
    assert list(message.collection_def) == ["numbers"]


def test_export_scope_keeps_the_scope_and_names_inputs_from_outside_unbound():
    _model()
    message = tf.train.export_meta_graph(export_scope="net")
    names = [node.name for node in message.graph_def.node]
    assert "x" not in names and "y" in names and "v" in names
    y = next(node for node in message.graph_def.node if node.name == "y")
    assert list(y.input) == ["mul", "$unbound_inputs_x"]
    assert list(message.collection_def["unbound_inputs"].bytes_list.value) == \
        [b"$unbound_inputs_x"]
    assert list(message.collection_def["outputs"].node_list.value) == ["y:0"]
    variable_names = [read_variable_def(b).variable_name
                      for b in message.collection_def["variables"].bytes_list.value]
    assert variable_names == ["v:0", "w:0"]


def read_variable_def(data):
    proto = proto_functions.get_collection_proto_type("variables")()
    proto.ParseFromString(data)
    return proto


def test_clear_devices_and_strip_default_attrs():
    with tf.device("/cpu:0"):
        tf.placeholder(tf.float32, name="p")
    message = tf.train.export_meta_graph(clear_devices=True, strip_default_attrs=True)
    node = message.graph_def.node[0]
    assert node.device == ""
    assert "shape" not in node.attr  # Placeholder's default (unknown rank) is stripped
    assert message.meta_info_def.stripped_default_attrs
    kept = tf.train.export_meta_graph()
    assert kept.graph_def.node[0].device == "/device:CPU:0" and "shape" in \
        kept.graph_def.node[0].attr


def test_arguments_of_the_wrong_message_type_are_refused():
    with pytest.raises(TypeError, match="graph_def must be of type GraphDef"):
        build_meta_graph_def(tf.get_default_graph(), graph_def="nodes")
    with pytest.raises(ValueError, match="does not write GraphDebugInfo"):
        tf.train.export_meta_graph(save_debug_info=True)


# -- import ---------------------------------------------------------------------------------------
def test_an_exported_model_imports_with_its_collections_and_runs(tmp_path):
    _, v, _, _ = _model()
    path = tmp_path / "model.meta"
    tf.train.export_meta_graph(str(path))
    graph = tf.Graph()
    with graph.as_default():
        saver = tf.train.import_meta_graph(str(path), import_scope="imp")
        variables = tf.global_variables()
        assert [v.name for v in variables] == ["imp/net/v:0", "imp/net/w:0"]
        assert tf.trainable_variables() == variables[:1]  # the same Variable object
        assert [t.name for t in tf.get_collection("outputs")] == ["imp/net/y:0"]
        assert tf.get_collection("ops") == [graph.get_operation_by_name("imp/net/y")]
        assert tf.get_collection("numbers") == [7]
        assert tf.get_collection("rates") == [np.float32(0.1)]
        assert tf.get_collection("labels") == ["imp/tag"]  # TF prepends the scope to strings
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            out = session.run(tf.get_collection("outputs")[0], {"imp/x:0": [0.5, 0.5]})
    np.testing.assert_array_equal(out, np.float32([3.5, 6.5]))
    # a Saver over the imported variables, as soon as graphshell has tf.train.Saver
    has_saver = importlib.util.find_spec("graphshell.engine.training.saver") is not None
    assert (type(saver).__name__ == "Saver") if has_saver else saver is None


def test_a_scoped_export_needs_its_unbound_inputs_in_input_map():
    _model()
    message = tf.train.export_meta_graph(export_scope="net")
    graph = tf.Graph()
    with graph.as_default():
        with pytest.raises(ValueError, match="Graph contains unbound inputs: "
                                             "\\$unbound_inputs_x. Must provide these inputs "
                                             "through input_map."):
            tf.train.import_meta_graph(message)
        x = tf.constant([1.0, 1.0], name="fed_x")
        tf.train.import_meta_graph(message, import_scope="part",
                                   input_map={"$unbound_inputs_x": x})
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            out = session.run("part/y:0")
    np.testing.assert_array_equal(out, np.float32([4.0, 7.0]))


def test_a_text_meta_graph_file_reads_back_the_same(tmp_path):
    _model()
    message = tf.train.export_meta_graph(str(tmp_path / "text.meta"), as_text=True)
    assert (tmp_path / "text.meta").read_text().startswith("meta_info_def {")
    assert read_meta_graph_file(tmp_path / "text.meta") == message
    write_meta_graph(message, tmp_path / "sub" / "binary.meta")
    assert read_meta_graph_file(tmp_path / "sub" / "binary.meta") == message


def test_import_without_a_scope_keeps_the_names_and_bytes_stay_bytes():
    _model()
    message = tf.train.export_meta_graph()
    graph = tf.Graph()
    with graph.as_default():
        tf.train.import_meta_graph(message)
        assert [v.name for v in tf.global_variables()] == ["net/v:0", "net/w:0"]
        assert tf.get_collection("labels") == [b"tag"]


def test_restore_collections_predicate_and_clear_devices():
    with tf.device("/cpu:0"):
        _model()
    message = tf.train.export_meta_graph()
    graph = tf.Graph()
    with graph.as_default():
        tf.train.import_meta_graph(message, clear_devices=True,
                                   restore_collections_predicate=lambda key: key != "numbers")
        assert tf.get_collection("numbers") == []
        assert graph.get_operation_by_name("net/y").device == ""


def test_reading_a_missing_or_broken_file_says_so(tmp_path):
    with pytest.raises(OSError, match="File does not exist. Received: .*nothing.meta"):
        tf.train.import_meta_graph(str(tmp_path / "nothing.meta"))
    (tmp_path / "broken.meta").write_text("meta_info_def { nonsense: 1 }")
    with pytest.raises(OSError, match="Cannot parse file .*broken.meta"):
        tf.train.import_meta_graph(str(tmp_path / "broken.meta"))


# -- savers ---------------------------------------------------------------------------------------
def test_a_saver_def_is_written_and_import_returns_a_saver_over_it():
    _model()
    saver = tf.train.Saver()
    message = tf.train.export_meta_graph(saver_def=saver.as_saver_def())
    assert message.saver_def == saver.as_saver_def()
    graph = tf.Graph()
    with graph.as_default():
        restored = tf.train.import_meta_graph(message, import_scope="imp")
    assert restored.as_saver_def().restore_op_name == "imp/save/restore_all"
    assert graph.get_operation_by_name("imp/save/restore_all").type == "NoOp"


def test_clear_extraneous_savers_drops_the_other_savers_scopes():
    _model()
    kept = tf.train.Saver()
    tf.train.Saver(name="other")
    message = tf.train.export_meta_graph(saver_def=kept.as_saver_def(),
                                         clear_extraneous_savers=True)
    names = [node.name for node in message.graph_def.node]
    assert "save/restore_all" in names
    assert not [name for name in names if name.startswith("other/")]
    everything = tf.train.export_meta_graph(saver_def=kept.as_saver_def())
    assert [node.name for node in everything.graph_def.node if node.name.startswith("other/")]
