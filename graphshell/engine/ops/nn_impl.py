"""tf.nn composites built from other ops as TF builds them: dropout, losses, small activations.

Also SelectV2 (`where_v2`, the broadcasting select dropout uses) and Selu with SeluGrad.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import constant, convert_to_tensor
from ..graph.registry import define
from ..graph.tensor import Tensor
from . import (
    array_ops,
    control_flow,
    grad_util,
    input_ops,
    linalg_ops,
    logic_ops,
    math_ops,
    nn_ops,
    random_ops,
    reduce_ops,
    rules,
    slicing_ops,
    unary_ops,
)
from .allocation import broadcasting

# -- SelectV2: select with numpy broadcasting of all three inputs ---------------------------------


def _infer_select_v2(op):
    condition, x, y = op._inputs
    rules.check_exact_dtype(op, condition, dtypes.bool_, "condition")
    rules.check_exact_dtype(op, y, x.dtype.base_dtype, "e")
    shape = rules.broadcast_shapes(rules.broadcast_shapes(condition._shape, x._shape), y._shape)
    return [(x.dtype.base_dtype, shape)]


def _select_v2_grad(op, g):
    condition, x, y = op._inputs
    zeros = input_ops.zeros([], dtype=g.dtype.base_dtype)
    grad_x = where_v2(condition, g, zeros)
    grad_y = where_v2(condition, zeros, g)
    return [None, grad_util.sum_to_shape_of(grad_x, x), grad_util.sum_to_shape_of(grad_y, y)]


define("SelectV2", infer=_infer_select_v2,
       **broadcasting(lambda c, x, y: np.where(c, x, y)),
       grad=_select_v2_grad)


def where_v2(condition, x, y, name=None):
    """Elementwise `x` where `condition` else `y`, all three broadcast together."""
    with OpScope(name, "SelectV2", [condition, x, y]) as scope:
        condition = convert_to_tensor(condition, dtype=dtypes.bool_, name="condition")
        x = convert_to_tensor(x, name="t")  # TF's input names: condition, t, e
        y = convert_to_tensor(y, dtype=x.dtype.base_dtype, name="e")
        return make_tensor("SelectV2", [condition, x, y], scope)


# -- dropout --------------------------------------------------------------------------------------


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """TF1's dropout: `keep_prob` becomes `rate = 1 - keep_prob`, then TF2's dropout."""
    if keep_prob is not None:
        if rate is not None:
            raise ValueError("Cannot specify both 'keep_prob' and 'rate'.")
        try:
            rate = 1. - keep_prob
        except TypeError:
            raise ValueError("`keep_prob` must be a floating point number or Tensor. "
                             f"Received: keep_prob={keep_prob}") from None
    if rate is None:
        raise ValueError(f"`rate` must be provided. Received: rate={rate}")
    return dropout_v2(x, rate, noise_shape=noise_shape, seed=seed, name=name)


def dropout_v2(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes each element with probability `rate` and scales the rest by 1 / (1 - rate)."""
    with OpScope(name, "dropout", [x]):
        is_number = isinstance(rate, numbers.Real)
        if is_number and not 0 <= rate < 1:
            raise ValueError("`rate` must be a scalar tensor or a float in the range [0, 1). "
                             f"Received: rate={rate}")
        x = convert_to_tensor(x, name="x")
        x_dtype = x.dtype.base_dtype
        if not x_dtype.is_floating:
            raise ValueError("`x.dtype` must be a floating point tensor as `x` will be scaled. "
                             f"Received: x_dtype=<dtype: '{x_dtype.name}'>")
        if is_number and rate == 0:
            random_ops.get_seed(seed)  # the seed counter moves as if random numbers were drawn
            return x
        scaled = _dropout_scaled(x, rate, is_number)
        keep = random_ops.random_uniform(_noise_shape(x, noise_shape), dtype=x_dtype,
                                         seed=seed) >= rate
        result = where_v2(keep, scaled, constant(0, dtype=x_dtype))
        result.set_shape(x.get_shape())
        return result


