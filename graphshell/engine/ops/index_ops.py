"""Gather, segment sums, tile, one_hot and range."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor, register_tensor_conversion_function
from ..graph.indexed_slices import IndexedSlices, static_dense_shape
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from . import array_ops, input_ops, reduce_ops, rules, slice_helper, slicing_ops
from .allocation import check_elements, check_output
from .static import static_value


# -- gather ----------------------------------------------------------------------------------------
def _infer_gather(op):
    params, indices, axis = op._inputs
    axis = static_value(axis)
    if params._shape is None or indices._shape is None or axis is None:
        return [(params.dtype.base_dtype, None)]
    axis = int(axis)
    needed = -axis if axis < 0 else axis + 1  # TF asks params for at least this rank
    if len(params._shape) < needed:
        raise ShapeError(f"Shape must be at least rank {needed} but is rank "
                         f"{len(params._shape)}")
    axis = rules.normalize_axis(axis, len(params._shape))
    return [(params.dtype.base_dtype,
             params._shape[:axis] + indices._shape + params._shape[axis + 1:])]


def _gather_kernel(params, indices, axis):
    params = np.asarray(params)
    axis = int(axis)
    limit = params.shape[axis]
    outside = (indices < 0) | (indices >= limit)
    if np.any(outside):
        flat = np.ravel(outside)
        first = int(np.argmax(flat))
        where = "" if np.ndim(indices) == 0 else f"[{first}]"
        raise errors.InvalidArgumentError(
            None, None, f"indices{where} = {np.ravel(indices)[first]} is not in [0, {limit})")
    check_output(params.shape[:axis] + np.shape(indices) + params.shape[axis + 1:], params.dtype)
    return np.take(params, indices, axis=axis)


def _gather_grad(op, g):
    """The rows of `g` as an IndexedSlices of params' shape (TF's _GatherV2Grad); along another
    axis, that axis is transposed first, summed by index and transposed back."""
    params, indices, axis = op._inputs
    with params.graph.colocate_with(params):  # TF reads the shape where params live
        params_shape = array_ops.shape(params)
    indices_size = array_ops.expand_dims(array_ops.size(indices), 0)
    axis_value = static_value(axis)
    if axis_value is None or int(axis_value) != 0:
        return [_gather_grad_other_axis(params, indices, axis, g, params_shape, indices_size),
                None, None]
    values_shape = slicing_ops.concat([indices_size, params_shape[1:]], 0)
    values = array_ops.reshape(indexed_slices_to_dense(g), values_shape)
    flat_indices = array_ops.reshape(indices, indices_size)
    # TF's shape inference folds the constant shape arithmetic above; ours reads it here.
    count = None if indices._shape is None or None in indices._shape \
        else int(np.prod(indices._shape, dtype=np.int64))
    flat_indices.set_shape((count,))
    if params._shape is not None:
        values.set_shape((count,) + tuple(params._shape[1:]))
    return [IndexedSlices(values, flat_indices, params_shape), None, None]


def _gather_grad_other_axis(params, indices, axis, g, params_shape, indices_size):
    """TF's _GatherV2Grad for axis != 0 (batch_dims 0): [outer, -1, inner] moved to put the
    gathered axis first, an UnsortedSegmentSum over it, and the inverse transpose."""
    index = slice_helper.index_first_axis
    outer_shape = index(params_shape, slice(None, axis))
    inner_shape = index(index(params_shape, slice(axis, None)), slice(1, None))
    values_shape = slice_helper.concat([outer_shape, [-1], inner_shape], 0)
    values_dims = array_ops.size(values_shape)
    axis_dims = array_ops.size(outer_shape)
    outer_batches = input_ops.range_(0)
    batch_axes = input_ops.range_(0, axis_dims)
    inner_axes = input_ops.range_(axis_dims + 1, values_dims)
    values = array_ops.reshape(indexed_slices_to_dense(g), values_shape)
    transpose_dims = slice_helper.concat([outer_batches, [axis_dims], batch_axes, inner_axes], 0)
    moved = array_ops.transpose(values, transpose_dims)
    gather(params_shape, transpose_dims)  # TF builds the moved params' shape and leaves it unused
    rows = index(params_shape, axis)
    flat_indices = array_ops.reshape(indices, array_ops.expand_dims(array_ops.size(indices), 0))
    summed = unsorted_segment_sum(moved, flat_indices, rows)
    inverse_dims = slice_helper.concat([outer_batches, batch_axes + 1, [0], inner_axes], 0)
    grad = array_ops.transpose(summed, inverse_dims)
    return array_ops.reshape(grad, array_ops.shape(params))


define("GatherV2", infer=_infer_gather, kernel=_gather_kernel, grad=_gather_grad)


def gather(params, indices, validate_indices=None, name=None, axis=0, batch_dims=0):
    """Picks slices of `params` along `axis` at `indices`."""
    with OpScope(name, "GatherV2", [params, indices]) as scope:
        params = convert_to_tensor(params, name="params")
        indices = convert_to_tensor(indices, name="indices")
        if not indices.dtype.base_dtype.is_integer:
            raise TypeError(f"Value passed to parameter 'indices' has DataType "
                            f"{indices.dtype.base_dtype.name} not in list of allowed values: "
                            "int16, int32, int64")
        axis = convert_to_tensor(axis, dtype=dtypes.int32, name="axis")
        return make_tensor("GatherV2", [params, indices, axis], scope)


def _infer_segment_sum(op):
    data, ids, count = op._inputs
    rows = static_value(count)
    inner = None if data._shape is None or ids._shape is None else data._shape[len(ids._shape):]
    return [(data.dtype.base_dtype,
             None if inner is None else (None if rows is None else int(rows),) + inner)]


def _segment_sum_kernel(data, ids, count):
    data = np.asarray(data)
    ids = np.asarray(ids)
    check_output((int(count),) + data.shape[ids.ndim:], data.dtype)
    result = np.zeros((int(count),) + data.shape[ids.ndim:], dtype=data.dtype)
    np.add.at(result, ids, data)
    return result


define("UnsortedSegmentSum", infer=_infer_segment_sum, kernel=_segment_sum_kernel,
       grad=lambda op, g: [gather(g, op._inputs[1]), None, None])


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    with OpScope(name, "UnsortedSegmentSum", [data, segment_ids]) as scope:
        data = convert_to_tensor(data, name="data")
        ids = convert_to_tensor(segment_ids, name="segment_ids")
        count = convert_to_tensor(num_segments, dtype=dtypes.int32, name="num_segments")
        return make_tensor("UnsortedSegmentSum", [data, ids, count], scope)


# -- IndexedSlices to dense ---------------------------------------------------------------------
def _indexed_slices_to_tensor(value, dtype=None, name=None, as_ref=False):
    """The dense tensor an IndexedSlices stands for: its rows summed into dense_shape[0] rows
    (TF converts with UnsortedSegmentSum under the name the conversion asks for)."""
    if dtype is not None and not dtype.is_compatible_with(value.dtype):
        raise ValueError(f"Incompatible tensor conversion requested to `dtype` {dtype.name} for "
                         f"IndexedSlices ({value}) with dtype {value.dtype.name}")
    if value.dense_shape is None:
        raise ValueError("Tensor conversion requested for IndexedSlices for argument `value` "
                         f"without dense_shape: {value!s}")
    static_shape = static_dense_shape(value.dense_shape)
    dense = unsorted_segment_sum(value.values, value.indices, value.dense_shape[0], name=name)
    if static_shape is not None:
        dense.set_shape(static_shape)
    return dense


register_tensor_conversion_function(IndexedSlices, _indexed_slices_to_tensor)


def indexed_slices_to_dense(grad):
    """`grad` as a dense Tensor: IndexedSlices are summed into their dense shape, quietly."""
    if isinstance(grad, IndexedSlices):
        return _indexed_slices_to_tensor(grad)
    return grad


# -- tile ------------------------------------------------------------------------------------------
def _infer_tile(op):
    x, multiples = op._inputs
    times = static_value(multiples)
    if x._shape is None or times is None:
        # the output's rank is the input's, or the length of multiples (TF's shape function)
        rank = len(x._shape) if x._shape is not None else \
            (multiples._shape[0] if multiples._shape and len(multiples._shape) == 1 else None)
        return [(x.dtype.base_dtype, None if rank is None else (None,) * rank)]
    if len(times) != len(x._shape):
        raise ShapeError(f"Shape must be rank {len(x._shape)} but is rank {len(times)}")
    return [(x.dtype.base_dtype, tuple(None if d is None else d * int(m)
                                       for d, m in zip(x._shape, times)))]


def _tile_grad(op, g):
    """Reshape to [m0, d0, m1, d1, ...] and sum over the multiples."""
    x, multiples = op._inputs
    interleaved = array_ops.reshape(array_ops.transpose(
        array_ops.stack([multiples, array_ops.shape(x, out_type=multiples.dtype)])), [-1])
    axes = input_ops.range_(0, array_ops.size(interleaved), 2)
    return [reduce_ops.reduce_sum(array_ops.reshape(g, interleaved), axes), None]


def _tile_kernel(x, multiples):
    multiples = np.asarray(multiples).tolist()
    check_output([d * m for d, m in zip(np.shape(x), multiples)], np.asarray(x).dtype)
    return np.tile(x, multiples)


define("Tile", infer=_infer_tile, kernel=_tile_kernel, grad=_tile_grad)


def tile(input, multiples, name=None):  # noqa: A002 - TF's name
    with OpScope(name, "Tile", [input, multiples]) as scope:
        x = convert_to_tensor(input, name="input")
        multiples = array_ops.index_tensor(multiples, "multiples")
        return make_tensor("Tile", [x, multiples], scope)


# -- one_hot ---------------------------------------------------------------------------------------
def _infer_one_hot(op):
    indices, depth, on_value, _ = op._inputs
    rules.check_dtype(op, indices, (dtypes.uint8, dtypes.int8, dtypes.int32, dtypes.int64),
                      "indices")
    size = static_value(depth)
    size = None if size is None else int(size)
    if size is not None and size < 0:
        raise ShapeError("Dimension size, given by scalar input 1, must be non-negative but "
                         f"is {size}")
    if indices._shape is None:
        return [(on_value.dtype.base_dtype, None)]
    axis = op.attrs["axis"]
    dims = list(indices._shape)
    dims.insert(len(dims) if axis == -1 else axis, size)
    return [(on_value.dtype.base_dtype, tuple(dims))]


def _one_hot_kernel(op, runtime):
    axis = op.attrs["axis"]

    def run(indices, depth, on_value, off_value):
        indices = np.asarray(indices)
        if int(depth) < 0:
            raise errors.InvalidArgumentError(
                None, op, f"depth must be non-negative, got: {int(depth)}")
        check_output(indices.shape + (int(depth),), np.asarray(on_value).dtype)
        check_elements(int(depth), np.int64)  # the range compared with
        hot = indices[..., None] == np.arange(int(depth))
        result = np.where(hot, on_value, off_value)
        return result if axis == -1 else np.moveaxis(result, -1, axis)
    return run


define("OneHot", infer=_infer_one_hot, make_kernel=_one_hot_kernel, grad=NOT_DIFFERENTIABLE)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    with OpScope(name, "one_hot", [indices]) as scope:
        dtype = dtypes.as_dtype(dtype) if dtype is not None else (
            convert_to_tensor(on_value).dtype.base_dtype if on_value is not None
            else dtypes.float32)
        on = convert_to_tensor(1 if on_value is None else on_value, dtype=dtype, name="on_value")
        off = convert_to_tensor(0 if off_value is None else off_value, dtype=dtype,
                                name="off_value")
        indices = convert_to_tensor(indices, name="indices")
        depth = convert_to_tensor(depth, dtype=dtypes.int32, name="depth")
        return make_tensor("OneHot", [indices, depth, on, off], scope,
                           {"axis": -1 if axis is None else axis})
