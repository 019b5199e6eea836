"""Coordinates on a character grid: box sizes, x packing, and orthogonal edge routes.

The picture is a stack of bands: a layer band (boxes, and lanes where long edges pass) then a
channel band where the edges to the next layer run: down from a port on the box's bottom
border, along a horizontal track of their own, and down into a port on the target's top.
"""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass, field

BOX_HEIGHT = 4
COMPACT_BOX_HEIGHT = 3
GAP = 2
MAX_LABEL = 30
COMPACT_LABEL = 16


@dataclass
class Box:
    block_id: str
    x: int
    width: int
    lines: list[str]
    kind: str
    layer: int
    folded: int = 0        # ops folded into the box (0 for a single op)


@dataclass
class Segment:
    """One edge between adjacent layers: from column `start` down to `end`, via `track`."""

    edge: tuple            # (source block, target block)
    upper: object          # the node this segment leaves (a block id or a dummy)
    start: int
    end: int
    track: int = 0
    kind: str = "data"
    arrow: bool = False    # draw an arrowhead into the target (the chain's last segment)
    upward: bool = False   # a reversed (cycle) edge: the arrow points up at its start


@dataclass
class Band:
    y: int
    height: int
    kind: str              # "layer" or "channel"
    index: int


@dataclass
class Geometry:
    bands: list[Band]
    boxes: list[list[Box]]               # per layer
    lanes: list[list[tuple]]             # per layer: (x, edge, kind) lines passing through
    segments: list[list[Segment]]        # per channel (below layer i)
    width: int
    height: int
    box_of: dict[str, Box] = field(default_factory=dict)
    box_height: int = BOX_HEIGHT


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "~"


def box_size(label: str, detail: str, compact: bool = False, folded: int = 0):
    """(width, text lines) of a box: name and type, or only a shorter name when compact.
    A folded box of `folded` ops is wide enough for its tally in any step ("12/12 ran", or
    "name 12/12" when compact) and every box for the fetched star, so marking a step never
    needs a new layout."""
    lines = [shorten(label, COMPACT_LABEL)] if compact else [shorten(label), shorten(detail)]
    widest = max(len(line) for line in lines)
    if folded:
        tally = len(f"{folded}/{folded}")
        widest = max(widest, len(lines[0]) + 1 + tally if compact else tally + len(" ran"))
    return widest + 4, lines


def place(layers, blocks, chains, reversed_edges, edge_kinds, compact=False) -> Geometry:
    """x for every node, ports and tracks for every edge segment, y for every band."""
    sizes = {}
    for level in layers:
        for node in level:
            if isinstance(node, tuple):
                sizes[node] = (1, None)
            else:
                block = blocks[node]
                folded = len(block.members) if block.expandable else 0
                sizes[node] = box_size(block.label, block.detail, compact, folded)
    x_of = _pack(layers, sizes, chains)
    ports = _ports(chains, x_of, sizes)
    segments = _segments(layers, chains, ports, reversed_edges, edge_kinds)
    height = COMPACT_BOX_HEIGHT if compact else BOX_HEIGHT
    return _assemble(layers, blocks, sizes, x_of, segments, height)


