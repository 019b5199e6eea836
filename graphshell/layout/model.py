"""From engine operations to a networkx graph of ops (duck-typed on the TF API)."""

from __future__ import annotations

import networkx as nx

ASSIGN_TYPES = {"Assign", "AssignAdd", "AssignSub"}


def graph_from_ops(ops) -> nx.DiGraph:
    """Nodes are op names (attrs: type, scope, order); edges carry kind (data, control, ref)
    and count (how many tensors). Linear in ops and edges, no recursion."""
    graph = nx.DiGraph()
    for order, op in enumerate(ops):
        graph.add_node(op.name, type=op.type, scope=scope_of(op.name), order=order)
    names = set(graph)
    for op in ops:
        for tensor in op.inputs:
            source = tensor.op.name
            if source in names:
                kind = "ref" if (op.type in ASSIGN_TYPES and
                                 tensor.dtype.name.endswith("_ref")) else "data"
                _add_edge(graph, source, op.name, kind)
        for control in op.control_inputs:
            if control.name in names:
                _add_edge(graph, control.name, op.name, "control")
    return graph


def _add_edge(graph, source, target, kind) -> None:
    if graph.has_edge(source, target):
        data = graph.edges[source, target]
        data["count"] += 1
        if data["kind"] == "control" and kind != "control":
            data["kind"] = kind
    else:
        graph.add_edge(source, target, kind=kind, count=1)


def scope_of(name: str) -> str:
    """'gradients/mul_grad/Mul' -> 'gradients/mul_grad'; '' at the root."""
    return name.rpartition("/")[0]
