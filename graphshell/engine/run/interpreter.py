"""The interpreter: runs a plan's program entry by entry, stamping the time after each op.

An entry is (kernel, input slots, output slot(s), timestamp position), plus (control input
positions, whether the op is a control-flow op) in plans that track dead values; any other
entry is a while loop's runner, which runs its frame itself.
"""

from __future__ import annotations

from time import perf_counter_ns


def run_straight(program, values, stamps, where) -> None:
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
    """Like run_straight, for plans with cond or loops: an op with a dead (None) input or a control
    input that did not run is skipped and its outputs stay dead; Merge passes on whichever
    input lives; a while loop's frame runs as one LoopRunner entry."""
    clock = perf_counter_ns
    for entry in program:
        if entry.__class__ is not tuple:  # a while loop's frame (a LoopRunner)
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
