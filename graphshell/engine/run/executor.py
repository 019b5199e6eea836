"""Executing a step: run a plan's program once (interpreted, or compiled once it repeats), and
turn what it computed into fetched values, or what it raised into TF's error for the failed op.
"""

from __future__ import annotations

import copy
import re
from time import perf_counter_ns

import numpy as np

from ..graph import errors
from .compiled import compiled_form
from .interpreter import run_straight, run_tracking_dead
from .plan import Plan
from .steps import Span

# Compiling a plan costs about as much as 10-20 interpreted steps: only plans that are run
# again and again (a training loop, a benchmark) are worth it.
COMPILE_AFTER_RUNS = 2


class StepFailure(Exception):
    """Carries the error of a failed step with the values computed so far."""

    def __init__(self, error, timestamps, values, counts=None):
        super().__init__(error)
        self.error = error
        self.timestamps = timestamps
        self.values = values
        self.counts = counts


def execute(plan: Plan, feed_values, runtime, interrupts, timed: bool = False,
            keep_values: bool = False, timeout_ms: int = 0):
    """Runs `plan` once. Returns (fetched values, timestamps, slot values, run counts); raises
    StepFailure. After COMPILE_AFTER_RUNS runs, a plan without dead values runs compiled,
    without per-op timestamps (a Span instead) unless `timed`; slot values only if
    `keep_values`.

    The step is all-or-none under Ctrl-C (`interrupts`, see interrupts.py): a plan without
    loops holds Ctrl-C back until the step is over; one with loops or with an op that may wait
    (a queue's dequeue takes a held Ctrl-C, since a wait has no end to hold it for), or any
    step on a thread that Ctrl-C reaches asynchronously, journals the variables it writes and
    puts them back if interrupted. What leaves the step is copied from the variables' buffers
    at its end.

    With `timeout_ms` the step runs interpreted and checks the clock before each op (each
    loop iteration runs ops too), raising TF's DeadlineExceededError once the time is up."""
    compiled = None
    if not (timed or plan.tracks_dead or timeout_ms):
        plan.runs += 1
        if plan.runs > COMPILE_AFTER_RUNS:
            compiled = _compiled(plan, keep_values)  # before holding Ctrl-C: compiling is long
    if plan.has_loops:
        interrupts.stop_once()
    else:
        interrupts.hold()
    if plan.has_loops or plan.may_wait or not interrupts.can_hold:
        runtime.journal = {}
    try:
        if compiled is not None:
            result = _execute_compiled(plan, compiled, feed_values, keep_values)
        else:
            result = _execute_interpreted(plan, feed_values, timeout_ms)
    except StepFailure as failure:
        interrupts.hold()  # undoing the step and recording it must not be interrupted
        if runtime.journal is not None and isinstance(failure.error, KeyboardInterrupt):
            runtime.rollback()
        if keep_values and failure.values is not None:
            runtime.detach(failure.values)
        raise
    finally:
        interrupts.hold()
        runtime.journal = None
    if keep_values:
        runtime.detach(result[2])
    return result


def _execute_interpreted(plan, feed_values, timeout_ms=0):
    program = plan.program
    if timeout_ms:
        program = _with_deadline(program, perf_counter_ns() + int(timeout_ms) * 1_000_000)
    values = plan.template.copy()
    for slot, value in zip(plan.feed_slots, feed_values):
        values[slot] = value
    stamps = [0] * (len(plan.ops) + 1)
    counts = [0] * (len(plan.ops) + 1) if plan.has_loops else None
    stamps[0] = perf_counter_ns()
    position = [0]
    try:
        with np.errstate(all="ignore"):
            if plan.tracks_dead:
                run_tracking_dead(program, values, stamps, position, counts)
            else:
                run_straight(program, values, stamps, position)
        position[0] = 0
        fetched = _fetched_values(plan, [values[slot] for slot, _ in plan.fetch_slots])
    except BaseException as error:
        failed = plan.op_at(position[0]) if position[0] else None
        raise StepFailure(op_error(error, failed), stamps, values, counts) from error
    return fetched, stamps, values, counts


class _DeadlinePassed(Exception):
    """Raised before an op of a step that has run past its timeout."""


def _with_deadline(program, deadline_ns):
    """A copy of `program` whose kernels (loop bodies included) first check the clock."""
    copied = []
    pending = [(program, copied)]
    while pending:
        source, target = pending.pop()
        for entry in source:
            if entry.__class__ is tuple:
                target.append((_before_deadline(entry[0], deadline_ns),) + entry[1:])
                continue
            runner = copy.copy(entry)  # a while loop's LoopRunner
            runner.enters, runner.body = [], []
            pending.append((entry.enters, runner.enters))
            pending.append((entry.body, runner.body))
            target.append(runner)
    return copied


