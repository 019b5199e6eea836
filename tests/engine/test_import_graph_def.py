"""tf.import_graph_def: names under the prefix, attrs decoded, input_map, return_elements, TF's
errors, kernel-less op types, round trips of graphshell's own graphs and of GraphDefs recorded
from TensorFlow (tests/fixtures/graph_defs, with TF's fetched values in outputs.json)."""

import json
import pathlib

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import errors
from graphshell.engine.graph.graph_def import read_graph_def

pytest.importorskip("tensorboard")

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "graph_defs"
RECORDED = json.loads((FIXTURES / "outputs.json").read_text())


def _small_graph_def():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        tf.add(x, 1.0, name="y")
    return graph.as_graph_def()


def _names(graph):
    return [op.name for op in graph.get_operations()]


# -- names and structure -------------------------------------------------------------------------
def test_nodes_go_under_a_unique_import_prefix():
    graph_def = _small_graph_def()
    with tf.Graph().as_default() as graph:
        assert tf.import_graph_def(graph_def) is None
        tf.import_graph_def(graph_def)
        tf.import_graph_def(graph_def, name="a/b")
        with tf.name_scope("outer"):
            tf.import_graph_def(graph_def, name="in")
    assert _names(graph) == ["import/x", "import/y/y", "import/y",
                             "import_1/x", "import_1/y/y", "import_1/y",
                             "a/b/x", "a/b/y/y", "a/b/y",
                             "outer/in/x", "outer/in/y/y", "outer/in/y"]
    y = graph.get_operation_by_name("import_1/y")
    assert y.type == "AddV2"
    assert [t.name for t in y.inputs] == ["import_1/x:0", "import_1/y/y:0"]
    assert y.outputs[0].shape.as_list() == [None, 2]


def test_an_empty_name_keeps_node_names_and_uniquifies_clashes():
    graph_def = _small_graph_def()
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
        tf.import_graph_def(graph_def, name="")
    assert _names(graph) == ["x", "y/y", "y", "x_1", "y/y_1", "y_1"]


def test_attrs_come_back_as_graphshell_values():
    graph = tf.Graph()
    with graph.as_default():
        tf.constant(np.arange(6, dtype=np.int64).reshape(2, 3), name="c")
        tf.constant(0.5, shape=[2, 2], name="filled")
        tf.constant([b"ab", b"c"], name="s")
        tf.nn.conv2d(tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1]), [1, 1, 1, 1], "SAME",
                     name="conv")
    with tf.Graph().as_default() as imported:
        tf.import_graph_def(graph.as_graph_def(), name="")
    c = imported.get_operation_by_name("c")
    assert c.get_attr("dtype") == tf.int64
    np.testing.assert_array_equal(c.get_attr("value"), np.arange(6).reshape(2, 3))
    assert c.get_attr("value").dtype == np.int64
    filled = imported.get_operation_by_name("filled").get_attr("value")
    np.testing.assert_array_equal(filled, np.full((2, 2), 0.5, np.float32))
    assert list(imported.get_operation_by_name("s").get_attr("value")) == [b"ab", b"c"]
    conv = imported.get_operation_by_name("conv")
    assert conv.get_attr("padding") == b"SAME"
    assert list(conv.get_attr("strides")) == [1, 1, 1, 1]
    assert conv.get_attr("T") == tf.float32
    with tf.Session(graph=imported) as session:
        np.testing.assert_array_equal(session.run("conv:0")[0, :, :, 0],
                                      [[4, 4, 2], [4, 4, 2], [2, 2, 1]])


def test_control_inputs_and_second_outputs_are_wired():
    graph = tf.Graph()
    with graph.as_default():
        values = tf.constant([3.0, 1.0, 2.0], name="v")
        top = tf.nn.top_k(values, 2, name="top")
        with tf.control_dependencies([values.op]):
            tf.identity(top.indices, name="indices")
    with tf.Graph().as_default() as imported:
        tf.import_graph_def(graph.as_graph_def())
    indices = imported.get_operation_by_name("import/indices")
    assert indices.inputs[0].name == "import/top:1"
    assert [op.name for op in indices.control_inputs] == ["import/v"]
    with tf.Session(graph=imported) as session:
        np.testing.assert_array_equal(session.run("import/indices:0"), [0, 2])


