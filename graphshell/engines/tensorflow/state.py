"""A shell's own defaults inside real TensorFlow: TF's default-graph and default-session
stacks (per thread in TF) are swapped in while the shell runs an input, so a shell keeps one
set of defaults whichever thread runs its inputs, as the numpy engine's EngineContext does."""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable
from typing import Any

_this_thread = threading.local()


def current_state() -> TensorFlowState | None:
    """The state installed in this thread, or None (steps run there are not recorded)."""
    return getattr(_this_thread, "state", None)


class TensorFlowState:
    """A shell's TF stacks, its numbering of graphs, sessions and steps, and its listener."""

    def __init__(self, tf_modules: Any, on_step: Callable, seed: int | None):
        self._modules = tf_modules  # (framework.ops, framework.stack)
        self.on_step: Callable | None = on_step
        self.seed = seed
        self.graph_stack: list = []
        self.global_graph: Any = None
        self.session_stack: list = []
        self._labels: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._graph_numbers = itertools.count(1)
        self._session_numbers = itertools.count(1)
        self.step_numbers = itertools.count(1)
        self.session_steps: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    # -- installing ------------------------------------------------------------------------------
    def installed(self) -> _Installed:
        return _Installed(self)

    def restart(self) -> None:
        self.graph_stack, self.global_graph, self.session_stack = [], None, []
        self.step_numbers = itertools.count(1)
        _put_stacks(self._modules, [], None, [])

    def close(self) -> None:
        self.on_step = None

    # -- labels ----------------------------------------------------------------------------------
    def label(self, thing: Any, kind: str) -> str:
        """`Graph#2`, `Session#1`: numbered in the order this shell first saw them (sessions
        and graphs are seen as they are made)."""
        try:
            return self._labels[thing]
        except KeyError:
            numbers = self._graph_numbers if kind == "Graph" else self._session_numbers
            label = self._labels[thing] = f"{kind}#{next(numbers)}"
            return label
        except TypeError:  # not weakly referable: an unusual session-like object
            return f"{kind}@{id(thing):#x}"

    def next_session_step(self, session: Any) -> int:
        count = self.session_steps.get(session, 0) + 1
        self.session_steps[session] = count
        return count


def _read_stacks(modules) -> tuple[list, Any, list]:
    ops, stack = modules
    graphs = ops._default_graph_stack
    return graphs.stack, graphs._global_default_graph, stack._default_session_stack.stack


def _put_stacks(modules, graph_stack: list, global_graph: Any, session_stack: list) -> None:
    ops, stack = modules
    graphs = ops._default_graph_stack
    graphs.stack, graphs._global_default_graph = graph_stack, global_graph
    stack._default_session_stack.stack = session_stack


class _Installed:
    """Entering makes the state's stacks this thread's TF stacks; leaving keeps what the input
    did to them in the state and gives the thread back its own."""

    __slots__ = ("_state", "_saved", "_saved_state")

    def __init__(self, state: TensorFlowState):
        self._state = state

    def __enter__(self) -> TensorFlowState:
        state = self._state
        self._saved_state = current_state()
        if self._saved_state is state:  # nested in its own installation: already current
            self._saved = None
            return state
        self._saved = _read_stacks(state._modules)
        _put_stacks(state._modules, state.graph_stack, state.global_graph, state.session_stack)
        _this_thread.state = state
        return state

    def __exit__(self, *exc_info) -> None:
        if self._saved is None:
            return
        state = self._state
        state.graph_stack, state.global_graph, state.session_stack = _read_stacks(
            state._modules)
        _put_stacks(state._modules, *self._saved)
        _this_thread.state = self._saved_state
