"""Step records: what one `Session.run` fetched, fed and executed, and who listens for them."""

from __future__ import annotations

import threading
import traceback
import warnings
from collections.abc import Callable
from typing import Any

from ..graph.context import current_context
from ..graph.frames import while_loop_of
from ..graph.operation import Operation
from ..graph.tensor import Tensor

_listeners_lock = threading.Lock()  # guards changes to any context's listener list


def next_step_number() -> int:
    """The next step number of the current context (a shell's :reset restarts it at 1)."""
    return next(current_context().step_numbers)


def add_step_listener(listener: Callable[[Step], Any]) -> None:
    """Calls `listener(step)` after every step of every session run in the current context:
    this thread's own, or a shell's while it runs an input."""
    context = current_context()
    with _listeners_lock:
        context.step_listeners.append(listener)


def remove_step_listener(listener: Callable[[Step], Any]) -> None:
    """Stops calling `listener` for steps of the current context (nothing if it was not added)."""
    context = current_context()
    with _listeners_lock:
        if listener in context.step_listeners:
            context.step_listeners.remove(listener)


def publish(step: Step) -> None:
    """Hands a finished step to the current context's listeners."""
    for listener in list(current_context().step_listeners):
        try:
            listener(step)
        except Exception as error:  # a broken listener must not break the user's step
            warnings.warn(f"step listener {listener!r} failed: {error!r}", RuntimeWarning,
                          stacklevel=2)


class Span:
    """The timing of a step that ran compiled: start and end, and how many of the plan's ops
    ran, in plan order (all of them, unless one failed)."""

    __slots__ = ("start_ns", "end_ns", "ran")

    def __init__(self, start_ns: int, end_ns: int, ran: int):
        self.start_ns, self.end_ns, self.ran = start_ns, end_ns, ran


