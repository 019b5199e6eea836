"""The layout pipeline end to end, and the terminal drawing the REPL's :graph prints."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import networkx as nx

from .canvas import Canvas, Look, legend_runs
from .folding import Block, fold, scope_ids
from .geometry import Geometry, place
from .layering import assign_layers, break_cycles, build_layers, order_layers, split_long_edges
from .model import OpGraph, graph_from_ops

SMALL_GRAPH = 40          # graphs up to this many ops open with every scope expanded
MAX_DRAWN_BLOCKS = 400    # beyond this the terminal drawing asks for a scope instead


@dataclass
class Layout:
    """A laid-out graph: blocks, where each op went, the geometry, and edges not drawn."""

    graph: OpGraph | nx.DiGraph  # the ops, before folding
    blocks: dict[str, Block]
    owner: dict[str, str]
    geometry: Geometry
    detached: list[tuple]
    expanded: frozenset

    def canvas(self, ascii_only: bool = False) -> Canvas:
        return Canvas(self.geometry, ascii_only)

    def block_looks(self, op_states: dict[str, str]) -> dict[str, Look]:
        """How each box is drawn for a step, from its ops' states (see `look_of`)."""
        return {block_id: look_of(block, op_states) for block_id, block in self.blocks.items()}

    def block_states(self, op_states: dict[str, str]) -> dict[str, str]:
        """One word per box for a step: executed, fetched, partial, fed, untaken, pruned."""
        return {block: look.name for block, look in self.block_looks(op_states).items()
                if look.name}

    def counts(self, op_states: dict[str, str], block_id: str):
        """(ops that ran, ops) of a block, for summaries of folded groups."""
        members = self.blocks[block_id].members
        ran = sum(1 for m in members if op_states.get(m) in RAN)
        return ran, len(members)


RAN = ("executed", "fetched")


def look_of(block: Block, op_states: dict[str, str]) -> Look:
    """A box's look from its ops' states. A single op shows its own state. A folded box is
    executed only when every op in it ran, partial (with its tally) when some did; when none
    ran it is untaken if any op lay in a branch not taken, else fed if any was fed, else
    pruned if all were pruned. A branch not taken never looks executed."""
    seen = [op_states[name] for name in block.members if name in op_states]
    if not seen:
        return Look()
    fetched = "fetched" in seen
    ran = sum(1 for state in seen if state in RAN)
    total = len(block.members) if block.expandable else 0
    if ran == len(block.members):
        state = "executed"
    elif ran:
        state = "partial"
    elif "untaken" in seen:
        state = "untaken"
    elif "fed" in seen:
        state = "fed"
    else:
        state = "pruned" if all(s == "pruned" for s in seen) else ""
    return Look(state, fetched, ran, total)


def layout(graph: OpGraph | nx.DiGraph, expanded=frozenset(), direction: str = "TB",
           compact: bool = False) -> Layout:
    """Folds, layers, orders and places `graph`; a pure function of its arguments.
    `compact` draws one-line boxes (names only) to fit more on a screen."""
    if direction != "TB":
        raise ValueError("only top-to-bottom layouts are supported")
    expanded = frozenset(expanded)
    return _arranged(graph, expanded, fold(graph, expanded), compact)


def _arranged(graph: OpGraph | nx.DiGraph, expanded: frozenset, folding, compact: bool) -> Layout:
    """Layers, orders and places a folded graph (`folding` as `fold` returns it)."""
    blocks, folded, owner = folding
    dag, reversed_edges = break_cycles(folded)
    layer = assign_layers(dag)
    chains, detached = split_long_edges(dag, layer)
    layers = order_layers(build_layers(list(dag.nodes), layer, chains), chains)
    kinds = {(a, b): data["kind"] for a, b, data in folded.edges(data=True)}
    geometry = place(layers, blocks, chains, reversed_edges, kinds, compact)
    return Layout(graph, blocks, owner, geometry, detached, expanded)


def layout_ops(ops, expanded=frozenset()) -> Layout:
    return layout(graph_from_ops(ops), expanded)


def default_expansion(graph: OpGraph | nx.DiGraph, scope=None) -> frozenset:
    """Small graphs open fully expanded; larger ones folded, except the scope asked for."""
    if graph.number_of_nodes() <= SMALL_GRAPH:
        return frozenset(scope_ids(graph))
    if not scope:
        return frozenset()
    parts = scope.split("/")
    return frozenset("/".join(parts[:i]) for i in range(1, len(parts) + 1))


def draw_for_terminal(ops, op_states=None, expanded_scope=None, width=100,
                      ascii_only=False) -> list[list[tuple]]:
    """The picture as lines of (style, text) runs, cut to `width`, with a legend (wrapped to
    `width`) and notes."""
    op_states = op_states or {}
    graph = graph_from_ops(ops)
    expanded = default_expansion(graph, expanded_scope)
    folding = fold(graph, expanded)
    if len(folding[0]) > MAX_DRAWN_BLOCKS:  # told before laying out what will not be drawn
        return [[("warning", f"{len(folding[0])} boxes are too many to draw here; give a "
                             "scope (:graph SCOPE) or open the explorer (:tui)")]]
    picture = _arranged(graph, expanded, folding, compact=False)
    canvas = picture.canvas(ascii_only)
    looks = picture.block_looks(op_states)
    lines = [_cut(canvas.row(y, looks), width) for y in range(canvas.height)]
    lines.extend(legend_runs(width, ascii_only))
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
    return [[("dim", line)] for note in notes
            for line in textwrap.wrap(note[0][1], width, subsequent_indent="  ")]


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
