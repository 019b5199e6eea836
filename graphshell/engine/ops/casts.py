"""TF1's cast shorthands (tf.to_int32 and relatives): one Cast op named after the function."""

from __future__ import annotations

from ..graph import dtypes
from . import math_ops


def to_int32(x, name="ToInt32"):
    """x cast to int32 (floats truncate toward zero)."""
    return math_ops.cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64"):
    """x cast to int64 (floats truncate toward zero)."""
    return math_ops.cast(x, dtypes.int64, name=name)


def to_double(x, name="ToDouble"):
    """x cast to float64."""
    return math_ops.cast(x, dtypes.float64, name=name)

