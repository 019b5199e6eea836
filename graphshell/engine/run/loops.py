"""Running while loops: each loop's ops form a frame that runs as one entry of the program.

A LoopRunner brings values into the frame once (Enter), then runs the frame's ops in order
again and again, with TF's dead-value rules, until LoopCond is false; the last pass sends the
loop variables out (Exit). Nested loops are LoopRunners inside LoopRunners (depth = nesting).
"""

from __future__ import annotations

from ..graph import errors
from ..graph.frames import ENTER_TYPES, WhileLoop, while_loops_of
from ..graph.lowest_first import lowest_first_order
from .interpreter import run_tracking_dead
from .ordering import dependencies


def group_loops(ops, entries, out_slots, slots):
    """The program: each loop's entries replaced by one LoopRunner where its first op was."""
    _check_next_values(ops)
    members = [(op, entry, while_loops_of(op)) for op, entry in zip(ops, entries)]
    return _group(members, 0, out_slots, slots)


def _group(members, depth, out_slots, slots):
    """The entries at one nesting depth, each deeper loop folded into one LoopRunner, in an
    order where everything a loop reads from outside runs before the loop."""
    items, item_of, frames = [], {}, {}
    for op, entry, chain in members:
        if len(chain) <= depth:
            item_of[op] = len(items)
            items.append(entry)
            continue
        frame = chain[depth]
        if frame not in frames:
            frames[frame] = (len(items), [])
            items.append(frame)
        item_of[op] = frames[frame][0]
        frames[frame][1].append((op, entry, chain))
    program = []
    for k in _dependency_order(members, item_of, len(items)):
        item = items[k]
        if isinstance(item, WhileLoop):  # one level deeper
            program.append(LoopRunner(item, frames[item][1], depth, out_slots, slots))
        elif item is not None:
            program.append(item)
    return program


def _dependency_order(members, item_of, count):
    """Item numbers in topological order, ties kept in their original order."""
    successors = [[] for _ in range(count)]
    waiting = [0] * count
    for op, _, _ in members:
        target = item_of[op]
        for source_op in dependencies(op):
            source = item_of.get(source_op)
            if source is not None and source != target:
                successors[source].append(target)
                waiting[target] += 1
    return lowest_first_order(successors, waiting)


def _check_next_values(ops) -> None:
    """A body that changed a loop variable's dtype builds (as in TF) but cannot run."""
    for op in ops:
        if op.type == "Merge" and len(op._inputs) == 2:
            first, second = op._inputs
            if first.dtype.base_dtype != second.dtype.base_dtype:
                raise errors.InvalidArgumentError(
                    None, op, f"Input 1 of node {op.name} was passed "
                    f"{second.dtype.base_dtype.name} from {second.name} incompatible with "
                    f"expected {first.dtype.base_dtype.name}: the loop body changed the dtype "
                    "of a loop variable. Cast the body's result back.")


class LoopRunner:
    """One while loop of a plan."""

    def __init__(self, frame, members, depth, out_slots, slots):
        own_enters = [(op, entry) for op, entry, chain in members
                      if op.type in ENTER_TYPES and len(chain) == depth + 1]
        self.enters = [entry for _, entry in own_enters if entry is not None]
        self.enter_slots = [out_slots[op][0] for op, _ in own_enters]
        self.loop_var_slots = [out_slots[op][0] for op, _ in own_enters
                               if not op.attrs.get("is_constant")]
        rest = [m for m in members
                if not (m[0].type in ENTER_TYPES and len(m[2]) == depth + 1)]
        self.body = _group(rest, depth + 1, out_slots, slots)
        # None when only the loop's Enters were pulled into the step (an Enter is fetchable)
        self.loop_cond_slot = slots.get(frame.loop_cond._outputs[0])
        body_ops = [op for op, _, _ in rest]
        self.positions = [entry[3] for _, entry, _ in members if entry is not None]
        self.clear_at_start = [s for op in body_ops for s in out_slots[op]]
        self.clear_each_pass = [s for op in body_ops if op.type != "NextIteration"
                                for s in out_slots[op]]

    def run(self, values, stamps, where, counts) -> None:
        run_tracking_dead(self.enters, values, stamps, where, counts)
        if any(values[s] is None for s in self.enter_slots) or self.loop_cond_slot is None:
            return  # the whole loop is in a branch that did not run, or only its Enters run
        for slot in self.clear_at_start:
            values[slot] = None
        first = True
        while True:
            for slot in self.clear_each_pass:
                values[slot] = None
            for position in self.positions:
                stamps[position] = 0  # "ran" means ran in this pass, for control inputs
            run_tracking_dead(self.body, values, stamps, where, counts)
            if not values[self.loop_cond_slot]:
                return
            if first:
                for slot in self.loop_var_slots:
                    values[slot] = None  # from now on Merge takes NextIteration's value
                first = False