# -- input_map and return_elements ---------------------------------------------------------------
def test_input_map_replaces_inputs_and_return_elements_give_ops_and_tensors():
    graph_def = _small_graph_def()
    with tf.Graph().as_default() as graph:
        z = tf.constant([[1.0, 2.0]], name="z")
        y_op, y, x_op = tf.import_graph_def(graph_def, input_map={"x:0": z},
                                            return_elements=["y", "y:0", "x"])
        assert isinstance(y_op, tf.Operation) and y_op.name == "import/y"
        assert isinstance(y, tf.Tensor) and y.name == "import/y:0"
        assert x_op.name == "import/x"
        assert y_op.inputs[0] is z
        with tf.Session() as session:
            np.testing.assert_array_equal(session.run(y), [[2.0, 3.0]])
    assert "import/x" in _names(graph)  # the mapped placeholder is still imported, as in TF


def test_input_map_takes_a_bare_name_and_a_control_input():
    graph = tf.Graph()
    with graph.as_default():
        a = tf.constant(1.0, name="a")
        with tf.control_dependencies([a.op]):
            tf.constant(2.0, name="b")
    with tf.Graph().as_default():
        gate = tf.constant(0.0, name="gate")
        b, = tf.import_graph_def(graph.as_graph_def(), input_map={"^a": gate},
                                 return_elements=["b"])
        assert b.control_inputs == [gate.op]


def test_input_map_errors_are_tfs():
    graph_def = _small_graph_def()
    with tf.Graph().as_default():
        z = tf.constant([[1.0, 2.0]])
        with pytest.raises(ValueError, match=r"^Attempted to map inputs that were not found "
                                             r"in graph_def: \[nope:0, x:3\]$"):
            tf.import_graph_def(graph_def, input_map={"nope:0": z, "x:3": z})
        with pytest.raises(TypeError, match=r"^Argument `input_map` must be a dictionary. "
                                            r"Obtained list$"):
            tf.import_graph_def(graph_def, input_map=[z])
        with pytest.raises(TypeError, match="can't convert Operation"):
            tf.import_graph_def(graph_def, input_map={"x:0": z.op})
        with pytest.raises(ValueError, match="incompatible|must be|same dtype|type"):
            tf.import_graph_def(graph_def, input_map={"x:0": tf.constant([[1, 2]])})


def test_return_element_errors_are_tfs():
    graph_def = _small_graph_def()
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="^Requested return node 'nope' not found in "
                                             "graph def$"):
            tf.import_graph_def(graph_def, return_elements=["nope"])
        with pytest.raises(ValueError, match="^Requested return tensor 'nope:0' not found"):
            tf.import_graph_def(graph_def, return_elements=["nope:0"])
        with pytest.raises(ValueError, match=r"^Invalid return output 5 of node 'y', which "
                                             r"has 1 output\(s\)$"):
            tf.import_graph_def(graph_def, return_elements=["y:5"])
        with pytest.raises(ValueError, match="more than 1 `:`. Obtained 2$"):
            tf.import_graph_def(graph_def, return_elements=["y:0:1"])


# -- bad GraphDefs -------------------------------------------------------------------------------
def _edited(graph_def, edit):
    copy = type(graph_def)()
    copy.CopyFrom(graph_def)
    edit(copy)
    return copy


