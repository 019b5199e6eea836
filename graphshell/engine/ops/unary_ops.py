"""Elementwise functions of one tensor (math and activations), each with its gradient."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import constant, convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import array_ops, input_ops, logic_ops, math_ops, rules
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


def _after(g):
    """TF builds most unary gradients under control_dependencies([grad]), so their constants
    and helper ops wait for the incoming gradient."""
    return g.graph.control_dependencies([g])


def _square_grad(op, g):
    with _after(g):
        two = constant(2.0, dtype=g.dtype.base_dtype)
        return [math_ops.multiply(g, math_ops.multiply(_x(op), two))]


def _times(make_factor, negate=False):
    """A gradient `g * factor(x)` (or `-g * factor(x)`) built after g."""
    def grad(op, g):
        with _after(g):
            return [(-g if negate else g) * make_factor(_x(op))]
    return grad


def _one_minus_or_plus_square(x, plus):
    x2 = square(x)
    one = constant(1, dtype=x.dtype.base_dtype)
    return math_ops.add(one, x2) if plus else math_ops.subtract(one, x2)


def _tan_grad(op, g):
    with _after(g):
        secant = reciprocal(cos(_x(op)))
        return [square(secant) * g]


def _arc_grad(negate):
    def grad(op, g):
        with _after(g):
            inverse = reciprocal(sqrt(_one_minus_or_plus_square(_x(op), plus=False)))
            return [(-g if negate else g) * inverse]
    return grad


def _output_grad_op(op_type):
    """A gradient computed by TF's fused <Op>Grad kernel from the output y and g."""
    def grad(op, g):
        with _after(g):
            return [_grad_op(op_type, _y(op), g)]
    return grad


def _grad_op(op_type, y, dy, name=None):
    with OpScope(name, op_type, [y, dy]) as scope:
        return make_tensor(op_type, [y, dy], scope)


neg = _unary("Neg", np.negative, lambda op, g: [-g], rules.numeric_unary)
abs = _unary("Abs", np.absolute, lambda op, g: [g * sign(_x(op))], rules.numeric_unary)  # noqa: A001
sign = _unary("Sign", np.sign, lambda op, g: [_zeros_shaped_like(_x(op))], rules.numeric_unary)
square = _unary("Square", np.square, _square_grad, rules.numeric_unary)
sqrt = _unary("Sqrt", np.sqrt, _output_grad_op("SqrtGrad"))
rsqrt = _unary("Rsqrt", lambda x: 1 / np.sqrt(x), _output_grad_op("RsqrtGrad"))
exp = _unary("Exp", np.exp, lambda op, g: [g * _y(op)])
expm1 = _unary("Expm1", np.expm1, _times(lambda x: exp(x)))
log = _unary("Log", np.log, _times(lambda x: reciprocal(x)))
log1p = _unary("Log1p", np.log1p, _times(lambda x: reciprocal(1 + x)))
sin = _unary("Sin", float32_function("sinf", np.sin), _times(lambda x: cos(x)))
cos = _unary("Cos", float32_function("cosf", np.cos), _times(lambda x: sin(x), negate=True))
tan = _unary("Tan", np.tan, _tan_grad)
asin = _unary("Asin", np.arcsin, _arc_grad(negate=False))
acos = _unary("Acos", np.arccos, _arc_grad(negate=True))
atan = _unary("Atan", np.arctan,
              _times(lambda x: reciprocal(_one_minus_or_plus_square(x, plus=True))))
sinh = _unary("Sinh", np.sinh, _times(lambda x: cosh(x)))
cosh = _unary("Cosh", np.cosh, _times(lambda x: sinh(x)))
tanh = _unary("Tanh", np.tanh, _output_grad_op("TanhGrad"))
sigmoid = _unary("Sigmoid", _sigmoid, _output_grad_op("SigmoidGrad"))
reciprocal = _unary("Reciprocal", np.reciprocal, _output_grad_op("ReciprocalGrad"))
floor = _unary("Floor", np.floor, NOT_DIFFERENTIABLE)
ceil = _unary("Ceil", np.ceil, NOT_DIFFERENTIABLE)
round = _unary("Round", np.round, NOT_DIFFERENTIABLE, rules.numeric_unary)  # noqa: A001
softplus = _unary("Softplus", lambda x: np.logaddexp(0, x).astype(x.dtype),
                  lambda op, g: [g * sigmoid(_x(op))])
softsign = _unary("Softsign", lambda x: x / (1 + np.absolute(x)),
                  lambda op, g: [activation_grad("SoftsignGrad", g, _x(op))])
relu6 = _unary("Relu6", lambda x: np.clip(x, 0, 6),
               lambda op, g: [activation_grad("Relu6Grad", g, _y(op))], rules.numeric_unary)
elu = _unary("Elu", lambda x: np.where(x > 0, x, np.expm1(x)),
             lambda op, g: [activation_grad("EluGrad", g, _y(op))])


# -- the fused gradient kernels (y is the forward output, dy the incoming gradient), each in
# the operation order of TF's Eigen functor so float32 results round the same ---------------------
def _sigmoid_grad_kernel(y, dy):
    return dy * y * (1 - y)


def _tanh_grad_kernel(y, dy):
    return dy * (1 - y * y)


def _sqrt_grad_kernel(y, dy):
    return (y.dtype.type(0.5) * dy) / y


def _rsqrt_grad_kernel(y, dy):
    return (y.dtype.type(-0.5) * (dy * y)) * (y * y)


def _reciprocal_grad_kernel(y, dy):
    return -y * y * dy