class Step:
    """One `Session.run`: the numbers, the request as the user gave it, and what executed.

    Executed ops are kept as positions into the plan plus one timestamp per op, so recording
    costs almost nothing; names, durations and pruned ops are computed when asked for.
    """

    def __init__(self, number: int, session_step: int, session: Any, origin: str, fetches: Any,
                 feed_dict: Any, plan: Any, timestamps: list[int] | Span,
                 fed_tensors: Any, fed_fetches: Any = (), error: BaseException | None = None,
                 values: list | None = None, counts: list[int] | None = None) -> None:
        self.number = number
        self.session_step = session_step
        self.session = session
        self.origin = origin
        self.fetches = fetches
        self.feed_dict = feed_dict
        self.plan = plan
        self.timestamps = timestamps
        self.counts = counts  # per op, how many times it ran; only for plans with while loops
        self.fed_tensors = list(fed_tensors)
        self.fed_fetches = list(fed_fetches)
        self.error = error
        self.values = values
        self.graph = session.graph
        self.graph_size = session.graph.version
        self.results: Any = None
        # Why a shell dropped this step's kept values (its budget), and why single values
        # (slot -> reason) were not kept; what ran stays recorded either way.
        self.values_dropped: str | None = None
        self.values_missing: dict[int, str] | None = None
        self._positions: list[int] | None = None  # of the executed ops, once asked for

    # -- what ran ---------------------------------------------------------------------------
    @property
    def executed_ops(self) -> list[Operation]:
        """The ops that ran, in execution order."""
        if self.plan is None:
            return []
        return [self.plan.ops[i] for i in self._executed_positions()]

    def _executed_positions(self) -> list[int]:
        """Plan positions of the ops that ran, worked out once: a step is recorded after it
        ends and never changes, and the explorer asks again at every step change."""
        if self._positions is None:
            self._positions = self._find_executed_positions()
        return self._positions

    def _find_executed_positions(self) -> list[int]:
        inline = self.plan.inlined
        if isinstance(self.timestamps, Span):
            ran = self.timestamps.ran
            return [i for i in range(len(self.plan.ops)) if inline[i] or i < ran]
        runs = self.counts or self.timestamps
        return [i for i in range(len(self.plan.ops)) if inline[i] or runs[i + 1]]

    @property
    def loop_iterations(self) -> list[tuple[str, int]]:
        """(loop name, iterations) for each while loop that ran in this step; a nested loop's
        iterations are summed over its outer loop's. An iteration counts once its body has
        passed every loop variable on (its NextIteration ops ran), so a step interrupted
        inside a body does not count the unfinished pass."""
        if self.counts is None:
            return []
        passes: dict[Any, int] = {}  # per loop, the fewest runs of one of its NextIteration ops
        for i, op in enumerate(self.plan.ops):
            if op.type == "NextIteration":
                loop = while_loop_of(op)
                passes[loop] = min(passes.get(loop, self.counts[i + 1]), self.counts[i + 1])
        return [(op.name.rsplit("/", 1)[0],
                 passes.get(while_loop_of(op), max(0, self.counts[i + 1] - 1)))
                for i, op in enumerate(self.plan.ops)
                if op.type == "LoopCond" and self.counts[i + 1] > 0]

    @property
    def repeated_ops(self) -> list[tuple[Operation, int]]:
        """(op, times) for each op a while loop ran more than once in this step."""
        if self.counts is None:
            return []
        return [(op, self.counts[i + 1]) for i, op in enumerate(self.plan.ops)
                if self.counts[i + 1] > 1]

    @property
    def executed_names(self) -> list[str]:
        return [op.name for op in self.executed_ops]

    @property
    def fed_ops(self) -> list[Operation]:
        """Ops whose outputs were fed (their kernels did not run for those outputs)."""
        seen, ops = set(), []
        for tensor in self.fed_tensors:
            if tensor.op not in seen:
                seen.add(tensor.op)
                ops.append(tensor.op)
        return ops

    @property
    def fetched_tensors(self) -> list[Tensor]:
        """The tensors this step was asked for (computed or fed)."""
        computed = [] if self.plan is None else list(self.plan.fetches)
        return computed + [t for t in self.fed_fetches if t not in computed]

    @property
    def target_ops(self) -> list[Operation]:
        return [] if self.plan is None else list(self.plan.targets)

    @property
    def pruned_ops(self) -> list[Operation]:
        """Ops of the graph (as it was at this step) that neither ran nor were fed."""
        executed = set(self.executed_ops)
        fed = set(self.fed_ops)
        ops = self.graph._ops[:self.graph_size]
        return [op for op in ops if op not in executed and op not in fed]

    @property
    def op_times_ns(self) -> list[tuple[Operation, int]]:
        """(op, nanoseconds) for each executed op; inlined constants take no time."""
        if isinstance(self.timestamps, Span):  # compiled: no per-op times were taken
            return [(op, 0) for op in self.executed_ops]
        result = []
        previous = self.timestamps[0]
        for i in self._executed_positions():
            stamp = self.timestamps[i + 1]
            if stamp:
                # a loop's ops keep the stamps of their last pass, so clip at zero
                result.append((self.plan.ops[i], max(0, stamp - previous)))
                previous = stamp
            else:
                result.append((self.plan.ops[i], 0))
        return result

    @property
    def duration_ns(self) -> int:
        if isinstance(self.timestamps, Span):
            return self.timestamps.end_ns - self.timestamps.start_ns
        stamps = [s for s in self.timestamps if s]
        return stamps[-1] - stamps[0] if stamps else 0

    @property
    def interrupted(self) -> bool:
        """Whether the step was stopped by Ctrl-C (KeyboardInterrupt) rather than failing."""
        return isinstance(self.error, KeyboardInterrupt)

    @property
    def failed_op(self) -> Operation | None:
        return getattr(self.error, "op", None) if self.error is not None else None

    def value_of(self, tensor: Tensor) -> Any:
        """The value `tensor` had in this step, if values were kept and it was computed or fed."""
        if self.values is None or self.plan is None:
            return None
        slot = self.plan.slots.get(tensor)
        return None if slot is None else self.values[slot]

    def value_note(self, tensor: Tensor) -> str | None:
        """Why `value_of(tensor)` is None though the tensor was in this step's plan and its
        value was kept for the step, if a shell dropped it; None otherwise."""
        slot = None if self.plan is None else self.plan.slots.get(tensor)
        if slot is None:
            return None
        if self.values_dropped is not None:
            return self.values_dropped
        return None if self.values_missing is None else self.values_missing.get(slot)

    def drop_value(self, slot: int, reason: str) -> None:
        """Forgets one kept value (too big to keep), saying why."""
        if self.values is not None and self.values[slot] is not None:
            self.values[slot] = None
            if self.values_missing is None:
                self.values_missing = {}
            self.values_missing[slot] = reason

    def release_values(self, reason: str = "its values were released") -> None:
        """Drops everything this step kept that can be large: intermediate values, the feed
        values and fetched results, and the locals of its error's traceback frames (which
        hold the values too). What ran, times, names, shapes and dtypes stay."""
        if self.values is None and self.feed_dict is None and self.results is None:
            return
        _release_from_errors(self.error, self.values)
        self.values = None
        self.values_missing = None
        self.feed_dict = None
        self.results = None
        self.values_dropped = reason

    def __repr__(self) -> str:
        status = f" failed: {type(self.error).__name__}" if self.error else ""
        ran = len(self.executed_ops)
        return (f"<Step {self.number} ({self.origin}) session={self.session.name} "
                f"ran {ran} op{'' if ran == 1 else 's'}{status}>")


def _release_from_errors(error: BaseException | None, values: list | None) -> None:
    """Makes an error (and its causes) let go of a step's values: the locals of its finished
    traceback frames are cleared (the traceback still prints) and the executor's failure
    record drops the slot list it carries."""
    seen, pending = set(), [error]
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        if error.__traceback__ is not None:
            traceback.clear_frames(error.__traceback__)
        if values is not None and getattr(error, "values", None) is values:
            error.values = None  # type: ignore[attr-defined]  # the executor's StepFailure
        pending += [error.__cause__, error.__context__]
