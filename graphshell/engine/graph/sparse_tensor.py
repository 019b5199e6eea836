"""`SparseTensor` (indices, values, dense_shape as three tensors) and `SparseTensorValue`, what
a session fetches for one and accepts as its feed."""

from __future__ import annotations

import collections
from typing import Any

from . import dtypes, stacks
from .convert import convert_to_tensor
from .graph_api import name_scope
from .shapes import TensorShape

SparseTensorValue = collections.namedtuple("SparseTensorValue",
                                           ["indices", "values", "dense_shape"])
SparseTensorValue.__doc__ = "A SparseTensor's value: numpy indices, values and dense_shape."


class SparseTensor:
    """A sparse tensor: `values[i]` sits at `indices[i]` (int64, [N, rank]) of a dense tensor
    shaped `dense_shape` (int64, [rank]); everything else is zero."""

    def __init__(self, indices: Any, values: Any, dense_shape: Any):
        with name_scope(None, "SparseTensor", [indices, values, dense_shape]):
            indices = convert_to_tensor(indices, name="indices", dtype=dtypes.int64)
            values = convert_to_tensor(values, name="values")
            dense_shape = convert_to_tensor(dense_shape, name="dense_shape",
                                            dtype=dtypes.int64)
        _check_part_shapes(indices.shape, values.shape, dense_shape.shape)
        self._indices = indices
        self._values = values
        self._dense_shape = dense_shape
        self._dense_shape_default = _static_dense_shape(dense_shape)

    @classmethod
    def from_value(cls, sparse_tensor_value: Any) -> SparseTensor:
        """A SparseTensor of constants from a SparseTensorValue (a SparseTensor as it is)."""
        if isinstance(sparse_tensor_value, SparseTensor):
            return sparse_tensor_value
        return cls(sparse_tensor_value.indices, sparse_tensor_value.values,
                   sparse_tensor_value.dense_shape)

    indices = property(lambda self: self._indices, doc="The int64 [N, rank] positions.")
    values = property(lambda self: self._values, doc="The [N] values at those positions.")
    dense_shape = property(lambda self: self._dense_shape, doc="The int64 [rank] shape.")

    @property
    def dtype(self) -> dtypes.DType:
        return self._values.dtype

    @property
    def op(self) -> Any:
        return self._values.op

    @property
    def graph(self) -> Any:
        return self._indices.graph

    @property
    def shape(self) -> TensorShape:
        """The dense shape as far as it is known while building."""
        return self._dense_shape_default

    def get_shape(self) -> TensorShape:
        return self._dense_shape_default

    def consumers(self) -> list:
        found: dict = {}
        for part in (self._indices, self._values, self._dense_shape):
            for op in part.consumers():
                found[op] = None
        return list(found)

    def eval(self, feed_dict: dict | None = None, session: Any = None) -> SparseTensorValue:
        """Its value in `session` (or the default session)."""
        return stacks.eval_using_default_session(self, feed_dict, self.graph, session)

    def __repr__(self) -> str:
        return (f"SparseTensor(indices={self._indices}, values={self._values}, "
                f"dense_shape={self._dense_shape})")


def _check_part_shapes(indices_shape, values_shape, dense_shape_shape) -> None:
    """TF's checks: indices [N, rank], values [N], dense_shape [rank]."""
    for shape, rank in ((indices_shape, 2), (values_shape, 1), (dense_shape_shape, 1)):
        if shape.ndims is not None and shape.ndims != rank:
            raise ValueError(f"Shape {shape} must have rank {rank}")
    if indices_shape.ndims is None:
        return
    count, rank = indices_shape.as_list()
    if values_shape.ndims is not None:
        other = values_shape.as_list()[0]
        if None not in (count, other) and count != other:
            raise ValueError(f"Dimensions {count} and {other} are not compatible")
    if dense_shape_shape.ndims is not None:
        other = dense_shape_shape.as_list()[0]
        if None not in (rank, other) and rank != other:
            raise ValueError(f"Dimensions {rank} and {other} are not compatible")


def _static_dense_shape(dense_shape) -> TensorShape:
    """The dense shape from a constant dense_shape, else its rank with unknown dimensions."""
    source = dense_shape.op
    if source.type == "Const":
        return TensorShape([int(d) for d in source.attrs["value"]])
    rank = dense_shape.shape.as_list()[0] if dense_shape.shape.ndims == 1 else None
    return TensorShape(None if rank is None else [None] * rank)


def is_sparse(value: Any) -> bool:
    return isinstance(value, (SparseTensor, SparseTensorValue))