def _dropout_scaled(x, rate, is_number):
    x_dtype = x.dtype.base_dtype
    if is_number:
        scale = constant(1 / (1 - rate), dtype=x_dtype)
        return math_ops.multiply(x, scale)
    if not isinstance(rate, Tensor):
        raise ValueError(f"`rate` must be a scalar or scalar tensor. Received: rate={rate}")
    rate.get_shape().assert_has_rank(0)
    if rate.dtype.base_dtype is not x_dtype:
        raise ValueError("`x.dtype` must be compatible with `rate.dtype`. "
                         f"Received: x.dtype=<dtype: '{x_dtype.name}'> and rate.dtype="
                         f"<dtype: '{rate.dtype.name}'>")
    one = constant(1, dtype=x_dtype)
    return math_ops.realdiv(x, math_ops.subtract(one, rate))


def _noise_shape(x, noise_shape):
    """The shape of the keep/drop draws: x's, or `noise_shape` with x's known sizes for None."""
    if noise_shape is None:
        return array_ops.shape(x)
    if isinstance(noise_shape, Tensor) or x._shape is None:
        return noise_shape
    dims = [None if d is None else int(d) for d in
            (noise_shape.as_list() if hasattr(noise_shape, "as_list") else noise_shape)]
    if len(dims) != len(x._shape):
        return dims
    return [known if wanted is None else wanted for wanted, known in zip(dims, x._shape)]


