"""Ranking ops: TopKV2 (with TF's scatter gradient), InTopKV2, and ScatterNd which that
gradient uses."""

from __future__ import annotations

import collections

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import constant, convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from . import array_ops, index_ops, input_ops, math_ops, reduce_ops, rules
from .allocation import check_output
from .static import static_shape_value, static_value

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])

# -- TopKV2 ---------------------------------------------------------------------------------------


def _static_k(op, k_tensor):
    value = static_value(k_tensor)
    if value is None:
        return None
    k = int(np.asarray(value))
    if k < 0:
        raise ShapeError(f"Dimension size, given by scalar input 1, must be non-negative but is "
                         f"{k}")
    return k


def _infer_top_k(op):
    x, k_tensor = op._inputs
    rules.check_dtype(op, x, rules.FLOATS + rules.INTEGERS, "input")
    k = _static_k(op, k_tensor)
    index_type = op.attrs["index_type"]
    if x._shape is None:
        return [(x.dtype.base_dtype, None), (index_type, None)]
    if len(x._shape) < 1:
        raise ShapeError(f"Shape must be at least rank 1 but is rank {len(x._shape)}")
    last = x._shape[-1]
    if k is not None and last is not None and last < k:
        raise ShapeError(f"input must have last dimension >= k = {k} but is {last}")
    shape = x._shape[:-1] + (k,)
    return [(x.dtype.base_dtype, shape), (index_type, shape)]


def _make_top_k_kernel(op, runtime):
    index_type = op.attrs["index_type"].as_numpy_dtype

    def top_k(x, k):
        k = int(k)
        if k < 0:
            raise InvalidArgumentError(None, op, f"Need k >= 0, got {k}")
        columns = x.shape[-1]
        if columns < k:
            raise InvalidArgumentError(
                None, op, f"input must have at least k columns. Had {columns}, needed {k}")
        # a stable ascending sort of the reversed row, read backwards: largest first, and
        # equal values in increasing index order, as TF orders ties
        ascending = np.argsort(x[..., ::-1], axis=-1, kind="stable")
        indices = (columns - 1 - ascending[..., ::-1])[..., :k]
        return np.take_along_axis(x, indices, axis=-1), indices.astype(index_type)
    return top_k


def _top_k_grad(op, g_values, _g_indices):
    """TF's gradient: each value's gradient scattered back to the flat position it came from."""
    in_shape = array_ops.shape(op._inputs[0])
    ind_shape = array_ops.shape(op._outputs[1])
    ind_lastdim = index_ops.gather(math_ops.cast(ind_shape, dtypes.int64),
                                   array_ops.size(ind_shape) - 1)
    with OpScope(None, "stack") as scope:  # TF's stack converts the -1 to int64 as "stack/0"
        minus_one = constant(-1, dtype=dtypes.int64, name="0")
        rows_by_k = array_ops.stack([minus_one, ind_lastdim], name=scope)
    ind_2d = array_ops.reshape(op._outputs[1], rows_by_k)
    indices_shape = op._outputs[1]._shape
    if indices_shape is not None and None not in indices_shape:
        # TF's shape inference evaluates the packed shape; graphshell's folds only constants
        ind_2d.set_shape([int(np.prod(indices_shape[:-1])), indices_shape[-1]])
    in_lastdim = index_ops.gather(math_ops.cast(in_shape, dtypes.int64),
                                  array_ops.size(in_shape) - 1)
    outerdim = array_ops.shape(ind_2d)[0]
    row_starts = input_ops.range_(0, math_ops.cast(outerdim, dtypes.int64) * in_lastdim,
                                  in_lastdim)
    flat = array_ops.reshape(
        ind_2d + math_ops.cast(array_ops.expand_dims(row_starts, -1), dtypes.int32), [-1])
    scattered = scatter_nd(array_ops.expand_dims(flat, -1), array_ops.reshape(g_values, [-1]),
                           [reduce_ops.reduce_prod(in_shape)])
    return [array_ops.reshape(scattered, in_shape), input_ops.zeros([], dtype=dtypes.int32)]


define("TopKV2", infer=_infer_top_k, make_kernel=_make_top_k_kernel, grad=_top_k_grad,
       multi_output=True)


