"""Slot variables: the per-variable state optimizers and moving averages keep (`W/Adam`...).

A slot of variable `W` named `Adam` is made by `get_variable` inside the variable scope
`W/Adam` (made unique, so a second one is `W/Adam_1`), never trainable, as TF's slot_creator
makes them: its initializer ops are `W/Adam/Initializer/zeros` and so on.
"""

from __future__ import annotations

import contextlib

from ..graph.shapes import TensorShape
from ..ops import array_ops, init_ops, input_ops, variable_scope
from ..ops.variables import Variable


@contextlib.contextmanager
def _slot_scope(primary, name: str):
    """The slot's variable scope, its ops colocated with the primary variable (as TF's)."""
    with primary.op.graph.colocate_with(primary), \
            variable_scope.variable_scope(None, default_name=f"{primary.op.name}/{name}") as scope:
        yield scope


def _slot_variable(initializer, shape, dtype, validate_shape: bool):
    # "" names the variable after the scope itself (`W/Adam`, not `W/Adam/...`)
    return variable_scope.get_variable(
        "", shape=shape, dtype=dtype, initializer=initializer, trainable=False,
        validate_shape=validate_shape)


def create_slot(primary, value, name: str):
    """A slot of `primary` starting at the tensor `value` (its dtype and shape)."""
    with _slot_scope(primary, name):
        return _slot_variable(value, None, None, value.get_shape().is_fully_defined())


def create_slot_with_initializer(primary, initializer, shape, dtype, name: str):
    """A slot of `primary` of the given shape and dtype, built by `initializer`."""
    shape = TensorShape(shape)
    with _slot_scope(primary, name):
        return _slot_variable(initializer, shape, dtype, shape.is_fully_defined())


def create_zeros_slot(primary, name: str, dtype=None):
    """A slot of zeros shaped like `primary` (read from its value when the shape is unknown)."""
    dtype = (primary.dtype if dtype is None else dtype).base_dtype
    shape = primary.get_shape()
    if shape.is_fully_defined():
        return create_slot_with_initializer(primary, init_ops.Zeros(), shape, dtype, name)
    source = primary.initialized_value() if isinstance(primary, Variable) else primary
    return create_slot(primary, input_ops.zeros(array_ops.shape(source), dtype=dtype), name)


__all__ = ["create_slot", "create_slot_with_initializer", "create_zeros_slot"]
