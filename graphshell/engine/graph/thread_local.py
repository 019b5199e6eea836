"""`Graph.switch_to_thread_local()`: from then on each thread keeps its own device,
colocation, control-dependency and name-scope stacks for the graph (TF1's thread-local stack
state), starting from the stacks as they were at the switch (the name scope from the root)."""

from __future__ import annotations

import copy
import threading
from typing import Any

from .control_deps import ControlDependencies

# The graph attributes that become per-thread, each with how a new thread gets its first value.
_PER_THREAD = ("_device_scopes", "_colocation_stack", "_control_deps", "_name_stack")
_subclasses: dict[type, type] = {}


class _PerThread:
    """A data descriptor: the attribute's value for the current thread."""

    def __init__(self, name: str):
        self._name = name

    def __get__(self, graph: Any, owner: type | None = None) -> Any:
        if graph is None:
            return self
        state = graph.__dict__["_thread_state"]
        try:
            return getattr(state, self._name)
        except AttributeError:
            value = _first_value(graph, self._name)
            setattr(state, self._name, value)
            return value

    def __set__(self, graph: Any, value: Any) -> None:
        setattr(graph.__dict__["_thread_state"], self._name, value)


def _first_value(graph, name):
    """What a thread other than the switching one starts with: a copy of the stack as it was
    at the switch."""
    if name == "_name_stack":
        return ""
    return _copy_of(graph.__dict__["_thread_initial"][name])


def _copy_of(stack):
    if isinstance(stack, ControlDependencies):
        fresh = copy.copy(stack)
        fresh._stack = list(stack._stack)
        return fresh
    return list(stack)


def switch_to_thread_local(graph: Any) -> None:
    """Makes `graph`'s stacks per-thread (once; later calls do nothing)."""
    if "_thread_state" in graph.__dict__:
        return
    base = type(graph)
    subclass = _subclasses.get(base)
    if subclass is None:
        members = {name: _PerThread(name) for name in _PER_THREAD}
        subclass = _subclasses[base] = type(base.__name__, (base,), members)
        subclass.__qualname__ = base.__qualname__
        subclass.__module__ = base.__module__
    current = {name: graph.__dict__[name] for name in _PER_THREAD}
    graph.__dict__["_thread_initial"] = {name: value if name == "_name_stack" else
                                         _copy_of(value) for name, value in current.items()}
    state = threading.local()
    for name, value in current.items():
        setattr(state, name, value)  # the switching thread keeps its stacks as they are
    graph.__dict__["_thread_state"] = state
    graph.__class__ = subclass