def test_bad_graph_defs_get_tfs_errors():
    graph_def = _small_graph_def()
    with tf.Graph().as_default() as graph:
        tf.constant(1.0, name="kept")
        with pytest.raises(TypeError, match="^Argument `graph_def` must be a GraphDef proto.$"):
            tf.import_graph_def("abc")
        duplicate = _edited(graph_def, lambda g: g.node.add().CopyFrom(g.node[0]))
        with pytest.raises(ValueError, match="^Node 'x' is not unique$"):
            tf.import_graph_def(duplicate)
        unknown = _edited(graph_def, lambda g: g.node[2].input.__setitem__(0, "q"))
        with pytest.raises(ValueError, match="^Node 'y': Unknown input node 'q'$"):
            tf.import_graph_def(unknown)
        bad_index = _edited(graph_def, lambda g: g.node[2].input.__setitem__(0, "x:4"))
        with pytest.raises(ValueError, match="^Node 'y': Connecting to invalid output 4 of "
                                             "source node x which has 1 outputs.$"):
            tf.import_graph_def(bad_index)
        not_tf = _edited(graph_def, lambda g: setattr(g.node[2], "op", "NoSuchOpAnywhere"))
        with pytest.raises(ValueError, match="NoSuchOpAnywhere"):
            tf.import_graph_def(not_tf)
    assert _names(graph) == ["kept"]


def test_a_failed_import_adds_no_ops_but_takes_its_scope_name():
    graph_def = _small_graph_def()
    with tf.Graph().as_default() as graph:
        z = tf.constant([[1.0, 2.0]], name="z")
        ints = tf.constant([[1, 2]], name="ints")
        with pytest.raises(ValueError, match="^Input 0 of node import/y was passed int32 from "
                                             "ints:0 incompatible with expected float.$"):
            tf.import_graph_def(graph_def, input_map={"x:0": ints})
        assert _names(graph) == ["z", "ints"] and ints.consumers() == []
        y, = tf.import_graph_def(graph_def, return_elements=["y:0"], input_map={"x:0": z})
        assert y.name == "import_1/y:0"  # as TF, the failed import used up `import`
        with tf.Session() as session:
            np.testing.assert_array_equal(session.run(y), [[2.0, 3.0]])


def test_unused_input_map_keys_are_found_after_the_nodes_are_added():
    graph_def = _small_graph_def()
    with tf.Graph().as_default() as graph:
        z = tf.constant([[1.0, 2.0]], name="z")
        with pytest.raises(ValueError, match=r"^Attempted to map inputs .*: \[nope:0\]$"):
            tf.import_graph_def(graph_def, input_map={"x:0": z, "nope:0": z})
        assert _names(graph) == ["z", "import/x", "import/y/y", "import/y"]  # as in TF


def test_input_map_values_that_are_not_tensors_become_constants_under_inputs():
    graph_def = _small_graph_def()
    with tf.Graph().as_default() as graph:
        y, = tf.import_graph_def(graph_def, input_map={"x:0": [[5.0, 6.0]]},
                                 return_elements=["y:0"])
        assert "import/_inputs/Const" in _names(graph)
        with tf.Session() as session:
            np.testing.assert_array_equal(session.run(y), [[6.0, 7.0]])


def test_a_while_loop_imports_and_runs():  # more in test_import_while_loops.py
    graph = tf.Graph()
    with graph.as_default():
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)])
    with tf.Graph().as_default(), tf.Session() as session:
        tf.import_graph_def(graph.as_graph_def())
        assert session.run("import/while/Exit:0") == 3


# -- round trips ---------------------------------------------------------------------------------
def _training_graph(with_cond=False):
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2) / 10, name="w")
        logits = tf.matmul(x, w)
        if with_cond:
            p = tf.placeholder_with_default(True, [], name="p")
            logits = tf.cond(p, lambda: logits * 2.0, lambda: tf.zeros([1, 2]))
        loss = tf.reduce_mean(tf.square(tf.nn.softmax(logits)), name="loss")
        tf.train.AdamOptimizer(0.1).minimize(loss, name="train")
        tf.global_variables_initializer()
    return graph


def _train(graph, prefix=""):
    feed = {graph.get_tensor_by_name(prefix + "x:0"): [[1.0, 2.0, 3.0]]}
    with tf.Session(graph=graph) as session:
        session.run(prefix + "init")
        for _ in range(3):
            session.run(prefix + "train", feed)
        return session.run([prefix + "w:0", prefix + "loss:0"], feed)


