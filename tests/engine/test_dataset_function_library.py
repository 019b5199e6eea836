"""tf.data functions in a GraphDef's library: export as TF's FunctionDefs, import of TF's, and
round trips with TensorFlow (tests/fixtures/dataset_functions).

The fixtures were recorded by tools/record_dataset_function_fixtures.py (TF: `tf_<name>.pb`, the
elements TF's iterators gave, and the elements TF gave iterating the graphshell-written
`graphshell_<name>.pb`) and tools/write_dataset_function_fixtures.py (graphshell), from the
pipelines in tests/fixtures/dataset_functions/programs.py.
"""

import importlib.util
import json
import pathlib

import numpy as np
import pytest

from graphshell import tf

pytest.importorskip("tensorboard")
from graphshell.engine.graph.graph_def import read_graph_def

tf1 = tf.compat.v1
FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "dataset_functions"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


def _programs():
    spec = importlib.util.spec_from_file_location("dataset_function_programs",
                                                  FIXTURES / "programs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PROGRAMS_MODULE = _programs()
PROGRAMS = PROGRAMS_MODULE.PROGRAMS


def _build(build):
    graph = tf1.Graph()
    with graph.as_default():
        initializer, element = build(tf1)
    return graph, initializer and initializer.name, [t.name for t in tf.nest.flatten(element)]


def _elements(graph, initializer: str, element: list[str]) -> list:
    return PROGRAMS_MODULE.elements(tf1, graph, initializer, element)


def _canonical(graph_def) -> bytes:
    """The GraphDef with its functions renamed fn0, fn1... in library order (the number TF
    and graphshell put at the end of a function's name is a process-wide counter)."""
    message = type(graph_def)()
    message.CopyFrom(graph_def)
    renames = {f.signature.name: f"fn{k}" for k, f in enumerate(message.library.function)}
    nodes = list(message.node) + [n for f in message.library.function for n in f.node_def]
    for node in nodes:
        for value in node.attr.values():
            if value.HasField("func") and value.func.name in renames:
                value.func.name = renames[value.func.name]
    for function in message.library.function:
        function.signature.name = renames[function.signature.name]
    return message.SerializeToString(deterministic=True)


def _imported(path: pathlib.Path):
    graph = tf1.Graph()
    with graph.as_default():
        tf1.import_graph_def(read_graph_def(path), name="")
    return graph


# -- export: graphshell writes what TF writes ----------------------------------------------------
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_export_is_tf_graph_def_up_to_function_counters(name):
    graph, _, _ = _build(PROGRAMS[name])
    written = _canonical(graph.as_graph_def())
    assert written == _canonical(read_graph_def(FIXTURES / f"tf_{name}.pb"))
    assert written == _canonical(read_graph_def(FIXTURES / f"graphshell_{name}.pb"))


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_tf_iterates_graphshell_graph_def_to_graphshell_values(name):
    graph, initializer, element = _build(PROGRAMS[name])
    ours = _elements(graph, initializer, element)
    assert EXPECTED[name]["tf_reads_graphshell"] == ours == EXPECTED[name]["elements"]
    assert ours  # every pipeline gives elements


# -- import: graphshell runs TF's functions ------------------------------------------------------
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_tf_graph_def_imports_and_iterates_to_tf_values(name):
    recorded = EXPECTED[name]
    graph = _imported(FIXTURES / f"tf_{name}.pb")
    assert _elements(graph, recorded["initializer"], recorded["element"]) == recorded["elements"]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_imported_library_is_written_back_as_it_was(name):
    original = read_graph_def(FIXTURES / f"tf_{name}.pb")
    again = _imported(FIXTURES / f"tf_{name}.pb").as_graph_def()
    assert again.SerializeToString(deterministic=True) == original.SerializeToString(
        deterministic=True)


def test_import_under_a_prefix_runs_the_functions():
    recorded = EXPECTED["map_filter_batch"]
    graph = tf1.Graph()
    with graph.as_default():
        tf1.import_graph_def(read_graph_def(FIXTURES / "tf_map_filter_batch.pb"), name="p")
    element = [f"p/{name}" for name in recorded["element"]]
    assert _elements(graph, "p/" + recorded["initializer"], element) == recorded["elements"]


# -- the FunctionDef's form ----------------------------------------------------------------------
def _map_function_def(map_func, data):
    graph = tf1.Graph()
    with graph.as_default():
        dataset = data().map(map_func)
        tf1.data.make_initializable_iterator(dataset).get_next()
    library = graph.as_graph_def().library
    return graph, library.function[0]


def test_body_names_list_outputs_by_arg_and_index_and_arguments_by_name():
    _, function = _map_function_def(lambda v: tf.unique(v),
                                    lambda: tf1.data.Dataset.from_tensors([3, 1, 3]))
    nodes = {n.name: n for n in function.node_def}
    assert [arg.name for arg in function.signature.input_arg] == ["args_0"]
    assert list(nodes["Unique"].input) == ["args_0"]
    assert list(nodes["Identity"].input) == ["Unique:y:0"]
    assert list(nodes["Identity_1"].input) == ["Unique:idx:0"]
    assert dict(function.ret) == {"identity": "Identity:output:0",
                                  "identity_1": "Identity_1:output:0"}
    assert function.attr["_tf_data_function"].b and not function.signature.is_stateful


def test_split_outputs_import_at_their_flat_positions():
    graph, _ = _map_function_def(lambda v: tuple(tf.split(v, [1, 2])[::-1]),
                                 lambda: tf1.data.Dataset.from_tensors([4.0, 5.0, 6.0]))
    nodes = {n.name: n for n in graph.as_graph_def().library.function[0].node_def}
    assert list(nodes["Identity"].input) == ["split:output:1"]
    again = tf1.Graph()
    with again.as_default():
        tf1.import_graph_def(graph.as_graph_def(), name="")
        element = [again.get_tensor_by_name("IteratorGetNext:0"),
                   again.get_tensor_by_name("IteratorGetNext:1")]
    with tf1.Session(graph=again) as session:
        session.run(again.get_operation_by_name("MakeIterator"))
        tail, head = session.run(element)
    np.testing.assert_array_equal(tail, [5.0, 6.0])
    np.testing.assert_array_equal(head, [4.0])


def test_an_output_returned_twice_gets_two_uniquely_named_output_args():
    _, function = _map_function_def(lambda v: (v, v), lambda: tf1.data.Dataset.range(2))
    assert [arg.name for arg in function.signature.output_arg] == ["identity", "identity_1"]
    assert dict(function.ret) == {"identity": "Identity:output:0",
                                  "identity_1": "Identity_1:output:0"}


def test_stateful_ops_make_the_function_stateful_with_control_outputs():
    graph = tf1.Graph()
    with graph.as_default():
        data = tf1.data.Dataset.range(3).flat_map(lambda n: tf1.data.Dataset.range(n))
        tf1.data.make_initializable_iterator(data)
    outer = next(f for f in graph.as_graph_def().library.function
                 if "flat_map" in f.signature.name)
    nodes = {n.name: n for n in outer.node_def}
    assert outer.signature.is_stateful
    assert list(outer.signature.control_output) == ["RangeDataset"]
    assert dict(outer.control_ret) == {"RangeDataset": "RangeDataset"}
    assert list(nodes["NoOp"].input) == ["^RangeDataset"]
    assert list(nodes["Identity"].input) == ["RangeDataset:handle:0", "^NoOp"]


def test_legacy_random_ops_are_not_control_outputs():
    _, function = _map_function_def(lambda v: v + tf1.random_uniform([], seed=1),
                                     lambda: tf1.data.Dataset.from_tensors(1.0))
    assert function.signature.is_stateful and not function.signature.control_output
    assert "NoOp" not in {n.name for n in function.node_def}


def test_library_holds_functions_nested_functions_name():
    graph = tf1.Graph()
    with graph.as_default():
        tf1.data.Dataset.range(3).flat_map(
            lambda n: tf1.data.Dataset.range(n).map(lambda k: k + 1))
    graph_def = graph.as_graph_def()
    library = graph_def.library
    names = [f.signature.name for f in library.function]
    assert len(names) == 2 and "map" in names[0] and "flat_map" in names[1]
    inner = next(n for n in library.function[1].node_def if n.op == "MapDataset")
    assert inner.attr["f"].func.name == names[0]
    assert inner.attr["f"].func.attr["_tf_data_function"].b
    assert graph_def.versions.min_consumer == 12


def test_graph_without_functions_has_no_library():
    graph = tf1.Graph()
    with graph.as_default():
        tf1.data.make_initializable_iterator(tf1.data.Dataset.range(3).batch(2))
    graph_def = graph.as_graph_def()
    assert not graph_def.HasField("library") and graph_def.versions.min_consumer == 0
    nodes = {n.name: n for n in graph_def.node}
    assert nodes["RangeDataset"].HasField("experimental_type")
    assert not nodes["IteratorV2"].HasField("experimental_type")


def test_function_body_naming_an_unknown_node_is_refused():
    graph_def = read_graph_def(FIXTURES / "tf_map_filter_batch.pb")
    body = graph_def.library.function[0].node_def
    mul = next(n for n in body if n.op == "Mul")
    mul.input[1] = "missing:output:0"
    with tf1.Graph().as_default(), pytest.raises(ValueError, match="'missing:output:0' names "
                                                                  "no node of the function"):
        tf1.import_graph_def(graph_def, name="")


def test_an_imported_generator_dataset_says_it_has_no_generator_to_call():
    """A GraphDef holds no Python generator: running an imported from_generator pipeline is
    one clear error naming the op, not a lookup failure."""
    def numbers():
        yield from (1, 2)
    built = tf1.Graph()
    with built.as_default():
        data = tf1.data.Dataset.from_generator(numbers, tf1.int32, tf1.TensorShape([]))
        iterator = tf1.data.make_initializable_iterator(data)
        element = iterator.get_next()
    imported = tf1.Graph()
    with imported.as_default():
        tf1.import_graph_def(built.as_graph_def(), name="")
        with tf1.Session() as session:
            session.run(imported.get_operation_by_name(iterator.initializer.name))
            with pytest.raises(tf1.errors.UnimplementedError,
                               match="GeneratorDataset 'GeneratorDataset' came from a GraphDef"):
                session.run(imported.get_tensor_by_name(element.name))


def test_captured_outer_tensors_become_function_arguments_and_survive_a_round_trip():
    """A map using a tensor made outside it: the FunctionDef takes it as one more argument
    after the element's, the MapDataset node takes the tensor as an input (Targuments), and
    the exported graph imports and iterates to the same values."""
    built = tf1.Graph()
    with built.as_default():
        scale = tf1.constant(3.0, name="scale")
        data = tf1.data.Dataset.from_tensor_slices([1.0, 2.0, 3.0]).map(lambda x: x * scale)
        iterator = tf1.data.make_initializable_iterator(data)
        element = iterator.get_next()
    graph_def = built.as_graph_def()
    [function] = graph_def.library.function
    assert [arg.name for arg in function.signature.input_arg] == ["args_0", "scale"]
    [node] = [n for n in graph_def.node if n.op == "MapDataset"]
    assert list(node.input) == ["TensorSliceDataset", "scale"]
    assert [t for t in node.attr["Targuments"].list.type] == [1]  # DT_FLOAT
    imported = tf1.Graph()
    with imported.as_default():
        tf1.import_graph_def(graph_def, name="")
    expected = [[{"dtype": "float32", "value": v}] for v in (3.0, 6.0, 9.0)]
    assert _elements(imported, iterator.initializer.name, [element.name]) == expected
    assert _elements(built, iterator.initializer.name, [element.name]) == expected
