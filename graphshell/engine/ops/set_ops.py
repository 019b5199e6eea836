"""Set operations over the last dimension of dense tensors (TF's DenseToDenseSetOperation).

Each group (one index into all dimensions but the last) holds a set: the distinct values of
that row. The op combines the sets of `a` and `b` group by group and returns the result as a
sparse tensor's three parts: indices (int64, [n, rank]), values ([n], sorted within each
group) and the dense shape (int64, [rank], the last dimension the largest result set).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.tensor import Tensor

SET_DTYPES = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8,
              dtypes.uint16, dtypes.string)
_COMBINE = {
    "a-b": lambda a, b: a - b,
    "b-a": lambda a, b: b - a,
    "intersection": lambda a, b: a & b,
    "union": lambda a, b: a | b,
}


class SetResult(NamedTuple):
    """The sparse result of a set operation, as TF's SparseTensor names its parts."""

    indices: Tensor
    values: Tensor
    dense_shape: Tensor


def _infer_dense_to_dense(op):
    a, b = op._inputs
    if a.dtype.base_dtype != b.dtype.base_dtype:
        raise ShapeError(f"Input 'set2' of type {b.dtype.base_dtype.name} does not match type "
                         f"{a.dtype.base_dtype.name} of argument 'set1'")
    if a.dtype.base_dtype not in SET_DTYPES:
        raise TypeError(f"Value passed to parameter 'set1' has DataType "
                        f"{a.dtype.base_dtype.name} not in list of allowed values: int8, "
                        "int16, int32, int64, uint8, uint16, string")
    rank = None
    for tensor in (a, b):
        if tensor._shape is not None:
            if len(tensor._shape) < 2:
                raise ShapeError(f"Shape must be at least rank 2 but is rank {len(tensor._shape)}")
            if rank is not None and rank != len(tensor._shape):
                raise ShapeError(f"Shape must be rank {rank} but is rank {len(tensor._shape)}")
            rank = len(tensor._shape)
    return [(dtypes.int64, (None, rank)), (a.dtype.base_dtype, (None,)),
            (dtypes.int64, (rank,))]


def _set_operation_kernel(op, runtime):
    combine = _COMBINE[op.attrs["set_operation"].decode()]

    def run(a, b):
        a, b = np.asarray(a), np.asarray(b)
        if a.ndim != b.ndim or a.shape[:-1] != b.shape[:-1]:
            raise errors.InvalidArgumentError(
                None, op, f"Shapes mismatch: [{','.join(map(str, a.shape))}] vs. "
                f"[{','.join(map(str, b.shape))}]; group dimensions must match.")
        group_shape = a.shape[:-1]
        a_groups = a.reshape(-1, a.shape[-1])
        b_groups = b.reshape(-1, b.shape[-1])
        indices, values, widest = [], [], 0
        for group, (a_row, b_row) in enumerate(zip(a_groups, b_groups)):
            members = sorted(combine(set(a_row.tolist()), set(b_row.tolist())))
            widest = max(widest, len(members))
            position = np.unravel_index(group, group_shape) if group_shape else ()
            for k, member in enumerate(members):
                indices.append([*map(int, position), k])
                values.append(member)
        rank = a.ndim
        out_indices = np.array(indices, dtype=np.int64).reshape(-1, rank)
        out_values = np.array(values, dtype=a.dtype).reshape(-1)
        out_shape = np.array([*group_shape, widest], dtype=np.int64)
        return out_indices, out_values, out_shape
    return run


define("DenseToDenseSetOperation", infer=_infer_dense_to_dense,
       make_kernel=_set_operation_kernel, grad=NOT_DIFFERENTIABLE, multi_output=True)


def dense_to_dense_set_operation(set1, set2, set_operation, validate_indices=True,
                                 name=None) -> SetResult:
    """The op itself (TF's gen_set_ops builder): `set_operation` is a-b, b-a, intersection
    or union."""
    if set_operation not in _COMBINE:
        raise ValueError(f"Invalid set_operation {set_operation}.")
    with OpScope(name, "DenseToDenseSetOperation", [set1, set2]) as scope:
        set1 = convert_to_tensor(set1, name="set1")
        set2 = convert_to_tensor(set2, name="set2")
        op = make_op("DenseToDenseSetOperation", [set1, set2], scope,
                     {"set_operation": set_operation.encode(),
                      "validate_indices": bool(validate_indices), "T": set1.dtype.base_dtype})
        return SetResult(*op._outputs)


def set_difference(a, b, aminusb: bool = True, validate_indices: bool = True) -> SetResult:
    """The elements of each last-dimension set of `a` not in `b`'s (or `b`'s not in `a`'s)."""
    return dense_to_dense_set_operation(a, b, "a-b" if aminusb else "b-a", validate_indices)


__all__ = ["SetResult", "dense_to_dense_set_operation", "set_difference"]