def _pack(layers, sizes, chains) -> dict:
    """Left to right per layer, each node as close as it can get above/below its parents."""
    parents: dict = {}
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            parents.setdefault(b, []).append(a)
    x_of: dict = {}
    for level in layers:
        cursor = 0
        for node in level:
            width = sizes[node][0]
            placed = [x_of[p] + sizes[p][0] // 2 for p in parents.get(node, ()) if p in x_of]
            wanted = round(sum(placed) / len(placed)) - width // 2 if placed else cursor
            x_of[node] = max(cursor, wanted)
            cursor = x_of[node] + width + GAP
    return x_of


def _ports(chains, x_of, sizes):
    """Column where each chain segment leaves its upper node and enters its lower node;
    several edges on one box spread over its border, ordered by where they go."""
    leaving: dict = {}
    entering: dict = {}
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            leaving.setdefault(a, []).append(b)
            entering.setdefault(b, []).append(a)
    ports = {}
    for node, others in leaving.items():
        for other, column in _spread(node, others, x_of, sizes):
            ports[(node, other, "out")] = column
    for node, others in entering.items():
        for other, column in _spread(node, others, x_of, sizes):
            ports[(other, node, "in")] = column
    return ports


def _spread(node, others, x_of, sizes):
    width = sizes[node][0]
    if width == 1:
        return [(other, x_of[node]) for other in others]
    ordered = sorted(others, key=lambda o: x_of[o])
    inner = width - 2
    return [(other, x_of[node] + 1 + (k + 1) * inner // (len(ordered) + 1))
            for k, other in enumerate(ordered)]


def _segments(layers, chains, ports, reversed_edges, edge_kinds):
    layer_of = {node: i for i, level in enumerate(layers) for node in level}
    per_channel: list[list[Segment]] = [[] for _ in layers]
    for chain in chains:
        edge = (chain[0], chain[-1])
        upward = edge in reversed_edges or (edge[1], edge[0]) in reversed_edges
        kind = edge_kinds.get(edge) or edge_kinds.get((edge[1], edge[0]), "data")
        for k, (a, b) in enumerate(zip(chain, chain[1:])):
            segment = Segment(edge, a, ports[(a, b, "out")], ports[(a, b, "in")], kind=kind,
                              arrow=k == len(chain) - 2 and not upward,
                              upward=upward and k == 0)
            per_channel[layer_of[a]].append(segment)
    for channel in per_channel:
        _assign_tracks(channel)
    return per_channel


def _assign_tracks(channel: list[Segment]) -> None:
    """Tracks for the horizontal runs of one channel: runs on one track never overlap, and a
    segment coming down into the column another one leaves from turns below it, so the two
    never share a stretch of line (which would read as one edge forking)."""
    bends = []
    for segment in channel:
        if segment.start == segment.end:
            segment.track = -1
        else:
            bends.append(segment)
    leaving = {segment.start: segment for segment in bends}
    above = {id(s): leaving[s.end] for s in bends if leaving.get(s.end, s) is not s}
    if not above:
        _first_fit(bends)
    else:
        _first_fit_below(bends, above)


def _span(segment: Segment) -> tuple[int, int]:
    return min(segment.start, segment.end), max(segment.start, segment.end)


def _first_fit(bends: list[Segment]) -> None:
    """Left-edge interval colouring: the fewest tracks. Each run takes the lowest-numbered free
    track; busy tracks wait in a heap by where they end, so n runs cost n log n (a fan-in of
    thousands of edges into one box puts thousands of runs in one channel)."""
    busy: list[tuple[int, int]] = []  # (rightmost column used, track)
    free: list[int] = []  # tracks whose runs all end left of the next run
    tracks = 0
    for segment in sorted(bends, key=_span):
        left, right = _span(segment)
        while busy and busy[0][0] < left - 1:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            segment.track = heapq.heappop(free)
        else:
            segment.track, tracks = tracks, tracks + 1
        heapq.heappush(busy, (right, segment.track))


def _first_fit_below(bends: list[Segment], above: dict) -> None:
    """First fit where each segment's track must be below the one of the segment leaving the
    column it comes down into (`above`); constraints in a cycle are dropped. The unconstrained
    runs (nearly all of them) are coloured left to right in n log n; each constrained one then
    takes the first track at or below its bound where it fits (bisection per track), or a new
    one when the first few tried are all busy."""
    depth = _depths(bends, above)
    free_runs = [s for s in bends if not depth[id(s)]]
    _first_fit(free_runs)
    tracks = _TrackRuns(free_runs)
    for segment in sorted((s for s in bends if depth[id(s)]),
                          key=lambda s: (depth[id(s)], _span(s))):
        track = above[id(segment)].track + 1
        left, right = _span(segment)
        tries = 0
        while not tracks.fits(track, left, right):
            track, tries = track + 1, tries + 1
            if tries == _MOST_TRACKS_TRIED:  # a dense fan-in: every track is busy here
                track = tracks.count()  # a new track at the bottom always fits
                break
        tracks.add(track, left, right)
        segment.track = track


# Trying every track for every constrained run is quadratic in a wide fan-in (thousands of
# runs crossing one column); small graphs never need more tries than this.
_MOST_TRACKS_TRIED = 16


class _TrackRuns:
    """The runs on each track of a channel, sorted; runs on one track never touch."""

    def __init__(self, placed: list[Segment]):
        self.starts: list[list[int]] = []
        self.ends: list[list[int]] = []
        for segment in sorted(placed, key=_span):
            self.add(segment.track, *_span(segment))

    def count(self) -> int:
        return len(self.starts)

    def fits(self, track: int, left: int, right: int) -> bool:
        if track >= len(self.starts):
            return True
        starts, ends = self.starts[track], self.ends[track]
        k = bisect.bisect_right(starts, right + 1)  # the runs starting at most one past it
        return k == 0 or ends[k - 1] + 1 < left  # the nearest of them ends before it

    def add(self, track: int, left: int, right: int) -> None:
        while track >= len(self.starts):
            self.starts.append([])
            self.ends.append([])
        k = bisect.bisect_right(self.starts[track], left)
        self.starts[track].insert(k, left)
        self.ends[track].insert(k, right)


def _depths(bends: list[Segment], above: dict) -> dict[int, int]:
    """For each segment, how many segments must lie above it (0 when its chain of them runs
    into a cycle); each chain is walked once."""
    depth: dict[int, int] = {}
    cyclic = -1
    for segment in bends:
        path, on_path, current = [], set(), segment
        while current is not None and id(current) not in depth and id(current) not in on_path:
            path.append(current)
            on_path.add(id(current))
            current = above.get(id(current))
        if current is None:
            below = -1  # the chain ends: the last segment on it has depth 0
        elif id(current) in on_path:
            below = cyclic
        else:
            below = depth[id(current)]
        for member in reversed(path):
            below = cyclic if below == cyclic and current is not None else below + 1
            depth[id(member)] = below
    return {key: max(value, 0) for key, value in depth.items()}


def _assemble(layers, blocks, sizes, x_of, segments, box_height) -> Geometry:
    bands, boxes, lanes, y = [], [], [], 0
    box_of = {}
    for i, level in enumerate(layers):
        bands.append(Band(y, box_height, "layer", i))
        y += box_height
        row_boxes, row_lanes = [], []
        for node in level:
            width, lines = sizes[node]
            if lines is None:
                row_lanes.append((x_of[node], (node[1], node[2])))
            else:
                block = blocks[node]
                folded = len(block.members) if block.expandable else 0
                box = Box(node, x_of[node], width, lines, block.kind, i, folded)
                row_boxes.append(box)
                box_of[node] = box
        boxes.append(row_boxes)
        lanes.append(row_lanes)
        if i < len(layers) - 1:
            tracks = max((s.track for s in segments[i]), default=-1) + 1
            height = tracks + 2
            bands.append(Band(y, height, "channel", i))
            y += height
    width = max((b.x + b.width for level in boxes for b in level), default=0)
    width = max([width] + [x + 1 for level in lanes for x, _ in level])
    return Geometry(bands, boxes, lanes, segments, width, y, box_of, box_height)
