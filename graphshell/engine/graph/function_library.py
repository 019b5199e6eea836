"""A GraphDef's function library on export: the functions tf.data stages name (`f`,
`predicate`...) and one-shot iterators build their dataset with, as TF's FunctionDef messages.

A function graphshell traced (engine/ops/dataset_functions.py) is a graph of its own whose
Placeholders are its arguments; its FunctionDef names those arguments in `signature.input_arg`,
lists the other ops as `node_def` (an input written `node:output_arg:index`, an argument by its
name, a control input `^node`) and maps each output arg to a body output in `ret`, as TF's
graph-to-function conversion does. A function imported from a GraphDef (function_import.py) is
written back as it was read. `graph_def` here is graph.as_graph_def(): graph_def.py's nodes plus
this library.
"""

from __future__ import annotations

import re
from typing import Any

from . import graph_def as nodes
from .graph_def import _split_by_args, node_def, op_signature, protos, shape_proto

# private FunctionDef attrs TF sets on a tf.data function
_DATA_FUNCTION_ATTRS = {"_tf_data_function": True, "_construction_context": b"kEagerRuntime"}
# the versions { min_consumer } TF writes into a GraphDef whose library has functions
MIN_CONSUMER_WITH_FUNCTIONS = 12


def graph_def(ops, add_shapes: bool = False) -> Any:
    """The GraphDef of `ops` (graph_def.graph_def) with the functions they name in its
    library, versioned as TF versions a GraphDef with functions."""
    ops = list(ops)
    message = nodes.graph_def(ops, add_shapes)
    functions = library(ops)
    if functions is not None:
        for node, op in zip(message.node, ops):
            mark_data_functions(node, op)
        message.library.CopyFrom(functions)
        message.versions.min_consumer = MIN_CONSUMER_WITH_FUNCTIONS
    return message


def attached_functions(op) -> list:
    """The function objects `op` runs (its `_<attr>_function` attrs), in attr order; for a
    OneShotIterator built here, the factory function TF writes for its dataset."""
    functions = [value for key, value in op.attrs.items()
                 if key.startswith("_") and key.endswith("_function") and hasattr(value, "graph")]
    if op.type == "OneShotIterator" and not functions and "_dataset" in op.attrs:
        functions.append(DatasetFactory(op.attrs["dataset_factory"], op.attrs["_dataset"]))
    return functions


class DatasetFactory:
    """A one-shot iterator's `dataset_factory`: a function without arguments that builds the
    iterator's dataset, its body a copy of the ops the dataset comes from (TF captures the
    pipeline by value)."""

    is_data_function = False
    is_stateful = True  # as TF marks every dataset factory
    description = "Factory function for a dataset."
    function_attrs = {"_disable_call_shape_inference": True}

    def __init__(self, name, dataset) -> None:
        self.name = name.decode() if isinstance(name, bytes) else str(name)
        self.graph = dataset.graph
        self.inputs: list = []
        self.outputs = [dataset]
        self.body_ops = _ancestors(dataset.op)


def _ancestors(op) -> list:
    """`op` and every op it depends on (data and control inputs), in creation order."""
    seen, pending = {op}, [op]
    while pending:
        current = pending.pop()
        for source in [t.op for t in current._inputs] + list(current._control_inputs):
            if source not in seen:
                seen.add(source)
                pending.append(source)
    return [candidate for candidate in op.graph.get_operations() if candidate in seen]


def body_ops(function) -> list:
    """The ops a function's body holds (all of its graph's, but for a dataset factory)."""
    return getattr(function, "body_ops", None) or function.graph.get_operations()


def library(ops) -> Any | None:
    """The FunctionDefLibrary of the functions `ops` name, transitively (a function whose
    body names a function of its own), a function before the functions using it; or None."""
    found: dict[str, Any] = {}
    pending = [fn for op in ops for fn in attached_functions(op)]
    while pending:
        function = pending.pop()
        if function.name in found:
            continue
        found[function.name] = function
        pending.extend(fn for op in body_ops(function) for fn in attached_functions(op))
    if not found:
        return None
    message = protos().function.FunctionDefLibrary()
    # found lists users before what they use: reversed, TF's order (inner traced first)
    message.function.extend(function_def(fn) for fn in reversed(list(found.values())))
    return message


