"""tf.hessians as TF 1.x builds it: the gradient of each component of the gradient, one per
pass of a while loop, written into a TensorArray and stacked (gradients_impl.hessians)."""

from __future__ import annotations

from ..graph import dtypes
from ..graph.convert import constant
from ..ops import array_ops, slicing_ops, tensor_array_ops
from ..ops import while_loop as loops
from .gradients import gradients


def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False, gate_gradients=False,
             aggregation_method=None):
    """For each x in xs, the Hessian of sum(ys) with respect to x, of shape x.shape + x.shape.

    `name` is accepted and unused, as in TF 1.x: the ops are named at the top level."""
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    options = {"colocate_gradients_with_ops": colocate_gradients_with_ops,
               "gate_gradients": gate_gradients, "aggregation_method": aggregation_method}
    result = []
    for gradient, x in zip(gradients(ys, xs, **options), xs):
        result.append(_hessian_of(array_ops.reshape(gradient, [-1]), x, options))
    return result


def _hessian_of(flat_gradient, x, options):
    """d(flat_gradient[j])/dx for every j, stacked and shaped x.shape + x.shape."""
    count = array_ops.size(x)

    def second_derivatives(j, rows):
        following = j + 1  # built first, as TF's body builds it (the ops' names follow)
        return following, rows.write(j, gradients(flat_gradient[j], x, **options)[0])
    _, rows = loops.while_loop(
        lambda j, _: j < count, second_derivatives,
        [constant(0, dtypes.int32), tensor_array_ops.TensorArray(x.dtype, count)])
    x_shape = array_ops.shape(x)
    return array_ops.reshape(rows.stack(), slicing_ops.concat((x_shape, x_shape), 0))
