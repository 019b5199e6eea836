"""Laying out dataflow graphs on a character grid (ops in, coordinates out; networkx lays out
the folded graph of boxes).

    graph = graph_from_ops(ops)                 # or any nx.DiGraph with type/scope/order attrs
    picture = layout(graph, expanded={"gradients"})
    canvas = picture.canvas()                   # rows on demand, styled by block state
    canvas.row(0, picture.block_looks(op_states), selected="add")

The faces use `draw_for_terminal` (the REPL's :graph) and `Layout`/`Canvas` (the TUI).
"""

from .api import Layout, default_expansion, draw_for_terminal, layout, layout_ops, look_of
from .canvas import ASCII_LEGEND, LEGEND, LEGEND_ENTRIES, Canvas, Look
from .folding import Block, fold, scope_ids
from .model import OpGraph, graph_from_ops

__all__ = ["Layout", "layout", "layout_ops", "draw_for_terminal", "default_expansion", "Canvas",
           "Look", "look_of", "LEGEND", "LEGEND_ENTRIES", "ASCII_LEGEND", "Block", "fold",
           "scope_ids", "graph_from_ops", "OpGraph"]