def function_def(function) -> Any:
    """The FunctionDef TF writes for a traced function: signature, body, ret and attrs (an
    imported function's own FunctionDef, as TF keeps an imported library as it was)."""
    message = protos().function.FunctionDef()
    imported = getattr(function, "message", None)
    if imported is not None:
        message.CopyFrom(imported)
        return message
    signature = message.signature
    signature.name = function.name
    arguments = {placeholder.op: placeholder.op.name for placeholder in function.inputs}
    for position, placeholder in enumerate(function.inputs):
        signature.input_arg.add(name=placeholder.op.name,
                                type=placeholder.dtype.base_dtype.as_datatype_enum)
        _set_arg_attrs(message.arg_attr[position], placeholder)
    stateful = getattr(function, "is_stateful", False)
    for op in body_ops(function):
        if op in arguments:
            continue
        stateful = stateful or _is_stateful(op.type)
        message.node_def.append(_body_node(op, arguments))
    signature.is_stateful = stateful
    for name, tensor in zip(output_arg_names(function), function.outputs):
        signature.output_arg.add(name=name, type=tensor.dtype.base_dtype.as_datatype_enum)
        message.ret[name] = body_tensor_name(tensor, arguments)
    for op in sorted(getattr(function, "control_outputs", ()), key=lambda op: op.name):
        signature.control_output.append(op.name)
        message.control_ret[op.name] = op.name
    if getattr(function, "description", None):
        signature.description = function.description
    extra = _DATA_FUNCTION_ATTRS if getattr(function, "is_data_function", True) else {}
    for key, value in getattr(function, "function_attrs", extra).items():
        _set_plain(message.attr[key], value)
    return message


def _set_arg_attrs(arg_attrs, placeholder) -> None:
    arg_attrs.attr["_user_specified_name"].s = placeholder.op.name.encode()
    arg_attrs.attr["_output_shapes"].list.shape.append(shape_proto(placeholder._shape))


def _set_plain(value, plain) -> None:
    if isinstance(plain, bool):
        value.b = plain
    else:
        value.s = plain


def _is_stateful(op_type: str) -> bool:
    signature = op_signature(op_type)
    return bool(signature is not None and signature.is_stateful)


def output_arg_names(function) -> list[str]:
    """The output arg names: a function's own (imported), else TF's rule: each output op's
    name lowercased, other characters as `_`, made unique with `_1`, `_2`..."""
    own = getattr(function, "output_names", None)
    if own:
        return list(own)
    names: list[str] = []
    for tensor in function.outputs:
        base = re.sub(r"[^a-z0-9_]", "_", tensor.op.name.lower())
        name, suffix = base, 0
        while name in names:
            suffix += 1
            name = f"{base}_{suffix}"
        names.append(name)
    return names


def _body_node(op, arguments: dict) -> Any:
    node = node_def(op)
    mark_data_functions(node, op)
    del node.input[:]
    node.input.extend(body_tensor_name(tensor, arguments) for tensor in op._inputs)
    node.input.extend("^" + control.name for control in op._control_inputs)
    return node


def body_tensor_name(tensor, arguments: dict) -> str:
    """A tensor as a function body names it: an argument by name, else `op:output_arg:k`."""
    if tensor.op in arguments:
        return arguments[tensor.op]
    arg_name, index = _output_arg_of(tensor)
    return f"{tensor.op.name}:{arg_name}:{index}"


def mark_data_functions(node, op) -> None:
    """A func attr naming a tf.data function carries `_tf_data_function` (as TF writes it)."""
    for function in attached_functions(op):
        if not getattr(function, "is_data_function", True):
            continue
        for key, value in op.attrs.items():
            if value == function.name and not key.startswith("_"):
                node.attr[key].func.attr["_tf_data_function"].b = True


def _output_arg_of(tensor) -> tuple[str, int]:
    """The op's output arg holding `tensor` and its index in that arg (TF's OpDef decides;
    an op type TF does not have counts as one list arg `output`)."""
    op = tensor.op
    signature = op_signature(op.type)
    if signature is None:
        return "output", tensor.value_index
    groups = _split_by_args(op, signature.output_arg, list(op._outputs))
    for arg, group in zip(signature.output_arg, groups):
        if tensor in group:
            return arg.name, group.index(tensor)
    raise ValueError(f"output {tensor.value_index} of {op.name} ({op.type}) matches no output "
                     f"arg of TF's {op.type} signature")
