"""The layout module on its own: networkx graph in, boxes, routes and rows out."""

import time

import networkx as nx
import pytest

from graphshell.layout import Canvas, default_expansion, fold, graph_from_ops, layout
from graphshell.layout.layering import _inversions, count_crossings, order_layers


def op_graph(edges, types=None):
    """A graph like graph_from_ops builds, from (source, target) name pairs."""
    graph = nx.DiGraph()
    names = list(dict.fromkeys([n for edge in edges for n in edge]))
    for order, name in enumerate(names):
        graph.add_node(name, type=(types or {}).get(name, "Op"), scope=name.rpartition("/")[0],
                       order=order)
    for source, target in edges:
        graph.add_edge(source, target, kind="data", count=1)
    return graph


def seed_like_graph(iterations=100):
    """Names and structure of the seed program's loop plus a gradients scope."""
    edges, types = [("a", "a/read"), ("b", "b/read")], {"a": "VariableV2", "b": "VariableV2"}
    z = "z0"
    for i in range(iterations):
        add, cos, mul, sub, sin, mul2, out = (f"add_{2 * i}", f"Cos_{i}", f"mul_{2 * i}",
                                              f"sub_{i}", f"Sin_{i}", f"mul_{2 * i + 1}",
                                              f"add_{2 * i + 1}")
        edges += [(z, add), (f"{add}/y", add), (add, cos), ("a/read", mul), (cos, mul),
                  ("b/read", sub), (f"{sub}/y", sub), (sub, sin), (z, mul2), (sin, mul2),
                  (mul, out), (mul2, out), (out, f"gradients/{out}_grad/Mul")]
        types.update({add: "AddV2", cos: "Cos", mul: "Mul", sub: "Sub", sin: "Sin",
                      mul2: "Mul", out: "AddV2"})
        z = out
    return op_graph(edges, types)


def boxes(picture):
    return [box for level in picture.geometry.boxes for box in level]


