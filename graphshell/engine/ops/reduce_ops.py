"""Reductions (sum, mean, max, min, prod, all, any), argmax/argmin and cumulative sums."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import constant, convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.shapes import is_fully_defined
from ..graph.tensor import Tensor
from . import (
    array_ops,
    grad_util,
    input_ops,
    reduction_grads,
    rules,
    static,
    unary_ops,
)
from .allocation import check_output
from .static import static_value


# -- shapes ----------------------------------------------------------------------------------------
def _static_axes(op):
    """The reduction axes, normalised and sorted, or None if not known while building."""
    x, axes = op._inputs
    value = static_value(axes)
    if value is None or x._shape is None:
        return None
    rank = len(x._shape)
    result = set()
    for axis in np.ravel(value).tolist():
        if not -rank <= axis < rank:
            raise ShapeError(f"Invalid reduction dimension {axis} for input with {rank} "
                             "dimensions.")
        result.add(axis % rank)
    return sorted(result)


def _infer_reduction(op):
    x, axes_tensor = op._inputs
    if axes_tensor._shape is not None and len(axes_tensor._shape) > 1:
        raise ShapeError(f"Shape must be at most rank 1 but is rank {len(axes_tensor._shape)}")
    keep = op.attrs["keep_dims"]
    axes = _static_axes(op)
    if op.type in ("All", "Any"):
        rules.check_exact_dtype(op, x, dtypes.bool_, "input")
    else:
        rules.check_dtype(op, x, rules.NUMBERS, "input")
    dtype = x.dtype.base_dtype if op.type not in ("All", "Any") else dtypes.bool_
    if axes is None:
        rank_known = x._shape is not None and keep
        return [(dtype, (None,) * len(x._shape) if rank_known else None)]
    if keep:
        return [(dtype, tuple(1 if i in axes else d for i, d in enumerate(x._shape)))]
    return [(dtype, tuple(d for i, d in enumerate(x._shape) if i not in axes))]


def kept_shape(op):
    """The reduction's output shape with the reduced axes kept as 1 (static tuple or tensor,
    the latter as TF's math_ops.reduced_shape builds it)."""
    x = op._inputs[0]
    axes = _static_axes(op)
    if axes is not None and is_fully_defined(x._shape):
        return tuple(1 if i in axes else d for i, d in enumerate(x._shape))
    return reduction_grads.reduced_shape(array_ops.shape(x), op._inputs[1])


# -- kernels ---------------------------------------------------------------------------------------
def _axes_of(axes, x):
    """The reduction axes as ints, checked against the input's rank (TF's run-time error)."""
    rank = np.ndim(x)
    found = tuple(int(a) for a in np.ravel(axes))
    for axis in found:
        if not -max(rank, 1) <= axis < max(rank, 1):
            raise errors.InvalidArgumentError(
                None, None, f"Invalid reduction dimension ({axis} for input with {rank} "
                            "dimension(s)")
    return found


def _reduction_kernel(numpy_function, **extra):
    def make(op, runtime):
        keep = op.attrs["keep_dims"]
        np_type = op._outputs[0].dtype.as_numpy_dtype
        typed = {"dtype": np_type} if numpy_function in (np.sum, np.prod) else {}

        def run(x, axes):
            return numpy_function(x, axis=_axes_of(axes, x), keepdims=keep, **typed, **extra)
        return run
    return make


def _extreme_kernel(numpy_function, lowest):
    def make(op, runtime):
        keep = op.attrs["keep_dims"]
        np_type = op._outputs[0].dtype.as_numpy_dtype
        info = np.finfo(np_type) if np.dtype(np_type).kind == "f" else np.iinfo(np_type)
        start = (-np.inf if lowest else np.inf) if np.dtype(np_type).kind == "f" else \
            (info.min if lowest else info.max)

        def run(x, axes):
            return numpy_function(x, axis=_axes_of(axes, x), keepdims=keep, initial=start)
        return run
    return make


