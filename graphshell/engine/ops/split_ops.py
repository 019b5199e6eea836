"""Split (equal parts, split_dim first) and SplitV (given sizes, -1 for the rest), whose
gradients concat the parts back along the split dimension."""

from __future__ import annotations

import builtins

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.registry import ShapeError, define
from . import array_ops, rules, slicing_ops
from .static import static_value


def _infer_split(op):
    axis_tensor, value = op._inputs
    count = op.attrs["num_split"]
    dtype = value.dtype.base_dtype
    axis = static_value(axis_tensor)
    if value._shape is None:
        return [(dtype, None)] * count
    if axis is None:
        return [(dtype, (None,) * len(value._shape))] * count
    axis = rules.normalize_axis(int(axis), len(value._shape))
    dim = value._shape[axis]
    if dim is not None and dim % count:
        raise ShapeError(f"Dimension size must be evenly divisible by {count} but is {dim}\n"
                         "\tNumber of ways to split should evenly divide the split dimension")
    part = None if dim is None else dim // count
    return [(dtype, value._shape[:axis] + (part,) + value._shape[axis + 1:])] * count


def _make_split_kernel(op, runtime):
    count = op.attrs["num_split"]

    def kernel(axis, value):
        axis = int(axis)
        size = np.shape(value)[axis]
        if size % count:
            raise errors.InvalidArgumentError(
                None, None, "Number of ways to split should evenly divide the split dimension, "
                f"but got split_dim {axis} (size = {size}) and num_split {count}")
        return tuple(np.split(value, count, axis=axis))
    return kernel


def _split_grad(op, *grads):
    grads = [g if g is not None else array_ops.zeros_like_output(out)
             for g, out in zip(grads, op._outputs)]
    return [None, slicing_ops.concat(grads, op._inputs[0])]


define("Split", infer=_infer_split, make_kernel=_make_split_kernel, grad=_split_grad,
       multi_output=True)


def _infer_split_v(op):
    value, sizes, axis = op._inputs
    count = op.attrs["num_split"]
    sizes, axis = static_value(sizes), static_value(axis)
    if value._shape is None or axis is None:
        return [(value.dtype.base_dtype, None)] * count
    axis = rules.normalize_axis(int(axis), len(value._shape))
    parts = [None] * count if sizes is None else _filled_sizes(sizes, value._shape[axis])
    return [(value.dtype.base_dtype, value._shape[:axis] + (p,) + value._shape[axis + 1:])
            for p in parts]


def _filled_sizes(sizes, dim):
    """The sizes with a -1 entry (at most one) replaced by what the others leave of `dim`."""
    sizes = [int(s) for s in sizes]
    if sizes.count(-1) > 1:
        raise ShapeError("Only one dimensions can have a value of -1. Second one found at "
                         f"dimension {[i for i, s in enumerate(sizes) if s == -1][1]}")
    if -1 in sizes:
        rest = dim - (builtins.sum(sizes) + 1) if dim is not None else None
        sizes[sizes.index(-1)] = rest
    return sizes


def _split_v_kernel(value, sizes, axis):
    sizes = _filled_sizes(sizes, np.shape(value)[int(axis)])
    return tuple(np.split(value, np.cumsum(sizes)[:-1], axis=int(axis)))


def _split_v_grad(op, *grads):
    grads = [g if g is not None else array_ops.zeros_like_output(out)
             for g, out in zip(grads, op._outputs)]
    return [slicing_ops.concat(grads, op._inputs[2]), None, None]


define("SplitV", infer=_infer_split_v, kernel=_split_v_kernel, grad=_split_v_grad,
       multi_output=True)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits into equal parts (an int: a Split op) or parts of the given sizes (SplitV)."""
    if isinstance(num_or_size_splits, (int, np.integer)) and \
            not isinstance(num_or_size_splits, bool):
        with OpScope(name, "Split", [value]) as scope:
            axis = convert_to_tensor(axis, dtype=dtypes.int32, name="split_dim")
            value = convert_to_tensor(value, name="value")
            count = int(num_or_size_splits)
            attrs = {"num_split": count, "T": value.dtype.base_dtype}
            return make_op("Split", [axis, value], scope, attrs).outputs
    sizes = convert_to_tensor(num_or_size_splits)  # outside the op's scope, as in TF
    if sizes._shape == ():
        raise ValueError("Rank-0 tensors are not supported as the num_or_size_splits argument "
                         f"to split. Argument provided: {num_or_size_splits}")
    if num is None:
        num = sizes._shape[0] if sizes._shape else None
        if num is None:
            raise ValueError(f"Cannot infer argument `num` from shape {num_or_size_splits}")
    with OpScope(name, "SplitV", [value]) as scope:
        value = convert_to_tensor(value, name="value")
        axis = convert_to_tensor(axis, dtype=dtypes.int32, name="split_dim")
        attrs = {"num_split": int(num), "T": value.dtype.base_dtype,
                 "Tlen": sizes.dtype.base_dtype}
        return make_op("SplitV", [value, sizes, axis], scope, attrs).outputs
