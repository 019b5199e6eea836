"""Helpers that gradient functions share: undoing broadcasting, shapes known while building."""

from __future__ import annotations

from ..graph.shapes import is_fully_defined
from . import array_ops, reduce_ops


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
    return [sum_to_shape_of(grad_x, x), sum_to_shape_of(grad_y, y)]
