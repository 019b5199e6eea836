"""Binary arithmetic, the Python operators that build it, AddN and Cast."""

from __future__ import annotations

import functools

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, binary_operator, make_tensor
from ..graph.convert import convert_n_to_tensor, convert_same_type, convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.tensor import OPERATORS, Tensor
from . import array_ops, grad_util, input_ops, linalg_ops, logic_ops, nn_impl, rules, unary_ops
from .allocation import broadcasting


def _arithmetic(op):
    x, y = op._inputs
    rules.check_dtype(op, x, rules.NUMBERS)
    return rules.broadcast_binary(op)


def _integer_safe(kernel, word):
    """Integer division by zero is an error in TF, not numpy's silent 0."""
    def run(x, y):
        if getattr(y, "dtype", None) is not None and y.dtype.kind in "iu" and np.any(y == 0):
            raise errors.InvalidArgumentError(None, None, f"Integer {word} by zero")
        return kernel(x, y)
    return run


def _power(x, y):
    if getattr(y, "dtype", None) is not None and y.dtype.kind in "iu" and np.any(y < 0):
        raise errors.InvalidArgumentError(
            None, None, "Integers to negative integer powers are not allowed")
    return np.power(x, y)


# -- definitions: kernel and gradient side by side ---------------------------------------------
# each kernel checks its broadcast output's size first where the plan cannot (allocation.py)
define("AddV2", infer=_arithmetic, **broadcasting(np.add),
       grad=lambda op, g: _add_grad(op, g))
define("Sub", infer=_arithmetic, **broadcasting(np.subtract),
       grad=lambda op, g: _sub_grad(op, g))
define("Mul", infer=_arithmetic, **broadcasting(np.multiply),
       grad=lambda op, g: _mul_grad(op, g))
define("RealDiv", infer=_arithmetic, **broadcasting(np.true_divide),
       grad=lambda op, g: _quotient_grad(op, g, realdiv))
define("DivNoNan", infer=_arithmetic, **broadcasting(lambda x, y: _div_no_nan(x, y)),
       grad=lambda op, g: _quotient_grad(op, g, div_no_nan))
define("FloorDiv", infer=_arithmetic,
       **broadcasting(_integer_safe(np.floor_divide, "division")),
       grad=NOT_DIFFERENTIABLE)
define("FloorMod", infer=_arithmetic, **broadcasting(_integer_safe(np.mod, "division")),
       grad=lambda op, g: _floor_mod_grad(op, g))
define("Maximum", infer=_arithmetic, **broadcasting(np.maximum),
       grad=lambda op, g: _select_grads(op, g, logic_ops.greater_equal))
define("Minimum", infer=_arithmetic, **broadcasting(np.minimum),
       grad=lambda op, g: _select_grads(op, g, logic_ops.less_equal))
define("SquaredDifference", infer=_arithmetic,
       **broadcasting(lambda x, y: np.square(np.subtract(x, y))),
       grad=lambda op, g: _squared_difference_grad(op, g))


# -- gradients: each as TF's math_grad builds it, op for op --------------------------------------
def _same_static_shapes(op, g) -> bool:
    x, y = op._inputs
    return grad_util.shapes_fully_specified_and_equal(x, y, g)


def _add_grad(op, g):
    if _same_static_shapes(op, g):
        return [g, g]
    return grad_util.binary_grads(op, g, g)


def _sub_grad(op, g):
    if _same_static_shapes(op, g):
        return [g, -g]
    return grad_util.binary_grads(op, g, -g)


def _mul_grad(op, g):
    x, y = op._inputs
    if _same_static_shapes(op, g) and g.dtype.base_dtype in (dtypes.float32, dtypes.int32):
        return [multiply(g, y), multiply(g, x)]
    return grad_util.binary_grads(op, multiply(g, y), multiply(x, g))