def _sigmoid_grad_grad(op, g):
    y, dy = op._inputs
    with _after(g):
        scaled = g * dy
        return [scaled - 2.0 * scaled * y, _grad_op("SigmoidGrad", y, g)]


def _square_law_grad_grad(op_type):
    """TanhGrad and ReciprocalGrad: -2 g dy y, and the same kernel applied to g."""
    def grad(op, g):
        y, dy = op._inputs
        with _after(g):
            return [g * -2.0 * dy * y, _grad_op(op_type, y, g)]
    return grad


def _sqrt_grad_grad(op, g):
    y = op._inputs[0]
    with _after(g):
        over_y = g / y
        return [-over_y * op._outputs[0], 0.5 * over_y]


def _rsqrt_grad_grad(op, g):
    y, dy = op._inputs
    with _after(g):
        return [-1.5 * g * dy * square(y), _grad_op("RsqrtGrad", y, g)]


for _op_type, _kernel, _second in (
        ("SigmoidGrad", _sigmoid_grad_kernel, _sigmoid_grad_grad),
        ("TanhGrad", _tanh_grad_kernel, _square_law_grad_grad("TanhGrad")),
        ("SqrtGrad", _sqrt_grad_kernel, _sqrt_grad_grad),
        ("RsqrtGrad", _rsqrt_grad_kernel, _rsqrt_grad_grad),
        ("ReciprocalGrad", _reciprocal_grad_kernel, _square_law_grad_grad("ReciprocalGrad"))):
    define(_op_type, infer=rules.same_as_input, kernel=_kernel, grad=_second)


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
    return activation_grad("ReluGrad", gradients, features, name=name)


def activation_grad(op_type, gradients, features, attrs=None, name=None):
    """TF's fused gradient op of an activation: `op_type(gradients, features)`, where features
    is the forward input or output (as the kernel expects)."""
    with OpScope(name, op_type, [gradients, features]) as scope:
        return make_tensor(op_type, [gradients, features], scope, attrs)


def _mask_select(mask, gradients):
    """`gradients` where mask holds, else 0 (an inf or nan gradient outside the mask is 0)."""
    return np.where(mask, gradients, gradients.dtype.type(0))


def _relu6_grad_kernel(gradients, features):
    return _mask_select((features > 0) & (features < 6), gradients)


def _elu_grad_kernel(gradients, activations):
    return np.where(activations < 0, (activations + 1) * gradients, gradients)


def _softsign_grad_kernel(gradients, features):
    return gradients / np.square(np.absolute(features) + 1)


def _elu_grad_grad(op, gg):
    gradients, activations = op._inputs
    return [activation_grad("EluGrad", gg, activations),
            logic_ops.where(activations < 0, gg * gradients, _zeros_like(activations))]


def _again_on_features(op_type):
    """The gradient of Relu6Grad or LeakyReluGrad: the same kernel applied to gg (features
    get zeros), as TF's second-order rules do."""
    def grad(op, gg):
        features = op._inputs[1]
        attrs = {"alpha": op.attrs["alpha"]} if "alpha" in op.attrs else None
        return [activation_grad(op_type, gg, features, attrs), _zeros_like(features)]
    return grad


define("Relu6Grad", infer=_relu_grad_infer, kernel=_relu6_grad_kernel,
       grad=_again_on_features("Relu6Grad"))
define("EluGrad", infer=_relu_grad_infer, kernel=_elu_grad_kernel, grad=_elu_grad_grad)
define("SoftsignGrad", infer=_relu_grad_infer, kernel=_softsign_grad_kernel)


# -- LeakyRelu: one op with a float alpha attr, and LeakyReluGrad -------------------------------
def _make_leaky_relu_kernel(op, runtime):
    alpha = op.attrs["alpha"]

    def kernel(features):
        return np.where(features > 0, features, features * features.dtype.type(alpha))
    return kernel


def _make_leaky_relu_grad_kernel(op, runtime):
    alpha = op.attrs["alpha"]

    def kernel(gradients, features):
        return np.where(features > 0, gradients, gradients * gradients.dtype.type(alpha))
    return kernel


define("LeakyRelu", infer=rules.float_unary, make_kernel=_make_leaky_relu_kernel,
       grad=lambda op, g: [activation_grad("LeakyReluGrad", g, _x(op),
                                           {"alpha": op.attrs["alpha"]})])
define("LeakyReluGrad", infer=_relu_grad_infer, make_kernel=_make_leaky_relu_grad_kernel,
       grad=_again_on_features("LeakyReluGrad"))


def leaky_relu(features, alpha=0.2, name=None):
    """max-like `features > 0 ? features : alpha * features`, one LeakyRelu op (integer
    features are cast to float32 first, as TF does)."""
    with OpScope(name, "LeakyRelu", [features, alpha]) as scope:
        x = convert_to_tensor(features, name="features")
        if x.dtype.base_dtype.is_integer:
            x = math_ops.cast(x, dtypes.float32)
        alpha = float(np.float32(np.asarray(alpha).item()))  # a float attr holds a float32
        return make_tensor("LeakyRelu", [x], scope, {"alpha": alpha})


def _zeros_shaped_like(tensor):
    return input_ops.zeros(array_ops.shape(tensor), dtype=tensor.dtype.base_dtype)


def _zeros_like(tensor):
    return input_ops.zeros_like(tensor)


def function_for(op_type: str):
    """The public function that builds a unary op type (for tests and the shell)."""
    return _REGISTERED[op_type]
