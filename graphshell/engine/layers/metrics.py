"""The TF 1.x streaming metrics (tf.metrics.*): local variables, a value and an update op.

Each metric keeps running totals in variables that are local (LOCAL_VARIABLES and
METRIC_VARIABLES, not trainable, zero-initialised by `tf.local_variables_initializer()`): `value`
reads the metric from the totals, and `update_op` adds a batch to them and returns the updated
metric. `accuracy` is the mean of `predictions == labels`, as in TF.
"""

from __future__ import annotations

from ..graph import dtypes
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..graph.shapes import TensorShape
from ..ops import (
    array_ops,
    control_flow,
    input_ops,
    logic_ops,
    math_ops,
    reduce_ops,
    state_ops,
    unary_ops,
    variable_scope,
)
from ..ops.variables import Variable
from . import squeezing
from .weights_broadcast import broadcast_weights


def metric_variable(shape, dtype, validate_shape=True, name=None) -> Variable:
    """A zero-initialised local variable holding a metric's running total."""
    return Variable(lambda: input_ops.zeros(shape, dtype), trainable=False,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
                    validate_shape=validate_shape, name=name)


def _add_to_collections(collections, value) -> None:
    if collections:
        get_default_graph().add_to_collections(collections, value)


def _metric_scope(name, default_name, values):
    """The variable scope a metric's variables and ops live in (`accuracy/`, `mean_1/`...)."""
    return variable_scope.variable_scope(name, default_name, values)


# -- shapes of predictions, labels and weights -----------------------------------------------
def _squeeze_for_metric(predictions, labels, weights):
    """Predictions and labels of one rank, weights squeezed or expanded to match (TF's
    metrics_impl._remove_squeezable_dimensions)."""
    predictions = convert_to_tensor(predictions)
    if labels is not None:
        labels, predictions = squeezing.remove_squeezable_dimensions(labels, predictions)
        TensorShape(predictions._shape).assert_is_compatible_with(TensorShape(labels._shape))
    if weights is None:
        return predictions, labels, None
    weights = convert_to_tensor(weights)
    if weights._shape == ():
        return predictions, labels, weights
    if predictions._shape is not None and weights._shape is not None:
        difference = len(weights._shape) - len(predictions._shape)
        if difference == 1:
            weights = array_ops.squeeze(weights, [-1])
        elif difference == -1:
            weights = array_ops.expand_dims(weights, [-1])
        return predictions, labels, weights
    return predictions, labels, _dynamic_weights_rank(weights, predictions)


def _dynamic_weights_rank(weights, predictions):
    weights_rank = array_ops.rank(weights)
    rank_diff = weights_rank - array_ops.rank(predictions)
    last = None if weights._shape is None else weights._shape[-1]

    def maybe_squeeze():
        if last not in (None, 1):
            return weights
        return array_ops.squeeze(weights, [-1])

    def maybe_expand():
        return control_flow.cond(logic_ops.equal(rank_diff, -1),
                                 lambda: array_ops.expand_dims(weights, [-1]), lambda: weights)

    def maybe_adjust():
        return control_flow.cond(logic_ops.equal(rank_diff, 1), maybe_squeeze, maybe_expand)

    return control_flow.cond(logic_ops.equal(weights_rank, 0), lambda: weights, maybe_adjust)


# -- mean and the metrics built on it ---------------------------------------------------------
def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of every value seen: (value, update_op)."""
    with _metric_scope(name, "mean", (values, weights)):
        values = math_ops.cast(values, dtypes.float32)
        total = metric_variable([], dtypes.float32, name="total")
        count = metric_variable([], dtypes.float32, name="count")
        if weights is None:
            num_values = math_ops.cast(array_ops.size(values), dtypes.float32)
        else:
            values, _, weights = _squeeze_for_metric(values, None, weights)
            weights = broadcast_weights(math_ops.cast(weights, dtypes.float32), values)
            values = math_ops.multiply(values, weights)
            num_values = reduce_ops.reduce_sum(weights)
        update_total = state_ops.assign_add(total, reduce_ops.reduce_sum(values))
        with get_default_graph().control_dependencies([values]):
            update_count = state_ops.assign_add(count, num_values)
        value = math_ops.div_no_nan(total, math_ops.maximum(count, 0), name="value")
        _add_to_collections(metrics_collections, value)
        update_op = math_ops.div_no_nan(update_total, math_ops.maximum(update_count, 0),
                                        name="update_op")
        _add_to_collections(updates_collections, update_op)
        return value, update_op


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """How often predictions equal labels: (value, update_op)."""
    predictions, labels, weights = _squeeze_for_metric(predictions, labels, weights)
    TensorShape(predictions._shape).assert_is_compatible_with(TensorShape(labels._shape))
    if labels.dtype.base_dtype is not predictions.dtype.base_dtype:
        predictions = math_ops.cast(predictions, labels.dtype.base_dtype)
    is_correct = math_ops.cast(logic_ops.equal(predictions, labels), dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections,
                name or "accuracy")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    """The running mean of (labels - predictions)^2."""
    predictions, labels, weights = _squeeze_for_metric(predictions, labels, weights)
    squared_error = math_ops.squared_difference(labels, predictions)
    return mean(squared_error, weights, metrics_collections, updates_collections,
                name or "mean_squared_error")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    """The running mean of |predictions - labels|."""
    predictions, labels, weights = _squeeze_for_metric(predictions, labels, weights)
    absolute_errors = unary_ops.abs(predictions - labels)
    return mean(absolute_errors, weights, metrics_collections, updates_collections,
                name or "mean_absolute_error")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """The square root of the running mean squared error."""
    predictions, labels, weights = _squeeze_for_metric(predictions, labels, weights)
    mse, update_mse = mean_squared_error(labels, predictions, weights, None, None,
                                         name or "root_mean_squared_error")
    rmse = unary_ops.sqrt(mse)
    _add_to_collections(metrics_collections, rmse)
    update_rmse = unary_ops.sqrt(update_mse)
    _add_to_collections(updates_collections, update_rmse)
    return rmse, update_rmse
