"""The scopes a graph applies to the ops created inside them: devices, colocation and
gradient overrides (`Graph` inherits them; `graph.py` stays about ops, names and collections).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from . import devices
from .operation import Operation


class OpScopes:
    """`Graph.device`, `Graph.colocate_with`, `Graph.gradient_override_map`; the graph keeps
    the stacks (`_device_scopes`, `_colocation_stack`, `_gradient_overrides`) and reads them
    when it creates an op."""

    _device_scopes: list[devices.DeviceScope]
    _colocation_stack: list[Operation]
    _gradient_overrides: dict[str, str]

    @contextlib.contextmanager
    def device(self, device_name_or_function: Any) -> Iterator[None]:
        """Ops created inside get this device: a name merged with the enclosing scopes (inner
        fields win), a function of the op returning a name, or None (enclosing scopes ignored)."""
        scope = devices.DeviceScope(device_name_or_function)
        self._device_scopes.append(scope)
        try:
            yield
        finally:
            if not self._device_scopes or self._device_scopes[-1] is not scope:
                raise RuntimeError("Exiting device scope without proper scope nesting.")
            self._device_scopes.pop()

    @contextlib.contextmanager
    def colocate_with(self, op: Any, ignore_existing: bool = False) -> Iterator[None]:
        """Ops created inside join `op`'s colocation group (`_class` = ["loc:@name"]) and take
        its device; the enclosing device scopes are ignored. `op=None` with
        `ignore_existing=True` clears every constraint."""
        if op is None and not ignore_existing:
            raise ValueError("Trying to reset colocation (op is None) but ignore_existing is "
                             "not True")
        if op is not None and not isinstance(op, Operation):
            op = _colocation_op_of(op)
        saved_scopes, saved_stack = self._device_scopes, self._colocation_stack
        self._device_scopes = []
        if ignore_existing:
            self._colocation_stack = []
        if op is not None:
            self._colocation_stack = self._colocation_stack + [op]
        try:
            yield
        finally:
            self._device_scopes, self._colocation_stack = saved_scopes, saved_stack

    def _colocate_with_for_gradient(self, op, gradient_uid, ignore_existing=False):
        return self.colocate_with(op, ignore_existing)

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map: dict[str, str]) -> Iterator[None]:
        """Ops created inside use the named registered gradient instead of their own."""
        saved = dict(self._gradient_overrides)
        self._gradient_overrides.update(op_type_map)
        try:
            yield
        finally:
            self._gradient_overrides = saved


def _colocation_op_of(value) -> Operation:
    """The op a Tensor, Variable or other graph value stands for when colocating with it."""
    op = getattr(value, "op", None)
    if isinstance(op, Operation):
        return op
    raise TypeError(f"colocate_with takes an Operation, Tensor or Variable, not "
                    f"{type(value).__name__}: {value!r}")
