"""Neural-network ops: softmax, log-softmax, cross entropies, l2_loss and bias_add."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import convert_same_type, convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from . import (
    array_ops,
    linalg_ops,
    logic_ops,
    math_ops,
    reduce_ops,
    rules,
    slicing_ops,
    unary_ops,
)


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
    """TF's kernel order: loss = sum(labels * (log(sum(exp(shifted))) - shifted))."""
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    exps = np.exp(shifted)
    sum_exp = np.sum(exps, axis=-1, keepdims=True)
    loss = np.sum(labels * (np.log(sum_exp) - shifted), axis=-1)
    return loss, exps / sum_exp - labels


def _infer_softmax_xent(op):
    logits, labels = op._inputs
    shape = rules.merge_all_same([logits._shape, labels._shape])
    dtype = logits.dtype.base_dtype
    return [(dtype, None if shape is None else shape[:-1]), (dtype, shape)]


def _broadcast_mul(vector, matrix):
    return array_ops.expand_dims(vector, -1) * matrix


def _is_zeros(grad) -> bool:
    """An unused output's gradient (the ZerosLike tf.gradients adds): nothing to add."""
    return grad is None or grad.op.type == "ZerosLike"


def _xent_logits_grad(op, g_loss, g_backprop):
    """g_loss times the backprop output, plus the softmax Jacobian applied to a real gradient
    of the backprop output (second derivatives)."""
    grad = _broadcast_mul(g_loss, op._outputs[1])
    if not _is_zeros(g_backprop):
        probabilities = make_tensor("Softmax", [op._inputs[0]])
        row_dot = array_ops.squeeze(linalg_ops.matmul(
            array_ops.expand_dims(g_backprop, 1), array_ops.expand_dims(probabilities, 2)),
            axis=1)
        grad = grad + (g_backprop - row_dot) * probabilities
    return grad


def _softmax_xent_grad(op, g_loss, g_backprop=None):
    grad = _xent_logits_grad(op, g_loss, g_backprop)
    log_probabilities = make_tensor("LogSoftmax", [op._inputs[0]])
    return [grad, _broadcast_mul(g_loss, -log_probabilities)]


define("SoftmaxCrossEntropyWithLogits", infer=_infer_softmax_xent, kernel=_softmax_xent,
       grad=_softmax_xent_grad, multi_output=True)


def _infer_sparse_xent(op):
    logits, labels = op._inputs
    rules.check_dtype(op, logits, rules.FLOATS, "features")
    rows = rules.merge_all_same([None if logits._shape is None else logits._shape[:1],
                                 labels._shape])
    classes = None if logits._shape is None else logits._shape[1]
    row = None if rows is None else rows[0]
    dtype = logits.dtype.base_dtype
    return [(dtype, (row,)), (dtype, (row, classes))]


def _sparse_xent(logits, labels):
    """TF's kernel: loss = log(sum(exp(shifted))) - shifted[label], backprop = softmax - 1."""
    classes = logits.shape[1]
    bad = (labels < 0) | (labels >= classes)
    if np.any(bad):
        raise errors.InvalidArgumentError(
            None, None, f"Received a label value of {int(labels[bad][0])} which is outside the "
                        f"valid range of [0, {classes}).  Label values: "
                        + " ".join(str(int(v)) for v in labels))
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    exps = np.exp(shifted)
    sum_exp = np.sum(exps, axis=1, keepdims=True)
    rows = np.arange(logits.shape[0])
    loss = np.log(sum_exp[:, 0]) - shifted[rows, labels]
    backprop = exps / sum_exp
    backprop[rows, labels] -= 1
    return loss, backprop


define("SparseSoftmaxCrossEntropyWithLogits", infer=_infer_sparse_xent, kernel=_sparse_xent,
       grad=lambda op, g_loss, g_backprop=None: [_xent_logits_grad(op, g_loss, g_backprop),
                                                None], multi_output=True)


def _flatten_outer_dims(x):
    """x reshaped to [-1, last dim] by shape ops (static shape set when known), as TF."""
    rank = array_ops.rank(x)
    last_dim = slicing_ops.slice(array_ops.shape(x), [math_ops.subtract(rank, 1)], [1])
    flat = array_ops.reshape(x, slicing_ops.concat([[-1], last_dim], 0))
    if x._shape is not None and None not in x._shape[:-1]:
        flat.set_shape([int(np.prod(x._shape[:-1])), x._shape[-1]])
    return flat


def softmax_cross_entropy_with_logits_v2(labels=None, logits=None, axis=-1, name=None):
    """-sum(labels * log_softmax(logits)) over the last axis, one value per row."""
    with OpScope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        labels = math_ops.cast(labels, logits.dtype.base_dtype)
        static_shape = logits._shape
        input_rank = array_ops.rank(logits)
        input_shape = array_ops.shape(logits)
        flat_logits, flat_labels = _flatten_outer_dims(logits), _flatten_outer_dims(labels)
        cost = make_op("SoftmaxCrossEntropyWithLogits", [flat_logits, flat_labels],
                       scope).outputs[0]
        output_shape = slicing_ops.slice(input_shape, [0], [math_ops.subtract(input_rank, 1)])
        cost = array_ops.reshape(cost, output_shape)
        if static_shape is not None:
            cost._shape = tuple(static_shape[:-1])
        return cost


