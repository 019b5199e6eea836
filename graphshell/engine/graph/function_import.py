"""A GraphDef's function library on import: each FunctionDef rebuilt as a function graph the
dataset kernels can run, attached to the ops that name it.

Each FunctionDef becomes an `ImportedFunction`: a graph of its own with one Placeholder per
argument and the body's nodes (inputs renamed from the function-body form `node:output_arg:k`
to GraphDef outputs `node:k`), its outputs the `ret` tensors. An op naming it in a func attr
gets it in the slot graphshell's tf.data builders use (`_f_function` for `f`), and a
OneShotIterator its factory's dataset as `_dataset`. The GraphDef importer
(graph_def_import.py) hands itself in to import the bodies.
"""

from __future__ import annotations

from typing import Any

from .graph import Graph
from .graph_def import op_signature, protos


class ImportedFunction:
    """A FunctionDef rebuilt as a graph: Placeholder arguments, the body, ret outputs."""

    def __init__(self, message, seed=None) -> None:
        self.name = message.signature.name
        self.message = message
        self.output_names = [arg.name for arg in message.signature.output_arg]
        self.is_data_function = "_tf_data_function" in message.attr
        self.graph = Graph()
        self.graph.seed = seed
        self.inputs: list = []
        self.outputs: list = []
        self.control_outputs: list = []  # the stateful ops the function must run

    def __repr__(self) -> str:
        return f"<ImportedFunction {self.name}>"


def import_library(message, import_graph_def, seed=None) -> dict[str, ImportedFunction]:
    """Every FunctionDef of a FunctionDefLibrary as an ImportedFunction, by name (the
    functions each body names are attached too, whichever order the library lists them);
    `import_graph_def` imports each body into its function's graph."""
    functions = {fn.signature.name: ImportedFunction(fn, seed) for fn in message.function}
    for function in functions.values():
        _import_body(function, functions, import_graph_def)
    return functions


def _import_body(function: ImportedFunction, functions: dict, import_graph_def) -> None:
    """The function's graph: one Placeholder per argument, then the body's nodes (imported as
    a GraphDef whose inputs are renamed from the function-body convention)."""
    message = function.message
    signature = message.signature
    body = protos().graph.GraphDef()
    for position, arg in enumerate(signature.input_arg):
        body.node.append(_argument_node(arg, message.arg_attr.get(position)))
    nodes = {node.name: node for node in message.node_def}
    for node in message.node_def:
        copy = body.node.add()
        copy.CopyFrom(node)
        del copy.input[:]
        copy.input.extend(_graph_input(text, nodes) for text in node.input)
    with function.graph.as_default():
        import_graph_def(body, name="")
    graph = function.graph
    attach(graph.get_operations(), functions)
    function.inputs = [graph.get_tensor_by_name(f"{arg.name}:0") for arg in signature.input_arg]
    function.outputs = [graph.get_tensor_by_name(_graph_input(message.ret[name], nodes))
                        for name in function.output_names]
    function.control_outputs = [graph.get_operation_by_name(message.control_ret.get(name, name))
                                for name in signature.control_output]


def _argument_node(arg, arg_attrs) -> Any:
    """A Placeholder NodeDef standing for one function argument (its recorded shape)."""
    node = protos().node_def.NodeDef(name=arg.name, op="Placeholder")
    node.attr["dtype"].type = arg.type
    recorded = arg_attrs.attr.get("_output_shapes") if arg_attrs is not None else None
    if recorded is not None and recorded.list.shape:
        node.attr["shape"].shape.CopyFrom(recorded.list.shape[0])
    else:
        node.attr["shape"].shape.unknown_rank = True
    return node


def _graph_input(text: str, nodes: dict) -> str:
    """A body input (`node:arg:k`, an argument name, `^node`) as a GraphDef input."""
    if text.startswith("^"):
        return text
    parts = text.split(":")
    if len(parts) == 1:
        return f"{text}:0"
    if len(parts) == 2:
        return text
    source, arg_name, index = parts
    node = nodes.get(source)
    if node is None:
        raise ValueError(f"function body input '{text}' names no node of the function")
    return f"{source}:{_flat_output_index(node, arg_name, int(index))}"


def _flat_output_index(node, arg_name: str, index: int) -> int:
    """Where output `index` of output arg `arg_name` sits among the node's outputs."""
    signature = op_signature(node.op)
    if signature is None:
        return index
    start = 0
    for arg in signature.output_arg:
        if arg.name == arg_name:
            return start + index
        if arg.number_attr:
            start += int(node.attr[arg.number_attr].i)
        elif arg.type_list_attr:
            start += len(node.attr[arg.type_list_attr].list.type)
        else:
            start += 1
    raise ValueError(f"node '{node.name}' ({node.op}) has no output arg '{arg_name}'")


def attach_library(message, ops, import_graph_def, seed=None) -> None:
    """The functions of FunctionDefLibrary `message`, attached to the imported `ops`."""
    attach(ops, import_library(message, import_graph_def, seed))


def attach(ops, functions: dict[str, ImportedFunction]) -> None:
    """Each op naming a library function in a func attr gets it as `_<attr>_function` (and a
    OneShotIterator its factory's dataset as `_dataset`), as graphshell's builders attach
    traced functions."""
    for op in ops:
        for key, value in list(op.attrs.items()):
            name = value.decode() if isinstance(value, bytes) else value
            function = functions.get(name) if isinstance(name, str) else None
            if function is None or key.startswith("_"):
                continue
            op.attrs[f"_{key}_function"] = function
            if op.type == "OneShotIterator" and key == "dataset_factory" and function.outputs:
                op.attrs["_dataset"] = function.outputs[0]
