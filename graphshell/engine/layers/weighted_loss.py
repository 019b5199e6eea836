"""Weighting and reducing per-element losses, and the loss collections (tf.losses' core).

`compute_weighted_loss` multiplies the losses by their weights and reduces them as the
`Reduction` says; TF 1.x's default divides the weighted sum by the number of non-zero weights.
Every loss it builds is added to `GraphKeys.LOSSES` unless told otherwise.
"""

from __future__ import annotations

from ..graph import dtypes
from ..graph.build import OpScope
from ..graph.convert import constant, convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..ops import array_ops, input_ops, logic_ops, math_ops, reduce_ops
from .weights_broadcast import assert_broadcastable, broadcast_weights


class Reduction:
    """How a weighted loss is reduced (tf.losses.Reduction)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key) -> None:
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}. Key should be one of {cls.all()}.")


def _safe_mean(total, count):
    """sum(total) / count, 0 when count is 0 (the op is named `value`)."""
    return math_ops.div_no_nan(reduce_ops.reduce_sum(total), count, name="value")


def num_present(losses, weights, per_batch=False):
    """How many losses have a non-zero weight (per batch row when `per_batch`)."""
    if isinstance(weights, float) and weights != 0.0:
        return num_elements(losses)
    with OpScope(None, "num_present", (losses, weights)) as scope:
        weights = math_ops.cast(weights, dtypes.float32)
        present = logic_ops.where(logic_ops.equal(weights, 0.0), input_ops.zeros_like(weights),
                                  input_ops.ones_like(weights))
        present = broadcast_weights(present, losses)
        if per_batch:
            return reduce_ops.reduce_sum(
                present, axis=input_ops.range_(1, array_ops.rank(present)), keepdims=True,
                name=scope)
        return reduce_ops.reduce_sum(present, name=scope)


def num_elements(losses):
    """The number of losses, in their dtype."""
    with OpScope(None, "num_elements", [losses]) as scope:
        return math_ops.cast(array_ops.size(losses, name=scope), losses.dtype)


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """`losses * weights` reduced as `reduction` says, added to `loss_collection`."""
    Reduction.validate(reduction)
    graph = get_default_graph()
    with OpScope(scope, "weighted_loss", (losses, weights)), \
            graph.control_dependencies([assert_broadcastable(weights, losses)]):
        losses = convert_to_tensor(losses)
        input_dtype = losses.dtype.base_dtype
        losses = math_ops.cast(losses, dtypes.float32)
        weights = math_ops.cast(weights, dtypes.float32)
        loss = math_ops.multiply(losses, weights)
        if reduction != Reduction.NONE:
            loss = _reduce(loss, losses, weights, reduction)
        loss = math_ops.cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


def _reduce(weighted_losses, losses, weights, reduction):
    loss = reduce_ops.reduce_sum(weighted_losses)
    if reduction == Reduction.MEAN:
        return _safe_mean(loss, reduce_ops.reduce_sum(input_ops.ones_like(losses) * weights))
    if reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
        return _safe_mean(loss, num_present(losses, weights))
    if reduction == Reduction.SUM_OVER_BATCH_SIZE:
        return _safe_mean(loss, num_elements(losses))
    return loss


# -- the loss collections -------------------------------------------------------------------------
def add_loss(loss, loss_collection=GraphKeys.LOSSES) -> None:
    """Adds `loss` to `loss_collection` (nothing when the collection is None or empty)."""
    if loss_collection:
        get_default_graph().add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES) -> list:
    return get_default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope=None) -> list:
    return get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses (a constant 0.0 when there are none)."""
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of the losses, and of the regularization losses unless told not to."""
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    return math_ops.add_n(losses, name=name)
