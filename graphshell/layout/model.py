"""From engine operations to the graph of ops the layout folds (duck-typed on the TF API)."""

from __future__ import annotations

from collections.abc import Iterator

ASSIGN_TYPES = {"Assign", "AssignAdd", "AssignSub"}


class OpEdges(dict):
    """{(source, target): {"kind", "count"}}, read as networkx reads a DiGraph's edges:
    `edges[a, b]`, `for a, b in edges`, and `edges(data=True)` for (a, b, attrs) triples."""

    def __call__(self, data: bool = False) -> Iterator[tuple]:
        if data:
            return ((source, target, attrs) for (source, target), attrs in self.items())
        return iter(self.keys())


class OpGraph:
    """The ops of a graph as the layout reads them: `nodes` maps each op name to its attrs
    (type, scope, order) and `edges` each connected pair to its kind (data, control, ref) and
    count (how many tensors). The part of networkx's DiGraph API that folding uses, so a
    DiGraph serves too; plain dicts because making a DiGraph of 100,000 ops cost most of the
    explorer's first paint, and only the folded graph of boxes is laid out by networkx."""

    def __init__(self, nodes: dict[str, dict], edges: OpEdges):
        self.nodes = nodes
        self.edges = edges

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def __contains__(self, name: object) -> bool:
        return name in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)

    def number_of_nodes(self) -> int:
        return len(self.nodes)


def graph_from_ops(ops) -> OpGraph:
    """The OpGraph of `ops` (edges to ops outside them are left out). Linear in ops and edges,
    no recursion."""
    nodes = {op.name: {"type": op.type, "scope": scope_of(op.name), "order": order}
             for order, op in enumerate(ops)}
    edges = OpEdges()
    for op in ops:
        target = op.name
        assigns = op.type in ASSIGN_TYPES
        for tensor in op.inputs:
            source = tensor.op.name
            if source in nodes:
                kind = "ref" if assigns and tensor.dtype.name.endswith("_ref") else "data"
                _add_edge(edges, source, target, kind)
        for control in op.control_inputs:
            if control.name in nodes:
                _add_edge(edges, control.name, target, "control")
    return OpGraph(nodes, edges)


def _add_edge(edges: OpEdges, source: str, target: str, kind: str) -> None:
    attrs = edges.get((source, target))
    if attrs is None:
        edges[source, target] = {"kind": kind, "count": 1}
        return
    attrs["count"] += 1
    if attrs["kind"] == "control" and kind != "control":
        attrs["kind"] = kind


def scope_of(name: str) -> str:
    """'gradients/mul_grad/Mul' -> 'gradients/mul_grad'; '' at the root."""
    return name.rpartition("/")[0]
