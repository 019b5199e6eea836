"""tf.metrics.auc, and the confusion counts at thresholds it is built on.

Each threshold t keeps four local totals (`true_positives`, `false_negatives`,
`true_negatives`, `false_positives`, one entry per threshold): a prediction counts as positive
at t when it is greater than t. The area under the ROC or PR curve is summed over neighbouring
thresholds (trapezoids, the lower or upper rectangles, or TF's careful interpolation of PR).
`precision_at_thresholds` and `recall_at_thresholds` read the same totals.
"""

from __future__ import annotations

import logging

from ..graph import dtypes
from ..graph.convert import constant
from ..graph.graph import get_default_graph
from ..ops import (
    array_ops,
    check_ops,
    index_ops,
    input_ops,
    logic_ops,
    math_ops,
    reduce_ops,
    state_ops,
    unary_ops,
)
from .metrics import _add_to_collections, _metric_scope, _squeeze_for_metric, metric_variable
from .weights_broadcast import broadcast_weights

_COUNT_NAMES = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
                "fp": "false_positives"}
_ALL_INCLUDES = ("tp", "fn", "tn", "fp")
_KEPSILON = 1e-7  # thresholds just outside [0, 1], so the ends count everything or nothing
_EPSILON = 1.0e-6  # keeps the rates defined when a count is zero


def confusion_matrix_at_thresholds(labels, predictions, thresholds, weights=None,
                                   includes=None):
    """The local count variables and their update ops, each keyed 'tp', 'fn', 'tn', 'fp'
    (TF's metrics_impl._confusion_matrix_at_thresholds)."""
    includes = _ALL_INCLUDES if includes is None else includes
    for include in includes:
        if include not in _ALL_INCLUDES:
            raise ValueError(f"Invalid key: {include}")
    predictions, labels, weights = _checked_inputs(labels, predictions, weights)
    num_thresholds = len(thresholds)
    predictions_2d = array_ops.reshape(predictions, [-1, 1])
    labels_2d = array_ops.reshape(math_ops.cast(labels, dtypes.bool_), [1, -1])
    num_predictions = predictions_2d.shape.as_list()[0]
    if num_predictions is None:
        num_predictions = array_ops.shape(predictions_2d)[0]
    thresh_tiled = index_ops.tile(array_ops.expand_dims(constant(thresholds), [1]),
                                  _stacked_multiples(num_predictions))
    pred_is_pos = logic_ops.greater(
        index_ops.tile(array_ops.transpose(predictions_2d), [num_thresholds, 1]), thresh_tiled)
    outcomes = {"pred_pos": pred_is_pos}
    if "fn" in includes or "tn" in includes:
        outcomes["pred_neg"] = logic_ops.logical_not(pred_is_pos)
    outcomes["label_pos"] = index_ops.tile(labels_2d, [num_thresholds, 1])
    if "fp" in includes or "tn" in includes:
        outcomes["label_neg"] = logic_ops.logical_not(outcomes["label_pos"])
    weights_tiled = None
    if weights is not None:
        weights = broadcast_weights(math_ops.cast(weights, dtypes.float32), predictions)
        weights_tiled = index_ops.tile(array_ops.reshape(weights, [1, -1]),
                                       [num_thresholds, 1])
        thresh_tiled.shape.assert_is_compatible_with(weights_tiled.shape)
    values, update_ops = {}, {}
    for key in _ALL_INCLUDES:  # TF's order: the variables are created tp, fn, tn, fp
        if key in includes:
            values[key], update_ops[key] = _count_at_thresholds(
                key, outcomes, weights_tiled, num_thresholds)
    return values, update_ops


def _stacked_multiples(num_predictions):
    """[1, num_predictions] as TF's stack builds it: one Const when the count is known."""
    if isinstance(num_predictions, int):
        return constant([1, num_predictions], name="stack")
    return array_ops.stack([1, num_predictions])


def _checked_inputs(labels, predictions, weights):
    """Predictions asserted in [0, 1] and cast to float32, labels to bool, squeezed alike."""
    predictions_dtype = getattr(predictions, "dtype", None)
    checks = [
        check_ops.assert_greater_equal(predictions, math_ops.cast(0.0, predictions_dtype),
                                       message="predictions must be in [0, 1]"),
        check_ops.assert_less_equal(predictions, math_ops.cast(1.0, predictions_dtype),
                                    message="predictions must be in [0, 1]"),
    ]
    with get_default_graph().control_dependencies(checks):
        return _squeeze_for_metric(math_ops.cast(predictions, dtypes.float32),
                                   math_ops.cast(labels, dtypes.bool_), weights)


def _count_at_thresholds(key, outcomes, weights_tiled, num_thresholds):
    """One count variable (per threshold) and its update op."""
    label = outcomes["label_pos" if key in ("tp", "fn") else "label_neg"]
    prediction = outcomes["pred_pos" if key in ("tp", "fp") else "pred_neg"]
    count = metric_variable([num_thresholds], dtypes.float32, name=_COUNT_NAMES[key])
    is_counted = math_ops.cast(logic_ops.logical_and(label, prediction), dtypes.float32)
    if weights_tiled is not None:
        is_counted *= weights_tiled
    return count, state_ops.assign_add(count, reduce_ops.reduce_sum(is_counted, 1))


