"""Static shapes: TensorShape and Dimension with TF1's semantics (unknown dimensions are None).

Internally the engine passes shapes around as plain tuples of ints/None (or None for an unknown
rank); TensorShape wraps such a tuple for users.
"""

from __future__ import annotations

RawShape = tuple[int | None, ...] | None


class ShapeError(ValueError):
    """A shape or dtype rule failed while building an op; the graph adds the op's name."""


class Dimension:
    """One dimension of a TensorShape; its value is an int or None when unknown."""

    __slots__ = ("_value",)

    def __init__(self, value):
        if isinstance(value, Dimension):
            value = value.value
        if value is not None:
            if isinstance(value, bool) or not hasattr(value, "__index__"):
                raise TypeError(f"Dimension value must be integer or None, got {value!r}")
            value = int(value.__index__())
            if value < 0:
                raise ValueError(f"Dimension {value} must be >= 0")
        self._value = value

    @property
    def value(self):
        return self._value

    def __repr__(self) -> str:
        return f"Dimension({self._value!r})"

    def __str__(self) -> str:
        return "?" if self._value is None else str(self._value)

    def __int__(self) -> int:
        return self._value

    def __index__(self) -> int:
        return self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __eq__(self, other):
        other = _as_dimension_or_none(other)
        if other is NotImplemented:
            return NotImplemented
        if self._value is None or other._value is None:
            return None
        return self._value == other._value

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is None or equal is NotImplemented else not equal

    def is_compatible_with(self, other) -> bool:
        other = Dimension(other)
        return self._value is None or other._value is None or self._value == other._value

    def merge_with(self, other) -> Dimension:
        other = Dimension(other)
        if not self.is_compatible_with(other):
            raise ValueError(f"Dimensions {self} and {other} are not compatible")
        return self if self._value is not None else other

    def _arith(self, other, fn):
        other = _as_dimension_or_none(other)
        if other is NotImplemented:
            return NotImplemented
        if self._value is None or other._value is None:
            return Dimension(None)
        return Dimension(fn(self._value, other._value))

    def __add__(self, other):
        return self._arith(other, lambda a, b: a + b)

    __radd__ = __add__

    def __sub__(self, other):
        return self._arith(other, lambda a, b: a - b)

    def __mul__(self, other):
        return self._arith(other, lambda a, b: a * b)

    __rmul__ = __mul__

    def __floordiv__(self, other):
        return self._arith(other, lambda a, b: a // b)

    def __lt__(self, other):
        return _compare(self, other, lambda a, b: a < b)

    def __le__(self, other):
        return _compare(self, other, lambda a, b: a <= b)

    def __gt__(self, other):
        return _compare(self, other, lambda a, b: a > b)

    def __ge__(self, other):
        return _compare(self, other, lambda a, b: a >= b)


def _as_dimension_or_none(value):
    try:
        return Dimension(value)
    except (TypeError, ValueError):
        return NotImplemented


def _compare(dim, other, fn):
    other = Dimension(other)
    if dim.value is None or other.value is None:
        return None
    return fn(dim.value, other.value)


def dimension_value(dim):
    """The int (or None) behind a Dimension, int or None."""
    return dim.value if isinstance(dim, Dimension) else dim


def as_raw_shape(shape) -> RawShape:
    """Normalises None, a TensorShape, or a sequence of ints/None/Dimensions to a raw tuple."""
    if shape is None:
        return None
    if isinstance(shape, TensorShape):
        return shape._dims
    if isinstance(shape, (int, Dimension)) and not isinstance(shape, bool):
        return (dimension_value(shape),)
    try:
        dims = list(shape)
    except TypeError:
        raise TypeError(f"Cannot convert {shape!r} to a TensorShape.") from None
    return tuple(Dimension(d).value for d in dims)


class TensorShape:
    """A tensor's static shape; a rank of None means unknown rank."""

    __slots__ = ("_dims",)

    def __init__(self, dims=None):
        self._dims = as_raw_shape(dims)

    # -- rank and dims ------------------------------------------------------------
    @property
    def ndims(self):
        return None if self._dims is None else len(self._dims)

    rank = ndims

    @property
    def dims(self):
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    def as_list(self):
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self.dims)

    def __getitem__(self, key):
        if self._dims is None:
            if isinstance(key, slice):
                return TensorShape(None)
            return Dimension(None)
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return Dimension(self._dims[key])

    def __bool__(self) -> bool:
        return self._dims is not None

    # -- comparisons ------------------------------------------------------------------
    def is_fully_defined(self) -> bool:
        return self._dims is not None and None not in self._dims

    def num_elements(self):
        if not self.is_fully_defined():
            return None
        count = 1
        for d in self._dims:
            count *= d
        return count

    def is_compatible_with(self, other) -> bool:
        return shapes_compatible(self._dims, as_raw_shape(other))

    def assert_is_compatible_with(self, other) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {TensorShape(other)} are incompatible")

    def merge_with(self, other) -> TensorShape:
        other_dims = as_raw_shape(other)
        if not shapes_compatible(self._dims, other_dims):
            raise ValueError(f"Shapes {self} and {TensorShape(other_dims)} are not compatible")
        return TensorShape(merge_shapes(self._dims, other_dims))

    def concatenate(self, other) -> TensorShape:
        other_dims = as_raw_shape(other)
        if self._dims is None or other_dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other_dims)

    def with_rank(self, rank) -> TensorShape:
        if self._dims is None:
            return TensorShape([None] * rank)
        if len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")
        return self

    def assert_has_rank(self, rank) -> None:
        self.with_rank(rank)

    def __eq__(self, other):
        try:
            other_dims = as_raw_shape(other)
        except TypeError:
            return NotImplemented
        return self._dims == other_dims

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]  # unhashable, like TF's TensorShape

    # -- display ----------------------------------------------------------------------------
    def __str__(self) -> str:
        return shape_str(self._dims)

    def __repr__(self) -> str:
        if self._dims is None:
            return "TensorShape(None)"
        dims = ", ".join(f"Dimension({d!r})" for d in self._dims)
        return f"TensorShape([{dims}])"


