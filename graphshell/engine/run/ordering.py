"""Ordering ops so that each runs after the ops it depends on, in linear time."""

from __future__ import annotations

from collections import deque

from ..graph import errors


def is_back_edge(tensor) -> bool:
    """A while loop's NextIteration -> Merge edge, which does not order the loop's ops."""
    return tensor.op.type == "NextIteration"


def topological_order(ops):
    """Orders `ops` so inputs come first (Kahn's algorithm); for graphs whose creation order is
    not topological because an edge was added later."""
    members = set(ops)
    pending = {op: 0 for op in ops}
    consumers = {op: [] for op in ops}
    for op in ops:
        for dep in dependencies(op):
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


def dependencies(op):
    """The ops `op` must run after: its inputs' ops (but a loop's back edge) and control inputs."""
    for tensor in op._inputs:
        if not is_back_edge(tensor):
            yield tensor.op
    yield from op._control_inputs
