"""Shape and dtype rules shared by op definitions; failures raise ShapeError (a ValueError)."""

from __future__ import annotations

from itertools import zip_longest

from ..graph import dtypes
from ..graph.shapes import ShapeError
from ..graph.shapes import merge_all_same as merge_all_same  # one of the rules op definitions use

FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)
FLOATS_AND_COMPLEX = FLOATS + (dtypes.complex64, dtypes.complex128)
INTEGERS = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8,
            dtypes.uint16, dtypes.uint32, dtypes.uint64)
NUMBERS = FLOATS_AND_COMPLEX + INTEGERS


def broadcast_shapes(a, b):
    """Numpy broadcasting of two raw shapes; unknown dimensions stay unknown."""
    if a is None or b is None:
        return None
    result = []
    for da, db in zip_longest(reversed(a), reversed(b), fillvalue=1):
        if da == 1:
            result.append(db)
        elif db == 1 or db is None:
            result.append(da)
        elif da is None or da == db:
            result.append(db)
        else:
            raise ShapeError(f"Dimensions must be equal, but are {da} and {db}")
    return tuple(reversed(result))


# TF's lists name bfloat16 too, which graphshell has no tensors of
_ALLOWED_WORDS = {FLOATS_AND_COMPLEX: "bfloat16, float16, float32, float64, complex64, complex128"}


def check_dtype(op, tensor, allowed, arg="x", words=None) -> None:
    """TF's build-time TypeError for a dtype an op does not support."""
    dtype = tensor.dtype.base_dtype
    if dtype not in allowed:
        names = words or _ALLOWED_WORDS.get(allowed) or ", ".join(d.name for d in allowed)
        raise TypeError(f"Value passed to parameter '{arg}' has DataType {dtype.name} not in list "
                        f"of allowed values: {names}")


def check_exact_dtype(op, tensor, expected, arg="x") -> None:
    """TF's build-time TypeError for an input that must have exactly one dtype."""
    dtype = tensor.dtype.base_dtype
    if dtype is not expected:
        raise TypeError(f"Input '{arg}' of '{op.type}' Op has type {dtype.name} that does not "
                        f"match expected type of {expected.name}.")


def same_as_input(op):
    x = op._inputs[0]
    return [(x.dtype.base_dtype, x._shape)]


def float_unary(op):
    check_dtype(op, op._inputs[0], FLOATS_AND_COMPLEX)
    return same_as_input(op)


def numeric_unary(op):
    check_dtype(op, op._inputs[0], NUMBERS)
    return same_as_input(op)


def broadcast_binary(op):
    x, y = op._inputs
    return [(x.dtype.base_dtype, broadcast_shapes(x._shape, y._shape))]


def comparison(op):
    x, y = op._inputs
    return [(dtypes.bool_, broadcast_shapes(x._shape, y._shape))]


def bool_binary(op):
    x, y = op._inputs
    check_dtype(op, x, (dtypes.bool_,))
    return [(dtypes.bool_, broadcast_shapes(x._shape, y._shape))]


def no_outputs(op):
    return []


def normalize_axis(axis: int, rank: int, what: str = "axis") -> int:
    if not -rank <= axis < rank:
        raise ShapeError(f"Invalid {what}: {axis} is out of range [{-rank}, {rank})")
    return axis % rank if rank else 0