def test_boxes_never_overlap_and_layers_do_not_overlap():
    picture = layout(seed_like_graph(20), expanded={"gradients"})
    by_band = {}
    for box in boxes(picture):
        by_band.setdefault(box.layer, []).append((box.x, box.x + box.width))
    for spans in by_band.values():
        spans.sort()
        assert all(a_end < b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    layer_rows = [b for b in picture.geometry.bands if b.kind == "layer"]
    assert all(a.y + a.height <= b.y for a, b in zip(layer_rows, layer_rows[1:]))


def test_every_drawn_edge_leaves_its_source_and_arrives_at_its_target():
    picture = layout(op_graph([("x", "y"), ("x", "z"), ("y", "w"), ("z", "w"), ("x", "w")]),
                     expanded=())
    canvas = picture.canvas()
    rows = ["".join(text for _, text in canvas.row(y)) for y in range(canvas.height)]
    for box in boxes(picture):
        top = picture.geometry.bands[2 * box.layer].y
        incoming = [s for channel in picture.geometry.segments for s in channel
                    if s.edge[1] == box.block_id and s.arrow]
        for segment in incoming:
            assert rows[top - 1][segment.end] == "▼"
            assert box.x < segment.end < box.x + box.width - 1
        outgoing = [s for channel in picture.geometry.segments for s in channel
                    if s.upper == box.block_id]
        for segment in outgoing:
            assert rows[top + 3][segment.start] == "┬"
    drawn = {s.edge for channel in picture.geometry.segments for s in channel}
    assert drawn | set(picture.detached) == set(picture.graph.edges)


def test_scopes_fold_into_blocks_with_counted_edges():
    graph = op_graph([("x", "grad/a"), ("grad/a", "grad/b"), ("grad/b", "out"), ("x", "grad/b")])
    blocks, folded, owner = fold(graph)
    assert set(blocks) == {"x", "grad/", "out"}
    assert blocks["grad/"].members == ["grad/a", "grad/b"]
    assert folded.edges["x", "grad/"]["count"] == 2
    assert owner["grad/b"] == "grad/"
    expanded, _, _ = fold(graph, expanded={"grad"})
    assert set(expanded) == {"x", "grad/a", "grad/b", "out"}


def test_a_variable_op_joins_its_scope_block():
    blocks, _, owner = fold(op_graph([("v", "v/read"), ("v/initial_value", "v/Assign"),
                                      ("v", "v/Assign")], {"v": "VariableV2"}))
    assert list(blocks) == ["v/"] and blocks["v/"].detail == "VariableV2, 4 ops"


def test_the_seed_program_folds_into_a_readable_handful_of_blocks():
    graph = seed_like_graph(100)
    picture = layout(graph)
    labels = sorted(b.label for b in picture.blocks.values())
    assert len(graph) > 1000 and len(picture.blocks) <= 12
    assert "add_[0-199]" in labels and "Cos_[0-99]" in labels and "gradients" in labels


def test_expanding_a_series_shows_its_members():
    graph = seed_like_graph(10)
    folded = layout(graph)
    series = [b for b in folded.blocks.values() if b.label.startswith("Cos_")][0]
    expanded = layout(graph, expanded={series.id})
    assert {f"Cos_{i}" for i in range(10)} <= set(expanded.blocks)


def test_cycles_between_series_are_drawn_with_upward_arrows():
    picture = layout(op_graph([("p", "q"), ("q", "r"), ("r", "p")]))
    segments = [s for channel in picture.geometry.segments for s in channel]
    assert any(s.upward for s in segments)


def test_layout_is_deterministic():
    first = layout(seed_like_graph(30), expanded={"gradients"})
    second = layout(seed_like_graph(30), expanded={"gradients"})
    rows = [first.canvas().row(y) for y in range(first.canvas().height)]
    assert rows == [second.canvas().row(y) for y in range(second.canvas().height)]


def test_barycenter_sweeps_reduce_crossings():
    layers = [["a", "b", "c"], ["z", "y", "x"]]
    chains = [["a", "x"], ["b", "y"], ["c", "z"]]
    down = {"a": ["x"], "b": ["y"], "c": ["z"]}
    assert count_crossings(layers, down) == 3
    assert count_crossings(order_layers(layers, chains), down) == 0


def test_inversion_count_matches_a_direct_count():
    sequence = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
    direct = sum(1 for i in range(len(sequence)) for j in range(i + 1, len(sequence))
                 if sequence[i] > sequence[j])
    assert _inversions(sequence) == direct


def test_ascii_mode_draws_only_ascii():
    picture = layout(op_graph([("x", "y"), ("x", "z"), ("y", "w"), ("z", "w")]))
    canvas = Canvas(picture.geometry, ascii_only=True)
    text = "".join(t for y in range(canvas.height) for _, t in canvas.row(y, {"x": "executed"}))
    assert text.isascii() and "#" in text


def test_states_change_borders_without_relayout():
    picture = layout(op_graph([("x", "y")]))
    canvas = picture.canvas()
    plain = "".join(t for _, t in canvas.row(0))
    executed = canvas.row(0, {"x": "executed"})
    assert "┌" in plain and any(style == "graph.executed" and "┏" in text
                                for style, text in executed)


def test_small_picture_snapshot():
    picture = layout(op_graph([("x", "y"), ("x", "z"), ("y", "w"), ("z", "w")],
                              {"x": "Placeholder", "y": "Sin", "z": "Cos", "w": "AddV2"}))
    canvas = picture.canvas()
    rows = ["".join(t for _, t in canvas.row(y)).rstrip() for y in range(canvas.height)]
    assert rows == [
        "┌─────────────┐",
        "│      x      │",
        "│ Placeholder │",
        "└────┬───┬────┘",
        "     │   │",
        "     └─┐ └──────┐",
        "       ▼        ▼",
        "    ┌─────┐  ┌─────┐",
        "    │  y  │  │  z  │",
        "    │ Sin │  │ Cos │",
        "    └──┬──┘  └──┬──┘",
        "       │        │",
        "       └───┐ ┌──┘",
        "           ▼ ▼",
        "        ┌───────┐",
        "        │   w   │",
        "        │ AddV2 │",
        "        └───────┘",
    ]


def _chain(length):
    return op_graph([(f"n{i}", f"n{i + 1}") for i in range(length)])


def test_a_100000_node_chain_lays_out_in_linear_time():
    start = time.perf_counter()
    layout(_chain(10_000))
    small = time.perf_counter() - start
    start = time.perf_counter()
    picture = layout(_chain(100_000))
    large = time.perf_counter() - start
    assert large / small < 30, f"10x the nodes took {large / small:.1f}x the time"
    assert picture.canvas().height > 100_000 * 4
    assert picture.canvas().row(picture.canvas().height - 2)


def test_graph_from_ops_reads_engine_ops():
    from graphshell import tf
    v = tf.Variable(1.0, name="v")
    with tf.control_dependencies([v.initializer]):
        out = tf.identity(v, name="out")
    graph = graph_from_ops(tf.get_default_graph().get_operations())
    assert graph.edges["v", "v/Assign"]["kind"] == "ref"
    assert graph.edges["v/Assign", "out"]["kind"] == "control"
    assert graph.nodes["out"]["type"] == "Identity" and out.op.name == "out"


@pytest.mark.parametrize("ops", [0, 1])
def test_tiny_graphs(ops):
    graph = op_graph([("x", "y")]) if ops else nx.DiGraph()
    picture = layout(graph)
    assert picture.canvas().height >= 0


def _shared_vertical_cells(picture):
    """(channel, column, row) cells that two different edges both run down through."""
    shared, geometry = [], picture.geometry
    for index, channel in enumerate(geometry.segments):
        if not channel:
            continue
        last = geometry.bands[2 * index + 1].height - 1
        owner = {}
        for segment in channel:
            if segment.track < 0:
                cells = [(segment.start, row) for row in range(last + 1)]
            else:
                turn = segment.track + 1
                cells = [(segment.start, row) for row in range(turn)]
                cells += [(segment.end, row) for row in range(turn + 1, last + 1)]
            for cell in cells:
                if owner.setdefault(cell, segment.edge) != segment.edge:
                    shared.append((index, *cell))
    return shared


def test_an_edge_never_runs_down_the_line_of_another():
    """x feeds three ops: the edge turning into the column another leaves from turns below
    it, instead of sharing its line (which reads as one edge forking)."""
    from graphshell import tf
    x = tf.placeholder(tf.float32, [], name="x")
    tf.cond(x > 10.0, lambda: tf.sqrt(x, name="root"), lambda: tf.square(x, name="square"),
            name="pick")
    graph = graph_from_ops(tf.get_default_graph().get_operations())
    for compact in (False, True):
        picture = layout(graph, expanded=default_expansion(graph), compact=compact)
        assert _shared_vertical_cells(picture) == []
    assert _shared_vertical_cells(layout(seed_like_graph(20), expanded={"gradients"})) == []
