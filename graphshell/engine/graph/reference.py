"""`Tensor.ref()`: a hashable handle on a tensor or variable, equal only for the same object
(tensors themselves compare elementwise in TF 2, so they cannot be dict keys there)."""

from __future__ import annotations

from typing import Any


class Reference:
    """What `t.ref()` / `t.experimental_ref()` return: hashable by identity; `deref()` gives
    the object back."""

    __slots__ = ("_wrapped",)

    def __init__(self, wrapped: Any):
        self._wrapped = wrapped

    def deref(self) -> Any:
        """The tensor or variable this reference is for."""
        return self._wrapped

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reference) and other._wrapped is self._wrapped

    def __hash__(self) -> int:
        return id(self._wrapped)

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._wrapped!r}>"
