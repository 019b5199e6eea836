"""The gradients of Sum, Mean, Max, Min and Prod, op for op as TF's math_grad builds them, with
the shape helpers they share (reduced_shape and the DynamicStitch op it uses at run time)."""

from __future__ import annotations

import weakref

import numpy as np

from ..graph.convert import constant, convert_to_tensor
from ..graph.registry import define
from . import (
    array_ops,
    index_ops,
    input_ops,
    logic_ops,
    mask_ops,
    math_ops,
    partition_ops,
    reduce_ops,
    slicing_ops,
)
from .static import static_value

# -- DynamicStitch: its rules live with DynamicPartition in partition_ops (looked up when used,
# as the two modules import each other); defined here because the reduction gradients run it
define("DynamicStitch", infer=lambda op: partition_ops._infer_stitch(op),
       kernel=lambda *inputs: partition_ops._stitch(*inputs),
       grad=lambda op, g: partition_ops._stitch_grad(op, g))


# -- shapes ----------------------------------------------------------------------------------------
def reduced_shape(input_shape, axes):
    """The shape of a reduction's output with keepdims: numpy when both are known while
    building, else a DynamicStitch of the input's dims and ones (TF's math_ops.reduced_shape)."""
    shape_value = input_shape if isinstance(input_shape, tuple) else static_value(input_shape)
    axes_value = axes if isinstance(axes, (tuple, np.ndarray)) else static_value(axes)
    if shape_value is not None and axes_value is not None:
        kept = np.array(shape_value, dtype=np.int32)
        kept[np.array(axes_value, dtype=np.int32)] = 1
        return kept
    axes = convert_to_tensor(axes)
    rank = array_ops.size(input_shape, out_type=axes.dtype.base_dtype)
    axes = (axes + rank) % rank
    axes_shape = array_ops.shape(axes)
    return partition_ops.dynamic_stitch([input_ops.range_(rank), axes],
                          [input_shape, input_ops.ones(axes_shape, dtype=input_shape.dtype)])


# per graph: (input shape, axes) -> (kept shape, tile multiples), as TF caches them; the ops
# that compute them are built once per graph and key, on the first gradient that needs them
_KEPT_SHAPES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cached_tiling(graph, input_shape, axes):
    cache = _KEPT_SHAPES.setdefault(graph, {})
    key = (input_shape, axes)
    if key not in cache:
        kept = reduced_shape(input_shape, np.array(axes))
        # TF builds (and evaluates while building) these two ops for the multiples
        math_ops.floordiv(input_shape, math_ops.maximum(kept, 1))
        multiples = np.array(input_shape) // np.maximum(kept, 1)
        cache[key] = (tuple(int(d) for d in kept), tuple(int(d) for d in multiples))
    return cache[key]


def _reduce_all_axes(axes, rank) -> bool:
    return np.array_equal(axes, np.arange(rank))


# -- Sum and Mean ----------------------------------------------------------------------------------
def sum_grad(op, g):
    """Reshape + Tile when the input's shape is known, Reshape + BroadcastTo otherwise."""
    x, axes_tensor = op._inputs
    shape = x._shape
    axes = static_value(axes_tensor) if shape is not None else None
    if axes is not None and _reduce_all_axes(axes, len(shape)):
        g = array_ops.reshape(g, [1] * len(shape))
        if None not in shape:
            multiples = constant(np.array(shape, dtype=np.int32))
        else:
            multiples = array_ops.shape(x)
        return [index_ops.tile(g, multiples), None]
    if axes is not None and None not in shape:
        kept, multiples = _cached_tiling(op.graph, tuple(shape),
                                         tuple(np.ravel(axes).tolist()))
        g = array_ops.reshape(g, list(kept))
        return [index_ops.tile(g, list(multiples)), None]
    input_shape = array_ops.shape(x)
    if not op.attrs["keep_dims"]:
        g = array_ops.reshape(g, reduced_shape(input_shape, axes_tensor))
    return [reduce_ops.broadcast_to(g, input_shape), None]


def mean_grad(op, g):
    """The Sum gradient divided by the number of elements each output averages."""
    summed = sum_grad(op, g)[0]
    x, y = op._inputs[0], op._outputs[0]
    dtype = summed.dtype.base_dtype
    if _known(x._shape) and _known(y._shape):
        count = int(np.prod(x._shape)) // max(int(np.prod(y._shape)), 1)
        factor = constant(np.array(count, dtype=dtype.as_numpy_dtype), dtype=dtype)
    else:
        input_shape = array_ops.shape(x)
        rank = array_ops.size(input_shape)
        axes = math_ops.cast(op._inputs[1], rank.dtype.base_dtype)
        axes = (axes + rank) % rank
        factor = reduce_ops.reduce_prod(index_ops.gather(input_shape, axes))
    return [math_ops.truediv(summed, math_ops.cast(factor, dtype)), None]


def _known(shape) -> bool:
    return shape is not None and None not in shape


# -- Max and Min -----------------------------------------------------------------------------------
def extreme_grad(op, g):
    """g shared equally among the elements that equal the maximum (or minimum)."""
    x, axes = op._inputs
    y = op._outputs[0]
    input_shape = array_ops.shape(x)
    if not op.attrs["keep_dims"]:
        kept = reduced_shape(input_shape, axes)
        y = array_ops.reshape(y, kept)
        g = array_ops.reshape(g, kept)
    else:
        kept = array_ops.shape(y)
    indicators = math_ops.cast(logic_ops.equal(y, x), g.dtype.base_dtype)
    selected = array_ops.reshape(reduce_ops.reduce_sum(indicators, axes), kept)
    return [math_ops.divide(indicators, selected) * g, None]


# -- Prod ------------------------------------------------------------------------------------------
def prod_grad(op, g):
    """Products of all other elements, from exclusive cumulative products on both sides of
    each element along the reduced axes moved to the front (zeros handled exactly)."""
    x, axes = op._inputs
    input_shape = array_ops.shape(x)
    flat_axes = array_ops.reshape(axes, [-1])
    if not op.attrs["keep_dims"]:
        g = array_ops.reshape(g, reduced_shape(input_shape, axes))
    g = reduce_ops.broadcast_to(g, input_shape)
    rank = array_ops.rank(x)
    reduced = (math_ops.cast(flat_axes, rank.dtype.base_dtype) + rank) % rank
    others, _ = mask_ops.setdiff1d(input_ops.range_(0, rank), reduced, reduced.dtype.base_dtype)
    perm = slicing_ops.concat([reduced, others], 0)
    reduced_count = reduce_ops.reduce_prod(index_ops.gather(input_shape, reduced))
    others_count = reduce_ops.reduce_prod(index_ops.gather(input_shape, others))
    permuted = array_ops.transpose(x, perm)
    permuted_shape = array_ops.shape(permuted)
    flat = array_ops.reshape(permuted, (reduced_count, others_count))
    left = reduce_ops.cumprod(flat, axis=0, exclusive=True)
    right = reduce_ops.cumprod(flat, axis=0, exclusive=True, reverse=True)
    others_product = array_ops.reshape(left * right, permuted_shape)
    out = g * array_ops.transpose(others_product, array_ops.invert_permutation(perm))
    return [array_ops.reshape(out, input_shape), None]
