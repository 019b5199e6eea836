"""The state a program runs in: its default stacks, how it numbers things, its run settings.

Each thread gets its own EngineContext on first use, so a plain program has per-thread
defaults as in TF. A shell installs its own context around each input instead, so its user's
program keeps one set of defaults and numbers even when inputs run on different threads (the
explorer runs them in a worker), and two shells in one process never share a default graph, a
step number or a step listener.

The graph layer owns the context but knows nothing of sessions or steps: it only holds plain
data, which the run layer reads at the point of use.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any


class EngineContext:
    """The defaults, counters and run settings the engine reads where older code kept
    process globals."""

    def __init__(self, keep_step_values: bool = False, unseeded_seed: int | None = None,
                 step_listeners: Iterable[Callable] = ()):
        # Default stacks, innermost last; the global default graph is made on first use.
        self.graph_stack: list = []
        self.global_graph: Any = None  # a Graph; not named, as graph.py imports this module
        self.session_stack: list = []
        # Graph#N, Session#N and step N count from 1 in every context.
        self.graph_numbers: Iterator[int] = itertools.count(1)
        self.session_numbers: Iterator[int] = itertools.count(1)
        self.step_numbers: Iterator[int] = itertools.count(1)
        self.interactive_sessions = 0  # open InteractiveSessions: TF warns about a second one
        # A shell keeps each step's intermediate values so it can show them (:inspect, :why).
        self.keep_step_values = keep_step_values
        # The seed random ops without one use; None means fresh OS entropy, as in TF.
        self.unseeded_seed = unseeded_seed
        self.step_listeners: list[Callable] = list(step_listeners)
        # tf.flags' registry: a program's flags, made by the facade on first use.
        self.flag_values: Any = None

    def restart(self) -> None:
        """Empty default stacks, a new global default graph (on first use) and steps numbered
        from 1 again: a shell's :reset. Graphs and sessions keep counting, so a name printed
        before the reset never means a different object after it."""
        self.graph_stack = []
        self.global_graph = None
        self.session_stack = []
        self.step_numbers = itertools.count(1)
        self.flag_values = None

    def installed(self) -> _Installed:
        """A context manager making this the current context of the thread that enters it;
        leaving it brings back whatever was current before (so it nests)."""
        return _Installed(self)

    def __repr__(self) -> str:
        return f"<EngineContext at {id(self):#x}>"


_this_thread = threading.local()


def current_context() -> EngineContext:
    """The context installed in this thread, else this thread's own (made on first use)."""
    try:
        return _this_thread.context
    except AttributeError:
        context = _this_thread.context = EngineContext()
        return context


class _Installed:
    __slots__ = ("_context", "_saved")

    def __init__(self, context: EngineContext):
        self._context = context

    def __enter__(self) -> EngineContext:
        self._saved = getattr(_this_thread, "context", None)
        _this_thread.context = self._context
        return self._context

    def __exit__(self, *exc_info) -> None:
        if self._saved is None:  # this thread gets its own context when it next needs one
            _this_thread.__dict__.pop("context", None)
        else:
            _this_thread.context = self._saved
