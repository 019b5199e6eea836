"""Values known while building the graph (TF's constant_value), for shape inference."""

from __future__ import annotations

import numpy as np

from ..graph.shapes import is_fully_defined


def static_value(tensor):
    """The value of `tensor` if it can be computed without running anything, else None."""
    op = tensor.op
    while op.type == "Identity":
        op = op._inputs[0].op
    kind = op.type
    if kind == "Const":
        return op.attrs["value"]
    if kind == "Shape":
        source = op._inputs[0]._shape
        if is_fully_defined(source):
            return np.array(source, dtype=op.attrs["out_type"].as_numpy_dtype)
        return None
    if kind == "Pack":
        parts = [static_value(t) for t in op._inputs]
        if any(p is None for p in parts):
            return None
        return np.stack(parts, axis=op.attrs["axis"])
    if kind == "ConcatV2":  # e.g. tf.hessians' concat((shape, shape), 0)
        parts = [static_value(t) for t in op._inputs]
        if any(p is None for p in parts):
            return None
        return np.concatenate(parts[:-1], axis=int(parts[-1]))
    if kind == "Range":  # the axes of reducing a scalar: Range(0, Rank)
        bounds = [static_value(t) for t in op._inputs]
        if any(b is None for b in bounds):
            return None
        return np.arange(*bounds, dtype=op._outputs[0].dtype.as_numpy_dtype)
    if kind == "Fill":  # ones_like(begin) as tf.strided_slice's default strides
        dims, value = (static_value(t) for t in op._inputs)
        if dims is None or value is None:
            return None
        return np.full(tuple(int(d) for d in np.ravel(dims)), value)
    if kind == "Cast":
        value = static_value(op._inputs[0])
        return None if value is None else np.asarray(value).astype(
            op.attrs["DstT"].as_numpy_dtype)
    return None


def static_shape_value(tensor):
    """A shape-valued tensor (e.g. the dims of Fill) as a raw shape tuple with None for unknown
    dimensions, or None for an unknown rank."""
    value = static_value(tensor)
    if value is not None:
        return tuple(int(d) for d in np.ravel(value))
    source = tensor.op
    while source.type == "Identity":
        source = source._inputs[0].op
    if source.type == "Shape":  # TF's constant_value_as_shape: the known dims of the input
        return source._inputs[0]._shape
    if tensor._shape is not None and len(tensor._shape) == 1 and tensor._shape[0] is not None:
        return (None,) * tensor._shape[0]
    return None
