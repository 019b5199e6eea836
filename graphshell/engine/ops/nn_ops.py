"""Neural-network ops: softmax, log-softmax, cross entropies, l2_loss and bias_add."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import convert_same_type, convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from . import array_ops, index_ops, logic_ops, math_ops, reduce_ops, rules, unary_ops


def _softmax(x):
    shifted = x - np.max(x, axis=-1, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=-1, keepdims=True)


def _log_softmax(x):
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _infer_last_axis(op):
    x = op._inputs[0]
    rules.check_dtype(op, x, rules.FLOATS, "logits", words="float16, bfloat16, float32, float64")
    if x._shape is not None and len(x._shape) < 1:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    return rules.same_as_input(op)


def _softmax_grad(op, g):
    y = op._outputs[0]
    return [(g - reduce_ops.reduce_sum(g * y, -1, keepdims=True)) * y]


def _log_softmax_grad(op, g):
    y = op._outputs[0]
    return [g - reduce_ops.reduce_sum(g, -1, keepdims=True) * unary_ops.exp(y)]


define("Softmax", infer=_infer_last_axis, kernel=_softmax, grad=_softmax_grad)
define("LogSoftmax", infer=_infer_last_axis, kernel=_log_softmax, grad=_log_softmax_grad)


def _last_axis_function(op_type):
    def build(logits, axis=None, name=None, dim=None):
        axis = dim if axis is None else axis
        with OpScope(name, op_type, [logits]) as scope:
            x = convert_to_tensor(logits, name="logits")
            rank = None if x._shape is None else len(x._shape)
            if axis is None or axis == -1 or (rank is not None and axis == rank - 1):
                return make_tensor(op_type, [x], scope)
            perm = list(range(rank))
            perm[axis], perm[-1] = perm[-1], perm[axis]
            moved = make_tensor(op_type, [array_ops.transpose(x, perm)])
            return array_ops.transpose(moved, perm, name=scope)
    return build


softmax = _last_axis_function("Softmax")
log_softmax = _last_axis_function("LogSoftmax")


# -- cross entropies -------------------------------------------------------------------------------
def _softmax_xent(logits, labels):
    log_probabilities = _log_softmax(logits)
    loss = -np.sum(labels * log_probabilities, axis=-1)
    return loss, np.exp(log_probabilities) - labels


def _infer_softmax_xent(op):
    logits, labels = op._inputs
    shape = rules.merge_all_same([logits._shape, labels._shape])
    dtype = logits.dtype.base_dtype
    return [(dtype, None if shape is None else shape[:-1]), (dtype, shape)]


def _softmax_xent_grad(op, g_loss, g_backprop=None):
    backprop = op._outputs[1]
    return [array_ops.expand_dims(g_loss, -1) * backprop, None]


define("SoftmaxCrossEntropyWithLogits", infer=_infer_softmax_xent, kernel=_softmax_xent,
       grad=_softmax_xent_grad, multi_output=True)


def softmax_cross_entropy_with_logits_v2(labels=None, logits=None, axis=-1, name=None):
    """-sum(labels * log_softmax(logits)) over the last axis, one value per row."""
    with OpScope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        logits, labels = convert_same_type("SoftmaxCrossEntropyWithLogits", ("logits", logits),
                                           ("labels", labels))
        return make_op("SoftmaxCrossEntropyWithLogits", [logits, labels], scope).outputs[0]


def softmax_cross_entropy_with_logits(labels=None, logits=None, dim=-1, name=None, axis=None):
    return softmax_cross_entropy_with_logits_v2(
        labels=array_ops.stop_gradient(convert_to_tensor(labels)), logits=logits, name=name)


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    with OpScope(name, "SparseSoftmaxCrossEntropyWithLogits", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        depth = logits._shape[-1] if logits._shape and logits._shape[-1] is not None \
            else array_ops.shape(logits)[-1]
        dense = index_ops.one_hot(labels, depth, dtype=logits.dtype.base_dtype)
        return softmax_cross_entropy_with_logits_v2(labels=dense, logits=logits, name=scope)


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """max(x, 0) - x * z + log(1 + exp(-|x|)), TF's stable formulation."""
    with OpScope(name, "logistic_loss", [logits, labels]) as scope:
        logits, labels = convert_same_type("logistic_loss", ("logits", logits),
                                           ("labels", labels))
        zeros = array_ops.zeros_like_output(logits)
        relu_logits = logic_ops.where(logic_ops.greater_equal(logits, zeros), logits, zeros)
        neg_abs = logic_ops.where(logic_ops.greater_equal(logits, zeros), -logits, logits)
        return math_ops.add(math_ops.subtract(relu_logits, logits * labels),
                            unary_ops.log1p(unary_ops.exp(neg_abs)), name=scope)


# -- l2_loss and bias_add --------------------------------------------------------------------------
define("L2Loss", infer=lambda op: [(op._inputs[0].dtype.base_dtype, ())],
       kernel=lambda x: (np.sum(np.square(x)) / 2).astype(np.asarray(x).dtype),
       grad=lambda op, g: [op._inputs[0] * g])


def l2_loss(t, name=None):
    with OpScope(name, "L2Loss", [t]) as scope:
        return make_tensor("L2Loss", [convert_to_tensor(t, name="t")], scope)


define("BiasAdd", infer=rules.same_as_input, kernel=np.add,
       grad=lambda op, g: [g, _bias_grad(g)])


def _bias_grad(g):
    rank = len(g._shape) if g._shape is not None else None
    axes = list(range(rank - 1)) if rank is not None else None
    return reduce_ops.reduce_sum(g, axes)


def bias_add(value, bias, data_format=None, name=None):
    with OpScope(name, "BiasAdd", [value, bias]) as scope:
        value, bias = convert_same_type("BiasAdd", ("value", value), ("bias", bias))
        return make_tensor("BiasAdd", [value, bias], scope)


__all__ = ["softmax", "log_softmax", "softmax_cross_entropy_with_logits",
           "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
           "sigmoid_cross_entropy_with_logits", "l2_loss", "bias_add", "NOT_DIFFERENTIABLE",
           "dtypes"]
