"""Helpers that gradient functions share: undoing broadcasting as TF's math_grad does."""

from __future__ import annotations

from ..graph.shapes import is_fully_defined
from . import array_ops, reduce_ops


def _static_reduction_axes(x_shape, y_shape):
    """The axes each of x and y was broadcast along, when the shapes tell (else None, None).

    An axis counts as broadcast for x when x has 1 (or no axis) there and y has something else;
    an unknown dimension facing anything but 1 leaves the decision to run time."""
    if x_shape is None or y_shape is None:
        return None, None
    rank = max(len(x_shape), len(y_shape))
    x_dims = (1,) * (rank - len(x_shape)) + tuple(x_shape)
    y_dims = (1,) * (rank - len(y_shape)) + tuple(y_shape)
    x_axes, y_axes = [], []
    for axis, (x_dim, y_dim) in enumerate(zip(x_dims, y_dims)):
        if x_dim == 1 and y_dim != 1:
            x_axes.append(axis)
        elif y_dim == 1 and x_dim != 1:
            y_axes.append(axis)
        elif x_dim is None or y_dim is None:
            return None, None
    return x_axes, y_axes


def _broadcast_reductions(x, y):
    """(shape, axes, must_reduce) for x and for y (TF's SmartBroadcastGradientArgs)."""
    x_shape, y_shape = array_ops.shape(x), array_ops.shape(y)
    x_axes, y_axes = _static_reduction_axes(x._shape, y._shape)
    if x_axes is None:
        x_axes, y_axes = array_ops.broadcast_gradient_args(x_shape, y_shape)
        return (x_shape, x_axes, True), (y_shape, y_axes, True)
    x_rank, y_rank = len(x._shape), len(y._shape)
    return ((x_shape, x_axes, bool(x_axes) or x_rank < y_rank),
            (y_shape, y_axes, bool(y_axes) or y_rank < x_rank))


def _reduce_to(grad, shape_axes_must_reduce):
    shape, axes, must_reduce = shape_axes_must_reduce
    if grad is None or not must_reduce:
        return grad
    return array_ops.reshape(reduce_ops.reduce_sum(grad, axes, keepdims=True), shape)


def reduce_gradient_args(x, y, grad_x, grad_y):
    """Both gradients summed back over the axes their inputs were broadcast along (shape ops
    only where the shapes do not tell), as TF's _ReduceGradientArgs."""
    if grad_x is None and grad_y is None:
        return [grad_x, grad_y]
    x_reduction, y_reduction = _broadcast_reductions(x, y)
    return [_reduce_to(grad_x, x_reduction), _reduce_to(grad_y, y_reduction)]


def shapes_fully_specified_and_equal(x, y, grad) -> bool:
    """True when x, y and grad have one fully known shape (TF's fast path: no reductions)."""
    return (x._shape == y._shape == grad._shape) and is_fully_defined(x._shape)


def sum_to_shape_of(grad, x):
    """`grad` (shaped like a broadcast result) summed back to the shape of `x`.

    When both shapes are known while building, the reduction axes are computed here and no
    shape ops are added; otherwise BroadcastGradientArgs finds them at run time, as in TF.
    """
    if grad is None:
        return None
    grad_shape, x_shape = grad._shape, x._shape
    if is_fully_defined(grad_shape) and is_fully_defined(x_shape):
        if grad_shape == x_shape:
            return grad
        lead = len(grad_shape) - len(x_shape)
        axes = list(range(lead)) + [lead + i for i, d in enumerate(x_shape)
                                    if d == 1 and grad_shape[lead + i] != 1]
        summed = reduce_ops.reduce_sum(grad, axes) if axes else grad
        return summed if summed._shape == x_shape else array_ops.reshape(summed, x_shape)
    x_dims = array_ops.shape(x)
    axes, _ = array_ops.broadcast_gradient_args(x_dims, array_ops.shape(grad))
    return array_ops.reshape(reduce_ops.reduce_sum(grad, axes), x_dims)


def binary_grads(op, grad_x, grad_y):
    """The two gradients of a broadcasting binary op, each summed back to its input's shape."""
    x, y = op._inputs
    return reduce_gradient_args(x, y, grad_x, grad_y)
