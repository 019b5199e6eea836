"""The TF 1.x losses (tf.losses.*): per-element losses, weighted and reduced.

Each loss opens its own scope (`mean_squared_error/`...), computes one loss per element in
float32, and hands them to `compute_weighted_loss` inside that scope, so its reduction ops sit
beside the loss's own (`mean_squared_error/SquaredDifference`, `mean_squared_error/value`).
"""

from __future__ import annotations

from ..graph import dtypes
from ..graph.build import OpScope
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..graph.shapes import TensorShape
from ..ops import array_ops, input_ops, logic_ops, math_ops, nn_ops, reduce_ops, unary_ops
from . import squeezing
from .weighted_loss import Reduction, add_loss, compute_weighted_loss, num_present
from .weights_broadcast import assert_broadcastable

_DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS


def _require(**arguments) -> None:
    for argument, value in arguments.items():
        if value is None:
            raise ValueError(f"Argument `{argument}` must not be None.")


def _float_pair(predictions, labels):
    """Both cast to float32, their static shapes checked for compatibility."""
    predictions = math_ops.cast(predictions, dtypes.float32)
    labels = math_ops.cast(labels, dtypes.float32)
    TensorShape(predictions._shape).assert_is_compatible_with(TensorShape(labels._shape))
    return predictions, labels


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES, reduction=_DEFAULT):
    """(predictions - labels)^2, weighted and reduced."""
    _require(labels=labels, predictions=predictions)
    with OpScope(scope, "mean_squared_error", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        losses = math_ops.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES, reduction=_DEFAULT):
    """|predictions - labels|, weighted and reduced."""
    _require(labels=labels, predictions=predictions)
    with OpScope(scope, "absolute_difference", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        losses = unary_ops.abs(math_ops.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=_DEFAULT):
    """Quadratic up to `delta` of error, linear past it."""
    _require(labels=labels, predictions=predictions)
    with OpScope(scope, "huber_loss", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        abs_error = unary_ops.abs(math_ops.subtract(predictions, labels))
        quadratic = math_ops.minimum(abs_error, delta)
        linear = math_ops.subtract(abs_error, quadratic)
        half = convert_to_tensor(0.5, dtype=quadratic.dtype.base_dtype)
        losses = math_ops.add(math_ops.multiply(half, math_ops.multiply(quadratic, quadratic)),
                              math_ops.multiply(delta, linear))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=_DEFAULT):
    """relu(1 - y * logits) with labels in {0, 1} mapped to y in {-1, 1}."""
    _require(labels=labels, logits=logits)
    with OpScope(scope, "hinge_loss", (logits, labels, weights)) as scope:
        logits, labels = _float_pair(logits, labels)
        all_ones = input_ops.ones_like(labels)
        signs = math_ops.subtract(2 * labels, all_ones)
        losses = unary_ops.relu(math_ops.subtract(all_ones, math_ops.multiply(signs, logits)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=_DEFAULT):
    """The binary cross entropy of probabilities, with `epsilon` inside the logs."""
    _require(labels=labels, predictions=predictions)
    with OpScope(scope, "log_loss", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        losses = (-math_ops.multiply(labels, unary_ops.log(predictions + epsilon))
                  - math_ops.multiply(1 - labels, unary_ops.log(1 - predictions + epsilon)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES, reduction=_DEFAULT, dim=None):
    """1 - sum(labels * predictions) along `axis` (inputs assumed unit-normalized)."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify argument `axis`.")
    _require(labels=labels, predictions=predictions)
    with OpScope(scope, "cosine_distance_loss", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        products = math_ops.multiply(predictions, labels)
        losses = 1 - reduce_ops.reduce_sum(products, axis=(axis,), keepdims=True)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0,
                          scope=None, loss_collection=GraphKeys.LOSSES, reduction=_DEFAULT):
    """Sigmoid cross entropy per element; labels smoothed towards 1/2."""
    _require(multi_class_labels=multi_class_labels, logits=logits)
    with OpScope(scope, "sigmoid_cross_entropy_loss",
                 (logits, multi_class_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        labels = math_ops.cast(multi_class_labels, logits.dtype.base_dtype)
        TensorShape(logits._shape).assert_is_compatible_with(TensorShape(labels._shape))
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                          name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=_DEFAULT):
    """Softmax cross entropy per row; labels smoothed towards the uniform distribution."""
    _require(onehot_labels=onehot_labels, logits=logits)
    with OpScope(scope, "softmax_cross_entropy_loss", (logits, onehot_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        labels = math_ops.cast(onehot_labels, logits.dtype.base_dtype)
        TensorShape(logits._shape).assert_is_compatible_with(TensorShape(labels._shape))
        if label_smoothing > 0:
            num_classes = math_ops.cast(array_ops.shape(labels)[-1], logits.dtype.base_dtype)
            smooth_negatives = label_smoothing / num_classes
            labels = labels * (1.0 - label_smoothing) + smooth_negatives
        labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
        losses = nn_ops.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits,
                                                             name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES, reduction=_DEFAULT):
    """Softmax cross entropy of class indices; a trailing size-1 label axis is dropped."""
    _require(labels=labels, logits=logits)
    with OpScope(scope, "sparse_softmax_cross_entropy_loss", (logits, labels, weights)) as scope:
        labels, logits = squeezing.remove_squeezable_dimensions(labels, logits,
                                                                expected_rank_diff=1)
        weights = squeezing.squeeze_weights_like_labels(labels, weights)
        losses = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                 name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=GraphKeys.LOSSES):
    """The mean over pairs of elements of each row of ((p_i - p_j) - (l_i - l_j))^2."""
    _require(labels=labels, predictions=predictions)
    with OpScope(scope, "mean_pairwise_squared_error", (predictions, labels, weights)):
        weights = math_ops.cast(weights, dtypes.float32)
        labels = math_ops.cast(labels, dtypes.float32)
        with get_default_graph().control_dependencies([assert_broadcastable(weights, labels)]):
            return _pairwise_loss(labels, predictions, weights, loss_collection)


def _pairwise_loss(labels, predictions, weights, loss_collection):
    predictions, labels = _float_pair(predictions, labels)
    diffs = math_ops.subtract(predictions, labels)
    axis = input_ops.range_(1, array_ops.rank(diffs))
    sum_squares = reduce_ops.reduce_sum(unary_ops.square(diffs), axis=axis, keepdims=True)
    present = num_present(diffs, weights, per_batch=True)
    term1 = 2.0 * math_ops.div_no_nan(sum_squares, math_ops.maximum(present - 1, 0),
                                      name="value")
    sum_diff = reduce_ops.reduce_sum(diffs, axis=axis, keepdims=True)
    term2 = 2.0 * math_ops.div_no_nan(
        unary_ops.square(sum_diff), math_ops.maximum(math_ops.multiply(present, present - 1), 0),
        name="value")
    loss = reduce_ops.reduce_sum(math_ops.multiply(term1 - term2, weights))
    mean_loss = logic_ops.where(reduce_ops.reduce_sum(present) > 0, loss,
                                input_ops.zeros_like(loss), name="value")
    add_loss(mean_loss, loss_collection)
    return mean_loss

