"""While loops in imported GraphDefs: a Merge waits for one input, its NextIteration back edge
is connected afterwards, and the frames are rebuilt from the Enter ops' frame_name attrs, so
the loops of a GraphDef recorded from TensorFlow (tests/fixtures/meta_graphs/tf_*.pb) run with
TF's values; graphshell's own loops round-trip."""

import json
import pathlib

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph.frames import WhileLoop, while_loop_of, while_loops_of
from graphshell.engine.graph.graph_def import read_graph_def

pytest.importorskip("tensorboard")

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "meta_graphs"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


def _recorded(value):
    return np.asarray(value["value"], dtype=value["dtype"])


def _import_tf_graph_def(name, prefix=""):
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(read_graph_def(FIXTURES / f"tf_{name}.pb"), name=prefix)
    return graph


@pytest.mark.parametrize("name", ["loops", "model"])
def test_a_tf_graph_def_with_while_loops_runs_with_tf_values(name):
    graph = _import_tf_graph_def(name)
    recorded = EXPECTED[name]
    with graph.as_default(), tf.Session() as session:
        session.run([op.name for op in graph.get_operations() if op.type == "Assign"])
        values = session.run(recorded["fetches"], recorded["feeds"])
    for got, want in zip(values, recorded["graph_def_values"]):
        np.testing.assert_array_equal(got, _recorded(want))
        assert np.asarray(got).dtype == want["dtype"]


def test_ops_are_imported_in_tf_importer_order_with_their_names():
    graph = _import_tf_graph_def("loops", "imported")
    assert [[op.name, op.type] for op in graph.get_operations()] == \
        EXPECTED["loops"]["imported"]["ops"]


def test_each_op_gets_the_frame_its_enter_names_nested_loops_inside_outer_ones():
    graph = _import_tf_graph_def("loops")
    outer = while_loop_of(graph.get_operation_by_name("outer/Merge"))
    inner = while_loop_of(graph.get_operation_by_name("outer/inner/Merge"))
    assert isinstance(outer, WhileLoop) and isinstance(inner, WhileLoop)
    assert (outer.name, inner.name) == ("outer/", "outer/inner/")
    assert inner.outer is outer and outer.outer is None
    assert while_loops_of(graph.get_operation_by_name("outer/inner/add")) == [outer, inner]
    assert outer.loop_cond is graph.get_operation_by_name("outer/LoopCond")
    assert [op.name for op in outer.merges] == ["outer/Merge", "outer/Merge_1"]
    assert [op.name for op in outer.exits] == ["outer/Exit", "outer/Exit_1"]
    # an Exit's consumers are outside its loop; an Enter of the inner loop is in it
    assert while_loop_of(graph.get_operation_by_name("outer/add")) is outer
    assert while_loop_of(graph.get_operation_by_name("outer/inner/Enter")) is inner
    assert while_loop_of(graph.get_operation_by_name("stacked")) is None


def test_back_edges_are_connected_to_the_next_iteration_ops():
    graph = _import_tf_graph_def("loops")
    merge = graph.get_operation_by_name("outer/Merge_1")
    assert [t.name for t in merge.inputs] == ["outer/Enter_1:0", "outer/NextIteration_1:0"]
    next_iteration = graph.get_operation_by_name("outer/NextIteration_1")
    assert merge in next_iteration.outputs[0].consumers()


def test_a_loop_variable_enter_has_an_unknown_shape_as_tf_infers_it():
    graph = _import_tf_graph_def("loops")
    assert graph.get_tensor_by_name("outer/Enter_1:0").shape.dims is None
    assert graph.get_tensor_by_name("outer/Merge_1:0").shape.dims is None
    constant_enter = next(op for op in graph.get_operations()
                          if op.type == "Enter" and op.get_attr("is_constant"))
    assert constant_enter.outputs[0].shape == constant_enter.inputs[0].shape


def test_graphshell_loops_round_trip_and_run_the_same():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2], name="x")
        i, s = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s * 1.5 + x),
                             [tf.constant(0), x])
        with tf.Session() as session:
            expected = session.run([i, s], {x: [1.0, -2.0]})
    copy = tf.Graph()
    with copy.as_default():
        tf.import_graph_def(graph.as_graph_def(), name="copy")
        with tf.Session() as session:
            got = session.run(["copy/" + i.name, "copy/" + s.name], {"copy/x:0": [1.0, -2.0]})
    assert got[0] == expected[0] == 5
    np.testing.assert_array_equal(got[1], expected[1])


def test_a_step_through_an_imported_loop_counts_its_iterations():
    graph = _import_tf_graph_def("loops")
    steps = []
    with graph.as_default(), tf.Session() as session:
        session.add_step_listener(steps.append)
        session.run("outer/Exit_1:0", {"x:0": [1.0, 2.0, 3.0]})
    # outer: 4 passes; inner: 0 + 1 + 2 + 3 passes summed over them
    assert steps[-1].loop_iterations == [("outer", 4), ("outer/inner", 6)]


def test_a_loop_frame_without_its_loop_cond_is_refused():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [], name="x")
        entered = tf.identity(x, name="entered")
    graph_def = graph.as_graph_def()
    enter = graph_def.node[1]  # an Enter that starts a frame no LoopCond ever closes
    enter.op = "Enter"
    enter.attr["frame_name"].s = b"cut/while_context"
    del entered
    with pytest.raises(ValueError, match="while loop frame 'cut/while_context' of the "
                                         "GraphDef has no LoopCond node"):
        tf.import_graph_def(graph_def, name="")
    assert tf.get_default_graph().get_operations() == []  # all or nothing


def test_a_cycle_that_is_not_a_loop_back_edge_is_refused():
    graph_def = tf.GraphDef()
    first = graph_def.node.add(name="a", op="Identity", input=["b"])
    first.attr["T"].type = 1
    second = graph_def.node.add(name="b", op="Identity", input=["a"])
    second.attr["T"].type = 1
    with pytest.raises(ValueError, match="GraphDef has a cycle through node 'a' \\(op "
                                         "Identity\\) that is not a while loop's"):
        tf.import_graph_def(graph_def)
