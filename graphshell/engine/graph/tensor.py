"""Tensor: a symbolic output of an Operation, with TF's Python operators.

Operators build ops through functions that the op modules register in `OPERATORS`, so this
module knows nothing about any particular op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import errors, shapes, stacks
from .reference import Reference

if TYPE_CHECKING:  # type-only imports may not point back up: operation and graph import this
    from .dtypes import DType

# name -> function(x, y) or function(x); filled in by graphshell.engine.ops.*
OPERATORS: dict[str, Callable[..., Tensor]] = {}


def _binary(name):
    def method(self, other):
        return OPERATORS[name](self, other)
    method.__name__ = f"__{name}__"
    return method


def _reflected(name):
    def method(self, other):
        return OPERATORS["r" + name](self, other)
    method.__name__ = f"__r{name}__"
    return method


class Tensor:
    """The `value_index`-th output of `op`: a dtype and a static shape, never a value."""

    __slots__ = ("op", "value_index", "dtype", "_shape", "_consumers", "__weakref__")
    op: Any  # the Operation that produces it
    value_index: int
    dtype: DType
    _shape: shapes.RawShape
    _consumers: list
    # Make numpy defer to our reflected operators, so np.array(...) * t builds an op.
    __array_priority__ = 100
    __array_ufunc__ = None

    def __init__(self, op: Any, value_index: int, dtype: DType, shape: shapes.RawShape) -> None:
        self.op = op
        self.value_index = value_index
        self.dtype = dtype
        self._shape = shape
        self._consumers = []

    # -- identity --------------------------------------------------------------------
    @property
    def name(self) -> str:
        return f"{self.op.name}:{self.value_index}"

    @property
    def graph(self) -> Any:
        return self.op._graph

    @property
    def device(self) -> str:
        return self.op.device

    @property
    def shape(self) -> shapes.TensorShape:
        return shapes.TensorShape(self._shape)

    def get_shape(self) -> shapes.TensorShape:
        return shapes.TensorShape(self._shape)

    def set_shape(self, shape: Any) -> None:
        """Refines the static shape; an incompatible shape is a ValueError."""
        raw = shapes.as_raw_shape(shape)
        if not shapes.shapes_compatible(self._shape, raw):
            try:
                shapes.merge_all_same([self._shape, raw])
            except shapes.ShapeError as clash:
                # TF's words: "Dimension 0 in both shapes must be..."
                raise ValueError(str(clash)) from None
        self._shape = shapes.merge_shapes(self._shape, raw)

    def _shape_tuple(self) -> shapes.RawShape:
        return self._shape

    def _rank(self) -> int | None:
        return None if self._shape is None else len(self._shape)

    def ref(self) -> Reference:
        """A hashable handle on this tensor (`deref()` gives it back)."""
        return Reference(self)

    experimental_ref = ref

    def consumers(self) -> list:
        """The ops that read this tensor, one entry per input slot."""
        return list(self._consumers)

    def __repr__(self) -> str:
        return (f"<tf.Tensor {self.name!r} shape={shapes.shape_str(self._shape)} "
                f"dtype={self.dtype.name}>")

    def __str__(self) -> str:
        if self._shape is None:
            return f'Tensor("{self.name}", dtype={self.dtype.name})'
        return (f'Tensor("{self.name}", shape={shapes.shape_str(self._shape)}, '
                f"dtype={self.dtype.name})")

    def _as_graph_element(self) -> Tensor:
        return self

    # -- evaluation ---------------------------------------------------------------------
    def eval(self, feed_dict: dict | None = None, session: Any = None) -> Any:
        """`session.run(self, feed_dict)` on the given or the default session."""
        return stacks.eval_using_default_session(self, feed_dict, self.graph, session)

    # -- Python protocol: symbolic tensors are not values --------------------------------
    def __bool__(self):
        raise errors.OperatorNotAllowedInGraphError(
            "Using a symbolic `tf.Tensor` as a Python `bool` is not allowed. It has no value "
            "until a session runs it: use tf.cond (or tf.where) to choose by its value, and "
            "`if t is not None:` to test whether a tensor exists.")

    def __len__(self):
        raise TypeError(
            f"len is not well defined for a symbolic Tensor ({self.name}). Please call "
            "`x.shape` rather than `len(x)` for shape information.")

    def __iter__(self):
        raise errors.OperatorNotAllowedInGraphError(
            "Iterating over a symbolic `tf.Tensor` is not allowed. It has no value until a "
            "session runs it: use tf.unstack(t) to get its rows as tensors.")

    def __array__(self, dtype=None, copy=None):
        raise NotImplementedError(
            f"Cannot convert a symbolic tf.Tensor ({self.name}) to a numpy array. This error "
            "may indicate that you're trying to pass a Tensor to a NumPy call, which is not "
            "supported.")

    __hash__ = object.__hash__

    # -- operators ------------------------------------------------------------------------
    __add__ = _binary("add")
    __radd__ = _reflected("add")
    __sub__ = _binary("sub")
    __rsub__ = _reflected("sub")
    __mul__ = _binary("mul")
    __rmul__ = _reflected("mul")
    __truediv__ = _binary("truediv")
    __rtruediv__ = _reflected("truediv")
    __floordiv__ = _binary("floordiv")
    __rfloordiv__ = _reflected("floordiv")
    __mod__ = _binary("mod")
    __rmod__ = _reflected("mod")
    __pow__ = _binary("pow")
    __rpow__ = _reflected("pow")
    __matmul__ = _binary("matmul")
    __rmatmul__ = _reflected("matmul")
    __and__ = _binary("and")
    __rand__ = _reflected("and")
    __or__ = _binary("or")
    __ror__ = _reflected("or")
    __xor__ = _binary("xor")
    __rxor__ = _reflected("xor")
    __lt__ = _binary("lt")
    __le__ = _binary("le")
    __gt__ = _binary("gt")
    __ge__ = _binary("ge")

    def __neg__(self):
        return OPERATORS["neg"](self)

    def __abs__(self):
        return OPERATORS["abs"](self)

    def __invert__(self):
        return OPERATORS["invert"](self)

    def __getitem__(self, key):
        return OPERATORS["getitem"](self, key)


def is_tensor(value: object) -> bool:
    return isinstance(value, Tensor)


__all__ = ["Tensor", "OPERATORS", "is_tensor", "errors"]
