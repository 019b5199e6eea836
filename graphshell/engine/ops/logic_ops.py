"""Comparisons, logical operators and `tf.where` (TF1's Select)."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, binary_operator, make_tensor
from ..graph.convert import convert_same_type, convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.tensor import OPERATORS
from . import input_ops, rules
from .allocation import broadcasting, check_elements


def _comparison_function(op_type, kernel, infer=rules.comparison):
    define(op_type, infer=infer, **broadcasting(kernel), grad=NOT_DIFFERENTIABLE)

    def build(x, y, name=None):
        with OpScope(name, op_type, [x, y]) as scope:
            x, y = convert_same_type(op_type, ("x", x), ("y", y))
            return make_tensor(op_type, [x, y], scope)
    build.__name__ = op_type
    return build


less = _comparison_function("Less", np.less)
less_equal = _comparison_function("LessEqual", np.less_equal)
greater = _comparison_function("Greater", np.greater)
greater_equal = _comparison_function("GreaterEqual", np.greater_equal)
equal = _comparison_function("Equal", np.equal)
not_equal = _comparison_function("NotEqual", np.not_equal)
logical_and = _comparison_function("LogicalAnd", np.logical_and, rules.bool_binary)
logical_or = _comparison_function("LogicalOr", np.logical_or, rules.bool_binary)


def _infer_logical_not(op):
    rules.check_dtype(op, op._inputs[0], (dtypes.bool_,))
    return [(dtypes.bool_, op._inputs[0]._shape)]


define("LogicalNot", infer=_infer_logical_not, kernel=np.logical_not, grad=NOT_DIFFERENTIABLE)


def logical_not(x, name=None):
    with OpScope(name, "LogicalNot", [x]) as scope:
        x = convert_to_tensor(x, dtype=dtypes.bool_, name="x")
        return make_tensor("LogicalNot", [x], scope)


def logical_xor(x, y, name="LogicalXor"):
    """(x | y) & ~(x & y), built from the primitive ops as TF does."""
    with OpScope(name, "LogicalXor", [x, y]) as scope:
        return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=scope)


def _float_predicate(op_type, kernel):
    def infer(op):
        rules.check_dtype(op, op._inputs[0], rules.FLOATS)
        return [(dtypes.bool_, op._inputs[0]._shape)]
    define(op_type, infer=infer, kernel=kernel, grad=NOT_DIFFERENTIABLE)

    def build(x, name=None):
        with OpScope(name, op_type, [x]) as scope:
            return make_tensor(op_type, [convert_to_tensor(x, name="x")], scope)
    return build


is_nan = _float_predicate("IsNan", np.isnan)
is_inf = _float_predicate("IsInf", np.isinf)
is_finite = _float_predicate("IsFinite", np.isfinite)


# -- Select: tf.where(condition, x, y) ---------------------------------------------------------
def _infer_select(op):
    condition, x, y = op._inputs
    rules.check_dtype(op, condition, (dtypes.bool_,), "condition")
    shape = rules.merge_all_same([x._shape, y._shape])
    c = condition._shape
    if (c is not None and shape is not None and c != shape and len(c) > 0
            and not (len(c) == 1 and len(shape) >= 1 and (c[0] is None or shape[0] is None
                                                          or c[0] == shape[0]))):
        rules.merge_all_same([c, shape])
    return [(x.dtype.base_dtype, shape)]


def _select_kernel(condition, x, y):
    condition = np.asarray(condition)
    x = np.asarray(x)
    if condition.ndim == 1 and x.ndim > 1:
        condition = condition.reshape((-1,) + (1,) * (x.ndim - 1))
    result = np.where(condition, x, y)
    return result[()] if result.ndim == 0 else result


def _select_grad(op, g):
    condition = op._inputs[0]
    zeros = input_ops.zeros_like(g)
    return [None, where(condition, g, zeros), where(condition, zeros, g)]


define("Select", infer=_infer_select, kernel=_select_kernel, grad=_select_grad)


def _infer_where_indices(op):
    shape = op._inputs[0]._shape
    return [(dtypes.int64, (None, None if shape is None else len(shape)))]


def _where_kernel(condition):
    condition = np.asarray(condition)
    check_elements(np.count_nonzero(condition) * condition.ndim, np.int64)
    return np.argwhere(condition).astype(np.int64)


define("Where", infer=_infer_where_indices, kernel=_where_kernel, grad=NOT_DIFFERENTIABLE)


def where(condition, x=None, y=None, name=None):
    """TF1's where: elementwise choice (rows, for a vector condition) or true indices."""
    if x is None and y is None:
        with OpScope(name, "Where", [condition]) as scope:
            condition = convert_to_tensor(condition, dtype=dtypes.bool_, name="condition")
            return make_tensor("Where", [condition], scope)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    with OpScope(name, "Select", [condition, x, y]) as scope:
        condition = convert_to_tensor(condition, dtype=dtypes.bool_, name="condition")
        x, y = convert_same_type("Select", ("t", x), ("e", y))  # the op def's input names
        return make_tensor("Select", [condition, x, y], scope)


OPERATORS["and"], OPERATORS["rand"] = binary_operator(logical_and, "and")
OPERATORS["or"], OPERATORS["ror"] = binary_operator(logical_or, "or")
OPERATORS["xor"], OPERATORS["rxor"] = binary_operator(logical_xor, "xor")
OPERATORS["lt"] = lambda x, y: less(x, y)
OPERATORS["le"] = lambda x, y: less_equal(x, y)
OPERATORS["gt"] = lambda x, y: greater(x, y)
OPERATORS["ge"] = lambda x, y: greater_equal(x, y)
OPERATORS["invert"] = lambda x: logical_not(x)

__all__ = ["less", "less_equal", "greater", "greater_equal", "equal", "not_equal", "logical_and",
           "logical_or", "logical_not", "logical_xor", "where", "is_nan", "is_inf", "is_finite",
           "ShapeError"]
