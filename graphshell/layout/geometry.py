"""Coordinates on a character grid: box sizes, x packing, and orthogonal edge routes.

The picture is a stack of bands: a layer band (boxes, and lanes where long edges pass) then a
channel band where the edges to the next layer run: down from a port on the box's bottom
border, along a horizontal track of their own, and down into a port on the target's top.
"""

from __future__ import annotations

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


def box_size(label: str, detail: str, compact: bool = False):
    """(width, text lines) of a box: name and type, or only a shorter name when compact."""
    lines = [shorten(label, COMPACT_LABEL)] if compact else [shorten(label), shorten(detail)]
    return max(len(line) for line in lines) + 4, lines


def place(layers, blocks, chains, reversed_edges, edge_kinds, compact=False) -> Geometry:
    """x for every node, ports and tracks for every edge segment, y for every band."""
    sizes = {}
    for level in layers:
        for node in level:
            if isinstance(node, tuple):
                sizes[node] = (1, None)
            else:
                block = blocks[node]
                sizes[node] = box_size(block.label, block.detail, compact)
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
    """First-fit interval colouring: horizontal runs in one channel never overlap."""
    track_ends: list[int] = []
    for segment in sorted(channel, key=lambda s: (min(s.start, s.end), max(s.start, s.end))):
        if segment.start == segment.end:
            segment.track = -1
            continue
        left, right = min(segment.start, segment.end), max(segment.start, segment.end)
        for track, end in enumerate(track_ends):
            if end < left - 1:
                track_ends[track] = right
                segment.track = track
                break
        else:
            segment.track = len(track_ends)
            track_ends.append(right)


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
                box = Box(node, x_of[node], width, lines, blocks[node].kind, i)
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
