"""tf.debugging's assertions (assert_equal, assert_less, assert_positive, assert_rank...): an
Assert op built as TF builds it, or TF's error while building when the values are known; and
CheckNumerics (tf.debugging.check_numerics, tf.add_check_numerics_ops)."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.registry import define
from ..graph.tensor import Tensor
from . import array_ops, control_ops, logging_ops, logic_ops, reduce_ops, rules
from .static import static_value


def _message_prefix(message) -> str:
    return f"{message}.  " if message else ""


def _static_text(item) -> str:
    """A data entry as TF shows it in a build-time failure: a known tensor by its value."""
    if not isinstance(item, Tensor):
        return str(item)
    value = static_value(item)
    return str(item) if value is None else str(value)


def _binary_assert(symbol, default_name, compare, static_compare, x, y, data, summarize,
                   message, name):
    with OpScope(name, default_name, [x, y]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y")
        if data is None:
            data = [f"Condition x {symbol} y did not hold element-wise:", f"x ({x.name}) = ", x,
                    f"y ({y.name}) = ", y]
        if message is not None:
            data = [message] + list(data)
        condition = reduce_ops.reduce_all(compare(x, y))
        known_x, known_y = static_value(x), static_value(y)
        if known_x is not None and known_y is not None and \
                not np.all(static_compare(known_x, known_y)):
            raise errors.InvalidArgumentError(None, None,
                                              "\n".join(_static_text(d) for d in data))
        return logging_ops.Assert(condition, data, summarize=summarize)


def _binary(symbol, default_name, compare, static_compare):
    def check(x, y, data=None, summarize=None, message=None, name=None):
        return _binary_assert(symbol, default_name, compare, static_compare, x, y, data,
                              summarize, message, name)
    check.__name__ = default_name
    check.__doc__ = f"An op that fails the step unless x {symbol} y holds for every element."
    return check


assert_less = _binary("<", "assert_less", logic_ops.less, np.less)
assert_less_equal = _binary("<=", "assert_less_equal", logic_ops.less_equal, np.less_equal)
assert_greater = _binary(">", "assert_greater", logic_ops.greater, np.greater)
assert_greater_equal = _binary(">=", "assert_greater_equal", logic_ops.greater_equal,
                               np.greater_equal)
assert_none_equal = _binary("!=", "assert_none_equal", logic_ops.not_equal, np.not_equal)
_assert_equal_values = _binary("==", "assert_equal", logic_ops.equal, np.equal)


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
    """An op that fails the step unless x == y everywhere (a NoOp when x is y)."""
    with OpScope(name, "assert_equal", [x, y]):
        if x is y:
            return control_ops.no_op()
    # TF opens the scope again here, so the ops land in assert_equal_1/
    return _assert_equal_values(x, y, data, summarize, message, name)


def _sign_assert(symbol, default_name, check, zero_first):
    def assert_sign(x, data=None, summarize=None, message=None, name=None):
        prefix = _message_prefix(message)
        with OpScope(name, default_name, [x]):
            x = convert_to_tensor(x, name="x")
            if data is None:
                data = [prefix, f"Condition x {symbol} 0 did not hold element-wise:",
                        f"x ({x.name}) = ", x]
            zero = convert_to_tensor(0, dtype=x.dtype.base_dtype)
            pair = (zero, x) if zero_first else (x, zero)
            return check(*pair, data=data, summarize=summarize)
    assert_sign.__name__ = default_name
    assert_sign.__doc__ = f"An op that fails the step unless x {symbol} 0 for every element."
    return assert_sign


assert_positive = _sign_assert(">", "assert_positive", assert_less, True)
assert_non_negative = _sign_assert(">=", "assert_non_negative", assert_less_equal, True)
assert_negative = _sign_assert("<", "assert_negative", assert_less, False)
assert_non_positive = _sign_assert("<=", "assert_non_positive", assert_less_equal, False)


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """A NoOp when x's rank is known to be `rank`, TF's ValueError when it is known not to
    be, else an Assert on the rank at run time."""
    with OpScope(name, "assert_rank", [x, rank]):
        x = convert_to_tensor(x, name="x")
        rank = convert_to_tensor(rank, name="rank")
        prefix = _message_prefix(message)
        if data is None:
            data = [prefix, f"Tensor {x.name} must have rank", rank, "Received shape: ",
                    array_ops.shape(x)]
        if rank.dtype.base_dtype is not dtypes.int32:
            raise TypeError(f"{prefix}{rank.name} must be of type tf.int32; got "
                            f"{rank.dtype.base_dtype.name}")
        with OpScope(None, "assert_type"):
            control_ops.no_op(name="statically_determined_correct_type")
        wanted = static_value(rank)
        if wanted is not None and np.ndim(wanted) != 0:
            raise ValueError("Rank must be a scalar.")
        if wanted is not None and x._shape is not None:
            if len(x._shape) != int(wanted):
                raise ValueError(f"{prefix}Tensor {x.name} must have rank {int(wanted)}.  "
                                 f"Received rank {len(x._shape)}, shape "
                                 f"{x.get_shape()}")
            return control_ops.no_op(name="static_checks_determined_all_ok")
        condition = logic_ops.equal(array_ops.rank(x), rank)
        return logging_ops.Assert(condition, data, summarize=summarize)


__all__ = ["assert_equal", "assert_none_equal", "assert_less", "assert_less_equal",
           "assert_greater", "assert_greater_equal", "assert_positive", "assert_non_negative",
           "assert_negative", "assert_non_positive", "assert_rank"]


# -- CheckNumerics ------------------------------------------------------------------------------
_NUMERIC_TYPES = (dtypes.bfloat16, dtypes.float16, dtypes.float32, dtypes.float64)


def _make_check_numerics(op, runtime):
    message = op.attrs["message"]
    message = message.decode() if isinstance(message, bytes) else message

    def check(x):
        nan, inf = bool(np.isnan(x).any()), bool(np.isinf(x).any())
        if nan or inf:
            found = "Inf and NaN" if nan and inf else "NaN" if nan else "Inf"
            raise errors.InvalidArgumentError(None, op, f"{message} : Tensor had {found} values")
        return x
    return check


def _check_numerics_grad(op, grad):
    # TF formats the attr's bytes with str(), so the message reads "... gradient. b'm'"
    message = ("Not a number (NaN) or infinity (Inf) values detected in gradient. "
               f"{op.get_attr('message')}")
    return [check_numerics(grad, message)]


define("CheckNumerics", infer=rules.same_as_input, make_kernel=_make_check_numerics,
       grad=_check_numerics_grad)


def check_numerics(tensor, message, name=None) -> Tensor:
    """`tensor` as it is, or TF's InvalidArgumentError when it holds a NaN or an Inf."""
    with OpScope(name, "CheckNumerics", [tensor]) as scope:
        tensor = convert_to_tensor(tensor, name="tensor")
        if tensor.dtype.base_dtype not in _NUMERIC_TYPES:
            raise TypeError(f"Value passed to parameter 'tensor' has DataType "
                            f"{tensor.dtype.base_dtype.name} not in list of allowed values: "
                            "bfloat16, float16, float32, float64")
        return make_tensor("CheckNumerics", [tensor], scope, {"message": message})


def add_check_numerics_ops():
    """A NoOp after a CheckNumerics of every float16/32/64 output in the default graph, each
    check after the one before (tf.compat.v1.add_check_numerics_ops)."""
    graph = get_default_graph()
    checked = (dtypes.float16, dtypes.float32, dtypes.float64)
    previous: list = []
    for op in graph.get_operations():
        if op._control_flow_context is not None:
            raise ValueError("`tf.add_check_numerics_ops() is not compatible with TensorFlow "
                             "control flow operations such as `tf.cond()` or `tf.while_loop()`.")
        for output in op.outputs:
            if output.dtype in checked:
                with graph.control_dependencies(previous):
                    previous = [check_numerics(output, output.name)]
    return control_ops.group(*previous)
