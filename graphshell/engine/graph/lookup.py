"""Resolving names and objects to graph elements, with TF's exact errors (TF's
`Graph.as_graph_element`)."""

from __future__ import annotations

from .operation import Operation
from .tensor import Tensor


def as_graph_element(graph, obj, allow_tensor=True, allow_operation=True):
    if allow_tensor and allow_operation:
        kinds = "Tensor or Operation"
    elif allow_tensor:
        kinds = "Tensor"
    elif allow_operation:
        kinds = "Operation"
    else:
        raise ValueError("allow_tensor and allow_operation can't both be False.")

    converter = getattr(obj, "_as_graph_element", None)
    if converter is not None and not isinstance(obj, (Tensor, Operation, type)):
        obj = converter()
    if isinstance(obj, bytes):
        obj = obj.decode()
    if isinstance(obj, str):
        return _element_by_name(graph, obj, allow_tensor, allow_operation)
    if isinstance(obj, Tensor) and allow_tensor:
        if obj.graph is not graph:
            raise ValueError(f"Tensor {obj!s} is not an element of this graph.")
        return obj
    if isinstance(obj, Operation) and allow_operation:
        if obj.graph is not graph:
            raise ValueError(f"Operation {obj!s} is not an element of this graph.")
        return obj
    raise TypeError(f"Can not convert a {type(obj).__name__} into a {kinds}.")


def _element_by_name(graph, name: str, allow_tensor: bool, allow_operation: bool):
    if ":" in name and allow_tensor:
        return _tensor_by_name(graph, name)
    if ":" in name and not allow_tensor:
        raise ValueError(f"Name {name!r} appears to refer to a Tensor, not a Operation.")
    if ":" not in name and allow_operation:
        op = graph._ops_by_name.get(name)
        if op is None:
            raise KeyError(f"The name {name!r} refers to an Operation not in the graph.")
        return op
    if name in graph._ops_by_name:
        raise ValueError(f"The name {name!r} refers to an Operation, not a Tensor. Tensor names "
                         'must be of the form "<op_name>:<output_index>".')
    raise ValueError(f"The name {name!r} looks like an (invalid) Operation name, not a Tensor. "
                     'Tensor names must be of the form "<op_name>:<output_index>".')


def _tensor_by_name(graph, name: str) -> Tensor:
    op_name, _, index_text = name.partition(":")
    try:
        index = int(index_text)
    except ValueError:
        raise ValueError(f"The name {name!r} looks a like a Tensor name, but is not a valid one. "
                         'Tensor names must be of the form "<op_name>:<output_index>".') from None
    op = graph._ops_by_name.get(op_name)
    if op is None:
        raise KeyError(f"The name {name!r} refers to a Tensor which does not exist. The "
                       f"operation, {op_name!r}, does not exist in the graph.")
    if not 0 <= index < len(op._outputs):
        raise KeyError(f"The name {name!r} refers to a Tensor which does not exist. The "
                       f"operation, {op_name!r}, exists but only has {len(op._outputs)} outputs.")
    return op._outputs[index]
