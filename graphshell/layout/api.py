"""The layout pipeline end to end, and the terminal drawing the REPL's :graph prints."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from .canvas import ASCII_LEGEND, LEGEND, Canvas
from .folding import Block, fold, scope_ids
from .geometry import Geometry, place
from .layering import assign_layers, break_cycles, build_layers, order_layers, split_long_edges
from .model import graph_from_ops

SMALL_GRAPH = 40          # graphs up to this many ops open with every scope expanded
MAX_DRAWN_BLOCKS = 400    # beyond this the terminal drawing asks for a scope instead


@dataclass
class Layout:
    """A laid-out graph: blocks, where each op went, the geometry, and edges not drawn."""

    graph: nx.DiGraph
    blocks: dict[str, Block]
    owner: dict[str, str]
    geometry: Geometry
    detached: list[tuple]
    expanded: frozenset

    def canvas(self, ascii_only: bool = False) -> Canvas:
        return Canvas(self.geometry, ascii_only)

    def block_states(self, op_states: dict[str, str]) -> dict[str, str]:
        """A block's state from its ops': fetched, else executed if any ran, else fed if any
        were fed, else pruned if all were pruned."""
        found: dict[str, set] = {}
        for name, state in op_states.items():
            block = self.owner.get(name)
            if block is not None:
                found.setdefault(block, set()).add(state)
        states = {}
        for block, seen in found.items():
            for state in ("selected", "fetched", "executed", "fed", "untaken"):
                if state in seen:
                    states[block] = state
                    break
            else:
                states[block] = "pruned" if seen == {"pruned"} else ""
        return states

    def counts(self, op_states: dict[str, str], block_id: str):
        """(ops that ran, ops) of a block, for summaries of folded groups."""
        members = self.blocks[block_id].members
        ran = sum(1 for m in members if op_states.get(m) in ("executed", "fetched"))
        return ran, len(members)


def layout(graph: nx.DiGraph, expanded=frozenset(), direction: str = "TB",
           compact: bool = False) -> Layout:
    """Folds, layers, orders and places `graph`; a pure function of its arguments.
    `compact` draws one-line boxes (names only) to fit more on a screen."""
    if direction != "TB":
        raise ValueError("only top-to-bottom layouts are supported")
    expanded = frozenset(expanded)
    blocks, folded, owner = fold(graph, expanded)
    dag, reversed_edges = break_cycles(folded)
    layer = assign_layers(dag)
    chains, detached = split_long_edges(dag, layer)
    layers = order_layers(build_layers(list(dag.nodes), layer, chains), chains)
    kinds = {(a, b): data["kind"] for a, b, data in folded.edges(data=True)}
    geometry = place(layers, blocks, chains, reversed_edges, kinds, compact)
    return Layout(graph, blocks, owner, geometry, detached, expanded)


def layout_ops(ops, expanded=frozenset()) -> Layout:
    return layout(graph_from_ops(ops), expanded)


def default_expansion(graph: nx.DiGraph, scope=None) -> frozenset:
    """Small graphs open fully expanded; larger ones folded, except the scope asked for."""
    if graph.number_of_nodes() <= SMALL_GRAPH:
        return frozenset(scope_ids(graph))
    if not scope:
        return frozenset()
    parts = scope.split("/")
    return frozenset("/".join(parts[:i]) for i in range(1, len(parts) + 1))


def draw_for_terminal(ops, op_states=None, expanded_scope=None, width=100,
                      ascii_only=False) -> list[list[tuple]]:
    """The picture as lines of (style, text) runs, cut to `width`, with a legend and notes."""
    op_states = op_states or {}
    graph = graph_from_ops(ops)
    picture = layout(graph, default_expansion(graph, expanded_scope))
    if len(picture.blocks) > MAX_DRAWN_BLOCKS:
        return [[("warning", f"{len(picture.blocks)} boxes are too many to draw here; give a "
                             "scope (:graph SCOPE) or open the explorer (:tui)")]]
    canvas = picture.canvas(ascii_only)
    states = picture.block_states(op_states)
    lines = [_cut(canvas.row(y, states), width) for y in range(canvas.height)]
    lines.append([("dim", ASCII_LEGEND if ascii_only else LEGEND)])
    lines.extend(_notes(picture, op_states, width))
    return lines


def _notes(picture: Layout, op_states, width):
    notes = []
    if picture.geometry.width > width:
        notes.append([("dim", f"(cut at {width} columns of {picture.geometry.width}; :tui "
                              "scrolls the whole picture)")])
    for block in sorted(picture.blocks.values(), key=lambda b: b.order):
        if block.kind != "op" and op_states:
            ran, total = picture.counts(op_states, block.id)
            notes.append([("dim", f"{block.label}: {ran} of {total} ops ran")])
    if picture.detached:
        shown = ", ".join(f"{picture.blocks[a].label} -> {picture.blocks[b].label}"
                          for a, b in picture.detached[:6])
        more = f" +{len(picture.detached) - 6} more" if len(picture.detached) > 6 else ""
        notes.append([("dim", f"not drawn (long or wide-spread edges): {shown}{more}")])
    return notes


def _cut(runs, width):
    out, used = [], 0
    for style, text in runs:
        if used >= width:
            break
        piece = text[:width - used]
        out.append((style, piece.rstrip() if used + len(piece) >= width else piece))
        used += len(piece)
    while out and not out[-1][1].strip():
        out.pop()
    if out:
        out[-1] = (out[-1][0], out[-1][1].rstrip())
    return out
