"""Per-thread default stacks (TF's DefaultStack): the default graph and the default session."""

from __future__ import annotations

import threading


class DefaultStack(threading.local):
    """A LIFO stack of defaults, one per thread; leaving out of order is an AssertionError."""

    def __init__(self):
        super().__init__()
        self.stack = []

    def get_default(self):
        return self.stack[-1] if self.stack else None

    def is_cleared(self) -> bool:
        return not self.stack

    def reset(self) -> None:
        self.stack = []

    def get_controller(self, default):
        """A context manager that pushes `default` for the duration of a `with` block."""
        return _Controller(self, default)

    def pop(self, expected) -> None:
        if self.stack and self.stack[-1] is expected:
            self.stack.pop()
            return
        raise AssertionError(
            f"Nesting violated for default stack of {type(expected)} objects")


class _Controller:
    """One `with x.as_default():` block; may be entered again after it was left. Leaving it
    twice does nothing the second time, even when the first time failed on a nesting
    violation (TF's generator-based blocks are spent either way)."""

    __slots__ = ("_stack", "_default", "_inside")

    def __init__(self, stack: DefaultStack, default):
        self._stack = stack
        self._default = default
        self._inside = False

    def __enter__(self):
        self._stack.stack.append(self._default)
        self._inside = True
        return self._default

    def __exit__(self, *exc_info):
        if self._inside:
            self._inside = False
            self._stack.pop(self._default)
        return False


class GraphStack(DefaultStack):
    """The default-graph stack; an empty stack falls back to this thread's global default graph."""

    def __init__(self):
        super().__init__()
        self.global_default = None

    def get_default(self):
        if self.stack:
            return self.stack[-1]
        if self.global_default is None:
            from .graph import Graph
            self.global_default = Graph()
        return self.global_default


default_graph_stack = GraphStack()
default_session_stack = DefaultStack()


def get_default_graph():
    """The graph new ops go into: the innermost `as_default()` graph, else the global default."""
    return default_graph_stack.get_default()


def get_default_session():
    """The innermost default session of this thread, or None (there is no global fallback)."""
    return default_session_stack.get_default()


def reset_default_graph() -> None:
    """Replaces the global default graph; refused while a graph or `with Session()` is entered."""
    if not default_graph_stack.is_cleared():
        raise AssertionError(
            "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared "
            "graph, exit the nesting and create a new graph.")
    from .graph import Graph
    default_graph_stack.global_default = Graph()


def default_graph_snapshot():
    """The explicit default-graph stack of this thread, innermost first (for the shell's :stack)."""
    return list(reversed(default_graph_stack.stack))


def default_session_snapshot():
    """The default-session stack of this thread, innermost first."""
    return list(reversed(default_session_stack.stack))


class StackState:
    """A default-session and default-graph stack pair, installable in any thread.

    A shell owns one, so its user's program keeps one set of defaults even when its inputs run
    on different threads (the explorer runs them in a worker)."""

    def __init__(self):
        default_graph_stack.get_default()
        self.sessions = default_session_stack.stack
        self.graphs = default_graph_stack.stack
        self.global_graph = default_graph_stack.global_default

    def installed(self):
        return _Installed(self)


class _Installed:
    __slots__ = ("_state", "_saved")

    def __init__(self, state: StackState):
        self._state = state

    def __enter__(self):
        self._saved = (default_session_stack.stack, default_graph_stack.stack,
                       default_graph_stack.global_default)
        state = self._state
        default_session_stack.stack = state.sessions
        default_graph_stack.stack = state.graphs
        default_graph_stack.global_default = state.global_graph
        return state

    def __exit__(self, *exc_info):
        state = self._state
        state.sessions = default_session_stack.stack
        state.graphs = default_graph_stack.stack
        state.global_graph = default_graph_stack.global_default
        (default_session_stack.stack, default_graph_stack.stack,
         default_graph_stack.global_default) = self._saved
        return False