def _auc_thresholds(num_thresholds, thresholds):
    if thresholds is not None:
        thresholds = sorted(thresholds)
        num_thresholds = len(thresholds) + 2
    else:
        thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return num_thresholds, [0.0 - _KEPSILON] + thresholds + [1.0 + _KEPSILON]


def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
        updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal",
        thresholds=None):
    """The area under the ROC or PR curve, from counts at `num_thresholds` thresholds:
    (value, update_op)."""
    with _metric_scope(name, "auc", (labels, predictions, weights)):
        if curve not in ("ROC", "PR"):
            raise ValueError(f"Curve must be either ROC or PR. Curve {curve} is unknown.")
        num_thresholds, thresholds = _auc_thresholds(num_thresholds, thresholds)
        values, update_ops = confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                            weights)
        area = _AreaUnderCurve(curve, summation_method, num_thresholds)
        value = area.compute(values, "value")
        _add_to_collections(metrics_collections, value)
        update_op = area.compute(update_ops, "update_op")
        _add_to_collections(updates_collections, update_op)
        return value, update_op


def _at_thresholds(default_name, includes, epsilon, labels, predictions, thresholds, weights,
                   metrics_collections, updates_collections, name):
    """tp / (epsilon + tp + other) per threshold, `other` the second count of `includes`."""
    with _metric_scope(name, default_name, (predictions, labels, weights)):
        values, update_ops = confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                            weights, includes=includes)
        label = default_name.split("_")[0]
        tp_key, other_key = includes

        def ratio(counts, suffix):
            return math_ops.divide(counts[tp_key], epsilon + counts[tp_key] + counts[other_key],
                                   name=f"{label}_{suffix}")

        value = ratio(values, "value")
        _add_to_collections(metrics_collections, value)
        update_op = ratio(update_ops, "update_op")
        _add_to_collections(updates_collections, update_op)
        return value, update_op


def precision_at_thresholds(labels, predictions, thresholds, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """The precision tp / (tp + fp) at each threshold: (value, update_op)."""
    return _at_thresholds("precision_at_thresholds", ("tp", "fp"), 1e-7, labels, predictions,
                          thresholds, weights, metrics_collections, updates_collections, name)


def recall_at_thresholds(labels, predictions, thresholds, weights=None,
                         metrics_collections=None, updates_collections=None, name=None):
    """The recall tp / (tp + fn) at each threshold: (value, update_op)."""
    return _at_thresholds("recall_at_thresholds", ("tp", "fn"), 1e-7, labels, predictions,
                          thresholds, weights, metrics_collections, updates_collections, name)


class _AreaUnderCurve:
    """The summation TF's auc applies to the four counts (its compute_auc)."""

    def __init__(self, curve: str, summation_method: str, num_thresholds: int):
        self.curve = curve
        self.method = summation_method
        self.n = num_thresholds

    def compute(self, counts, name):
        tp, fn, tn, fp = (counts[key] for key in ("tp", "fn", "tn", "fp"))
        if self.curve == "PR":
            if self.method == "trapezoidal":
                logging.getLogger("tensorflow").warning(
                    "Trapezoidal rule is known to produce incorrect PR-AUCs; please switch to "
                    "\"careful_interpolation\" instead.")
            elif self.method == "careful_interpolation":
                return self._interpolate_pr_auc(tp, fp, fn)
        rec = math_ops.divide(tp + _EPSILON, tp + fn + _EPSILON)
        if self.curve == "ROC":
            x, y = math_ops.divide(fp, fp + tn + _EPSILON), rec
        else:
            x, y = rec, math_ops.divide(tp + _EPSILON, tp + fp + _EPSILON)
        widths = x[:self.n - 1] - x[1:]
        if self.method in ("trapezoidal", "careful_interpolation"):
            heights = (y[:self.n - 1] + y[1:]) / 2.
        elif self.method == "minoring":
            heights = math_ops.minimum(y[:self.n - 1], y[1:])
        elif self.method == "majoring":
            heights = math_ops.maximum(y[:self.n - 1], y[1:])
        else:
            raise ValueError(f"Invalid summation_method: {self.method}")
        return reduce_ops.reduce_sum(math_ops.multiply(widths, heights), name=name)

    def _interpolate_pr_auc(self, tp, fp, fn):
        """PR-AUC with precision interpolated between thresholds (Davis & Goadrich 2006)."""
        n = self.n
        dtp = tp[:n - 1] - tp[1:]
        p = tp + fp
        prec_slope = math_ops.div_no_nan(dtp, math_ops.maximum(p[:n - 1] - p[1:], 0),
                                         name="prec_slope")
        intercept = tp[1:] - math_ops.multiply(prec_slope, p[1:])
        safe_p_ratio = logic_ops.where(
            logic_ops.logical_and(p[:n - 1] > 0, p[1:] > 0),
            math_ops.div_no_nan(p[:n - 1], math_ops.maximum(p[1:], 0),
                                name="recall_relative_ratio"),
            input_ops.ones_like(p[1:]))
        return reduce_ops.reduce_sum(
            math_ops.div_no_nan(prec_slope * (dtp + intercept * unary_ops.log(safe_p_ratio)),
                                math_ops.maximum(tp[1:] + fn[1:], 0), name="pr_auc_increment"),
            name="interpolate_pr_auc")

