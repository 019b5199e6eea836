"""IndexedSlices: rows of a larger tensor given as (values, indices, dense_shape), the form of
sparse gradients such as gather's; and IndexedSlicesValue, what a session fetches for one.

Converting one to a dense tensor needs ops (UnsortedSegmentSum), so the op library registers
that conversion in `convert.py`'s table; this module knows no op.
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from . import shapes
from .tensor import Tensor

# What `Session.run` returns for an IndexedSlices fetch (TF's namedtuple of the same name).
IndexedSlicesValue = collections.namedtuple(
    "IndexedSlicesValue", ["values", "indices", "dense_shape"])


class IndexedSlices:
    """Slices `values[i]` of a dense tensor at rows `indices[i]` (duplicates add up when
    densified); `dense_shape` is the dense tensor's shape, or None when unknown."""

    def __init__(self, values: Any, indices: Any, dense_shape: Any = None) -> None:
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    @property
    def values(self) -> Any:
        """The slices: a Tensor shaped [len(indices), dense_shape[1:]...]."""
        return self._values

    @property
    def indices(self) -> Any:
        """The 1-D integer Tensor of the rows the slices belong to."""
        return self._indices

    @property
    def dense_shape(self) -> Any:
        """The 1-D Tensor of the dense tensor's shape, or None."""
        return self._dense_shape

    @property
    def name(self) -> str:
        return self._values.name

    @property
    def device(self) -> str:
        return self._values.device

    @property
    def op(self) -> Any:
        """The Operation that produces `values`."""
        return self._values.op

    @property
    def dtype(self) -> Any:
        return self._values.dtype

    @property
    def graph(self) -> Any:
        return self._values.graph

    @property
    def shape(self) -> shapes.TensorShape:
        """The dense tensor's static shape, as far as `dense_shape` is known while building."""
        return shapes.TensorShape(static_dense_shape(self._dense_shape))

    def get_shape(self) -> shapes.TensorShape:
        return self.shape

    def consumers(self) -> list:
        return list(self._values._consumers)

    def __neg__(self) -> IndexedSlices:
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __str__(self) -> str:
        dense = "" if self._dense_shape is None else f", dense_shape={self._dense_shape}"
        return f"IndexedSlices(indices={self._indices}, values={self._values}{dense})"

    __repr__ = __str__


def static_dense_shape(dense_shape) -> shapes.RawShape:
    """TF's constant_value_as_shape for the cases gradients build: a Const or a Shape op."""
    if dense_shape is None:
        return None
    if not isinstance(dense_shape, Tensor):
        return tuple(int(d) for d in np.ravel(dense_shape))
    op = dense_shape.op
    while op.type == "Identity":
        op = op._inputs[0].op
    if op.type == "Const":
        return tuple(int(d) for d in np.ravel(op.attrs["value"]))
    if op.type == "Shape":
        return op._inputs[0]._shape
    length = dense_shape._shape
    if length is None or length[0] is None:
        return None
    return (None,) * length[0]


__all__ = ["IndexedSlices", "IndexedSlicesValue", "static_dense_shape"]
