"""Drawing a Geometry one row at a time, as styled runs of text.

Rows are computed on demand from the geometry, so a picture of a 100,000-op chain costs
nothing until a row is asked for (the TUI canvas draws only the rows on screen). Edge cells
merge through a 4-direction bitmask into box-drawing glyphs; a block's state (executed, fed,
partly ran, pruned, not taken) picks its border style, so a step overlay never re-lays out.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

N, E, S, W = 1, 2, 4, 8

LINES = {N | S: "│", E | W: "─", S | E: "┌", S | W: "┐", N | E: "└", N | W: "┘",
         N | S | E: "├", N | S | W: "┤", S | E | W: "┬", N | E | W: "┴", N | S | E | W: "┼",
         N: "╵", S: "╷", E: "╶", W: "╴"}
DASHED = {**LINES, N | S: "┆", E | W: "┄"}
ASCII_LINES = {mask: ("|" if glyph in "│┆╵╷" else "-" if glyph in "─┄╶╴" else "+")
               for mask, glyph in LINES.items()}

Runs = list[tuple[str, str]]

# corner tl, horizontal, corner tr, vertical, corner bl, corner br, port. Each state has its
# own border so the picture reads without colour: heavy ran, heavy dashed partly ran, double
# fed, rounded dashed not taken, light dashed pruned, plain not in the step.
BORDERS = {
    "": "┌─┐│└┘┬", "executed": "┏━┓┃┗┛┳", "partial": "┏┅┓┇┗┛┳", "fed": "╔═╗║╚╝╦",
    "pruned": "┌┄┐┆└┘┬", "untaken": "╭┄╮┆╰╯┬",
}
ASCII_BORDERS = {"": "+-+|+++", "executed": "#=#H###", "partial": "#-#:###",
                 "fed": "@~@!@@@", "pruned": ".:.:..:", "untaken": "%:%:%%:"}
ARROW_DOWN, ARROW_UP = ("▼", "▲")
FETCHED_MARK = "*"
SELECTED = ".selected"    # suffix of a style name: the face adds its selection background

# (what it names, sample, ASCII sample, meaning) in the order the legends show them.
LEGEND_ENTRIES = [
    ("executed", "┏━┓", "#=#", "executed"), ("fed", "╔═╗", "@~@", "fed"),
    ("partial", "┏┅┓", "#-#", "partly ran (n/m ran)"),
    ("untaken", "╭┄╮", "%:%", "not taken (dead branch)"),
    ("pruned", "┌┄┐", ".:.", "pruned (not needed)"), ("fetched", "*", "*", "fetched"),
    ("data", "▼", "v", "data"), ("control", "┆", ":", "control"),
]


def _legend(ascii_only: bool) -> str:
    return "  ".join(f"{plain if ascii_only else sample} {meaning}"
                     for _, sample, plain, meaning in LEGEND_ENTRIES)


LEGEND = _legend(False)
ASCII_LEGEND = _legend(True)


def legend_runs(width: int, ascii_only: bool = False) -> list[Runs]:
    """The legend as lines of runs no wider than `width`, broken between entries; each
    sample is drawn in the style of what it stands for."""
    lines: list[Runs] = [[]]
    used = 0
    for state, sample, plain, meaning in LEGEND_ENTRIES:
        sample = plain if ascii_only else sample
        size = len(sample) + 1 + len(meaning)
        if used and used + 2 + size > width:
            lines.append([])
            used = 0
        if used:
            lines[-1].append(("dim", "  "))
            used += 2
        style = "graph.edge" if state in ("data", "control") else f"graph.{state}"
        lines[-1] += [(style, sample), ("dim", f" {meaning}")]
        used += size
    return lines


@dataclass(frozen=True)
class Look:
    """How one box is drawn for a step. `state` picks the border and colour (executed,
    partial, fed, untaken, pruned, or "" when the step did not involve it); `fetched` adds the
    star; `ran`/`total` count a folded box's ops (total 0 for a single op), shown as a tally
    ("1/2 ran") when only some ran: a border alone cannot say how much."""

    state: str = ""
    fetched: bool = False
    ran: int = 0
    total: int = 0

    @property
    def name(self) -> str:
        """One word for the box: its state, or "fetched" for a fetched op that ran."""
        return "fetched" if self.fetched and self.state == "executed" else self.state

    @property
    def style(self) -> str:
        return f"graph.{self.name}" if self.name else ""

    @property
    def tally(self) -> str:
        return f"{self.ran}/{self.total} ran" if self.total and self.state == "partial" else ""

    @classmethod
    def of(cls, value) -> Look:
        """A Look from a Look or a state name ("fetched" meaning a fetched op that ran)."""
        if isinstance(value, Look):
            return value
        if value == "fetched":
            return cls("executed", fetched=True)
        return cls(value if value in BORDERS else "")


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

    def row(self, y: int, states: dict | None = None, selected: str | None = None) -> Runs:
        """The runs of row y (padded to the picture's width, plus one). `states` maps block ids to a
        Look or a state name; `selected` is a block id whose box gets SELECTED styles and
        pointers beside its name, its state's border, colour and marks unchanged."""
        states = states or {}
        band = self.geometry.bands[bisect_right(self._band_starts, y) - 1]
        width = self.geometry.width + 1  # a column for the pointer right of the last box
        cells, styles = [" "] * width, [""] * width
        if band.kind == "layer":
            self._draw_layer_row(band.index, y - band.y, cells, styles, states, selected)
        else:
            self._draw_channel_row(band, y - band.y, cells, styles)
        return _runs(cells, styles)

    def boxes_at(self, y: int):
        """The boxes crossing row y (for mapping a click to a block)."""
        band = self.geometry.bands[bisect_right(self._band_starts, y) - 1]
        return self.geometry.boxes[band.index] if band.kind == "layer" else []

    def text(self, states: dict | None = None) -> list[Runs]:
        return [self.row(y, states) for y in range(self.height)]

    # -- layers ----------------------------------------------------------------------------------
    def _draw_layer_row(self, layer, offset, cells, styles, states, selected) -> None:
        glyphs = ASCII_LINES if self.ascii_only else LINES
        for x, _edge in self.geometry.lanes[layer]:
            cells[x] = glyphs[N | S]
            styles[x] = "graph.edge"
        for box in self.geometry.boxes[layer]:
            look = Look.of(states.get(box.block_id, ""))
            self._draw_box_row(box, offset, cells, styles, look, box.block_id == selected)

    def _draw_box_row(self, box, offset, cells, styles, look: Look, selected: bool) -> None:
        border = (ASCII_BORDERS if self.ascii_only else BORDERS)[look.state]
        left, right = box.x, box.x + box.width - 1
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
            inner = _box_line(box, offset - 1, look, box.width - 2)
            cells[left], cells[right] = border[3], border[3]
            cells[left + 1:right] = list(inner)
        style = look.style + SELECTED if selected else look.style
        for x in range(left, right + 1):
            styles[x] = style
        if selected and offset == 1:
            self._point_at(left - 1, "▶" if not self.ascii_only else ">", cells, styles)
            self._point_at(right + 1, "◀" if not self.ascii_only else "<", cells, styles)

    def _point_at(self, x, glyph, cells, styles) -> None:
        if 0 <= x < len(cells) and cells[x] == " ":
            cells[x], styles[x] = glyph, "graph.pointer"

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


def _box_line(box, index: int, look: Look, width: int) -> str:
    """Line `index` of a box's text, centred in `width`: a folded box's tally in place of its
    detail (after its name when compact), and the star of a fetched box just left of its
    name, so marking a box never moves its name."""
    text = box.lines[index]
    if look.tally and index == len(box.lines) - 1:
        text = look.tally if index else f"{text} {look.ran}/{look.total}"
    line = text.center(width)[:width]
    if look.fetched and index == 0:
        start = len(line) - len(line.lstrip())
        line = line[:start - 1] + FETCHED_MARK + line[start:] if start else \
            (FETCHED_MARK + line)[:width]
    return line


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
