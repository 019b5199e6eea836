"""Pruning: the ops one step needs, found backwards from its fetches and targets."""

from __future__ import annotations

from collections import deque
from operator import attrgetter

from .ordering import is_back_edge, topological_order


def needed_ops(fetches, targets, fed):
    """The ops reachable backwards over data and control edges from `fetches` (tensors) and
    `targets` (ops), cut at fed tensors; ordered so every op follows its inputs. Also returns
    the fed tensors the pruned graph actually reads, in the order first met."""
    fed = fed if isinstance(fed, (set, frozenset, dict)) else set(fed)
    needed = set()
    used_feeds = {}
    stack = [t.op for t in fetches if t not in fed]
    stack.extend(targets)
    while stack:
        op = stack.pop()
        if op in needed:
            continue
        needed.add(op)
        for tensor in op._inputs:
            if tensor in fed:
                used_feeds[tensor] = None
            elif tensor.op not in needed:
                stack.append(tensor.op)
        # an op whose outputs are all fed is replaced by its feeds, control edges included (TF)
        stack.extend(c for c in op._control_inputs
                     if not (c._outputs and all(t in fed for t in c._outputs)))
    return _ordered(needed, fed), list(used_feeds)


def _ordered(ops, fed):
    """Creation order is topological unless an edge was added to an existing op later (a
    while loop's NextIteration -> Merge back edge is not an ordering edge)."""
    order = sorted(ops, key=_creation_id)
    if not order or order[0]._graph._creation_order_is_topological:
        return order
    for op in order:
        op_id = op._id
        for tensor in op._inputs:
            if tensor.op._id >= op_id and tensor not in fed and not is_back_edge(tensor):
                return topological_order(order)
        for control in op._control_inputs:
            if control._id >= op_id:
                return topological_order(order)
    return order


_creation_id = attrgetter("_id")




def why_needed(fetches, targets, fed, op):
    """The path by which `op` is needed: [fetch or target, ..., op] following the first route
    found backwards, with the kind of each edge ('data' or 'control'); None if not needed.
    It reads only TF's public op API (inputs, control_inputs), so the TensorFlow engine's
    graphs are explained by the same search."""
    fed = set(fed)
    parents = {}
    roots = [t.op for t in fetches if t not in fed] + list(targets)
    frontier = deque(roots)
    for root in roots:
        parents.setdefault(root, None)
    while frontier:
        current = frontier.popleft()
        if current is op:
            return _path_to(parents, op)
        for tensor in current.inputs:
            if tensor not in fed and tensor.op not in parents:
                parents[tensor.op] = (current, "data", tensor)
                frontier.append(tensor.op)
        for control in current.control_inputs:
            if control not in parents:
                parents[control] = (current, "control", None)
                frontier.append(control)
    return None


def _path_to(parents, op):
    path = [(op, None, None)]
    link = parents[op]
    while link is not None:
        consumer, kind, tensor = link
        path.append((consumer, kind, tensor))
        link = parents[consumer]
    path.reverse()
    return path
