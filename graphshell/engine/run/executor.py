"""Executing a step: prune the graph to what the fetches need, order it, run each kernel once.

A `Plan` is built once per (fetches, targets, fed tensors) signature and session, and cached: it
holds the ordered ops and a flat program of pre-bound kernels over value slots, so a repeated
step does no graph work at all. Nothing here recurses over the graph.
"""

from __future__ import annotations

import re
from collections import deque
from time import perf_counter_ns

import numpy as np

from ..graph import errors
from .compiled import CompiledPlan
from .loops import LoopRunner, frame_of, group_loops
from .prune import needed_ops
from .steps import Span


# Compiling a plan costs about as much as 10-20 interpreted steps: only plans that are run
# again and again (a training loop, a benchmark) are worth it.
COMPILE_AFTER_RUNS = 2


class Plan:
    """The pruned, ordered ops of one step signature, with kernels bound to one session."""

    def __init__(self, fetches, targets, fed, runtime):
        self.fetches = tuple(fetches)
        self.targets = tuple(targets)
        self.ops, used_feeds = needed_ops(self.fetches, self.targets, fed)
        self.fed = used_feeds
        self.string_feeds = [i for i, t in enumerate(used_feeds)
                             if t.dtype.base_dtype.name == "string"]  # fed text becomes bytes
        self.position = {op: i for i, op in enumerate(self.ops)}
        # TF numbers its _retval nodes by the fetched tensors' names, not their order
        by_name = sorted(self.fetches, key=lambda t: t.name)
        self.retval_index = {tensor: k for k, tensor in enumerate(by_name)}
        self._build_program(runtime)

    def _build_program(self, runtime) -> None:
        slots, out_slots, template, ref_slots = self._allocate_slots()
        ops = self.ops
        self.has_loops = any(op._control_flow_context is not None and frame_of(op) is not None
                             for op in ops)
        tracks_dead = self.tracks_dead = self.has_loops or any(op._opdef.control_flow
                                                               for op in ops)
        entries = []
        kernels = self.kernels = []  # (kernel, input positions holding refs), in program order
        self.runs = 0
        self.compiled = {}  # keep_values -> CompiledPlan, made once the plan runs again
        inlined = self.inlined = bytearray(len(ops))
        slot_of = slots.__getitem__
        for i, op in enumerate(ops):
            opdef = op._opdef
            if opdef.inline_value is not None and not (tracks_dead and op._control_inputs):
                template[out_slots[op][0]] = opdef.inline_value(op, runtime)
                inlined[i] = 1
                entries.append(None)
                continue
            kernel = opdef.shared_kernel or opdef.make_kernel(op, runtime)
            ins = tuple(map(slot_of, op._inputs))
            ref_positions = () if ref_slots.isdisjoint(ins) else _ref_positions(op, ins,
                                                                                 ref_slots)
            kernels.append((kernel, ref_positions))
            entry = (_read_refs_first(kernel, ref_positions) if ref_positions else kernel,
                     ins, _out_spec(op, out_slots[op]), i + 1)
            if tracks_dead:
                entry += (self._control_positions(op), opdef.control_flow)
            entries.append(entry)
        if self.has_loops:
            self.program = group_loops(self.ops, entries, out_slots, slots)
        else:
            self.program = [entry for entry in entries if entry is not None]
        self.template = template
        self.slots = slots
        self.fetch_slots = [(slots[t], t.dtype.is_ref) for t in self.fetches]

    def _allocate_slots(self):
        """One value slot per fed tensor and per op output (a fed output gets a spare slot)."""
        fed = set(self.fed)
        slots, out_slots, template = {}, {}, []
        self.feed_slots = []
        for tensor in self.fed:
            slots[tensor] = len(template)
            self.feed_slots.append(len(template))
            template.append(None)
        count = len(template)
        ref_slots = set()  # slots holding a variable reference (outputs of ref dtype)
        for op in self.ops:
            outputs = op._outputs
            if len(outputs) == 1 and not fed:  # the common case, kept cheap
                slots[outputs[0]] = count
                out_slots[op] = [count]
                if outputs[0].dtype._base is not outputs[0].dtype:
                    ref_slots.add(count)
                count += 1
                continue
            out_slots[op] = list(range(count, count + len(outputs)))
            for tensor in outputs:
                if tensor not in fed:
                    slots[tensor] = count
                    if tensor.dtype._base is not tensor.dtype:
                        ref_slots.add(count)
                count += 1
        return slots, out_slots, template + [None] * (count - len(template)), ref_slots

    def _control_positions(self, op):
        """Timestamp positions of the control inputs that run in this plan (0 = did not run)."""
        if op.type == "ControlTrigger":
            return ()  # ordered after its control inputs, but runs even if they did not
        position = self.position
        return tuple(position[c] + 1 for c in op._control_inputs
                     if c in position and not self.inlined[position[c]])

    def op_at(self, timestamp_index: int):
        return self.ops[timestamp_index - 1]


def _out_spec(op, out_slots):
    if op._opdef.multi_output:
        return tuple(out_slots)
    if not out_slots:
        return None
    return out_slots[0]


def _ref_positions(op, ins, ref_slots):
    """Positions of the inputs that hold a variable reference the kernel wants read first."""
    takes_refs = op._opdef.ref_inputs
    return tuple(i for i, slot in enumerate(ins) if slot in ref_slots and i not in takes_refs)


