"""Kernels that wait inside a step (a queue's dequeue, an enqueue into a full queue).

graphshell runs a step on the caller's thread. A kernel that must wait for another party first
asks the session's feeders (the queue runners started on it) to run one step of theirs, in this
thread, which makes queue-runner programs deterministic; with nothing to run it waits on the
session's condition, the session lock released, so a user's own thread can run steps that
enqueue or dequeue, as TF's blocking kernels let them. The wait ends with TF's
DeadlineExceededError once the step's timeout passes, with CancelledError when the session
closes, and with KeyboardInterrupt on Ctrl-C, even in a step that holds Ctrl-C back: the step
then gives back what it took from queues (`Runtime.undo_log`, which every step keeps), as the
variable journal gives back variables.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from time import perf_counter_ns

from ..graph import errors
from .interrupts import StepInterrupts

STEP_WAITS = "graphshell.step_waits"  # the Runtime.resource key of a session's StepWaits
_WAIT_SLICE_S = 0.05  # how long one wait lasts before Ctrl-C, deadlines and closing are checked


class StepWaits:
    """One session's waiting kernels: its lock's condition, its feeders and each step's
    deadline."""

    def __init__(self, lock: threading.RLock):
        self.condition = threading.Condition(lock)
        self.feeders: dict = {}  # resource key -> list of feeders (see `feed`)
        self.closed = False
        self._deadline_ns = 0
        self._feeding = threading.local()

    # -- steps ------------------------------------------------------------------------------
    def step(self, runtime, timeout_ms: int) -> _StepScope:
        """A context around one step's execution: its deadline and the runtime's undo log,
        and (for a step run while another waits, in this thread or another) the outer step's
        journal and undo log kept aside; Ctrl-C out of the step rolls back what the executor
        has not."""
        return _StepScope(self, runtime, timeout_ms)

    def close(self) -> None:
        """The session closed: waiting kernels end with CancelledError (each wait slice checks
        it, so closing never waits for the session lock)."""
        self.closed = True

    # -- feeders -----------------------------------------------------------------------------
    def add_feeder(self, key, feeder) -> None:
        """Registers `feeder` for the resource under `key`: `feeder.can_feed()` says whether
        one step of it may run now, `feeder.feed()` runs it (a queue runner's enqueue)."""
        self.feeders.setdefault(key, []).append(feeder)

    def feeding(self):
        """The feeder whose step this thread runs, or None."""
        stack = getattr(self._feeding, "stack", None)
        return stack[-1] if stack else None

    def feed(self, key) -> bool:
        """Runs one step of the first feeder of `key` that can run, which then goes last (the
        runner threads of one queue take turns); False if none can."""
        feeders = self.feeders.get(key, [])
        for feeder in list(feeders):
            if feeder.can_feed():
                feeders.remove(feeder)
                feeders.append(feeder)
                self.feed_one(feeder)
                return True
        return False

    def feed_one(self, feeder) -> None:
        """Runs one step of `feeder`, marked as its (its enqueues never wait: see queues)."""
        stack = self._feeding.__dict__.setdefault("stack", [])
        stack.append(feeder)
        try:
            feeder.feed()
        finally:
            stack.pop()

    # -- waiting -----------------------------------------------------------------------------
    def wait(self, op, key, ready: Callable[[], bool]) -> None:
        """Waits, inside a kernel of `op`, until `ready()`: feeders of `key` run first, then
        the session's condition is waited on (lock released) until another thread notifies."""
        while not ready():
            if self.closed:
                raise errors.CancelledError(None, op, "Session has been closed.")
            if self.feed(key):
                continue
            if self._deadline_ns and perf_counter_ns() > self._deadline_ns:
                raise errors.DeadlineExceededError(None, op, "Timed out waiting for notification")
            if _take_held_interrupt():
                raise KeyboardInterrupt
            self.condition.wait(_WAIT_SLICE_S)

    def notify(self) -> None:
        """Wakes the kernels waiting on this session (called with the session lock held)."""
        self.condition.notify_all()


class _StepScope:
    """What `StepWaits.step` returns (a plain class: it wraps every step, so it stays cheap)."""

    __slots__ = ("_waits", "_runtime", "_timeout_ms", "_saved")

    def __init__(self, waits: StepWaits, runtime, timeout_ms: int):
        self._waits, self._runtime, self._timeout_ms = waits, runtime, timeout_ms

    def __enter__(self) -> None:
        waits, runtime = self._waits, self._runtime
        self._saved = waits._deadline_ns, runtime.undo_log, runtime.journal
        waits._deadline_ns = (perf_counter_ns() + self._timeout_ms * 1_000_000
                              if self._timeout_ms else 0)
        runtime.undo_log, runtime.journal = [], None

    def __exit__(self, exc_type, failure, traceback) -> None:
        runtime = self._runtime
        try:
            if failure is not None and isinstance(getattr(failure, "error", failure),
                                                  KeyboardInterrupt):
                runtime.rollback()  # the executor's own rollback leaves nothing for this one
        finally:
            self._waits._deadline_ns, runtime.undo_log, runtime.journal = self._saved


def _take_held_interrupt() -> bool:
    """Whether the step this thread runs holds back a Ctrl-C (then it is taken: the waiting
    kernel raises it, since a wait has no end that the Ctrl-C could wait for)."""
    if threading.current_thread() is not threading.main_thread():
        return False  # asynchronous interrupts reach other threads inside the wait itself
    owner = getattr(signal.getsignal(signal.SIGINT), "__self__", None)
    return isinstance(owner, StepInterrupts) and owner.take_pending()