def test_colocation_groups_follow_renamed_nodes():
    graph_def = _training_graph().as_graph_def()
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
        tf.import_graph_def(graph_def, name="")
    assert graph.get_operation_by_name("w/Assign_1").get_attr("_class") == [b"loc:@w_1"]
    assert graph.get_operation_by_name("w/Assign").get_attr("_class") == [b"loc:@w"]


def test_a_graphshell_graph_reimports_with_identical_graph_def_and_values():
    original = _training_graph()
    graph_def = original.as_graph_def()
    with tf.Graph().as_default() as imported:
        tf.import_graph_def(graph_def, name="")
    assert imported.as_graph_def() == graph_def
    with_shapes = original.as_graph_def(add_shapes=True)
    with tf.Graph().as_default() as shaped:
        tf.import_graph_def(with_shapes, name="")
    assert shaped.as_graph_def(add_shapes=True) == with_shapes
    w, loss = _train(imported)
    w_expected, loss_expected = _train(original)
    np.testing.assert_array_equal(w, w_expected)
    assert loss == loss_expected
    assert not np.array_equal(w, np.arange(6).reshape(3, 2) / 10)


def test_a_graph_exported_mid_cond_reimports_in_tfs_importer_order():
    """A cond's op is created before the Switch ops of its inputs (as TF does), so the export
    is not in topological order; TF's importer (and graphshell's) delays each node until its
    inputs exist, keeping the GraphDef's order otherwise."""
    original = _training_graph(with_cond=True)
    graph_def = original.as_graph_def()
    with tf.Graph().as_default() as imported:
        tf.import_graph_def(graph_def, name="")
    names = [op.name for op in imported.get_operations()]
    exported = [node.name for node in graph_def.node]
    assert names != exported and sorted(names) == sorted(exported)
    mul = names.index("cond/mul")
    assert names.index("cond/mul/Switch") < mul < names.index("cond/Merge")
    by_name = {node.name: node for node in imported.as_graph_def().node}
    assert all(by_name[node.name] == node for node in graph_def.node)
    np.testing.assert_array_equal(_train(imported)[0], _train(original)[0])


def test_an_imported_graph_can_be_imported_again_under_a_prefix():
    graph_def = _training_graph().as_graph_def()
    with tf.Graph().as_default() as imported:
        tf.import_graph_def(graph_def, name="net")
    w, _ = _train(imported, "net/")
    colocated = imported.get_operation_by_name("net/w/Assign").get_attr("_class")
    assert list(colocated) == [b"loc:@net/w"]
    np.testing.assert_array_equal(w, _train(_training_graph())[0])


# -- GraphDefs recorded from TensorFlow ------------------------------------------------------
def _import_fixture(name):
    record = RECORDED[name]
    graph_def = read_graph_def(FIXTURES / record["file"])
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    feeds = {graph.get_tensor_by_name(key): value for key, value in record["feeds"].items()}
    return graph_def, graph, feeds, record["fetches"]


def test_tfs_mlp_imports_runs_and_matches_tf():
    graph_def, graph, feeds, expected = _import_fixture("mlp")
    assert [op.type for op in graph.get_operations()][-3:] == ["MatMul", "AddV2", "Softmax"]
    assert [op.name for op in graph.get_operations()] == RECORDED["mlp"]["reimported_order"]
    with tf.Session(graph=graph) as session:
        for name, value in expected.items():
            got = session.run(name, feeds)
            if name == "probs:0":  # TF's Eigen softmax differs in the last bit
                np.testing.assert_allclose(got, np.float32(value), rtol=1e-6, atol=1e-10)
            else:
                np.testing.assert_array_equal(got, np.float32(value))
    assert graph.as_graph_def() == graph_def


