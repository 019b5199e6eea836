"""The defaults a program runs with, installable in any thread."""

from __future__ import annotations

from .graph import default_graph_stack
from .stacks import default_session_stack


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