def _quotient_grad(op, g, divide_op):
    """d(x / y): g / y and g * ((-x / y) / y), for RealDiv and DivNoNan alike."""
    x, y = op._inputs
    grad_x = divide_op(g, y)
    return grad_util.binary_grads(op, grad_x, g * divide_op(divide_op(-x, y), y))


def _floor_mod_grad(op, g):
    x, y = op._inputs
    quotient = floordiv(x, y)
    return grad_util.binary_grads(op, g, g * negative(quotient))


def _div_no_nan(x, y):
    """x / y, and 0 wherever y is 0 (TF's DivNoNan), in the inputs' dtype."""
    x, y = np.asarray(x), np.asarray(y)
    shape = np.broadcast_shapes(x.shape, y.shape)
    out = np.zeros(shape, dtype=np.result_type(x, y))
    np.divide(x, y, out=out, where=np.broadcast_to(y != 0, shape))
    return out[()] if out.ndim == 0 else out


def _pow_grad(op, g):
    x, y = op._inputs
    grad_x = g * y * power(x, y - 1)
    positive = x > 0
    safe_x = logic_ops.where(positive, x, input_ops.ones_like(x))
    log_x = logic_ops.where(positive, unary_ops.log(safe_x), array_zeros_like(x))
    return grad_util.binary_grads(op, grad_x, g * op._outputs[0] * log_x)


define("Pow", infer=_arithmetic, **broadcasting(_power), grad=_pow_grad)


def _select_grads(op, g, selector):
    """Maximum/Minimum: g goes to whichever input the selector picks (TF's where_v2 pair)."""
    x, y = op._inputs
    zeros = array_zeros_like(g)
    x_wins = selector(x, y)
    return grad_util.binary_grads(op, nn_impl.where_v2(x_wins, g, zeros),
                        nn_impl.where_v2(x_wins, zeros, g))


def _squared_difference_grad(op, g):
    x, y = op._inputs
    with op.graph.control_dependencies([g]):
        scaled = scalar_mul(2.0, g) * (x - y)
    if _same_static_shapes(op, g):
        return [scaled, -scaled]
    return grad_util.binary_grads(op, scaled, -scaled)


def scalar_mul(scalar, x, name=None):
    """scalar * x, with the scalar converted to x's dtype (TF's tf.math.scalar_mul: a Const
    named scalar and a Mul, in the current scope)."""
    x = convert_to_tensor(x, name="x")
    scalar = convert_to_tensor(scalar, dtype=x.dtype.base_dtype, name="scalar")
    return multiply(scalar, x, name=name)


def array_zeros_like(tensor):
    return input_ops.zeros_like(tensor)


# -- AddN ----------------------------------------------------------------------------------------
def _infer_add_n(op):
    dtype = op._inputs[0].dtype.base_dtype
    rules.check_dtype(op, op._inputs[0], rules.NUMBERS, "inputs")
    return [(dtype, rules.merge_all_same([t._shape for t in op._inputs]))]


def _add_n_kernel(*values):
    """Sums in TF's order (bit-identical results): the first n % 8 inputs (8 or 9 when that is
    0 or 1) left to right, then each following group of 8 summed and added as a block."""
    count = len(values)
    if count <= 9:
        return functools.reduce(np.add, values)
    head = {0: 8, 1: 9}.get(count % 8, count % 8)
    total = functools.reduce(np.add, values[:head])
    for start in range(head, count, 8):
        total = total + functools.reduce(np.add, values[start:start + 8])
    return total


# A sum is one nested expression for Python's compiler; wider ones call the kernel, which is
# one call for a lot of work anyway.
_WIDEST_INLINE_SUM = 128


def _add_n_inline(op, args):
    """The kernel's order as one expression: the head left to right, then blocks of 8."""
    if len(args) > _WIDEST_INLINE_SUM:
        return None
    if len(args) <= 9:
        return " + ".join(args)
    head = {0: 8, 1: 9}.get(len(args) % 8, len(args) % 8)
    blocks = [args[:head]] + [args[start:start + 8] for start in range(head, len(args), 8)]
    # `+` groups to the left: (head) + (block 1) + (block 2) adds the blocks in turn
    return " + ".join(f"({' + '.join(block)})" for block in blocks)


