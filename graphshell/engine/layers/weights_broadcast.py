"""Loss and metric weights: checking that they broadcast to the values, and broadcasting them.

As TF's weights_broadcast_ops: weights are a scalar, or have the values' rank with each
dimension 1 or the values' dimension. Checks that can be decided while building (static ranks
and shapes) add only a NoOp or raise ValueError; the others add an Assert that fails the step.
"""

from __future__ import annotations

from ..graph.build import OpScope
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.shapes import is_fully_defined, shapes_compatible
from ..ops import (
    array_ops,
    control_flow,
    control_ops,
    input_ops,
    logging_ops,
    logic_ops,
    math_ops,
    set_ops,
    slicing_ops,
)
from ..ops.static import static_value

ERROR_PREFIX = "weights can not be broadcast to values."


def assert_broadcastable(weights, values):
    """An op that checks `weights` broadcast to `values` (a NoOp when known while building)."""
    with OpScope(None, "assert_broadcastable", (weights, values)) as scope:
        with OpScope(None, "weights", (weights,)) as weights_scope:
            weights = convert_to_tensor(weights, name=weights_scope)
            weights_shape = array_ops.shape(weights, name="shape")
            weights_rank = array_ops.rank(weights, name="rank")
        with OpScope(None, "values", (values,)) as values_scope:
            values = convert_to_tensor(values, name=values_scope)
            values_shape = array_ops.shape(values, name="shape")
            values_rank = array_ops.rank(values, name="rank")
        static_weights_rank = static_value(weights_rank)
        static_values_rank = static_value(values_rank)
        if static_weights_rank is not None and static_values_rank is not None:
            checked = _static_check(weights, values, int(static_weights_rank),
                                    int(static_values_rank))
            if checked is not None:
                return checked
        return _dynamic_check(weights, weights_rank, weights_shape, values, values_rank,
                              values_shape, scope)


def _static_check(weights, values, weights_rank: int, values_rank: int):
    """The NoOp for a check decided while building, None if only the ranks are known."""
    if weights_rank == 0:
        return control_ops.no_op(name="static_scalar_check_success")
    if weights_rank != values_rank:
        raise ValueError(
            f"{ERROR_PREFIX} values.rank={values_rank}. weights.rank={weights_rank}. "
            f"values.shape={values.shape}. weights.shape={weights.shape}. "
            f"Received weights={weights}, values={values}")
    if not (is_fully_defined(weights._shape) and is_fully_defined(values._shape)):
        return None
    for axis, (weight_dim, value_dim) in enumerate(zip(weights._shape, values._shape)):
        if weight_dim not in (1, value_dim):
            raise ValueError(
                f"{ERROR_PREFIX} Mismatch at dim {axis}. values.shape={list(values._shape)}, "
                f"weights.shape={list(weights._shape)}. Received weights={weights}, "
                f"values={values}")
    return control_ops.no_op(name="static_dims_check_success")


def _dynamic_check(weights, weights_rank, weights_shape, values, values_rank, values_shape,
                   scope):
    """The run-time check: an Assert (under `scope`) that fails the step with TF's
    InvalidArgumentError when the fed shapes do not broadcast."""
    is_scalar = logic_ops.equal(0, weights_rank, name="is_scalar")
    data = (ERROR_PREFIX, "weights.shape=", weights.name, weights_shape,
            "values.shape=", values.name, values_shape, "is_scalar=", is_scalar)
    is_valid_shape = control_flow.cond(
        is_scalar, lambda: is_scalar,
        lambda: _has_valid_nonscalar_shape(weights_rank, weights_shape, values_rank,
                                           values_shape),
        name="is_valid_shape")
    return logging_ops.Assert(is_valid_shape, data, name=scope)


def _has_valid_nonscalar_shape(weights_rank, weights_shape, values_rank, values_shape):
    """True when the ranks agree and every weights dimension is 1 or the values' one."""
    with OpScope(None, "has_valid_nonscalar_shape",
                 (weights_rank, weights_shape, values_rank, values_shape)) as scope:
        same_rank = logic_ops.equal(values_rank, weights_rank, name="is_same_rank")
        return control_flow.cond(
            same_rank, lambda: _has_valid_dims(weights_shape, values_shape),
            lambda: same_rank, name=scope)


def _has_valid_dims(weights_shape, values_shape):
    """True when no weights dimension is outside {the values' dimension, 1}: TF pairs each
    values dimension with 1 and takes a set difference per axis."""
    with OpScope(None, "has_invalid_dims", (weights_shape, values_shape)) as scope:
        values_shape_2d = array_ops.expand_dims(values_shape, -1)
        valid_dims = slicing_ops.concat(
            (values_shape_2d, input_ops.ones_like(values_shape_2d)), axis=1)
        weights_shape_2d = array_ops.expand_dims(weights_shape, -1)
        invalid_dims = set_ops.set_difference(weights_shape_2d, valid_dims)
        num_invalid_dims = array_ops.size(invalid_dims.values, name="num_invalid_dims")
        return logic_ops.equal(0, num_invalid_dims, name=scope)


def broadcast_weights(weights, values):
    """`weights` multiplied out to the shape of `values` (unchanged when already that shape)."""
    with OpScope(None, "broadcast_weights", (weights, values)) as scope:
        values = convert_to_tensor(values, name="values")
        weights = convert_to_tensor(weights, dtype=values.dtype.base_dtype, name="weights")
        if (is_fully_defined(weights._shape) and is_fully_defined(values._shape)
                and shapes_compatible(weights._shape, values._shape)):
            return weights
        with get_default_graph().control_dependencies([assert_broadcastable(weights, values)]):
            return math_ops.multiply(weights, input_ops.ones_like(values), name=scope)
