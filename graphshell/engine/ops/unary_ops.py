"""Elementwise functions of one tensor (math and activations), each with its gradient."""

from __future__ import annotations

import numpy as np

from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import input_ops, logic_ops, math_ops, rules
from .libm import float32_function

_REGISTERED = {}


def _unary(op_type, kernel, grad, infer=rules.float_unary, default_name=None):
    """Defines op `op_type` and returns its public function `fn(x, name=None)`."""
    define(op_type, infer=infer, kernel=kernel, grad=grad)

    def build(x, name=None):
        with OpScope(name, default_name or op_type, [x]) as scope:
            x = convert_to_tensor(x, name="x")
            return make_tensor(op_type, [x], scope)
    build.__name__ = op_type.lower()
    _REGISTERED[op_type] = build
    return build


def _x(op):
    return op._inputs[0]


def _y(op):
    return op._outputs[0]


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


neg = _unary("Neg", np.negative, lambda op, g: [-g], rules.numeric_unary)
abs = _unary("Abs", np.absolute, lambda op, g: [g * sign(_x(op))], rules.numeric_unary)  # noqa: A001
sign = _unary("Sign", np.sign, lambda op, g: [_zeros_like(_x(op))], rules.numeric_unary)
square = _unary("Square", np.square, lambda op, g: [g * (2 * _x(op))], rules.numeric_unary)
sqrt = _unary("Sqrt", np.sqrt, lambda op, g: [g * 0.5 / _y(op)])
rsqrt = _unary("Rsqrt", lambda x: 1 / np.sqrt(x),
               lambda op, g: [(-0.5 * (g * _y(op))) * (_y(op) * _y(op))])
exp = _unary("Exp", np.exp, lambda op, g: [g * _y(op)])
expm1 = _unary("Expm1", np.expm1, lambda op, g: [g * exp(_x(op))])
log = _unary("Log", np.log, lambda op, g: [g * reciprocal(_x(op))])
log1p = _unary("Log1p", np.log1p, lambda op, g: [g * reciprocal(1 + _x(op))])
sin = _unary("Sin", float32_function("sinf", np.sin), lambda op, g: [g * cos(_x(op))])
cos = _unary("Cos", float32_function("cosf", np.cos), lambda op, g: [-g * sin(_x(op))])
tan = _unary("Tan", np.tan, lambda op, g: [g * square(reciprocal(cos(_x(op))))])
asin = _unary("Asin", np.arcsin, lambda op, g: [g * rsqrt(1 - square(_x(op)))])
acos = _unary("Acos", np.arccos, lambda op, g: [-g * rsqrt(1 - square(_x(op)))])
atan = _unary("Atan", np.arctan, lambda op, g: [g * reciprocal(1 + square(_x(op)))])
sinh = _unary("Sinh", np.sinh, lambda op, g: [g * cosh(_x(op))])
cosh = _unary("Cosh", np.cosh, lambda op, g: [g * sinh(_x(op))])
tanh = _unary("Tanh", np.tanh, lambda op, g: [g * (1 - _y(op) * _y(op))])
sigmoid = _unary("Sigmoid", _sigmoid, lambda op, g: [(g * _y(op)) * (1 - _y(op))])
reciprocal = _unary("Reciprocal", np.reciprocal, lambda op, g: [(-_y(op) * _y(op)) * g])
floor = _unary("Floor", np.floor, NOT_DIFFERENTIABLE)
ceil = _unary("Ceil", np.ceil, NOT_DIFFERENTIABLE)
round = _unary("Round", np.round, NOT_DIFFERENTIABLE, rules.numeric_unary)  # noqa: A001
softplus = _unary("Softplus", lambda x: np.logaddexp(0, x).astype(x.dtype),
                  lambda op, g: [g * sigmoid(_x(op))])
softsign = _unary("Softsign", lambda x: x / (1 + np.absolute(x)),
                  lambda op, g: [g / square(1 + abs(_x(op)))])
relu6 = _unary("Relu6", lambda x: np.clip(x, 0, 6), lambda op, g: [
    g * _as_float_mask((_x(op) > 0) & (_x(op) < 6), g)], rules.numeric_unary)
elu = _unary("Elu", lambda x: np.where(x > 0, x, np.expm1(x)),
             lambda op, g: [_where(_y(op) > 0, g, g * (_y(op) + 1))])


# -- ReLU with its own gradient op, as TF has ---------------------------------------------------
def _relu_grad_infer(op):
    return [(op._inputs[0].dtype.base_dtype, op._inputs[0]._shape)]


def _relu_grad_kernel(gradients, features):
    # TF multiplies by the mask (so an inf or nan gradient where features <= 0 gives nan);
    # multiplying by the bool mask is also much cheaper than np.where on large arrays
    return np.multiply(gradients, features > 0, dtype=gradients.dtype)


define("ReluGrad", infer=_relu_grad_infer, kernel=_relu_grad_kernel,
       grad=lambda op, gg: [relu_grad(gg, op._inputs[1]), _zeros_like(op._inputs[1])])
relu = _unary("Relu", lambda x: np.maximum(x, 0), lambda op, g: [relu_grad(g, _y(op))],
              rules.numeric_unary)


def relu_grad(gradients, features, name=None):
    with OpScope(name, "ReluGrad", [gradients, features]) as scope:
        return make_tensor("ReluGrad", [gradients, features], scope)


def leaky_relu(features, alpha=0.2, name=None):
    with OpScope(name, "LeakyRelu", [features]) as scope:
        x = convert_to_tensor(features, name="features")
        return maximum_of(x, x * alpha, name=scope)


def _zeros_like(tensor):
    return input_ops.zeros_like(tensor)


def _where(condition, x, y):
    return logic_ops.where(condition, x, y)


def _as_float_mask(mask, like):
    return math_ops.cast(mask, like.dtype.base_dtype)


def maximum_of(x, y, name=None):
    return math_ops.maximum(x, y, name=name)


def function_for(op_type: str):
    """The public function that builds a unary op type (for tests and the shell)."""
    return _REGISTERED[op_type]
