"""Folding a graph of ops into blocks a person can read: name scopes and series.

* A name scope that is not expanded becomes one block (TensorBoard's groups). An op named like
  a scope (the variable op `a` beside `a/read`, `a/Assign`) belongs to that scope's block.
* Blocks at one level whose names differ only by a numeric suffix and share an op type
  (`add`, `add_1`, ... `add_199`) become one series block once there are at least
  SERIES_MIN of them (TensorBoard's series collapsing). This is what keeps a Python loop
  that builds hundreds of root-level ops readable: the seed program's 700 root ops fold into
  a handful of series.
Edges map through a dict from op to block and merge, with counts (metaedges). Linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx

from .model import OpGraph

SERIES_MIN = 5
_SUFFIX = re.compile(r"^(.*?)(?:_(\d+))?(_grad)?$")


@dataclass
class Block:
    """One box of the picture: an op, a folded scope, or a folded series."""

    id: str
    label: str
    kind: str                      # "op", "scope" or "series"
    detail: str                    # second line: the op type, or "12 ops"
    members: list[str] = field(default_factory=list)
    order: int = 0

    @property
    def expandable(self) -> bool:
        return self.kind != "op"


def fold(graph: OpGraph | nx.DiGraph, expanded=frozenset(), series_min: int = SERIES_MIN):
    """(blocks by id, block graph, {op name: block id}) for the given expansion set.

    `expanded` holds scope paths ("gradients") and series ids (as found in Block.id)."""
    expanded = frozenset(expanded)
    owner, blocks = _scope_blocks(graph, expanded)
    owner, blocks = _series_blocks(graph, owner, blocks, expanded, series_min)
    return blocks, _block_graph(graph, owner, blocks), owner


def _scope_blocks(graph, expanded):
    scopes = {n.rsplit("/", i)[0] for n in graph for i in range(1, n.count("/") + 1)}
    owner: dict[str, str] = {}
    blocks: dict[str, Block] = {}
    for name in graph:
        block_id = owner[name] = _owning_block(name, scopes, expanded)
        block = blocks.get(block_id)
        if block is None:
            order = graph.nodes[name]["order"]
            if block_id.endswith("/"):
                block = Block(block_id, block_id[:-1], "scope", "", order=order)
            else:
                block = Block(block_id, name, "op", graph.nodes[name]["type"], order=order)
            blocks[block_id] = block
        block.members.append(name)
    for block in blocks.values():
        if block.kind == "scope":
            principal = graph.nodes.get(block.label)
            block.detail = f"{len(block.members)} ops"
            if principal is not None:
                block.detail = f"{principal['type']}, {len(block.members)} ops"
    return owner, blocks


def _owning_block(name: str, scopes, expanded) -> str:
    """The id of the box that shows op `name`: its outermost scope not expanded ("a/"), or
    the op itself when every scope around it is expanded. (Found by scanning for slashes:
    splitting and joining the name at each depth was most of the cost of folding.)"""
    end = name.find("/")
    while end != -1:
        prefix = name[:end]
        if prefix not in expanded:
            return prefix + "/"
        end = name.find("/", end + 1)
    if name in scopes and name not in expanded:  # an op named like a scope: "a" beside "a/b"
        return name + "/"
    return name


def _series_key(block: Block, graph):
    label = block.label
    parent, _, leaf = label.rpartition("/")
    match = _SUFFIX.match(leaf)
    stem, index, tail = match.group(1), int(match.group(2) or 0), match.group(3) or ""
    principal = graph.nodes.get(label)
    op_type = principal["type"] if principal is not None else "scope"
    return (parent, stem, tail, op_type), index


def _series_blocks(graph, owner, blocks, expanded, series_min):
    groups: dict[tuple, list] = {}
    for block in blocks.values():
        key, index = _series_key(block, graph)
        groups.setdefault(key, []).append((index, block))
    renamed = {}
    for (parent, stem, tail, op_type), members in groups.items():
        prefix = parent + "/" if parent else ""
        series_id = f"{prefix}{stem}_*{tail}[{op_type}]"
        if len(members) < series_min or series_id in expanded:
            continue
        indices = sorted(index for index, _ in members)
        label = f"{prefix}{stem}_[{indices[0]}-{indices[-1]}]{tail}"
        what = op_type if op_type != "scope" else "scopes"
        series = Block(series_id, label, "series", f"{len(members)} x {what}",
                       order=min(b.order for _, b in members))
        for _, block in sorted(members, key=lambda item: item[0]):
            series.members.extend(block.members)
            renamed[block.id] = series_id
        blocks[series_id] = series
    for old in renamed:
        del blocks[old]
    owner = {name: renamed.get(block_id, block_id) for name, block_id in owner.items()}
    return owner, blocks


def _block_graph(graph, owner, blocks) -> nx.DiGraph:
    folded = nx.DiGraph()
    for block in sorted(blocks.values(), key=lambda b: b.order):
        folded.add_node(block.id)
    for source, target, data in graph.edges(data=True):
        a, b = owner[source], owner[target]
        if a == b:
            continue
        if folded.has_edge(a, b):
            edge = folded.edges[a, b]
            edge["count"] += data["count"]
            if edge["kind"] == "control":
                edge["kind"] = data["kind"]
        else:
            folded.add_edge(a, b, kind=data["kind"], count=data["count"])
    return folded


def scope_ids(graph: OpGraph | nx.DiGraph):
    """Every scope path in the graph (what `expanded` may name)."""
    return sorted({n.rsplit("/", i)[0] for n in graph for i in range(1, n.count("/") + 1)})