def test_tfs_cond_imports_runs_both_branches_and_matches_tf():
    graph_def, graph, feeds, expected = _import_fixture("cond")
    assert {"Switch", "Merge"} <= {op.type for op in graph.get_operations()}
    assert [op.name for op in graph.get_operations()] == RECORDED["cond"]["reimported_order"]
    with tf.Session(graph=graph) as session:
        np.testing.assert_array_equal(session.run("out:0", feeds), np.float32(expected["out:0"]))
        feeds[graph.get_tensor_by_name("p:0")] = False
        np.testing.assert_array_equal(session.run("out:0", feeds),
                                      np.float32(feeds[graph.get_tensor_by_name("x:0")]) - 1)
    by_name = {node.name: node for node in graph.as_graph_def().node}
    assert all(by_name[node.name] == node for node in graph_def.node)


def test_an_op_type_without_kernel_imports_and_fails_only_when_run():
    graph_def, graph, feeds, expected = _import_fixture("bucketize")
    buckets = graph.get_operation_by_name("buckets")
    assert buckets.type == "Bucketize"
    assert buckets.outputs[0].dtype == tf.int32  # TF's output arg, not the input's type
    assert buckets.outputs[0].shape.as_list() == [3]  # from the NodeDef's _output_shapes
    assert list(buckets.get_attr("boundaries")) == [0.0, 1.0, 10.0]
    with tf.Session(graph=graph) as session:
        np.testing.assert_array_equal(session.run("doubled:0", feeds),
                                      np.float32(expected["doubled:0"]))
        with pytest.raises(errors.NotFoundError, match=r"^No registered 'Bucketize' OpKernel "
                           r"for 'CPU' devices compatible with node \{\{node buckets\}\}.*"
                           r"no kernel for op type 'Bucketize'"):
            session.run("buckets:0", feeds)
    assert graph.as_graph_def(add_shapes=True) == graph_def


def test_recorded_output_shapes_refine_inferred_ones_as_in_tf():
    graph = tf.Graph()
    with graph.as_default():
        tf.reduce_mean(tf.placeholder(tf.float32, None, name="x"), name="m")
    for add_shapes, expected in ((False, None), (True, 0)):
        with tf.Graph().as_default() as imported:
            tf.import_graph_def(graph.as_graph_def(add_shapes=add_shapes), name="")
        assert imported.get_tensor_by_name("m:0").shape.ndims == expected
    source = tf.Graph()
    with source.as_default():
        tf.add(tf.placeholder(tf.float32, [None, 2], name="x"), 1.0, name="y")
    contradicting = source.as_graph_def(add_shapes=True)
    scalar = next(node for node in contradicting.node if node.name == "y/y")
    scalar.attr["_output_shapes"].list.shape[0].dim.add(size=3)  # a scalar recorded as [3]
    with tf.Graph().as_default(), pytest.raises(
            ValueError, match="^Node 'y/y' has an _output_shapes attribute inconsistent with "
                              "the GraphDef for output #0"):
        tf.import_graph_def(contradicting)


def test_a_kernel_less_op_without_recorded_shapes_has_unknown_shapes():
    graph_def = read_graph_def(FIXTURES / "bucketize.pbtxt")
    for node in graph_def.node:
        del node.attr["_output_shapes"]
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def)
    output = graph.get_tensor_by_name("import/buckets:0")
    assert output.dtype == tf.int32 and output.shape.ndims is None


def test_read_graph_def_goes_by_extension_or_content(tmp_path):
    graph_def = _small_graph_def()
    tf.train.write_graph(graph_def, str(tmp_path), "g.pbtxt")
    tf.train.write_graph(graph_def, str(tmp_path), "g.pb", as_text=False)
    (tmp_path / "g.pb").rename(tmp_path / "binary_graph")
    (tmp_path / "g.pbtxt").rename(tmp_path / "text_graph")
    assert read_graph_def(tmp_path / "binary_graph") == graph_def
    assert read_graph_def(tmp_path / "text_graph") == graph_def
    (tmp_path / "bad.pb").write_bytes(b"\xff\xff\xff")
    with pytest.raises(ValueError, match="bad.pb is not a binary GraphDef"):
        read_graph_def(tmp_path / "bad.pb")
    parsed = tf.GraphDef()
    parsed.ParseFromString(graph_def.SerializeToString())
    assert parsed == graph_def
