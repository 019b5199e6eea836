"""The graph canvas: one ScrollView drawing the laid-out graph with textual's line API.

Layout runs in a worker thread and is reused until the graph or the set of expanded blocks
changes; choosing a step only changes the state map, and the visible rows are restyled from
an LRU cache of strips keyed by (row, state version).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...layout import default_expansion, graph_from_ops, layout
from .rich_text import rich_style


class GraphView(ScrollView, can_focus=True):
    """The default graph, laid out; arrows move between boxes, Enter folds or unfolds."""

    BINDINGS = [
        Binding("enter", "toggle_block", "Expand/fold"),
        Binding("c", "toggle_compact", "Compact"),
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("minus", "fold_all", "Fold all", show=False),
        Binding("shift+left", "pan(-8, 0)", "Pan", show=False),
        Binding("shift+right", "pan(8, 0)", "Pan", show=False),
        Binding("shift+up", "pan(0, -4)", "Pan", show=False),
        Binding("shift+down", "pan(0, 4)", "Pan", show=False),
    ]

    class BlockSelected(Message):
        """The selected box changed (block id, op names in it)."""

        def __init__(self, block_id: str, members: list):
            super().__init__()
            self.block_id = block_id
            self.members = members

    selected = var(None)
    compact = var(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.picture = None
        self._canvas = None
        self._states = {}
        self._state_version = 0
        self._expanded = None
        self._shown_graph = None  # the Graph itself: another shell's graph may be Graph#1 too
        self._shown_version = None
        self._ops = []
        self._strips = LRUCache(2048)
        self.layouts_computed = 0

    # -- feeding it --------------------------------------------------------------------------
    def show_graph(self, graph) -> None:
        """Lays the graph out again if it changed since the last layout (off the UI thread)."""
        if graph is self._shown_graph and graph.version == self._shown_version \
                and self.picture is not None:
            return
        self._shown_graph, self._shown_version = graph, graph.version
        self._ops = graph.get_operations()
        if self._expanded is None or not self._ops:
            self._expanded = None
        self._relayout()

    def show_states(self, op_states: dict) -> None:
        """Restyles boxes for a step: no new layout, only the visible rows repaint."""
        self._op_states = op_states
        self._apply_states()

    def _apply_states(self) -> None:
        if self.picture is None:
            return
        states = self.picture.block_states(getattr(self, "_op_states", {}))
        if self.selected is not None:
            states[self.selected] = "selected"
        changed = {b for b in set(states) | set(self._states)
                   if states.get(b) != self._states.get(b)}
        self._states = states
        self._state_version += 1
        self._repaint(changed)

    def _repaint(self, blocks) -> None:
        """Repaints only the rows of boxes whose state changed (all rows for many changes)."""
        geometry = self.picture.geometry
        boxes = [geometry.box_of[b] for b in blocks if b in geometry.box_of]
        if len(boxes) > 40 or len(boxes) < len(blocks):
            self._strips.clear()
            self.refresh()
            return
        scroll_x, scroll_y = self.scroll_offset
        for box in boxes:
            band = geometry.bands[2 * box.layer]
            for row in range(band.y, band.y + band.height):
                self._strips.discard(row)
            self.refresh(Region(box.x - scroll_x, band.y - scroll_y, box.width, band.height))

    @work(thread=True, exclusive=True, group="layout")
    def _relayout(self) -> None:
        ops = self._ops
        graph = graph_from_ops(ops)
        expanded = self._expanded if self._expanded is not None else default_expansion(graph)
        picture = layout(graph, expanded, compact=self.compact)
        self.app.call_from_thread(self._install, picture, expanded)

    def _install(self, picture, expanded) -> None:
        self.picture = picture
        self._expanded = expanded
        self._canvas = picture.canvas()
        self.layouts_computed += 1
        self.virtual_size = Size(self._canvas.width + 1, self._canvas.height)
        if self.selected not in picture.blocks:
            self.selected = None
        self._apply_states()

    # -- drawing -----------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        """A theme change restyles every row, so cached strips are dropped."""
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = y + scroll_y
        width = self.size.width
        if self._canvas is None or row >= self._canvas.height:
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(row)
        if strip is None:
            strip = self._strips[row] = self._strip(row)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _strip(self, row: int) -> Strip:
        boxes = self._canvas.boxes_at(row)
        segments, x = [], 0
        base = self.rich_style
        for style_name, text in self._canvas.row(row, self._states):
            style = base + rich_style(style_name)
            for _piece_start, piece, block in _split_by_box(x, text, boxes):
                meta = Style(meta={"block": block}) if block is not None else None
                segments.append(Segment(piece, style + meta if meta else style))
            x += len(text)
        return Strip(segments)

    # -- selecting and folding ---------------------------------------------------------------------
    def on_click(self, event) -> None:
        block = event.style.meta.get("block") if event.style else None
        if block is not None:
            self.select(block)

    def select(self, block_id) -> None:
        self.selected = block_id
        self._apply_states()
        box = self.picture.geometry.box_of.get(block_id)
        if box is not None:
            band = self.picture.geometry.bands[2 * box.layer]
            self.scroll_to_region(Region(box.x, band.y, box.width, band.height), animate=False)
        self.post_message(self.BlockSelected(block_id, self.picture.blocks[block_id].members))

    def action_move(self, dx: int, dy: int) -> None:
        if self.picture is None:
            return
        boxes = [b for level in self.picture.geometry.boxes for b in level]
        if not boxes:
            return
        current = self.picture.geometry.box_of.get(self.selected)
        if current is None:
            self.select(boxes[0].block_id)
            return
        candidates = [b for b in boxes if (dy and (b.layer - current.layer) * dy > 0)
                      or (dx and b.layer == current.layer and (b.x - current.x) * dx > 0)]
        if candidates:
            nearest = min(candidates, key=lambda b: (abs(b.layer - current.layer),
                                                     abs(b.x - current.x)))
            self.select(nearest.block_id)

    def action_pan(self, dx: int, dy: int) -> None:
        self.scroll_relative(dx, dy, animate=False)

    def action_toggle_block(self) -> None:
        if self.picture is None or self.selected is None:
            return
        block = self.picture.blocks[self.selected]
        expanded = set(self._expanded or ())
        if block.expandable:
            expanded.add(block.id[:-1] if block.kind == "scope" else block.id)
        else:
            scope = block.id.rpartition("/")[0]
            if not scope:
                return
            expanded = {e for e in expanded if e != scope and not e.startswith(scope + "/")}
        self._expanded = frozenset(expanded)
        self._relayout()

    def action_fold_all(self) -> None:
        self._expanded = frozenset()
        self._relayout()

    def action_toggle_compact(self) -> None:
        self.compact = not self.compact
        self._relayout()


def _split_by_box(start: int, text: str, boxes):
    """Pieces of a run, each tagged with the block whose box it lies in (or None)."""
    pieces, x, end = [], start, start + len(text)
    for box in boxes:
        left, right = box.x, box.x + box.width
        if right <= x or left >= end:
            continue
        if left > x:
            pieces.append((x, text[x - start:left - start], None))
            x = left
        stop = min(right, end)
        pieces.append((x, text[x - start:stop - start], box.block_id))
        x = stop
    if x < end:
        pieces.append((x, text[x - start:], None))
    return pieces