def shape_str(dims: RawShape) -> str:
    """TF1's printing: (?, 2), (3,), () and <unknown>."""
    if dims is None:
        return "<unknown>"
    words = ["?" if d is None else str(d) for d in dims]
    if len(words) == 1:
        return f"({words[0]},)"
    return "(" + ", ".join(words) + ")"


def shape_list_str(dims: RawShape) -> str:
    """TF's bracketed form used in run-time messages: [2,3], [?,2], <unknown>."""
    if dims is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def merge_all_same(shapes, what="inputs"):
    """The common shape of several raw shapes that must agree exactly (AddN, Pack)."""
    result = None
    for shape in shapes:
        if shape is None:
            continue
        if result is None:
            result = shape
            continue
        if len(shape) != len(result):
            raise ShapeError(f"Shapes must be equal rank, but are {len(result)} and {len(shape)}")
        merged = []
        for i, (a, b) in enumerate(zip(result, shape)):
            if a is not None and b is not None and a != b:
                raise ShapeError(f"Dimension {i} in both shapes must be equal, but are {a} and "
                                 f"{b}. Shapes are {shape_list_str(result)} and "
                                 f"{shape_list_str(shape)}.")
            merged.append(a if a is not None else b)
        result = tuple(merged)
    return result


def shapes_compatible(a: RawShape, b: RawShape) -> bool:
    if a is None or b is None:
        return True
    if len(a) != len(b):
        return False
    return all(x is None or y is None or x == y for x, y in zip(a, b))


def merge_shapes(a: RawShape, b: RawShape) -> RawShape:
    if a is None:
        return b
    if b is None:
        return a
    return tuple(x if x is not None else y for x, y in zip(a, b))


def unknown_shape(rank=None) -> RawShape:
    return None if rank is None else (None,) * rank


def is_fully_defined(dims: RawShape) -> bool:
    return dims is not None and None not in dims


def num_elements(dims: RawShape):
    if not is_fully_defined(dims):
        return None
    count = 1
    for d in dims or ():
        count *= d or 0  # every d is known here
    return count