def _before_deadline(kernel, deadline_ns):
    def run_unless_late(*args):
        if perf_counter_ns() > deadline_ns:
            raise _DeadlinePassed
        return kernel(*args)
    return run_unless_late


def _compiled(plan, keep_values):
    """The plan's compiled form once it is all compiled, else None (it runs interpreted); a
    big plan is compiled a share per run (compiled.compiled_form)."""
    return compiled_form(plan, keep_values)


def _execute_compiled(plan, compiled, feed_values, keep_values):
    values = plan.template.copy() if keep_values else None
    start = perf_counter_ns()
    try:
        with np.errstate(all="ignore"):
            raw = compiled.run(feed_values, values)
        fetched = _fetched_values(plan, raw)
    except BaseException as error:
        position = compiled.failed_position(error)
        failed = plan.op_at(position) if position else None
        ran = position - 1 if position else len(plan.ops)
        span = Span(start, perf_counter_ns(), ran)
        raise StepFailure(op_error(error, failed), span, values) from error
    return fetched, Span(start, perf_counter_ns(), len(plan.ops)), values, None


def _fetched_values(plan, raw_values):
    retval_index = plan.retval_index
    return [_fetched_value(value, is_ref, tensor, retval_index[tensor])
            for value, (_, is_ref), tensor in zip(raw_values, plan.fetch_slots, plan.fetches)]


def _fetched_value(value, is_ref, tensor, k):
    if value is None:
        raise errors.InvalidArgumentError(
            None, tensor.op, f"Tensor {tensor.name} has no value in this step: its op is in a "
            "branch of tf.cond that was not taken. Fetch the cond's result instead.")
    if is_ref:
        try:
            value = value.get()
        except errors.OpError as error:
            retval = f"_retval_{tensor.op.name}_{tensor.value_index}_{k}"
            error._message += f"\n\t [[{{{{node {retval}}}}}]]"
            raise
    try:
        return fetch_result(value)
    except MemoryError:  # copying a broadcast view out of the step
        raise errors.ResourceExhaustedError(
            None, tensor.op, f"OOM when fetching tensor {tensor.name} with shape "
            f"{list(np.shape(value))} and type {tensor.dtype.base_dtype.name}: it is too big to "
            "copy out of the step. Fetch a smaller slice or a reduction of it.") from None


def fetch_result(value):
    """What `run` returns for one tensor: numpy scalars for scalars, private ndarray copies."""
    if value.__class__ is np.ndarray:
        if value.ndim == 0:
            return value[()]
        if not value.flags.writeable:
            return value.copy()
    return value


_BROADCAST_CLASH = re.compile(r"could not be broadcast together with shapes "
                              r"\(([\d,]*)\) \(([\d,]*)\)")


# What numpy kernels raise on bad input; TF reports those as the op's error. Anything else
# (a signal handler's or a callback's own exception, Ctrl-C) leaves the step as itself, as a
# Python exception leaves TF's session.run.
KERNEL_ERRORS = (ValueError, TypeError, ArithmeticError, LookupError, AttributeError,
                 AssertionError, NotImplementedError, MemoryError, BufferError, OSError)


def op_error(error: BaseException, op):
    """Turns what a kernel raised into TF's error for `op`; other exceptions pass unchanged."""
    if isinstance(error, _DeadlinePassed):
        return errors.DeadlineExceededError(None, None, "Timed out waiting for notification")
    if op is None or not isinstance(error, (errors.OpError, *KERNEL_ERRORS)):
        return error
    where = f"\n\t [[{{{{node {op.name}}}}}]]"
    if isinstance(error, errors.OpError):
        if error._op is None:
            error._op = op
        if "[[{{node " not in error._message:
            error._message += where
        return error
    if isinstance(error, MemoryError):
        return errors.ResourceExhaustedError(
            None, op, f"OOM when running {op.type} op '{op.name}': {error}{where}")
    clash = _BROADCAST_CLASH.search(str(error))
    if clash:  # numpy's broadcasting failure, in TF's words
        shapes = ["[" + ",".join(d for d in s.split(",") if d) + "]" for s in clash.groups()]
        return errors.InvalidArgumentError(
            None, op, f"Incompatible shapes: {shapes[0]} vs. {shapes[1]}{where}")
    return errors.InvalidArgumentError(
        None, op, f"{op.type} op '{op.name}' failed: {error}{where}")
