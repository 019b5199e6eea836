"""Stacks that carry a while loop's per-iteration values to its gradient loop, as in TF1.

StackV2 makes an empty stack once per step; StackPushV2 (in the forward loop) pushes a value
each iteration; StackPopV2 (in the gradient loop) pops them back in reverse order.
"""

from __future__ import annotations

from ..graph import dtypes, errors
from ..graph.registry import NOT_DIFFERENTIABLE, define


def _infer_stack(op):
    return [(dtypes.resource, ())]


def _make_new_stack(op, runtime):
    return lambda max_size: []  # unbounded: the gradient stacks TF makes have max_size -1


def _infer_push(op):
    value = op._inputs[1]
    return [(value.dtype.base_dtype, value._shape)]


def _push(stack, value):
    stack.append(value)
    return value


def _infer_pop(op):
    return [(op.attrs["elem_type"], op.attrs.get("_shape"))]


def _make_pop(op, runtime):
    def pop(stack):
        if not stack:
            raise errors.InvalidArgumentError(
                None, op, f"Stack of {op.name} is empty: the gradient loop ran more "
                          "iterations than the forward loop.")
        return stack.pop()
    return pop


define("StackV2", infer=_infer_stack, make_kernel=_make_new_stack, stateful=True,
       grad=NOT_DIFFERENTIABLE)
define("StackPushV2", infer=_infer_push, kernel=_push, stateful=True, grad=NOT_DIFFERENTIABLE)
define("StackPopV2", infer=_infer_pop, make_kernel=_make_pop, stateful=True,
       grad=NOT_DIFFERENTIABLE)
