"""The graph canvas: one ScrollView drawing the laid-out graph with textual's line API.

Layout runs in a worker thread and is reused until the graph, the set of expanded blocks or
compact mode changes; choosing a step only changes the looks of the boxes.

Everything a row shows is a function of one immutable `Scene` (the layout, the boxes' looks,
the selection, the theme's styles). Any change makes a new Scene, and the strip cache is keyed
by (scene, row), so a strip of an old layout, step or theme can never be drawn again: nothing
has to be invalidated box by box (which is how a new layout used to keep old rows). Layout
requests are numbered, and a layout that finishes after a newer one was asked for is dropped,
so a slow old layout never replaces a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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

from ...layout import LEGEND_ENTRIES, Canvas, Layout, default_expansion, graph_from_ops
from ...layout import layout as lay_out
from ...layout.canvas import SELECTED

# Canvas style names -> component classes (colours per theme live in graphshell.tcss).
COMPONENTS = {"graph.executed": "graph--executed", "graph.fetched": "graph--fetched",
              "graph.partial": "graph--partial", "graph.fed": "graph--fed",
              "graph.untaken": "graph--untaken", "graph.pruned": "graph--pruned",
              "graph.edge": "graph--edge", "graph.pointer": "graph--pointer"}
LEGEND_WORDS = {"executed": "executed", "fed": "fed", "partial": "partly ran",
                "untaken": "not taken", "pruned": "pruned", "fetched": "fetched",
                "data": "data", "control": "control"}
LEGEND_SEPARATOR = "  "


@dataclass(frozen=True, eq=False)
class Scene:
    """What the rows show: compared by identity, so each change is a new cache key."""

    picture: Layout
    canvas: Canvas
    looks: dict
    selected: str | None
    styles: int


class GraphView(ScrollView, can_focus=True):
    """The default graph, laid out; arrows move between boxes, Enter folds or unfolds.
    The last line(s) of the view are a legend of the states and marks on screen."""

    COMPONENT_CLASSES = set(COMPONENTS.values()) | {"graph--selected", "graph--legend"}

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
        self.picture: Layout | None = None
        self.scene: Scene | None = None
        self._op_states: dict = {}
        self._states: dict = {}          # block id -> one word (executed, fetched, pruned...)
        self._expanded = None            # None: the default expansion of whatever is shown
        self._shown_graph = None  # the Graph itself: another shell's graph may be Graph#1 too
        self._shown_version = None
        self._ops = []
        self._requests = 0               # layouts asked for; only the newest is installed
        self._style_version = 0
        self._style_cache: dict = {}
        self._strips = LRUCache(2048)
        self._legend_cache: tuple | None = None
        self.layouts_computed = 0

    # -- feeding it --------------------------------------------------------------------------
    def show_graph(self, graph) -> None:
        """Lays the graph out again if it changed since the last layout (off the UI thread)."""
        if graph is self._shown_graph and graph.version == self._shown_version:
            return
        if graph is not self._shown_graph:
            self._expanded = None
        self._shown_graph, self._shown_version = graph, graph.version
        self._ops = graph.get_operations()
        self._relayout()

    def show_states(self, op_states: dict) -> None:
        """Restyles boxes for a step: no new layout, the visible rows are drawn again."""
        self._op_states = op_states
        self._restyle()

    def _restyle(self) -> None:
        if self.picture is not None:
            self._set_scene(looks=self._looks(self.picture))

    def _looks(self, picture: Layout) -> dict:
        """The boxes' looks for the step shown (and `_states`, one word per box)."""
        looks = picture.block_looks(self._op_states)
        self._states = {block: look.name for block, look in looks.items() if look.name}
        return looks

    def _set_scene(self, **changes) -> None:
        """A new Scene from the current one with `changes`; the whole view repaints. Strips of
        older scenes can never be drawn again, so they are let go (with the layouts they hold)."""
        self.scene = replace(self.scene, **changes) if self.scene else Scene(**changes)
        self._strips.clear()
        self._update_virtual_size()
        self.refresh()

    def _relayout(self) -> None:
        self._requests += 1
        self._lay_out(self._ops, self._expanded, self.compact, self._requests)

    # A description of our own: textual's default is the arguments' reprs, 100,000 ops' worth
    @work(thread=True, exclusive=True, group="layout", description="laying out the graph")
    def _lay_out(self, ops, expanded, compact, request) -> None:
        graph = graph_from_ops(ops)
        if expanded is None:
            expanded = default_expansion(graph)
        picture = lay_out(graph, expanded, compact=compact)
        self.app.call_from_thread(self._install, picture, request)

    def _install(self, picture: Layout, request: int) -> None:
        if request != self._requests:
            return  # a newer layout was asked for while this one ran
        previous = self.picture
        self.picture = picture
        self.layouts_computed += 1
        selected = self._carried_selection(previous, picture)
        if selected is not None and selected != self.selected:
            self.post_message(self.BlockSelected(selected, picture.blocks[selected].members))
        self.selected = selected
        self._set_scene(picture=picture, canvas=picture.canvas(), looks=self._looks(picture),
                        selected=self.selected, styles=self._style_version)

    def _carried_selection(self, previous, picture):
        """The selected box in a new layout: the same block, or the one its first op went
        into (unfolding a scope selects its first member)."""
        if self.selected is None or self.selected in picture.blocks:
            return self.selected
        old = previous.blocks.get(self.selected) if previous is not None else None
        return picture.owner.get(old.members[0]) if old and old.members else None

    # -- drawing -----------------------------------------------------------------------------------
    @property
    def legend_height(self) -> int:
        """Rows at the bottom of the view that hold the legend."""
        return len(self._legend_entries())

    def on_resize(self, event) -> None:
        self._update_virtual_size()

    def _update_virtual_size(self) -> None:
        if self.scene is not None:
            canvas = self.scene.canvas
            self.virtual_size = Size(canvas.width + 1, canvas.height + self.legend_height)

    def notify_style_update(self) -> None:
        """A theme change restyles every row: a new Scene, with the new styles. (Textual
        updates component styles after this call, so no style may be read here.)"""
        super().notify_style_update()
        self._style_version += 1
        self._style_cache = {}
        if self.scene is not None:
            self._set_scene(styles=self._style_version)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self.scene is None or not 0 <= y < self.size.height:
            return Strip.blank(width, self.rich_style)
        legend = self._legend_entries()
        graph_rows = self.size.height - len(legend)
        if y >= graph_rows:
            key = (self.scene, "legend", y - graph_rows, width, self.size.height)
            strip = self._strips.get(key)
            if strip is None:
                strip = Strip(self._legend_segments(legend[y - graph_rows]))
                strip = self._strips[key] = strip.extend_cell_length(width, self.rich_style)
            return strip
        scroll_x, scroll_y = self.scroll_offset
        margin_x, margin_y = self._margins(width, graph_rows)
        row = y + scroll_y - margin_y
        if not 0 <= row < self.scene.canvas.height:
            return Strip.blank(width, self.rich_style)
        key = (self.scene, row)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._strip(self.scene, row)
        if margin_x:
            strip = Strip.join([Strip.blank(margin_x, self.rich_style), strip])
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def canvas_origin(self) -> tuple[int, int]:
        """Where the canvas's top-left cell is drawn in the pane, after centring and scrolling."""
        margin_x, margin_y = self._margins(self.size.width, self.size.height - self.legend_height)
        return margin_x - self.scroll_offset.x, margin_y - self.scroll_offset.y

    def _margins(self, width: int, graph_rows: int) -> tuple[int, int]:
        """A graph smaller than the view is drawn in its middle, not in a corner."""
        canvas = self.scene.canvas
        return max(0, (width - canvas.width) // 2), max(0, (graph_rows - canvas.height) // 2)

    def _style(self, name: str) -> Style:
        """The rich style of a canvas style name, from the theme's component classes."""
        style = self._style_cache.get(name)
        if style is None:
            base, selected = (name[:-len(SELECTED)], True) if name.endswith(SELECTED) \
                else (name, False)
            style = self.rich_style
            if base in COMPONENTS:
                style += self.get_component_rich_style(COMPONENTS[base], partial=True)
            if selected:
                style += self.get_component_rich_style("graph--selected", partial=True)
            self._style_cache[name] = style
        return style

    def _strip(self, scene: Scene, row: int) -> Strip:
        boxes = scene.canvas.boxes_at(row)
        segments, x = [], 0
        for style_name, text in scene.canvas.row(row, scene.looks, scene.selected):
            style = self._style(style_name)
            for _piece_start, piece, block in _split_by_box(x, text, boxes):
                meta = Style(meta={"block": block}) if block is not None else None
                segments.append(Segment(piece, style + meta if meta else style))
            x += len(text)
        return Strip(segments)

    def _legend_entries(self) -> list[list[tuple]]:
        """The legend's lines for the view's width: entries for what is on screen first, on
        one line (two when the view is tall enough to spare a second)."""
        if self.scene is None:
            return []
        looks, size = self.scene.looks, (self.size.width, self.size.height)
        cached = self._legend_cache
        if cached is None or cached[0] is not looks or cached[1] != size:
            lines = legend_lines(self.size.width, _present(self.scene),
                                 max_lines=2 if self.size.height >= 20 else 1)
            self._legend_cache = cached = (looks, size, lines)
        return cached[2]

    def _legend_segments(self, entries) -> list[Segment]:
        words = self.rich_style + self.get_component_rich_style("graph--legend", partial=True)
        segments = []
        for k, (state, sample, _ascii, _meaning) in enumerate(entries):
            if k:
                segments.append(Segment(LEGEND_SEPARATOR, words))
            sample_style = "graph.edge" if state in ("data", "control") else f"graph.{state}"
            segments.append(Segment(sample, self._style(sample_style)))
            segments.append(Segment(" " + LEGEND_WORDS[state], words))
        return segments

    # -- selecting and folding ---------------------------------------------------------------------
    def on_click(self, event) -> None:
        block = event.style.meta.get("block") if event.style else None
        if block is not None:
            self.select(block)

    def select(self, block_id) -> None:
        if self.picture is None or block_id not in self.picture.blocks:
            return
        self.selected = block_id
        self._set_scene(selected=block_id)
        box = self.picture.geometry.box_of.get(block_id)
        if box is not None:
            band = self.picture.geometry.bands[2 * box.layer]
            self.scroll_to_region(Region(box.x, band.y, box.width,
                                         band.height + self.legend_height), animate=False)
        self.post_message(self.BlockSelected(block_id, self.picture.blocks[block_id].members))

    def reveal(self, op_name: str) -> None:
        """Unfolds every scope and series holding `op_name`, then selects the op's own box
        (the command palette's jump to an op)."""
        from ...layout import fold
        picture = self.picture
        if picture is None or op_name not in picture.owner:
            return
        expanded, owner = set(picture.expanded), picture.owner
        while owner[op_name] != op_name:
            block_id = owner[op_name]
            key = block_id[:-1] if block_id.endswith("/") else block_id
            if key in expanded:
                break  # cannot unfold further: select the innermost box holding it
            expanded.add(key)
            owner = fold(picture.graph, expanded)[2]
        if expanded == set(picture.expanded):
            self.select(owner[op_name])
            return
        self._expanded = frozenset(expanded)
        self._requests += 1
        request, compact = self._requests, self.compact

        def lay_out_and_select() -> None:
            unfolded = lay_out(picture.graph, expanded, compact=compact)
            self.app.call_from_thread(self._install, unfolded, request)
            if request == self._requests and op_name in unfolded.blocks:
                self.app.call_from_thread(self.select, op_name)

        self.run_worker(lay_out_and_select, thread=True, exclusive=True, group="layout")

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
        expanded = set(self.picture.expanded if self._expanded is None else self._expanded)
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


def _present(scene: Scene | None) -> set:
    """The legend entries that describe something in the scene."""
    if scene is None:
        return set()
    present = {look.state for look in scene.looks.values() if look.state}
    if any(look.fetched for look in scene.looks.values()):
        present.add("fetched")
    kinds = {segment.kind for channel in scene.picture.geometry.segments for segment in channel}
    if kinds - {"control"}:
        present.add("data")
    if "control" in kinds:
        present.add("control")
    return present


def legend_lines(width: int, present: set, max_lines: int = 2) -> list[list[tuple]]:
    """LEGEND_ENTRIES packed into at most `max_lines` lines of `width` columns: entries for
    what is present first, the rest where they fit; each line keeps the legend's order."""
    rank = {entry[0]: k for k, entry in enumerate(LEGEND_ENTRIES)}
    ordered = sorted(LEGEND_ENTRIES, key=lambda e: (e[0] not in present, rank[e[0]]))
    lines: list[list[tuple]] = []
    used: list[int] = []
    for entry in ordered:
        size = len(entry[1]) + 1 + len(LEGEND_WORDS[entry[0]])
        for k, line in enumerate(lines):
            if used[k] + len(LEGEND_SEPARATOR) + size <= width:
                line.append(entry)
                used[k] += len(LEGEND_SEPARATOR) + size
                break
        else:
            if len(lines) < max_lines and size <= width:
                lines.append([entry])
                used.append(size)
    return [sorted(line, key=lambda e: rank[e[0]]) for line in lines]


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


__all__ = ["GraphView", "Scene", "legend_lines"]
