"""The module paths real code imports: tensorflow.python.framework.ops and the rest."""

from __future__ import annotations

import types

from ..engine.graph.shapes import Dimension, TensorShape
from . import namespace
from .python_module_table import MODULES


def install(tf: types.ModuleType) -> None:
    """Add `tf.python...` namespaces built from the finished `tf` module."""
    children: dict[str, dict[str, object]] = {"": {}}  # package path -> its members
    for path, (home, names) in MODULES.items():
        members = _members(tf, home, names.split())
        members.update(_TF1_EXTRAS.get(path, {}))
        if members:  # a module with none of its names is not offered at all
            _add_to_package(children, path, namespace(
                f"python.{path}", f"TF's tensorflow.python.{path} names that graphshell has.",
                **members))
    for package in list(children):  # every ancestor package exists, even one of packages only
        while package:
            package = package.rpartition(".")[0]
            children.setdefault(package, {})
    for package in sorted(children, key=lambda path: -path.count(".")):  # deepest first
        if package:
            _add_to_package(children, package, namespace(
                f"python.{package}", f"TF's tensorflow.python.{package} package.",
                **children[package]))
    setattr(tf, "python", namespace(  # noqa: B010 - tf is a module, not a class mypy knows
        "python", "TF's tensorflow.python package: the modules TF1 code imports directly.",
        **children[""]))


def _members(tf: types.ModuleType, home: str, names: list[str]) -> dict[str, object]:
    """Each name of a TF module that graphshell's tf has, with its value."""
    members = {}
    for entry in names:
        name, _, path = entry.partition("=")
        value = _lookup(tf, path or (f"{home}.{name}" if home else name))
        if value is not _MISSING:
            members[name] = value
    return members


_MISSING = object()


def _lookup(tf: types.ModuleType, dotted: str) -> object:
    value: object = tf
    for part in dotted.split("."):
        value = getattr(value, part, _MISSING)
        if value is _MISSING:
            return _MISSING
    return value


def _add_to_package(children: dict[str, dict[str, object]], path: str,
                    module: types.ModuleType) -> None:
    parent, _, leaf = path.rpartition(".")
    children.setdefault(parent, {})[leaf] = module


# -- TF 1.x names of tensor_shape that TF 2 dropped --------------------------------------------
def scalar() -> TensorShape:
    """The shape of a scalar: TensorShape([])."""
    return TensorShape([])


def vector(length) -> TensorShape:
    """The shape of a vector of `length` elements (None for unknown)."""
    return TensorShape([length])


def matrix(rows, cols) -> TensorShape:
    """The shape of a `rows` x `cols` matrix."""
    return TensorShape([rows, cols])


def unknown_shape(rank=None, **kwargs) -> TensorShape:
    """A shape of unknown rank, or of `rank` unknown dimensions."""
    rank = kwargs.pop("ndims", rank)
    if kwargs:
        raise TypeError(f"Unknown argument: {kwargs}")
    return TensorShape(None if rank is None else [None] * rank)


def as_shape(shape) -> TensorShape:
    """`shape` as a TensorShape (a TensorShape is returned as it is)."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def as_dimension(value) -> Dimension:
    """`value` as a Dimension (a Dimension is returned as it is)."""
    return value if isinstance(value, Dimension) else Dimension(value)


_TF1_EXTRAS: dict[str, dict[str, object]] = {
    "framework.tensor_shape": dict(scalar=scalar, vector=vector, matrix=matrix,
                                   unknown_shape=unknown_shape, as_shape=as_shape,
                                   as_dimension=as_dimension),
}
