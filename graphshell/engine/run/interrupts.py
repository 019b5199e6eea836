"""Ctrl-C around a step: held back while a step changes variables, handed on once it is over.

A step is all-or-none. A plan without while loops finishes in bounded time, so a Ctrl-C that
arrives while it runs waits until the step is recorded (TF1 also finishes a step before Python
sees the interrupt). A plan with loops may never end: its first Ctrl-C stops it at once, and
the executor then restores the variables the step changed (`Runtime.rollback`) with any further
Ctrl-C held back until that is done.

Only the main thread receives signals; elsewhere (the explorer's worker thread, cancelled with
an asynchronous KeyboardInterrupt) nothing can be held back, so the executor journals every step.
"""

from __future__ import annotations

# The C module under `signal`: its functions skip the enum conversions `signal` adds, which cost
# more than the rest of a small step.
import _signal
import threading

_SIGINT = 2
_MAIN_THREAD = threading.main_thread().ident


class StepInterrupts:
    """A context manager around one step that owns SIGINT while it runs, if it can.

    It starts by passing Ctrl-C straight on (planning and compiling stay interruptible);
    `hold()` holds Ctrl-C back until the context exits, `stop_once()` lets one through and holds
    back the rest. On exit the previous handler is back, and a held-back Ctrl-C goes to it."""

    __slots__ = ("_previous", "_pending", "_holding", "_once", "can_hold")

    def __init__(self):
        self._previous = None
        self._pending = None
        self._holding = False
        self._once = False
        self.can_hold = False

    def __enter__(self) -> StepInterrupts:
        if threading.get_ident() == _MAIN_THREAD:
            previous = _signal.getsignal(_SIGINT)
            if callable(previous):  # Python's handler or the shell's; not SIG_IGN or SIG_DFL
                self._previous = previous
                _signal.signal(_SIGINT, self._on_interrupt)
            self.can_hold = True  # no asynchronous Ctrl-C can reach this thread otherwise
        return self

    def hold(self) -> None:
        """From now on a Ctrl-C waits until the step is over."""
        self._holding = True

    def stop_once(self) -> None:
        """The next Ctrl-C stops the step; the ones after it wait until the step is over."""
        self._holding, self._once = False, True

    def take_pending(self) -> bool:
        """Forgets a held-back Ctrl-C and says whether there was one (a kernel that waits
        raises it itself)."""
        pending, self._pending = self._pending, None
        return pending is not None

    def _on_interrupt(self, signum, frame) -> None:
        if self._holding:
            self._pending = (signum, frame)
            return
        if self._once:
            self._holding = True  # undoing the step's updates must not be interrupted
        self._previous(signum, frame)

    def __exit__(self, *exc_info) -> bool:
        previous = self._previous
        if previous is not None:
            self._previous = None
            _signal.signal(_SIGINT, previous)
            pending, self._pending = self._pending, None
            if pending is not None:
                previous(*pending)  # usually raises KeyboardInterrupt, now the step is over
        return False
