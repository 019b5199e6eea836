"""MetaGraph round trips with TensorFlow (tests/fixtures/meta_graphs): the .meta files TF wrote
import in graphshell with TF's ops, collections, variables and values (also after a training
step); graphshell still writes the .meta files TF imported (expected.json says what TF saw);
and graphshell's export of the same program is TF's, collection for collection.

Recorded by tools/record_meta_graph_fixtures.py (TF) and tools/write_meta_graph_fixtures.py
(graphshell) from the programs in tests/fixtures/meta_graphs/programs.py.
"""

import importlib.util
import json
import pathlib

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import proto_functions
from graphshell.engine.graph.meta_graph import read_meta_graph_file

pytest.importorskip("tensorboard")

ROOT = pathlib.Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "meta_graphs"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
# TF's control-flow contexts: graphshell has no protos for them and rebuilds loops from Enters
TF_ONLY_COLLECTIONS = {"cond_context", "while_context"}
HAS_SAVER = importlib.util.find_spec("graphshell.engine.training.saver") is not None


def _writer():
    spec = importlib.util.spec_from_file_location("write_meta_graph_fixtures",
                                                  ROOT / "tools" / "write_meta_graph_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WRITER = _writer()
PROGRAMS_MODULE = WRITER.programs_module()
PROGRAMS = PROGRAMS_MODULE.PROGRAMS


def _item(item):
    """A collection item as the recorder describes TF's (kind and name or value)."""
    kind = type(item).__name__
    if kind in ("Variable", "Operation"):
        return {"kind": kind, "name": item.name}
    if kind == "Tensor":
        return {"kind": "SymbolicTensor", "name": item.name}  # TF 2's graph tensor class
    if isinstance(item, bytes):
        return {"kind": "bytes", "value": item.decode()}
    if isinstance(item, (float, np.floating)):
        return {"kind": "float", "value": float(item)}
    return {"kind": kind, "value": item}


def _recorded(value):
    return np.asarray(value["value"], dtype=value["dtype"])


def _seen(graph, feeds, fetches, scope=""):
    """What the recorder records of an imported graph, seen in graphshell."""
    return PROGRAMS_MODULE.seen(tf, graph, feeds, fetches, _item, scope)


def _assert_values(got, recorded):
    assert len(got) == len(recorded)
    for value, want in zip(got, recorded):
        np.testing.assert_array_equal(value, _recorded(want))
        assert np.asarray(value).dtype == want["dtype"]


def _assert_seen_as_tf(seen, tf_seen):
    assert seen["ops"] == tf_seen["ops"]
    tf_collections = {key: items for key, items in tf_seen["collections"].items()
                      if key not in TF_ONLY_COLLECTIONS}
    assert seen["collections"] == tf_collections
    assert seen["variables"] == tf_seen["variables"]
    _assert_values(seen["values"], tf_seen["values"])
    if tf_seen["after_train_op"] is None:
        assert seen["after_train_op"] is None
    else:
        _assert_values(seen["after_train_op"], tf_seen["after_train_op"])


def _import(path, scope="imported"):
    graph = tf.Graph()
    with graph.as_default():
        saver = tf.train.import_meta_graph(str(path), import_scope=scope)
    return graph, saver


# -- TF's files in graphshell ---------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(PROGRAMS))
@pytest.mark.parametrize("suffix", ["", "_text"])
def test_a_tf_meta_graph_imports_as_tf_imports_it(name, suffix):
    graph, saver = _import(FIXTURES / f"tf_{name}{suffix}.meta")
    recorded = EXPECTED[name]
    seen = _seen(graph, recorded["feeds"], recorded["fetches"], "imported")
    _assert_seen_as_tf(seen, recorded["imported"])
    assert (saver is not None) == (HAS_SAVER and name == "model")  # variables, no saver_def


def test_a_tf_meta_graph_with_a_saver_imports_its_saver_ops_and_variables():
    graph, saver = _import(FIXTURES / "tf_saver.meta", scope=None)
    recorded = EXPECTED["saver"]
    feeds, fetches = EXPECTED["model"]["feeds"], EXPECTED["model"]["fetches"]
    _assert_seen_as_tf(_seen(graph, feeds, fetches), recorded["imported"])
    saver_def = read_meta_graph_file(FIXTURES / "tf_saver.meta").saver_def
    assert {field.name: value for field, value in saver_def.ListFields()
            if field.name in recorded["saver_def"]} == recorded["saver_def"]
    if HAS_SAVER:
        assert saver.as_saver_def() == saver_def


# -- graphshell's files in TF ----------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(PROGRAMS))
@pytest.mark.parametrize("as_text", [False, True])
def test_graphshell_still_writes_the_meta_graphs_tf_imported(name, as_text, tmp_path):
    filename = f"graphshell_{name}{'_text' if as_text else ''}.meta"
    written = tmp_path / filename
    WRITER.export(tf, PROGRAMS[name], written, as_text=as_text)
    assert written.read_bytes() == (FIXTURES / filename).read_bytes(), (
        f"graphshell now writes {filename} differently: if that is meant, rewrite the files "
        f"(python tools/write_meta_graph_fixtures.py) and let TF import them again "
        f"(<tf python> tools/record_meta_graph_fixtures.py)")
    assert filename in EXPECTED["tf_reads_graphshell"]


@pytest.mark.parametrize("filename", sorted(EXPECTED["tf_reads_graphshell"]))
def test_tf_reads_graphshell_meta_graphs_as_graphshell_does(filename):
    """TF importing graphshell's file saw the ops, collections and values graphshell sees."""
    name = filename.removeprefix("graphshell_").removesuffix(".meta").removesuffix("_text")
    tf_seen = EXPECTED["tf_reads_graphshell"][filename]
    graph, _ = _import(FIXTURES / filename)
    seen = _seen(graph, EXPECTED[name]["feeds"], EXPECTED[name]["fetches"], "imported")
    _assert_seen_as_tf(seen, tf_seen)
    _assert_values(seen["values"], EXPECTED[name]["imported"]["values"])  # TF's own program


# -- graphshell's export is TF's -------------------------------------------------------------------
def _variable_def(data):
    proto = proto_functions.get_collection_proto_type("variables")()
    proto.ParseFromString(data)
    proto.aggregation = 0  # TF's global step says ONLY_FIRST_REPLICA; get_variable drops it here
    return proto


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_graphshell_exports_the_collections_tf_exports(name):
    mine = WRITER.export(tf, PROGRAMS[name])
    theirs = read_meta_graph_file(FIXTURES / f"tf_{name}.meta")
    assert set(mine.collection_def) == set(theirs.collection_def) - TF_ONLY_COLLECTIONS
    for key, collection in mine.collection_def.items():
        if collection.WhichOneof("kind") == "bytes_list" and key in ("variables",
                                                                     "trainable_variables",
                                                                     "global_step"):
            assert [_variable_def(b) for b in collection.bytes_list.value] == \
                [_variable_def(b) for b in theirs.collection_def[key].bytes_list.value]
        else:
            assert collection == theirs.collection_def[key]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_graphshell_exports_tf_stripped_op_list_and_nodes(name):
    mine = WRITER.export(tf, PROGRAMS[name])
    theirs = read_meta_graph_file(FIXTURES / f"tf_{name}.meta")
    assert mine.meta_info_def.stripped_op_list == theirs.meta_info_def.stripped_op_list
    assert mine.graph_def.versions == theirs.graph_def.versions
    assert [_node(n) for n in mine.graph_def.node] == [_node(n) for n in theirs.graph_def.node]


# attrs where the op library's graphs still differ from TF's (not the MetaGraph's business):
# inferred shapes, TensorArray colocation, and the grad_a/grad_b marks of MatMul's gradients
OP_LIBRARY_ATTRS = ("_output_shapes", "_class", "grad_a", "grad_b")


def _node(node):
    return [node.name, node.op, list(node.input), node.device,
            {key: value for key, value in node.attr.items() if key not in OP_LIBRARY_ATTRS}]
