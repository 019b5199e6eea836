"""Framework names TF's own tests use: tf.nest, tf.custom_gradient, tf.AggregationMethod,
tf.init_scope, tf.container, tf.TensorSpec, tf.compat's text helpers, counters and checks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ..engine.autodiff.custom_gradient import custom_gradient
from ..engine.graph import dtypes
from ..engine.graph import nest as nest_impl
from ..engine.graph.dtypes import as_dtype
from ..engine.graph.graph import get_default_graph
from ..engine.graph.shapes import TensorShape
from ..engine.ops import counter_ops, named_ops
from . import namespace


class AggregationMethod:
    """How tf.gradients adds up several gradients of one tensor (graphshell: always AddN, as
    TF's DEFAULT; the experimental ones give the same sums)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


@contextlib.contextmanager
def init_scope() -> Iterator[None]:
    """Lifts op creation out of control-dependency and control-flow scopes, keeping the
    current name scope (graph mode's init_scope)."""
    graph = get_default_graph()
    scope = graph.get_name_scope()
    if scope and not scope.endswith("/"):
        scope += "/"
    with graph.as_default(), graph.name_scope(scope), graph.control_dependencies(None):
        yield


def container(container_name: str) -> Any:
    """The default graph's `container(container_name)` block."""
    return get_default_graph().container(container_name)


class TensorSpec:
    """The shape, dtype and optional name of a tensor (a description, not a tensor)."""

    def __init__(self, shape: Any, dtype: Any = "float32", name: str | None = None):
        self._shape = TensorShape(shape)
        self._dtype = as_dtype(dtype)
        self._name = name

    @classmethod
    def from_tensor(cls, tensor: Any, name: str | None = None) -> TensorSpec:
        return cls(tensor.shape, tensor.dtype.base_dtype,
                   name if name is not None else getattr(tensor.op, "name", None))

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    name = property(lambda self: self._name)

    def is_compatible_with(self, spec_or_tensor: Any) -> bool:
        """Same dtype and compatible shapes (tensors and specs alike)."""
        return (self._dtype.is_compatible_with(spec_or_tensor.dtype) and
                self._shape.is_compatible_with(spec_or_tensor.shape))

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and self._dtype == other._dtype and
                self._name == other._name and _same_shape(self._shape, other._shape))

    def __hash__(self) -> int:
        return hash((self._dtype, self._name))

    def __repr__(self) -> str:
        return (f"TensorSpec(shape={self._shape}, dtype={self._dtype!r}, "
                f"name={self._name!r})")


def _same_shape(shape: TensorShape, other: TensorShape) -> bool:
    if shape.ndims is None or other.ndims is None:
        return shape.ndims == other.ndims
    return shape.as_list() == other.as_list()


def as_bytes(bytes_or_text: Any, encoding: str = "utf-8") -> bytes:
    """Bytes as they are, text encoded; TypeError for anything else."""
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text: Any, encoding: str = "utf-8") -> str:
    """Text as it is, bytes decoded; TypeError for anything else."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


# Names tf.py adds to tf.compat.
COMPAT_MEMBERS: dict[str, object] = {
    "as_bytes": as_bytes, "as_text": as_text, "as_str": as_text, "as_str_any": str,
}

nest = namespace(
    "nest", "Nested structures (tf.nest).", flatten=nest_impl.flatten,
    pack_sequence_as=nest_impl.pack_sequence_as, map_structure=nest_impl.map_structure,
    assert_same_structure=nest_impl.assert_same_structure, is_nested=nest_impl.is_nested)

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
TOP_LEVEL: dict[str, object] = {
    "nest": nest,
    "custom_gradient": custom_gradient,
    "AggregationMethod": AggregationMethod,
    "init_scope": init_scope,
    "container": container,
    "TensorSpec": TensorSpec,
    "count_up_to": counter_ops.count_up_to,
    "assert_variables_initialized": counter_ops.assert_variables_initialized,
    "shape_n": named_ops.shape_n,
    "strided_slice": named_ops.strided_slice,
    "scalar_mul": named_ops.scalar_mul,
    # element types graphshell names but cannot compute with (numpy has no such types)
    "bfloat16": dtypes.bfloat16, "qint8": dtypes.qint8, "quint8": dtypes.quint8,
    "qint16": dtypes.qint16, "quint16": dtypes.quint16, "qint32": dtypes.qint32,
}
