"""Tensor element types (TF's DType): names, numpy types, ref variants and conversion rules."""

from __future__ import annotations

import numpy as np

_REF_OFFSET = 100


class DType:
    """One element type, e.g. float32, or its reference variant float32_ref used by variables."""

    __slots__ = ("name", "as_numpy_dtype", "_enum", "_base", "_ref", "_np_dtype")
    _base: DType  # itself, or the base type of a _ref type
    _ref: DType  # its _ref variant (set right after both are made)

    def __init__(self, name: str, numpy_type, enum: int):
        self.name = name
        self.as_numpy_dtype = numpy_type
        self._np_dtype = np.dtype(numpy_type)
        self._enum = enum
        self._base = self
        self._ref = self  # until _make pairs it with its _ref variant

    # -- identity and display -------------------------------------------------
    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: {self.name!r}>"

    def __eq__(self, other) -> bool:
        if other is self:
            return True
        if other is None:
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return self._enum

    def __reduce__(self):
        return as_dtype, (self.name,)

    # -- properties -------------------------------------------------------------
    @property
    def as_datatype_enum(self) -> int:
        return self._enum

    @property
    def base_dtype(self) -> DType:
        return self._base

    @property
    def real_dtype(self) -> DType:
        return self

    @property
    def _is_ref_dtype(self) -> bool:
        return self._base is not self

    is_ref = _is_ref_dtype

    @property
    def _as_ref(self) -> DType:
        return self._ref

    @property
    def is_floating(self) -> bool:
        return self._np_dtype.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self._np_dtype.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self._np_dtype.kind == "u"

    @property
    def is_bool(self) -> bool:
        return self._np_dtype.kind == "b"

    @property
    def is_complex(self) -> bool:
        return self._np_dtype.kind == "c"

    @property
    def is_numpy_compatible(self) -> bool:
        return True

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def size(self) -> int:
        return self._np_dtype.itemsize if self._base is not string else 1

    @property
    def min(self):
        return _limits(self)[0]

    @property
    def max(self):
        return _limits(self)[1]

    @property
    def limits(self):
        return _limits(self)

    def is_compatible_with(self, other) -> bool:
        other = as_dtype(other)
        return self._enum in (other._enum, other.base_dtype._enum)


def _limits(dtype: DType):
    np_dtype = dtype.base_dtype._np_dtype
    if np_dtype.kind == "f":
        info = np.finfo(np_dtype)
        return info.min, info.max
    if np_dtype.kind in "iu":
        info = np.iinfo(np_dtype)
        return info.min, info.max
    if np_dtype.kind == "b":
        return False, True
    raise TypeError(f"Cannot find minimum value of {dtype!r}.")


def _make(name: str, numpy_type, enum: int) -> DType:
    dtype = DType(name, numpy_type, enum)
    ref = DType(name + "_ref", numpy_type, enum + _REF_OFFSET)
    ref._base = dtype
    dtype._ref = ref
    return dtype


float16 = half = _make("float16", np.float16, 19)
float32 = _make("float32", np.float32, 1)
float64 = double = _make("float64", np.float64, 2)
int8 = _make("int8", np.int8, 6)
int16 = _make("int16", np.int16, 5)
int32 = _make("int32", np.int32, 3)
int64 = _make("int64", np.int64, 9)
uint8 = _make("uint8", np.uint8, 4)
uint16 = _make("uint16", np.uint16, 17)
uint32 = _make("uint32", np.uint32, 22)
uint64 = _make("uint64", np.uint64, 23)
bool_ = _make("bool", np.bool_, 10)
string = _make("string", object, 7)
complex64 = _make("complex64", np.complex64, 8)
complex128 = _make("complex128", np.complex128, 18)

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
       bool_, string, complex64, complex128)

# TF's lookup tables: every key `tf.as_dtype` accepts by value (names, enums, numpy scalar types,
# the three Python types TF maps), each kind in its own table as TF keeps them.
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update({d._ref.name: d._ref for d in ALL})
# TF's C-style aliases: "float" is float32 (not numpy's float64), "half" and "double" likewise.
for _alias, _dtype in (("float", float32), ("half", float16), ("double", float64)):
    _BY_NAME[_alias] = _dtype
    _BY_NAME[_alias + "_ref"] = _dtype._ref
del _alias, _dtype
_BY_ENUM = {d._enum: d for d in ALL}
_BY_ENUM.update({d._ref._enum: d._ref for d in ALL})
_BY_NUMPY_TYPE = {d._np_dtype.type: d for d in ALL if d is not string}
_BY_NUMPY_TYPE.update({np.longlong: int64, np.ulonglong: uint64, np.str_: string,
                       np.bytes_: string, np.object_: string})