def top_k(input, k=1, sorted=True, index_type=dtypes.int32, name=None):  # noqa: A002
    """The k largest entries of the last dimension and their indices (ties: lower index first)."""
    with OpScope(name, "TopKV2", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        k = convert_to_tensor(k, dtype=dtypes.int32, name="k")
        attrs = {"sorted": bool(sorted), "T": x.dtype.base_dtype, "Tk": dtypes.int32,
                 "index_type": dtypes.as_dtype(index_type)}
        op = make_op("TopKV2", [x, k], scope, attrs)
        return TopKV2(op._outputs[0], op._outputs[1])


# -- InTopKV2 -------------------------------------------------------------------------------------


def _infer_in_top_k(op):
    predictions, targets, k = op._inputs
    rules.check_exact_dtype(op, predictions, dtypes.float32, "predictions")
    if predictions._shape is not None and len(predictions._shape) != 2:
        raise ShapeError(f"Shape must be rank 2 but is rank {len(predictions._shape)}")
    if targets._shape is not None and len(targets._shape) != 1:
        raise ShapeError(f"Shape must be rank 1 but is rank {len(targets._shape)}")
    batch = None if predictions._shape is None else predictions._shape[0]
    if targets._shape is not None:
        if batch is not None and targets._shape[0] not in (None, batch):
            raise ShapeError(f"Dimensions must be equal, but are {batch} and {targets._shape[0]}")
        batch = batch if batch is not None else targets._shape[0]
    return [(dtypes.bool_, (batch,))]


def _in_top_k_kernel(predictions, targets, k):
    rows, classes = predictions.shape
    targets = np.asarray(targets)
    valid = (targets >= 0) & (targets < classes)
    safe = np.where(valid, targets, 0)
    target_values = predictions[np.arange(rows), safe]
    larger = np.sum(predictions > target_values[:, None], axis=1)
    # TF cannot say (so answers False) when any prediction of the row is not finite
    all_finite = np.all(np.isfinite(predictions), axis=1)
    return valid & all_finite & (larger < int(k))


define("InTopKV2", infer=_infer_in_top_k, kernel=_in_top_k_kernel, grad=NOT_DIFFERENTIABLE)


def in_top_k(predictions, targets, k, name=None):
    """Whether each row's target class is among its k largest predictions (ties count as in)."""
    with OpScope(name, "in_top_k", [predictions, targets]), OpScope(None, "InTopKV2") as scope:
        predictions = convert_to_tensor(predictions, name="predictions")
        targets = convert_to_tensor(targets, name="targets")
        k = convert_to_tensor(k, dtype=targets.dtype.base_dtype, name="k")
        return make_tensor("InTopKV2", [predictions, targets, k], scope)


# -- ScatterNd ------------------------------------------------------------------------------------


def _infer_scatter_nd(op):
    indices, updates, shape = op._inputs
    return [(updates.dtype.base_dtype, static_shape_value(shape))]


def _make_scatter_nd_kernel(op, runtime):
    def scatter(indices, updates, shape):
        shape = tuple(int(d) for d in np.ravel(shape))
        check_output(shape, updates.dtype)
        result = np.zeros(shape, updates.dtype)
        depth = indices.shape[-1]
        flat_indices = indices.reshape(-1, depth)
        for position in flat_indices:
            if np.any(position < 0) or np.any(position >= shape[:depth]):
                raise InvalidArgumentError(
                    None, op, f"indices[{list(position)}] does not index into shape {list(shape)}")
        values = updates.reshape((len(flat_indices),) + shape[depth:])
        np.add.at(result, tuple(flat_indices.T), values)
        return result
    return scatter


def _scatter_nd_grad(op, g):
    indices = op._inputs[0]
    return [None, make_tensor("GatherNd", [g, indices]), None]


def _infer_gather_nd(op):
    params, indices = op._inputs
    if params._shape is None or indices._shape is None or indices._shape[-1] is None:
        return [(params.dtype.base_dtype, None)]
    return [(params.dtype.base_dtype, indices._shape[:-1] + params._shape[indices._shape[-1]:])]


define("ScatterNd", infer=_infer_scatter_nd, make_kernel=_make_scatter_nd_kernel,
       grad=_scatter_nd_grad)
def _gather_nd_kernel(params, indices):
    depth = np.shape(indices)[-1]
    check_output(np.shape(indices)[:-1] + np.shape(params)[depth:], np.asarray(params).dtype)
    return params[tuple(np.moveaxis(indices, -1, 0))]


define("GatherNd", infer=_infer_gather_nd, kernel=_gather_nd_kernel)


def scatter_nd(indices, updates, shape, name=None):
    """A zero tensor of `shape` with `updates` added at `indices`."""
    with OpScope(name, "ScatterNd", [indices, updates, shape]) as scope:
        indices = convert_to_tensor(indices, name="indices")
        updates = convert_to_tensor(updates, name="updates")
        shape = convert_to_tensor(shape, dtype=indices.dtype.base_dtype, name="shape")
        return make_tensor("ScatterNd", [indices, updates, shape], scope)


__all__ = ["TopKV2", "top_k", "in_top_k", "scatter_nd"]