define("AddN", infer=_infer_add_n, kernel=_add_n_kernel, grad=lambda op, g: [g] * len(op._inputs),
       inline=_add_n_inline)


def add_n(inputs, name=None):
    """Sums a list of tensors of one shape and dtype."""
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("Inputs must be an iterable of at least one Tensor/IndexedSlices with "
                         "the same dtype and shape.")
    with OpScope(name, "AddN", inputs) as scope:
        tensors = convert_n_to_tensor(inputs)
        if len(tensors) == 1:  # TF adds no AddN for one input, only a named Identity
            return array_ops.identity(tensors[0], name=scope) if name else tensors[0]
        _check_same_dtype("AddN", tensors)
        return make_tensor("AddN", tensors, scope)


def _check_same_dtype(op_type, tensors):
    first = tensors[0].dtype.base_dtype
    for tensor in tensors[1:]:
        if tensor.dtype.base_dtype is not first:
            raise TypeError(f"Inputs to {op_type} must all have the same dtype: {first.name} and "
                            f"{tensor.dtype.base_dtype.name}")


# -- Cast ------------------------------------------------------------------------------------------
def _infer_cast(op):
    return [(op.attrs["DstT"], op._inputs[0]._shape)]


def _make_cast_kernel(op, runtime):
    target = op.attrs["DstT"].as_numpy_dtype
    source, destination = op._inputs[0].dtype.base_dtype, op.attrs["DstT"].base_dtype
    if dtypes.string in (source, destination) and source is not destination:
        return _refused_cast(f"Cast {_tf_type_word(source)} to {_tf_type_word(destination)} "
                             "is not supported")

    def cast_value(x):
        result = np.asarray(x).astype(target)
        return result[()] if result.ndim == 0 else result
    return cast_value


_TYPE_WORDS = {"float32": "float", "float64": "double", "float16": "half"}


def _tf_type_word(dtype) -> str:
    """A type as TF's kernels name it in messages (float, double, int64...)."""
    return _TYPE_WORDS.get(dtype.name, dtype.name)


def _refused_cast(message):
    """A kernel failing as TF's does for casts it has no kernel for (to or from string)."""
    def refuse(x):
        raise errors.UnimplementedError(None, None, message)
    return refuse


def _cast_grad(op, g):
    source = op._inputs[0].dtype.base_dtype
    if source.is_floating and op.attrs["DstT"].is_floating:
        return [cast(g, source)]
    return [None]


define("Cast", infer=_infer_cast, make_kernel=_make_cast_kernel, grad=_cast_grad)


