"""Drawing a Geometry one row at a time, as styled runs of text.

Rows are computed on demand from the geometry, so a picture of a 100,000-op chain costs
nothing until a row is asked for (the TUI canvas draws only the rows on screen). Edge cells
merge through a 4-direction bitmask into box-drawing glyphs; a block's state (executed, fed,
fetched, pruned, selected) picks its border style, so a step overlay never re-lays out.
"""

from __future__ import annotations

from bisect import bisect_right

N, E, S, W = 1, 2, 4, 8

LINES = {N | S: "│", E | W: "─", S | E: "┌", S | W: "┐", N | E: "└", N | W: "┘",
         N | S | E: "├", N | S | W: "┤", S | E | W: "┬", N | E | W: "┴", N | S | E | W: "┼",
         N: "╵", S: "╷", E: "╶", W: "╴"}
DASHED = {**LINES, N | S: "┆", E | W: "┄"}
ASCII_LINES = {mask: ("|" if glyph in "│┆╵╷" else "-" if glyph in "─┄╶╴" else "+")
               for mask, glyph in LINES.items()}

# corner tl, horizontal, corner tr, vertical, corner bl, corner br, port
BORDERS = {
    "": "┌─┐│└┘┬", "executed": "┏━┓┃┗┛┳", "fetched": "┏━┓┃┗┛┳", "fed": "╔═╗║╚╝╦",
    "pruned": "┌┄┐┆└┘┬", "untaken": "╭┄╮┆╰╯┬", "selected": "┏━┓┃┗┛┳",
}
ASCII_BORDERS = {"": "+-+|+++", "executed": "#=#H###", "fetched": "#=#H###",
                 "fed": "@~@!@@@", "pruned": ".:.:..:", "untaken": "%:%:%%:",
                 "selected": "#=#H###"}
ARROW_DOWN, ARROW_UP = ("▼", "▲")
STATE_STYLE = {"executed": "graph.executed", "fetched": "graph.fetched", "fed": "graph.fed",
               "pruned": "graph.pruned", "untaken": "graph.untaken",
               "selected": "graph.selected", "": ""}
LEGEND = ("┏━┓ executed  ╔═╗ fed  ╭┄╮ not taken (dead branch)  ┌┄┐ pruned (not needed)  "
          "* fetched  ▼ data  ┆ control")
ASCII_LEGEND = ("#=# executed  @~@ fed  %:% not taken (dead branch)  .:. pruned (not needed)  "
                "* fetched  v data  : control")

Runs = list[tuple[str, str]]


class Canvas:
    """Rows of a laid-out graph as (style, text) runs, for a given map of block states."""

    def __init__(self, geometry, ascii_only: bool = False):
        self.geometry = geometry
        self.ascii_only = ascii_only
        self._band_starts = [band.y for band in geometry.bands]
        self._out_ports: dict[str, list[int]] = {}
        for channel in geometry.segments:
            for segment in channel:
                if not isinstance(segment.upper, tuple):
                    self._out_ports.setdefault(segment.upper, []).append(segment.start)

    @property
    def height(self) -> int:
        return self.geometry.height

    @property
    def width(self) -> int:
        return self.geometry.width

    def row(self, y: int, states: dict[str, str] = None) -> Runs:
        """The runs of row y (padded to the picture's width)."""
        states = states or {}
        band = self.geometry.bands[bisect_right(self._band_starts, y) - 1]
        cells = [" "] * self.geometry.width
        styles = [""] * self.geometry.width
        if band.kind == "layer":
            self._draw_layer_row(band.index, y - band.y, cells, styles, states)
        else:
            self._draw_channel_row(band, y - band.y, cells, styles)
        return _runs(cells, styles)

    def boxes_at(self, y: int):
        """The boxes crossing row y (for mapping a click to a block)."""
        band = self.geometry.bands[bisect_right(self._band_starts, y) - 1]
        return self.geometry.boxes[band.index] if band.kind == "layer" else []

    def text(self, states: dict[str, str] = None) -> list[Runs]:
        return [self.row(y, states) for y in range(self.height)]

    # -- layers ----------------------------------------------------------------------------------
    def _draw_layer_row(self, layer, offset, cells, styles, states) -> None:
        glyphs = ASCII_LINES if self.ascii_only else LINES
        for x, _edge in self.geometry.lanes[layer]:
            cells[x] = glyphs[N | S]
            styles[x] = "graph.edge"
        for box in self.geometry.boxes[layer]:
            self._draw_box_row(box, offset, cells, styles, states.get(box.block_id, ""))

    def _draw_box_row(self, box, offset, cells, styles, state) -> None:
        border = (ASCII_BORDERS if self.ascii_only else BORDERS).get(state, BORDERS[""])
        left, right = box.x, box.x + box.width - 1
        style = STATE_STYLE.get(state, "")
        bottom = self.geometry.box_height - 1
        if offset in (0, bottom):
            corner_l, corner_r = (border[0], border[2]) if offset == 0 else (border[4], border[5])
            for x in range(left + 1, right):
                cells[x] = border[1]
            cells[left], cells[right] = corner_l, corner_r
            if offset == bottom:
                for x in self._out_ports.get(box.block_id, ()):
                    cells[x] = border[6]
        else:
            text = box.lines[offset - 1]
            if offset == 1 and state == "fetched":
                text = "*" + text
            inner = text.center(box.width - 2)[:box.width - 2]
            cells[left], cells[right] = border[3], border[3]
            cells[left + 1:right] = list(inner)
        for x in range(left, right + 1):
            styles[x] = style

    # -- channels ----------------------------------------------------------------------------------
    def _draw_channel_row(self, band, offset, cells, styles) -> None:
        masks: dict[int, int] = {}
        control_only: dict[int, bool] = {}
        last = band.height - 1
        for segment in self.geometry.segments[band.index]:
            for x, mask in _segment_masks(segment, offset, last):
                masks[x] = masks.get(x, 0) | mask
                control_only[x] = control_only.get(x, True) and segment.kind == "control"
            if offset == last and segment.arrow:
                cells[segment.end] = "v" if self.ascii_only else ARROW_DOWN
            if offset == 0 and segment.upward:
                cells[segment.start] = "^" if self.ascii_only else ARROW_UP
        for x, mask in masks.items():
            if cells[x] != " ":
                styles[x] = "graph.edge"
                continue
            table = ASCII_LINES if self.ascii_only else (DASHED if control_only[x] else LINES)
            cells[x] = table.get(mask, "+" if self.ascii_only else "┼")
            styles[x] = "graph.edge"


def _segment_masks(segment, offset, last):
    """(x, mask) cells of a segment in one row of its channel."""
    start, end = segment.start, segment.end
    bottom = N if segment.arrow else N | S  # a lane below continues the line
    if segment.track < 0:
        return [(start, N | S)] if offset < last else [(start, bottom)]
    track_row = segment.track + 1
    if offset < track_row:
        return [(start, N | S)]
    if offset > track_row:
        return [(end, N | S)] if offset < last else [(end, bottom)]
    step = 1 if end > start else -1
    cells = [(start, N | (E if step > 0 else W)), (end, S | (W if step > 0 else E))]
    cells += [(x, E | W) for x in range(start + step, end, step)]
    return cells


def _runs(cells, styles) -> Runs:
    runs: Runs = []
    for char, style in zip(cells, styles):
        if runs and runs[-1][0] == style:
            runs[-1] = (style, runs[-1][1] + char)
        else:
            runs.append((style, char))
    return runs