# -- losses ---------------------------------------------------------------------------------------


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """Sigmoid cross entropy with the positive term weighted by `pos_weight` (TF's stable form).

    (1 - z) * x + (1 + (q - 1) * z) * (log1p(exp(-|x|)) + relu(-x))
    """
    if targets is not None:
        if labels is not None:
            raise ValueError("Cannot specify both 'targets' and 'labels'.")
        labels = targets
    with OpScope(name, "logistic_loss", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        _check_same_shape(logits, labels, "`logits` and `labels`")
        log_weight = 1 + (pos_weight - 1) * labels
        negatives = (1 - labels) * logits
        softplus_neg = unary_ops.log1p(unary_ops.exp(-unary_ops.abs(logits))) + \
            unary_ops.relu(-logits)
        return math_ops.add(negatives, log_weight * softplus_neg, name=scope)


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """exp(c) - z * c, plus Stirling's approximation of log(z!) for z > 1 when asked."""
    with OpScope(name, "log_poisson_loss", [log_input, targets]):
        log_input = convert_to_tensor(log_input, name="log_input")
        targets = convert_to_tensor(targets, name="targets")
        _check_same_shape(log_input, targets, "`log_input` and `targets`")
        result = unary_ops.exp(log_input) - log_input * targets
        if compute_full_loss:
            dtype = targets.dtype.base_dtype
            point_five = constant(0.5, dtype=dtype)
            two_pi = constant(2 * math.pi, dtype=dtype)
            stirling = targets * unary_ops.log(targets) - targets + \
                point_five * unary_ops.log(two_pi * targets)
            zeros = input_ops.zeros_like(targets, dtype=dtype)
            ones = input_ops.ones_like(targets, dtype=dtype)
            small = logic_ops.logical_and(targets >= zeros, targets <= ones)
            result += logic_ops.where(small, zeros, stirling)
        return result


def _check_same_shape(a, b, what):
    if not a.get_shape().is_compatible_with(b.get_shape()):
        raise ValueError(f"{what} must have the same shape, received ({a.get_shape()} vs "
                         f"{b.get_shape()}).")


# -- small activations and layers -----------------------------------------------------------------

# TF's kernel constants: scale and scale * alpha, in the input's precision
_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123


def _selu(x):
    scale, scale_alpha = (x.dtype.type(c) for c in (_SELU_SCALE, _SELU_SCALE_ALPHA))
    return np.where(x < 0, scale_alpha * (np.exp(x) - x.dtype.type(1)), scale * x)


def _selu_grad_kernel(gradients, outputs):
    scale, scale_alpha = (outputs.dtype.type(c) for c in (_SELU_SCALE, _SELU_SCALE_ALPHA))
    return np.where(outputs < 0, gradients * (outputs + scale_alpha), gradients * scale)


define("Selu", infer=rules.float_unary, kernel=_selu,
       grad=lambda op, g: [make_tensor("SeluGrad", [g, op._outputs[0]])])
define("SeluGrad", infer=rules.same_as_input, kernel=_selu_grad_kernel)


def selu(features, name=None):
    """scale * (x if x > 0 else alpha * (exp(x) - 1)), the self-normalizing constants."""
    with OpScope(name, "Selu", [features]) as scope:
        return make_tensor("Selu", [convert_to_tensor(features, name="features")], scope)


def swish(features, beta=1.0, name=None):
    """x * sigmoid(beta * x) (TF wraps it in a custom gradient; this differentiates it)."""
    features = convert_to_tensor(features, name="features")
    beta = convert_to_tensor(beta, dtype=features.dtype.base_dtype, name="beta")
    return features * unary_ops.sigmoid(beta * features)


def crelu(features, name=None, axis=-1):
    """relu of [x, -x] concatenated along `axis`."""
    with OpScope(name, "CRelu", [features]) as scope:
        features = convert_to_tensor(features, name="features")
        both = slicing_ops.concat([features, -features], axis, name=scope)
        return unary_ops.relu(both)


def xw_plus_b(x, weights, biases, name=None):
    """matmul(x, weights) + biases, as BiasAdd."""
    with OpScope(name, "xw_plus_b", [x, weights, biases]) as scope:
        product = linalg_ops.matmul(convert_to_tensor(x, name="x"),
                                    convert_to_tensor(weights, name="weights"))
        return nn_ops.bias_add(product, convert_to_tensor(biases, name="biases"), name=scope)


def relu_layer(x, weights, biases, name=None):
    """relu(matmul(x, weights) + biases)."""
    with OpScope(name, "relu_layer", [x, weights, biases]) as scope:
        product = linalg_ops.matmul(convert_to_tensor(x, name="x"),
                                    convert_to_tensor(weights, name="weights"))
        return unary_ops.relu(nn_ops.bias_add(product, convert_to_tensor(biases,
                                                                          name="biases")),
                              name=scope)


def zero_fraction(value, name=None):
    """The fraction of zeros in `value`, counted in int32 when the size fits (TF's cond)."""
    with OpScope(name, "zero_fraction", [value]):
        value = convert_to_tensor(value, name="value")
        size = array_ops.size(value, out_type=dtypes.int64)
        nonzero = control_flow.cond(
            size <= np.iinfo(np.int32).max,
            true_fn=lambda: math_ops.cast(_count_nonzero(value, dtypes.int32), dtypes.int64),
            false_fn=lambda: _count_nonzero(value, dtypes.int64))
        with OpScope(None, "counts_to_fraction"):
            zeros = math_ops.cast(size - nonzero, dtypes.float32)
            fraction = zeros / math_ops.cast(size, dtypes.float32)
        return array_ops.identity(fraction, name="fraction")


def _count_nonzero(value, dtype):
    with OpScope(None, "count_nonzero", [value]):
        zero = input_ops.zeros([], dtype=value.dtype.base_dtype)
        nonzero = math_ops.cast(logic_ops.not_equal(value, zero), dtype)
        return reduce_ops.reduce_sum(nonzero, name="nonzero_count")


__all__ = ["zero_fraction", "where_v2", "dropout", "dropout_v2",
           "weighted_cross_entropy_with_logits", "log_poisson_loss", "selu", "swish",
           "crelu", "xw_plus_b", "relu_layer"]
