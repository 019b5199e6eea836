"""Streaming counts of a binary classifier's outcomes, and precision and recall from them.

`true_positives`, `false_positives`, `true_negatives` and `false_negatives` each keep one local
`count` variable (weighted when weights are given); `precision` and `recall` combine two of
them, answering 0 while nothing has been counted, as TF does.
"""

from __future__ import annotations

from ..graph import dtypes
from ..graph.build import OpScope
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..ops import (
    array_ops,
    check_ops,
    control_ops,
    logging_ops,
    logic_ops,
    math_ops,
    reduce_ops,
    state_ops,
)
from ..ops.static import static_value
from .metrics import _add_to_collections, _metric_scope, _squeeze_for_metric, metric_variable


def _assert_bool(values) -> None:
    """TF's check_ops.assert_type, decided while building: a NoOp or TypeError."""
    with OpScope(None, "assert_type", [values]):
        if values.dtype.base_dtype is not dtypes.bool_:
            raise TypeError(f"{values.name} must be of type bool; got {values.dtype.name}")
        control_ops.no_op(name="statically_determined_correct_type")


def _assert_rank_in(x, ranks):
    """TF's check_ops.assert_rank_in: a NoOp or ValueError naming the tensor when the ranks
    are known while building, else an Assert on the rank at run time."""
    with OpScope(None, "assert_rank_in", (x,) + tuple(ranks)):
        x = convert_to_tensor(x, name="x")
        ranks = [convert_to_tensor(r, name="rank") for r in ranks]
        data = ["", f"Tensor {x.name} must have rank in", *ranks, "Received shape: ",
                array_ops.shape(x)]
        for rank in ranks:
            with OpScope(None, "assert_type", [rank]):
                control_ops.no_op(name="statically_determined_correct_type")
        static_ranks = [_static_scalar(r) for r in ranks]
        if x._shape is not None and all(r is not None for r in static_ranks):
            if len(x._shape) not in static_ranks:
                raise ValueError(f"Tensor {x.name} must have rank in {tuple(static_ranks)}.  "
                                 f"Received rank {len(x._shape)}, shape {x.shape}")
            return control_ops.no_op(name="static_checks_determined_all_ok")
        actual = array_ops.rank(x)
        condition = logic_ops.equal(ranks[0], actual)
        for rank in ranks[1:]:
            condition = logic_ops.logical_or(condition, logic_ops.equal(rank, actual))
        for rank, static_rank in zip(ranks, static_ranks):
            if static_rank is None:  # TF also checks that the rank given is a scalar
                scalar_check = check_ops.assert_rank(
                    rank, 0, data=["Rank must be a scalar. Received rank: ", rank])
                condition = control_ops.with_dependencies([scalar_check], condition)
        return logging_ops.Assert(condition, data)


def _static_scalar(tensor):
    value = static_value(tensor)
    return None if value is None else int(value)


def _count_condition(values, weights=None, metrics_collections=None, updates_collections=None):
    """A local `count` of the true `values` (weighted): (value, update_op)."""
    _assert_bool(values)
    count = metric_variable([], dtypes.float32, name="count")
    values = math_ops.cast(values, dtypes.float32)
    if weights is not None:
        check = _assert_rank_in(weights, (0, array_ops.rank(values)))
        with get_default_graph().control_dependencies([check]):
            weights = math_ops.cast(weights, dtypes.float32)
            values = math_ops.multiply(values, weights)
    value = array_ops.identity(count.value())
    _add_to_collections(metrics_collections, value)
    update_op = state_ops.assign_add(count, reduce_ops.reduce_sum(values))
    _add_to_collections(updates_collections, update_op)
    return value, update_op


def _outcome_counter(default_name, label_value, prediction_value):
    def count(labels, predictions, weights=None, metrics_collections=None,
              updates_collections=None, name=None):
        with _metric_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _squeeze_for_metric(
                math_ops.cast(predictions, dtypes.bool_), math_ops.cast(labels, dtypes.bool_),
                weights)
            outcome = logic_ops.logical_and(logic_ops.equal(labels, label_value),
                                            logic_ops.equal(predictions, prediction_value))
            return _count_condition(outcome, weights, metrics_collections, updates_collections)
    count.__name__ = default_name
    count.__doc__ = f"The streaming weighted count of {default_name.replace('_', ' ')}."
    return count


true_positives = _outcome_counter("true_positives", True, True)
false_positives = _outcome_counter("false_positives", False, True)
true_negatives = _outcome_counter("true_negatives", False, False)
false_negatives = _outcome_counter("false_negatives", True, False)


def _ratio(hits, misses, name):
    """hits / (hits + misses), 0 while both are 0."""
    return logic_ops.where(logic_ops.greater(hits + misses, 0),
                           math_ops.divide(hits, hits + misses), 0, name)


def _ratio_metric(default_name, miss_counter):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with _metric_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _squeeze_for_metric(
                math_ops.cast(predictions, dtypes.bool_), math_ops.cast(labels, dtypes.bool_),
                weights)
            hits, update_hits = true_positives(labels, predictions, weights)
            misses, update_misses = miss_counter(labels, predictions, weights)
            value = _ratio(hits, misses, "value")
            _add_to_collections(metrics_collections, value)
            update_op = _ratio(update_hits, update_misses, "update_op")
            _add_to_collections(updates_collections, update_op)
            return value, update_op
    metric.__name__ = default_name
    return metric


precision = _ratio_metric("precision", false_positives)
precision.__doc__ = "true positives / (true positives + false positives), streaming."
recall = _ratio_metric("recall", false_negatives)
recall.__doc__ = "true positives / (true positives + false negatives), streaming."