# TF maps only these Python types: int and str are refused (TF cannot tell int32 from int64).
_BY_PYTHON = {float: float32, bool: bool_, object: string}
# Element types TF has that graphshell cannot compute with: numpy has no such type.
_UNSUPPORTED_NAMES = frozenset(
    name + suffix for suffix in ("", "_ref") for name in (
        "int4", "uint4",
        "int2", "uint2", "float8_e5m2", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2fnuz",
        "float8_e4m3b11fnuz", "float4_e2m1fn"))


def as_dtype(type_value) -> DType:
    """Converts a DType, TF type name ("float" is float32), enum, numpy type or dtype, or one of
    Python's float, bool and object to a DType, as `tf.as_dtype` does (TypeError if impossible)."""
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, np.dtype):
        found = _BY_NUMPY_TYPE.get(type_value.type)
        if found is not None:
            return found
    found = _lookup_by_value(type_value)
    if found is None and hasattr(type_value, "dtype"):  # numpy arrays and scalars
        try:
            found = _BY_NUMPY_TYPE.get(np.dtype(type_value.dtype).type)
        except TypeError:
            found = None
    if found is not None:
        return found
    if isinstance(type_value, str) and type_value in _UNSUPPORTED_NAMES:
        raise TypeError(f"Cannot convert the argument `type_value`: {type_value!r} to a "
                        "TensorFlow DType: graphshell has no such type (numpy has no "
                        f"{type_value.removesuffix('_ref')} element type).")
    raise TypeError(f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow "
                    "DType.")


def _lookup_by_value(type_value) -> DType | None:
    """The DType a name, an enum, a numpy scalar type or a Python type stands for (TF looks all
    of them up in one dict, so an equal-hashing value such as True or 1.0 finds enum 1)."""
    try:
        for table in (_BY_NAME, _BY_ENUM, _BY_NUMPY_TYPE, _BY_PYTHON):
            found = table.get(type_value)
            if found is not None:
                return found
    except TypeError:  # unhashable values name no type
        return None
    return None


def type_name_for_messages(dtype: DType) -> str:
    """TF's short type words in run-time messages ('float' for float32, 'double' for float64)."""
    return _MESSAGE_NAMES.get(dtype.base_dtype.name, dtype.base_dtype.name)


_MESSAGE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}

# A handle to a per-step resource: the stacks that carry a while loop's values to its gradient.
resource = _make("resource", object, 20)
_BY_NAME[resource.name] = resource
_BY_NAME[resource._ref.name] = resource._ref
_BY_ENUM[resource._enum] = resource
# What a dataset op outputs: the dataset as an opaque value (a tf.data pipeline stage).
variant = _make("variant", object, 21)
_BY_NAME[variant.name] = variant
_BY_NAME[variant._ref.name] = variant._ref
_BY_ENUM[variant._enum] = variant


# -- element types TF names but numpy cannot hold ---------------------------------------------
class NamedOnlyDType(DType):
    """bfloat16 and the quantized types: DType objects with TF's names, enums and kinds, so code
    that mentions them builds; graphshell has no numpy type for them, so converting a value
    to one (a constant, a cast, a feed) raises a TypeError that says so."""

    __slots__ = ("_kind",)

    def __init__(self, name: str, enum: int, kind: str):  # not DType's: it has no numpy type
        self.name = name
        self._np_dtype = np.dtype(np.void)
        self._enum = enum
        self._base = self
        self._ref = self
        self._kind = kind

    @property
    def as_numpy_dtype(self):
        raise TypeError(f"graphshell cannot compute with {self.base_dtype.name}: numpy has no "
                        f"{self.base_dtype.name} element type (use float32 or an integer type)")

    @property
    def is_floating(self) -> bool:
        return self._kind == "f"

    @property
    def is_integer(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return self._kind == "q"

    @property
    def is_numpy_compatible(self) -> bool:
        return False

    @property
    def size(self) -> int:
        return {"bfloat16": 2, "qint8": 1, "quint8": 1, "qint16": 2, "quint16": 2,
                "qint32": 4}[self.base_dtype.name]


def _make_named_only(name: str, enum: int, kind: str) -> DType:
    dtype = NamedOnlyDType(name, enum, kind)
    ref = NamedOnlyDType(name + "_ref", enum + _REF_OFFSET, kind)
    ref._base = dtype
    dtype._ref = ref
    for each in (dtype, ref):
        _BY_NAME[each.name] = each
        _BY_ENUM[each._enum] = each
    return dtype


bfloat16 = _make_named_only("bfloat16", 14, "f")
qint8 = _make_named_only("qint8", 11, "q")
quint8 = _make_named_only("quint8", 12, "q")
qint32 = _make_named_only("qint32", 13, "q")
qint16 = _make_named_only("qint16", 15, "q")
quint16 = _make_named_only("quint16", 16, "q")
