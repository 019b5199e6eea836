"""`Graph.create_op`: an op of a registered type from raw input tensors and attrs.

TF takes AttrValue protos there; graphshell keeps attrs as plain values, so this accepts plain
values, AttrValue-like dicts with one field (`{"type": 1}`, `{"i": 3}`, `{"tensor": array}`,
`{"list": {"i": [1, 2]}}`) and objects with protobuf's `WhichOneof` (a real AttrValue).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, registry, shapes
from .tensor import Tensor

_ATTR_FIELDS = ("type", "i", "f", "b", "s", "shape", "tensor", "list", "func", "placeholder")

_NOT_REGISTERED = ("Op type not registered '{}' in binary running on graphshell. Make sure the "
                   "Op and Kernel are registered in the binary running in this process.")


def create_op(graph, op_type: str, inputs, name=None, attrs=None, compute_device=True):
    """Checks the inputs, converts the attrs and adds the op (the body of Graph.create_op)."""
    inputs = list(inputs)
    for index, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"Input #{index} is not a tensor: {tensor}")
    for tensor in inputs:
        if tensor.graph is not graph:
            raise ValueError(f"{tensor} must be from the same graph as {graph!r}.")
    try:
        opdef = registry.lookup(op_type)
    except KeyError:
        raise RuntimeError(_NOT_REGISTERED.format(op_type)) from None
    plain = {key: attr_value(value) for key, value in (attrs or {}).items()}
    if isinstance(plain.get("value"), np.ndarray) and "dtype" in plain:
        plain["value"] = _frozen(plain["value"], plain["dtype"])
    op_name = graph._op_name(name, op_type)
    try:
        return graph._create_op(opdef, inputs, op_name, plain, compute_device)
    except KeyError as missing:
        raise ValueError(f"NodeDef missing attr {missing} from Op<name={op_type}>; NodeDef: "
                         f"{{{{node {op_name}}}}}") from None


def attr_value(value: Any) -> Any:
    """The plain value graphshell stores for one attr given as TF would give it."""
    if hasattr(value, "WhichOneof"):  # an AttrValue proto
        field = value.WhichOneof("value")
        return _field_value(field, getattr(value, field)) if field else None
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _ATTR_FIELDS:
        (field, inner), = value.items()
        return _field_value(field, inner)
    if isinstance(value, type) and issubclass(value, np.generic) or isinstance(value, np.dtype):
        return dtypes.as_dtype(value)
    return value


def _field_value(field: str, value: Any) -> Any:
    if field == "type":
        return dtypes.as_dtype(value)
    if field == "s":
        return value.encode() if isinstance(value, str) else bytes(value)
    if field == "shape":
        return shapes.TensorShape(value)
    if field == "tensor":
        return np.asarray(value)
    if field == "list":
        return _list_value(value)
    return value


def _list_value(value) -> list:
    if isinstance(value, dict):
        for field, items in value.items():
            return [_field_value(field, item) for item in items]
        return []
    for field in ("type", "i", "f", "b", "s", "shape"):
        items = getattr(value, field, None)
        if items:
            return [_field_value(field, item) for item in items]
    return []


def _frozen(array: np.ndarray, dtype) -> np.ndarray:
    array = np.array(array, dtype=dtypes.as_dtype(dtype).as_numpy_dtype)
    array.setflags(write=False)
    return array
