"""Plans: the pruned, ordered ops of one step signature as a flat program over value slots.

A `Plan` is built once per (fetches, targets, fed tensors) signature and session, and cached: it
holds the ordered ops and a flat program of pre-bound kernels over value slots, so a repeated
step does no graph work at all. Nothing here recurses over the graph.
"""

from __future__ import annotations

from ..graph.frames import while_loop_of
from . import runtime as limits
from .loops import group_loops
from .prune import needed_ops


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
        self.has_loops = any(while_loop_of(op) is not None for op in ops)
        self.may_wait = any(op._opdef.may_wait for op in ops)
        tracks_dead = self.tracks_dead = self.has_loops or any(op._opdef.control_flow
                                                               for op in ops)
        entries = []
        kernels = self.kernels = []  # (kernel, input positions holding refs), in program order
        self.runs = 0
        self.compiled = {}  # keep_values -> CompiledPlan, made once the plan runs again
        inlined = self.inlined = bytearray(len(ops))
        slot_of = slots.__getitem__
        limit = limits.MAX_TENSOR_BYTES
        for i, op in enumerate(ops):
            opdef = op._opdef
            if opdef.inline_value is not None and not (tracks_dead and op._control_inputs):
                template[out_slots[op][0]] = opdef.inline_value(op, runtime)
                inlined[i] = 1
                entries.append(None)
                continue
            outputs = op._outputs
            if len(outputs) == 1 and outputs[0]._shape == ():  # one scalar: nothing to check
                known, oversized = True, None
            else:
                known, oversized = _static_outputs(op, limit)
            kernel = opdef.shared_kernel
            if kernel is None or not known:  # see _static_outputs
                kernel = opdef.make_kernel(op, runtime)
            if oversized is not None:
                kernel = _refusing_first(kernel, op, *oversized)
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


def _static_bytes(tensor) -> int | None:
    """The bytes of a tensor whose static shape is known (None if it is not)."""
    shape = tensor._shape
    if shape is None or None in shape:
        return None
    count = 1
    for dim in shape:
        count *= dim
    return count * tensor.dtype._base.size


def _static_outputs(op, limit: int):
    """(whether every output's static shape is fully known, and the (shape, numpy dtype) of an
    output over the allocation limit, or None).

    An op with an output not known when the plan is built gets its kernel from `make_kernel`
    even if its definition has a shared kernel too: elementwise ops share the bare ufunc for
    known shapes and check the broadcast shape in the kernel otherwise (ops/allocation.py).
    An output no bigger than an input it already holds (Identity, Reshape, Enter...) is not
    refused: that input was allocated. Neither is a variable reference (no new buffer)."""
    known, oversized = True, None
    for tensor in op._outputs:
        shape = tensor._shape
        if not shape:  # a scalar or an unknown rank: the common cases, kept cheap
            known = known and shape is not None
            continue
        size = _static_bytes(tensor)
        if size is None:
            known = False
        elif size > limit and oversized is None and tensor.dtype._base is tensor.dtype and \
                op._inputs and not any((_static_bytes(t) or 0) >= size for t in op._inputs):
            oversized = shape, tensor.dtype._base.as_numpy_dtype
    return known, oversized


def _refusing_first(kernel, op, shape, np_dtype):
    """`kernel`, behind TF's OOM error for the output too big to allocate: raised when the op
    runs (the ops before it in the step run first, as in TF), unless the limit was raised."""
    def refuse_oversized_output(*values):
        limits.check_allocation(shape, np_dtype, op.name)
        return kernel(*values)
    return refuse_oversized_output


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