def cast(x, dtype, name=None):
    """x converted to `dtype` (floats truncate toward zero when cast to ints)."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    if isinstance(x, Tensor) and x.dtype.base_dtype is dtype:
        return x
    with OpScope(name, "Cast", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype.base_dtype is dtype:
            return x
        attrs = {"SrcT": x.dtype.base_dtype, "DstT": dtype, "Truncate": False}
        return make_tensor("Cast", [x], scope, attrs)


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name=name)


# -- public functions and operators ---------------------------------------------------------------
def _binary_function(op_type, default_name):
    def build(x, y, name=None):
        with OpScope(name, default_name, [x, y]) as scope:
            x, y = convert_same_type(op_type, ("x", x), ("y", y))
            return make_tensor(op_type, [x, y], scope)
    build.__name__ = default_name.lower()
    return build


add = _binary_function("AddV2", "Add")
subtract = _binary_function("Sub", "Sub")
multiply = _binary_function("Mul", "Mul")
realdiv = _binary_function("RealDiv", "RealDiv")
floordiv = _binary_function("FloorDiv", "floordiv")
floormod = mod = _binary_function("FloorMod", "FloorMod")
pow = power = _binary_function("Pow", "Pow")  # noqa: A001 - TF's name
maximum = _binary_function("Maximum", "Maximum")
minimum = _binary_function("Minimum", "Minimum")
squared_difference = _binary_function("SquaredDifference", "SquaredDifference")


def div_no_nan(x, y, name=None):
    """x / y, with 0 where y is 0; y takes x's dtype (TF's tf.math.divide_no_nan)."""
    with OpScope(name, "div_no_nan", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype.base_dtype, name="y")
        return make_tensor("DivNoNan", [x, y], scope)



# int8/16 divide in float32, wider ints in float64 (TF's _TRUEDIV_TABLE)
_TRUEDIV_CAST = {dtypes.int8: dtypes.float32, dtypes.int16: dtypes.float32,
                 dtypes.uint8: dtypes.float32, dtypes.uint16: dtypes.float32,
                 dtypes.int32: dtypes.float64, dtypes.int64: dtypes.float64,
                 dtypes.uint32: dtypes.float64, dtypes.uint64: dtypes.float64}


def truediv(x, y, name=None):
    """Python 3 division: integers are cast to floating point first."""
    with OpScope(name, "truediv", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype_hint=x.dtype.base_dtype, name="y")
        if x.dtype.base_dtype is not y.dtype.base_dtype:
            raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype.base_dtype!r} != "
                            f"{y.dtype.base_dtype!r}.")
        target = _TRUEDIV_CAST.get(x.dtype.base_dtype)
        if target is not None:
            x, y = cast(x, target), cast(y, target)
        return make_tensor("RealDiv", [x, y], scope)


def divide(x, y, name=None):
    if name is None:
        if not isinstance(x, Tensor):
            x = convert_to_tensor(x, dtype=y.dtype.base_dtype if isinstance(y, Tensor) else None)
        return truediv(x, y)
    return truediv(x, y, name=name)


def div(x, y, name=None):
    """TF1's `tf.div`: floor division for integers, true division for floats."""
    with OpScope(name, "div", [x, y]) as scope:
        x, y = convert_same_type("Div", ("x", x), ("y", y))
        if x.dtype.base_dtype.is_integer:
            return make_tensor("FloorDiv", [x, y], scope)
        return make_tensor("RealDiv", [x, y], scope)


def negative(x, name=None):
    return unary_ops.neg(x, name=name)


def _add_operator(x, y, name=None):
    """`+` converts a Python operand with the tensor's dtype as a hint only, so 1.0 + int
    tensor reports mismatched AddV2 inputs (as TF's _add_dispatch does)."""
    with OpScope(name, "add", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype_hint=x.dtype.base_dtype, name="y")
        x, y = convert_same_type("AddV2", ("x", x), ("y", y))
        return make_tensor("AddV2", [x, y], scope)


def _floordiv_any(x, y, name=None):
    return floordiv(x, y, name=name)


def _matmul(x, y, name=None):
    return linalg_ops.matmul(x, y, name=name)


for _key, _function, _scope in (
        ("add", _add_operator, "add"), ("sub", subtract, "sub"), ("mul", multiply, "mul"),
        ("truediv", truediv, "truediv"), ("floordiv", _floordiv_any, "floordiv"),
        ("mod", floormod, "mod"), ("pow", pow, "pow"), ("matmul", _matmul, "matmul")):
    OPERATORS[_key], OPERATORS["r" + _key] = binary_operator(_function, _scope)

OPERATORS["neg"] = lambda x: unary_ops.neg(x)
OPERATORS["abs"] = lambda x: unary_ops.abs(x)

__all__ = ["add", "subtract", "multiply", "truediv", "divide", "div", "floordiv", "floormod",
           "mod", "pow", "maximum", "minimum", "squared_difference", "add_n", "cast", "to_float",
           "negative", "realdiv", "div_no_nan", "ShapeError"]
