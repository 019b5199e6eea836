"""Tensor conversion of `Dimension` and `TensorShape` (TF's registered conversions): a known
dimension or a fully defined shape becomes an int32 (or int64) constant."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.convert import constant, register_tensor_conversion_function
from ..graph.shapes import Dimension, TensorShape

_INT32_LIMIT = 2 ** 31


def _index_dtype(value_text: str, dtype, what: str, needs_int64: bool):
    if dtype is None:
        return dtypes.int64 if needs_int64 else dtypes.int32
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Cannot convert {what} {value_text} to dtype {dtype}. Allowed dtypes "
                        "are tf.int32 and tf.int64.")
    if dtype == dtypes.int32 and needs_int64:
        raise ValueError(f"Cannot convert {what} {value_text} to dtype int32; a dimension is too "
                         "large. Consider using tf.int64.")
    return dtype


def _dimension_to_tensor(d, dtype=None, name=None, as_ref=False):
    if d.value is None:
        raise ValueError(f"Cannot convert unknown Dimension {d} to a Tensor.")
    dtype = _index_dtype(str(d), dtype, "Dimension", False)
    return constant(d.value, dtype=dtype, name=name or "shape_as_tensor")  # TF's default name


def _shape_to_tensor(s, dtype=None, name=None, as_ref=False):
    if not s.is_fully_defined():
        raise ValueError(f"Cannot convert a partially known TensorShape {s} to a Tensor.")
    dims = s.as_list()
    dtype = _index_dtype(str(s), dtype, "TensorShape", any(d >= _INT32_LIMIT for d in dims))
    return constant(np.array(dims, dtype=dtype.as_numpy_dtype), name=name or "shape_as_tensor")


register_tensor_conversion_function(Dimension, _dimension_to_tensor, priority=100)
register_tensor_conversion_function(TensorShape, _shape_to_tensor, priority=100)
