"""Selecting by masks, indices and sets: boolean_mask, sequence_mask, count_nonzero, where_v2,
gather_nd, reverse (ReverseV2), unique, setdiff1d (ListDiff) and meshgrid."""

from __future__ import annotations

import collections

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import constant, convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.shapes import num_elements, shape_str, shapes_compatible
from ..graph.tensor import Tensor
from . import (
    array_ops,
    index_ops,
    input_ops,
    logic_ops,
    math_ops,
    nn_impl,
    reduce_ops,
    rules,
    slicing_ops,
)
from .static import static_value


# -- boolean_mask ---------------------------------------------------------------------------------
def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The elements (or slices along `axis`) of `tensor` where `mask` is true, as TF builds it:
    the masked axes flattened into one, then Where, Squeeze and GatherV2."""
    with OpScope(name, "boolean_mask", [tensor, mask]):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        mask_rank = None if mask._shape is None else len(mask._shape)
        if mask_rank == 0:
            raise ValueError("mask cannot be scalar.")
        if mask_rank is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None is "
                             "not.")
        axis = 0 if axis is None else int(axis)
        known = tensor._shape
        if known is not None:
            masked = known[axis:axis + mask_rank]
            if not shapes_compatible(masked, mask._shape):
                raise ValueError(f"Shapes {shape_str(masked)} and {shape_str(mask._shape)} are "
                                 "incompatible")
        leading = reduce_ops.reduce_prod(array_ops.shape(tensor)[axis:axis + mask_rank], [0])
        before = array_ops.shape(tensor)[:axis]
        after = array_ops.shape(tensor)[axis + mask_rank:]
        with OpScope(None, "concat", [tensor]) as concat_scope:
            # TF's concat converts each list entry itself: the packed size is `values_1`
            parts = [before, array_ops.stack([leading], name="values_1"), after]
            dims = slicing_ops.concat(parts, 0, name=concat_scope)
        flat = array_ops.reshape(tensor, dims)
        if known is not None:
            flat.set_shape(known[:axis] + (num_elements(known[axis:axis + mask_rank]),)
                           + known[axis + mask_rank:])
        flat_mask = array_ops.reshape(mask, [-1])
        indices = array_ops.squeeze(logic_ops.where(flat_mask), axis=[1])
        return index_ops.gather(flat, indices, axis=axis)


# -- sequence_mask --------------------------------------------------------------------------------
def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool_, name=None):
    """mask[i, j] = j < lengths[i], for j below maxlen (default: the longest length)."""
    with OpScope(name, "SequenceMask", [lengths, maxlen]):
        lengths = convert_to_tensor(lengths)
        if maxlen is None:
            axes = constant(np.arange(len(lengths._shape), dtype=np.int32)) \
                if lengths._shape is not None else \
                input_ops.range_(0, array_ops.rank(lengths))
            longest = make_tensor("Max", [lengths, axes], None, {"keep_dims": False})
            maxlen = math_ops.maximum(constant(0, dtype=longest.dtype.base_dtype), longest)
        else:
            maxlen = convert_to_tensor(maxlen)
        if maxlen._shape is not None and len(maxlen._shape) != 0:
            raise ValueError("Argument `maxlen` must be scalar for sequence_mask, received "
                             f"`maxlen` = {maxlen} with shape '{shape_str(maxlen._shape)}' "
                             "instead")
        int_type = maxlen.dtype.base_dtype
        positions = make_tensor("Range", [constant(0, dtype=int_type), maxlen,
                                          constant(1, dtype=int_type)])
        known = static_value(lengths)
        if known is not None and static_value(maxlen) is None and np.size(known):
            positions.set_shape((max(0, int(np.max(known))),))  # TF folds the Max while building
        column = _raw_cast(array_ops.expand_dims(lengths, -1), int_type)
        result = positions < column
        if dtype is None or dtypes.as_dtype(dtype).base_dtype is dtypes.bool_:
            return result
        return _raw_cast(result, dtypes.as_dtype(dtype).base_dtype)


def _raw_cast(x, dtype):
    """A Cast op even when the dtype already matches (as TF's generated cast does)."""
    return make_tensor("Cast", [x], None,
                       {"SrcT": x.dtype.base_dtype, "DstT": dtype, "Truncate": False})


# -- count_nonzero --------------------------------------------------------------------------------
def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    """How many elements are not zero (along `axis`), as int64 cast to `dtype`."""
    input_tensor = input if input_tensor is None else input_tensor
    axis = reduction_indices if axis is None else axis
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with OpScope(name, "count_nonzero", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input")
        zero = input_ops.zeros([], dtype=x.dtype.base_dtype)
        nonzero = math_ops.cast(logic_ops.not_equal(x, zero), dtypes.int64)
        return math_ops.cast(reduce_ops.reduce_sum(nonzero, axis=axis, keepdims=keep), dtype)


# -- where_v2 (the SelectV2 op is defined with dropout, in nn_impl) -----------------------------
def where_v2(condition, x=None, y=None, name=None):
    """Elementwise choice with broadcasting of all three (SelectV2), or the true indices."""
    if x is None and y is None:
        return logic_ops.where(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return nn_impl.where_v2(condition, x, y, name=name)


def gather_nd(params, indices, name=None, batch_dims=0):
    """The slices of params at the index tuples in indices' last axis (GatherNd)."""
    if batch_dims:
        raise ValueError("graphshell's gather_nd supports batch_dims=0 only")
    with OpScope(name, "GatherNd", [params, indices]) as scope:
        params = convert_to_tensor(params, name="params")
        indices = convert_to_tensor(indices, name="indices")
        rules.check_dtype(None, indices, (dtypes.int16, dtypes.int32, dtypes.int64), "Tindices")
        return make_tensor("GatherNd", [params, indices], scope)


# -- ReverseV2 ------------------------------------------------------------------------------------
def _infer_reverse(op):
    x, axes = op._inputs
    rules.check_dtype(op, axes, (dtypes.int32, dtypes.int64), "axis")
    value = static_value(axes)
    if value is not None and x._shape is not None:
        rank = len(x._shape)
        for index, axis in enumerate(np.ravel(value).tolist()):
            if not -rank <= axis < rank:  # TF's words, its missing bracket included
                raise ShapeError(f"'axis'[{index}] = {axis} is out of valid range "
                                 f"[0, {rank - 1}")
    return rules.same_as_input(op)


def _reverse_kernel(x, axes):
    x = np.asarray(x)
    found = [int(a) for a in np.ravel(axes)]
    for axis in found:
        if not -x.ndim <= axis < x.ndim:
            raise errors.InvalidArgumentError(
                None, None, f"'axis'[0] = {axis} is out of valid range [0, {x.ndim - 1}")
    return np.flip(x, tuple(found)) if found else x


define("ReverseV2", infer=_infer_reverse, kernel=_reverse_kernel,
       grad=lambda op, g: [reverse_v2(g, op._inputs[1]), None])


def reverse_v2(tensor, axis, name=None):
    """`tensor` with the order of elements along each of `axis` reversed."""
    with OpScope(name, "ReverseV2", [tensor, axis]) as scope:
        tensor = convert_to_tensor(tensor, name="tensor")
        axis = convert_to_tensor(axis, preferred_dtype=dtypes.int32, name="axis")
        return make_tensor("ReverseV2", [tensor, axis], scope)


# -- Unique and ListDiff ------------------------------------------------------------------------
Unique = collections.namedtuple("Unique", ["y", "idx"])
ListDiff = collections.namedtuple("ListDiff", ["out", "idx"])


def _infer_unique(op):
    x = op._inputs[0]
    if x._shape is not None and len(x._shape) != 1:
        raise ShapeError(f"Shape must be rank 1 but is rank {len(x._shape)}")
    return [(x.dtype.base_dtype, (None,)), (op.attrs["out_idx"], x._shape)]


def _unique_kernel(op, runtime):
    index_type = op.attrs["out_idx"].as_numpy_dtype

    def run(x):
        values, first, inverse = np.unique(x, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")  # in order of first appearance, as TF
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        return values[order], rank[inverse.ravel()].astype(index_type)
    return run


define("Unique", infer=_infer_unique, make_kernel=_unique_kernel, grad=NOT_DIFFERENTIABLE,
       multi_output=True)


def unique(x, out_idx=dtypes.int32, name=None):
    """The distinct values of a vector in order of appearance, and each element's index."""
    with OpScope(name, "Unique", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        op = make_op("Unique", [x], scope, {"out_idx": dtypes.as_dtype(out_idx)})
        return Unique(*op.outputs)


def _infer_list_diff(op):
    x, y = op._inputs
    for tensor in (x, y):
        if tensor._shape is not None and len(tensor._shape) != 1:
            raise ShapeError(f"Shape must be rank 1 but is rank {len(tensor._shape)}")
    return [(x.dtype.base_dtype, (None,)), (op.attrs["out_idx"], (None,))]


def _list_diff_kernel(op, runtime):
    index_type = op.attrs["out_idx"].as_numpy_dtype

    def run(x, y):
        keep = ~np.isin(x, y)
        return np.asarray(x)[keep], np.flatnonzero(keep).astype(index_type)
    return run


define("ListDiff", infer=_infer_list_diff, make_kernel=_list_diff_kernel,
       grad=NOT_DIFFERENTIABLE, multi_output=True)


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """The values of x not in y, in x's order, with their positions in x."""
    with OpScope(name, "ListDiff", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype.base_dtype, name="y")
        op = make_op("ListDiff", [x, y], scope, {"out_idx": dtypes.as_dtype(index_dtype)})
        return ListDiff(*op.outputs)


# -- meshgrid -------------------------------------------------------------------------------------
def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D inputs: 'xy' (Cartesian, the default) or 'ij' indexing."""
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise TypeError(f"'{next(iter(kwargs))}' is an invalid keyword argument for this "
                        "function")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Argument `indexing` parameter must be either 'xy' or 'ij', got "
                         f"'{indexing}'")
    with OpScope(name, "meshgrid", args):
        count = len(args)
        if not count:
            return []
        ones_shape = (1,) * count
        grids = [array_ops.reshape(_as_tensor(x, "stack"),
                                   ones_shape[:i] + (-1,) + ones_shape[i + 1:])
                 for i, x in enumerate(args)]
        sizes = [_size_of(x) for x in args]
        dtype = convert_to_tensor(args[0]).dtype.base_dtype
        if indexing == "xy" and count > 1:
            grids[0] = array_ops.reshape(grids[0], (1, -1) + (1,) * (count - 2))
            grids[1] = array_ops.reshape(grids[1], (-1, 1) + (1,) * (count - 2))
            sizes[0], sizes[1] = sizes[1], sizes[0]
        with OpScope(None, "ones", sizes) as scope:
            dims = array_ops.stack(sizes, name="packed")
            ones = make_tensor("Fill", [dims, constant(1, dtype=dtype, name="Const")], scope)
        return [grid * ones for grid in grids]


def _as_tensor(value, name):
    return value if isinstance(value, Tensor) else convert_to_tensor(value, name=name)


def _size_of(value):
    with OpScope(None, "Size", [value]) as scope:
        return array_ops.size(convert_to_tensor(value), name=scope)
