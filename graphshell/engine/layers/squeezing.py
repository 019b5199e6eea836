"""Dropping a trailing size-1 dimension so labels and predictions have the ranks a loss or
metric expects (TF's confusion_matrix.remove_squeezable_dimensions)."""

from __future__ import annotations

from ..graph.build import OpScope
from ..graph.convert import convert_to_tensor
from ..ops import array_ops, control_flow, logic_ops


def _last_dim_may_be_one(tensor) -> bool:
    shape = tensor._shape
    return shape is None or (len(shape) > 0 and shape[-1] in (None, 1))


def remove_squeezable_dimensions(labels, predictions, expected_rank_diff=0, name=None):
    """(labels, predictions), one of them squeezed on its last axis when its rank is one more
    than `rank(predictions) - rank(labels) == expected_rank_diff` allows."""
    with OpScope(name, "remove_squeezable_dimensions", [labels, predictions]):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels)
        if predictions._shape is not None and labels._shape is not None:
            rank_diff = len(predictions._shape) - len(labels._shape)
            if rank_diff == expected_rank_diff + 1 and _last_dim_may_be_one(predictions):
                predictions = array_ops.squeeze(predictions, [-1])
            elif rank_diff == expected_rank_diff - 1 and _last_dim_may_be_one(labels):
                labels = array_ops.squeeze(labels, [-1])
            return labels, predictions
        rank_diff = array_ops.rank(predictions) - array_ops.rank(labels)
        if _last_dim_may_be_one(predictions):
            unsqueezed_predictions = predictions
            predictions = control_flow.cond(
                logic_ops.equal(expected_rank_diff + 1, rank_diff),
                lambda: array_ops.squeeze(unsqueezed_predictions, [-1]),
                lambda: unsqueezed_predictions)
        if _last_dim_may_be_one(labels):
            unsqueezed_labels = labels
            labels = control_flow.cond(
                logic_ops.equal(expected_rank_diff - 1, rank_diff),
                lambda: array_ops.squeeze(unsqueezed_labels, [-1]),
                lambda: unsqueezed_labels)
        return labels, predictions


def squeeze_weights_like_labels(labels, weights):
    """`weights` squeezed on its last axis when its rank is one more than the labels' rank."""
    weights = convert_to_tensor(weights)
    labels_shape, weights_shape = labels._shape, weights._shape
    if labels_shape is not None and weights_shape is not None:
        if len(weights_shape) - len(labels_shape) == 1:
            weights = array_ops.squeeze(weights, [-1])
        return weights
    rank_diff = array_ops.rank(weights) - array_ops.rank(labels)
    if weights_shape is None or (len(weights_shape) > 0 and weights_shape[-1] in (None, 1)):
        unsqueezed = weights
        weights = control_flow.cond(logic_ops.equal(1, rank_diff),
                                    lambda: array_ops.squeeze(unsqueezed, [-1]),
                                    lambda: unsqueezed)
    return weights