def softmax_cross_entropy_with_logits(labels=None, logits=None, dim=-1, name=None, axis=None):
    return softmax_cross_entropy_with_logits_v2(
        labels=array_ops.stop_gradient(convert_to_tensor(labels)), logits=logits, name=name)


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """One SparseSoftmaxCrossEntropyWithLogits op for rank-2 logits (logits reshaped to rank 2
    and the cost back to the labels' shape otherwise), as TF builds it."""
    with OpScope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]):
        labels = convert_to_tensor(labels)
        logits = convert_to_tensor(logits)
        labels_static = labels._shape
        labels_shape = array_ops.shape(labels)
        if logits._shape is not None and len(logits._shape) == 0:
            raise ValueError(f"`logits` cannot be a scalar. Received logits={logits}`")
        if logits._shape is not None and labels_static is not None \
                and len(labels_static) != len(logits._shape) - 1:
            raise ValueError(
                "`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: "
                f"labels.shape={labels.shape} of rank {len(labels_static)} and "
                f"logits.shape={logits.shape} of rank {len(logits._shape)}")
        if logits._shape is not None and len(logits._shape) == 2:
            return _sparse_xent_op(logits, labels)
        classes = array_ops.shape(logits)[array_ops.rank(logits) - 1]
        flat_logits = array_ops.reshape(logits, [-1, classes])
        flat_labels = array_ops.reshape(labels, [-1])
        cost = array_ops.reshape(_sparse_xent_op(flat_logits, flat_labels), labels_shape)
        if labels_static is not None:
            cost._shape = tuple(labels_static)
        return cost


def _sparse_xent_op(logits, labels):
    with OpScope(None, "SparseSoftmaxCrossEntropyWithLogits", [logits, labels]) as scope:
        return make_op("SparseSoftmaxCrossEntropyWithLogits", [logits, labels], scope,
                       {"Tlabels": labels.dtype.base_dtype}).outputs[0]


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """max(x, 0) - x * z + log(1 + exp(-|x|)), TF's stable formulation."""
    with OpScope(name, "logistic_loss", [logits, labels]) as scope:
        logits, labels = convert_same_type("logistic_loss", ("logits", logits),
                                           ("labels", labels))
        zeros = array_ops.zeros_like_output(logits)
        cond = logic_ops.greater_equal(logits, zeros)
        relu_logits = logic_ops.where(cond, logits, zeros)
        neg_abs = logic_ops.where(cond, -logits, logits)
        return math_ops.add(relu_logits - logits * labels,
                            unary_ops.log1p(unary_ops.exp(neg_abs)), name=scope)


# -- l2_loss and bias_add --------------------------------------------------------------------------
define("L2Loss", infer=lambda op: [(op._inputs[0].dtype.base_dtype, ())],
       kernel=lambda x: (np.sum(np.square(x)) / 2).astype(np.asarray(x).dtype),
       grad=lambda op, g: [op._inputs[0] * g])


def l2_loss(t, name=None):
    with OpScope(name, "L2Loss", [t]) as scope:
        return make_tensor("L2Loss", [convert_to_tensor(t, name="t")], scope)


define("BiasAdd", infer=rules.same_as_input, kernel=np.add,
       grad=lambda op, g: [g, bias_add_grad(g, data_format=op.attrs.get("data_format", b"NHWC"))])


def _bias_add_grad_kernel(op, runtime):
    channels_first = op.attrs["data_format"] == b"NCHW"

    def run(out_backprop):
        rank = np.ndim(out_backprop)
        keep = 1 if channels_first and rank > 2 else rank - 1
        axes = tuple(i for i in range(rank) if i != keep)
        return np.sum(out_backprop, axis=axes, dtype=out_backprop.dtype)
    return run


def _infer_bias_add_grad(op):
    g = op._inputs[0]
    if g._shape is None:
        return [(g.dtype.base_dtype, (None,))]
    channel = 1 if op.attrs["data_format"] == b"NCHW" and len(g._shape) > 2 else -1
    return [(g.dtype.base_dtype, (g._shape[channel],))]


define("BiasAddGrad", infer=_infer_bias_add_grad, make_kernel=_bias_add_grad_kernel,
       grad=lambda op, g: [bias_add(array_ops.zeros_like_output(op._inputs[0]), g)])


def bias_add_grad(out_backprop, data_format="NHWC", name=None):
    """The gradient of BiasAdd for the bias: out_backprop summed over all but the channels."""
    with OpScope(name, "BiasAddGrad", [out_backprop]) as scope:
        data_format = data_format or "NHWC"
        attrs = {"data_format": data_format.encode() if isinstance(data_format, str)
                 else data_format}
        return make_tensor("BiasAddGrad", [out_backprop], scope, attrs)


def bias_add(value, bias, data_format=None, name=None):
    with OpScope(name, "BiasAdd", [value, bias]) as scope:
        value, bias = convert_same_type("BiasAdd", ("value", value), ("bias", bias))
        return make_tensor("BiasAdd", [value, bias], scope)


__all__ = ["softmax", "log_softmax", "softmax_cross_entropy_with_logits",
           "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
           "sigmoid_cross_entropy_with_logits", "l2_loss", "bias_add", "NOT_DIFFERENTIABLE",
           "dtypes"]