def _read_refs_first(kernel, ref_positions):
    if not ref_positions:
        return kernel

    def read_refs_then_run(*values):
        values = list(values)
        for i in ref_positions:
            values[i] = values[i].get()
        return kernel(*values)
    return read_refs_then_run


class StepFailure(Exception):
    """Carries the error of a failed step with the values computed so far."""

    def __init__(self, error, timestamps, values, counts=None):
        super().__init__(error)
        self.error = error
        self.timestamps = timestamps
        self.values = values
        self.counts = counts


def execute(plan: Plan, feed_values, timed: bool = False, keep_values: bool = False):
    """Runs `plan` once. Returns (fetched values, timestamps, slot values, run counts); raises
    StepFailure. After COMPILE_AFTER_RUNS runs, a plan without dead values runs compiled,
    without per-op timestamps (a Span instead) unless `timed`; slot values only if
    `keep_values`."""
    if not (timed or plan.tracks_dead):
        plan.runs += 1
        if plan.runs > COMPILE_AFTER_RUNS and _compiled(plan, keep_values) is not None:
            return _execute_compiled(plan, feed_values, keep_values)
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
                run_tracking_dead(plan.program, values, stamps, position, counts)
            else:
                _run(plan.program, values, stamps, position)
        position[0] = 0
        fetched = _fetched_values(plan, [values[slot] for slot, _ in plan.fetch_slots])
    except BaseException as error:
        failed = plan.op_at(position[0]) if position[0] else None
        raise StepFailure(op_error(error, failed), stamps, values, counts) from error
    return fetched, stamps, values, counts


def _compiled(plan, keep_values):
    """The plan's compiled form, made on first use; None if Python cannot compile it (the
    plan then stays on the interpreter)."""
    if keep_values not in plan.compiled:
        try:
            plan.compiled[keep_values] = CompiledPlan(plan, plan.kernels, keep_values)
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            plan.compiled[keep_values] = None
    return plan.compiled[keep_values]


def _execute_compiled(plan, feed_values, keep_values):
    compiled = plan.compiled[keep_values]
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


def _run(program, values, stamps, where):
    """The hot loop: each entry is (kernel, input slots, output slot(s), timestamp position)."""
    clock = perf_counter_ns
    position = 0
    try:
        for kernel, ins, out, position in program:
            arity = len(ins)
            if arity == 1:
                result = kernel(values[ins[0]])
            elif arity == 2:
                result = kernel(values[ins[0]], values[ins[1]])
            else:
                result = kernel(*[values[i] for i in ins])
            if out.__class__ is int:
                values[out] = result
            elif out is not None:
                for slot, value in zip(out, result):
                    values[slot] = value
            stamps[position] = clock()
    finally:
        where[0] = position


def run_tracking_dead(program, values, stamps, where, counts=None):
    """Like _run, for plans with cond or loops: an op with a dead (None) input or a control
    input that did not run is skipped and its outputs stay dead; Merge passes on whichever
    input lives; a while loop's frame runs as one LoopRunner entry."""
    clock = perf_counter_ns
    for entry in program:
        if entry.__class__ is LoopRunner:
            entry.run(values, stamps, where, counts)
            continue
        kernel, ins, out, position, controls, control_flow = entry
        where[0] = position
        args = [values[i] for i in ins]
        if any(stamps[c] == 0 for c in controls):
            continue
        if not control_flow and any(a is None for a in args):
            continue
        result = kernel(*args)
        if out.__class__ is int:
            values[out] = result
        elif out is not None:
            for slot, value in zip(out, result):
                values[slot] = value
            if control_flow and result[0] is None and result[-1] is None:
                continue
        elif control_flow and result is None:
            continue
        stamps[position] = clock()
        if counts is not None:
            counts[position] += 1


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


_BROADCAST_CLASH = re.compile(r"could not be broadcast together with shapes \(([\d,]*)\) \(([\d,]*)\)")


def op_error(error: BaseException, op):
    """Turns what a kernel raised into TF's error for `op`; Ctrl-C passes through unchanged."""
    if op is None or isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit)):
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


def topological_order(ops):
    """Orders `ops` so inputs come first (Kahn's algorithm); for graphs whose creation order is
    not topological because an edge was added later."""
    members = set(ops)
    pending = {op: 0 for op in ops}
    consumers = {op: [] for op in ops}
    for op in ops:
        for dep in _dependencies(op):
            if dep in members:
                pending[op] += 1
                consumers[dep].append(op)
    ready = deque(sorted((op for op in ops if pending[op] == 0), key=lambda o: o._id))
    order = []
    while ready:
        op = ready.popleft()
        order.append(op)
        for consumer in consumers[op]:
            pending[consumer] -= 1
            if pending[consumer] == 0:
                ready.append(consumer)
    if len(order) != len(ops):
        stuck = sorted(op.name for op in ops if pending[op] > 0)[:5]
        raise errors.InvalidArgumentError(
            None, None, f"Graph has a cycle through {', '.join(stuck)}; it cannot be run.")
    return order


def _dependencies(op):
    for tensor in op._inputs:
        if tensor.op.type != "NextIteration":
            yield tensor.op
    yield from op._control_inputs