def _mean_kernel(op, runtime):
    keep = op.attrs["keep_dims"]
    np_type = op._outputs[0].dtype.as_numpy_dtype
    integer = np.dtype(np_type).kind in "iu"

    def run(x, axes):
        axes = _axes_of(axes, x)
        if not integer:
            if np.size(x) == 0:  # nan, as in TF, without numpy's "Mean of empty slice" warning
                total = np.sum(x, axis=axes, keepdims=keep, dtype=np_type)
                return np.full(np.shape(total), np.nan, dtype=np_type)[()]
            return np.mean(x, axis=axes, keepdims=keep, dtype=np_type)
        # TF sums integers in a wider type, so neither the sum nor the count wraps around
        wide = np.uint64 if np.dtype(np_type).kind == "u" else np.int64
        total = np.sum(x, axis=axes, keepdims=keep, dtype=wide)
        count = max(1, int(np.prod([np.shape(x)[a] for a in axes])))
        return (np.sign(total) * (np.abs(total) // count)).astype(np_type)
    return run


def _reduction(op_type, kernel_factory, grad, default_name):
    define(op_type, infer=_infer_reduction, make_kernel=kernel_factory, grad=grad)

    def build(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
              keep_dims=None):
        axis = reduction_indices if axis is None else axis
        keep = bool(keepdims if keepdims is not None else keep_dims)
        # All and Any take bools only, so a Python value converts to bool (reduce_all([]))
        wanted = dtypes.bool_ if op_type in ("All", "Any") and not isinstance(
            input_tensor, Tensor) else None
        x = convert_to_tensor(input_tensor, name="input_tensor", preferred_dtype=wanted)
        every_axis = axis is None
        if every_axis:
            axis = _all_axes(x)
        with OpScope(name, default_name, [x]) as scope:
            axes = array_ops.index_tensor(axis, "reduction_indices")
            attrs = {"keep_dims": keep, "T": x.dtype.base_dtype, "Tidx": axes.dtype.base_dtype}
            result = make_tensor(op_type, [x, axes], scope, attrs)
        return _may_reduce_to_scalar(result, every_axis, keep)
    build.__name__ = "reduce_" + op_type.lower()
    return build


def _may_reduce_to_scalar(result, every_axis, keep):
    """A reduction of every axis without keepdims is a scalar even when the input's rank is
    unknown (TF's Python wrappers set the shape; the op's own rule cannot know it)."""
    if every_axis and not keep:
        result.set_shape(())
    return result


def _all_axes(x):
    if x._shape:  # a scalar's axes come from Range(0, Rank), as TF's `if x_rank:` does
        return constant(np.arange(len(x._shape), dtype=np.int32))
    return input_ops.range_(0, array_ops.rank(x))


# the gradients live in reduction_grads (a cyclic family import: looked up when called)
reduce_sum = _reduction("Sum", _reduction_kernel(np.sum),
                        lambda op, g: reduction_grads.sum_grad(op, g), "Sum")
reduce_prod = _reduction("Prod", _reduction_kernel(np.prod),
                         lambda op, g: reduction_grads.prod_grad(op, g), "Prod")
reduce_mean = _reduction("Mean", _mean_kernel, lambda op, g: reduction_grads.mean_grad(op, g),
                         "Mean")
reduce_max = _reduction("Max", _extreme_kernel(np.max, True),
                        lambda op, g: reduction_grads.extreme_grad(op, g), "Max")
reduce_min = _reduction("Min", _extreme_kernel(np.min, False),
                        lambda op, g: reduction_grads.extreme_grad(op, g), "Min")
reduce_all = _reduction("All", _reduction_kernel(np.all), NOT_DIFFERENTIABLE, "All")
reduce_any = _reduction("Any", _reduction_kernel(np.any), NOT_DIFFERENTIABLE, "Any")


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) computed stably around the maximum."""
    with OpScope(name, "ReduceLogSumExp", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor, name="input_tensor")
        peak = stop_gradient_of(reduce_max(x, axis, keepdims=True))
        summed = reduce_sum(unary_ops.exp(x - peak), axis, keepdims=True)
        result = unary_ops.log(summed) + peak
        if not keepdims:
            result = array_ops.squeeze(result, axis=axis if axis is not None else None)
        return _may_reduce_to_scalar(array_ops.identity(result, name=scope), axis is None,
                                     keepdims)


def stop_gradient_of(tensor):
    return array_ops.stop_gradient(tensor)


# -- broadcast_to ----------------------------------------------------------------------------------
def _infer_broadcast_to(op):
    return [(op._inputs[0].dtype.base_dtype, static.static_shape_value(op._inputs[1]))]


def _broadcast_to_kernel(x, shape):
    shape = tuple(int(d) for d in shape)
    check_output(shape, np.asarray(x).dtype)  # TF allocates what numpy would only view
    return np.broadcast_to(x, shape)


define("BroadcastTo", infer=_infer_broadcast_to, kernel=_broadcast_to_kernel,
       grad=lambda op, g: [_sum_back_to(g, op._inputs[0]), None])


def _sum_back_to(g, x):
    return grad_util.sum_to_shape_of(g, x)


def broadcast_to(input, shape, name=None):  # noqa: A002 - TF's name
    with OpScope(name, "BroadcastTo", [input, shape]) as scope:
        x = convert_to_tensor(input, name="input")
        shape = convert_to_tensor(list(shape) if isinstance(shape, tuple) else shape,
                                  dtype=dtypes.int32, name="shape")
        return make_tensor("BroadcastTo", [x, shape], scope)


# -- argmax / argmin -------------------------------------------------------------------------------
def _infer_arg(op):
    x, axis = op._inputs
    value = static_value(axis)
    if x._shape is None or value is None:
        return [(op.attrs["output_type"], None)]
    axis = rules.normalize_axis(int(value), len(x._shape))
    return [(op.attrs["output_type"], x._shape[:axis] + x._shape[axis + 1:])]


def _arg_kernel(numpy_function):
    def make(op, runtime):
        np_type = op.attrs["output_type"].as_numpy_dtype
        def run(x, axis):
            axis = int(axis)
            shape = np.shape(x)
            if shape and -len(shape) <= axis < len(shape) and shape[axis] == 0:
                raise errors.InvalidArgumentError(
                    None, None, f"Reduction axis {axis} is empty in shape "
                                f"[{','.join(str(d) for d in shape)}]")
            return np.asarray(numpy_function(x, axis=axis)).astype(np_type)
        return run
    return make


define("ArgMax", infer=_infer_arg, make_kernel=_arg_kernel(np.argmax), grad=NOT_DIFFERENTIABLE)
define("ArgMin", infer=_infer_arg, make_kernel=_arg_kernel(np.argmin), grad=NOT_DIFFERENTIABLE)


def _arg(op_type):
    def build(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
        axis = dimension if axis is None else axis
        with OpScope(name, op_type, [input]) as scope:
            x = convert_to_tensor(input, name="input")
            axis = array_ops.index_tensor(0 if axis is None else axis, "dimension")
            return make_tensor(op_type, [x, axis], scope,
                               {"output_type": dtypes.as_dtype(output_type)})
    return build


argmax = _arg("ArgMax")
argmin = _arg("ArgMin")


# -- cumulative sums and products -----------------------------------------------------------------
def _cumulative_kernel(numpy_function, identity):
    def make(op, runtime):
        exclusive, reverse = op.attrs["exclusive"], op.attrs["reverse"]

        def run(x, axis):
            axis = int(axis)
            x = np.flip(x, axis) if reverse else np.asarray(x)
            result = numpy_function(x, axis=axis, dtype=x.dtype)
            if exclusive:
                result = np.concatenate([np.full_like(np.take(result, [0], axis), identity),
                                         np.take(result, range(x.shape[axis] - 1), axis)], axis)
            return np.flip(result, axis) if reverse else result
        return run
    return make


def _cumsum_grad(op, g):
    return [cumsum(g, op._inputs[1], exclusive=op.attrs["exclusive"],
                   reverse=not op.attrs["reverse"]), None]


def _cumprod_grad(op, g):
    x, axis = op._inputs
    product = op._outputs[0]
    attrs = op.attrs
    summed = cumsum(product * g, axis, exclusive=attrs["exclusive"], reverse=not attrs["reverse"])
    return [summed / x, None]


define("Cumsum", infer=rules.same_as_input, make_kernel=_cumulative_kernel(np.cumsum, 0),
       grad=_cumsum_grad)
define("Cumprod", infer=rules.same_as_input, make_kernel=_cumulative_kernel(np.cumprod, 1),
       grad=_cumprod_grad)


def _cumulative(op_type):
    def build(x, axis=0, exclusive=False, reverse=False, name=None):
        with OpScope(name, op_type, [x]) as scope:
            x = convert_to_tensor(x, name="x")
            axis = convert_to_tensor(axis, dtype=dtypes.int32, name="axis")
            return make_tensor(op_type, [x, axis], scope,
                               {"exclusive": bool(exclusive), "reverse": bool(reverse)})
    return build


cumsum = _cumulative("Cumsum")
cumprod = _cumulative("Cumprod")
