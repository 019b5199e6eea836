"""How a box is drawn for a step: folded boxes show their mix, states read without colour,
and the REPL's :graph draws the same looks as the explorer."""

import networkx as nx
import pytest

from graphshell.layout import LEGEND, Block, Canvas, Look, draw_for_terminal, layout, look_of
from graphshell.layout.canvas import ASCII_BORDERS, BORDERS
from graphshell.shell.commands.graph import step_states
from graphshell.shell.core import Shell


def scope(*members):
    return Block("pick/root/", "pick/root", "scope", f"{len(members)} ops", list(members))


@pytest.mark.parametrize("states, expected", [
    ({"a": "executed", "b": "executed"}, Look("executed", False, 2, 2)),
    ({"a": "executed", "b": "untaken"}, Look("partial", False, 1, 2)),
    ({"a": "fetched", "b": "pruned"}, Look("partial", True, 1, 2)),
    ({"a": "untaken", "b": "pruned"}, Look("untaken", False, 0, 2)),
    ({"a": "fed", "b": "pruned"}, Look("fed", False, 0, 2)),
    ({"a": "pruned", "b": "pruned"}, Look("pruned", False, 0, 2)),
    ({"a": "executed"}, Look("partial", False, 1, 2)),  # b was made after the step
    ({}, Look()),
])
def test_a_folded_box_is_executed_only_when_all_of_it_ran(states, expected):
    assert look_of(scope("a", "b"), states) == expected


def test_a_single_op_keeps_its_own_state_and_no_tally():
    op = Block("y", "y", "op", "Mul", ["y"])
    assert look_of(op, {"y": "fetched"}) == Look("executed", True, 1, 0)
    assert look_of(op, {"y": "fetched"}).name == "fetched"
    assert look_of(op, {"y": "untaken"}).tally == ""


def cond_like_graph(extra_ops=0):
    """A cond's ops, plus a chain of others that makes the graph large enough to fold."""
    graph = nx.DiGraph()
    names = ["x", "pick/root/Switch", "pick/root", "pick/square/Switch", "pick/square",
             "pick/Merge"] + [f"chain_{k}/op" for k in range(extra_ops)]
    for order, name in enumerate(names):
        graph.add_node(name, type="Op", scope=name.rpartition("/")[0], order=order)
    for a, b in [("x", "pick/root/Switch"), ("pick/root/Switch", "pick/root"),
                 ("x", "pick/square/Switch"), ("pick/square/Switch", "pick/square"),
                 ("pick/root", "pick/Merge"), ("pick/square", "pick/Merge")]:
        graph.add_edge(a, b, kind="data", count=1)
    return graph


STEP_2 = {"x": "fed", "pick/root/Switch": "executed", "pick/root": "untaken",
          "pick/square/Switch": "executed", "pick/square": "executed", "pick/Merge": "fetched"}


def test_the_tally_replaces_the_detail_and_fits_the_box():
    picture = layout(cond_like_graph(), expanded={"pick"})
    canvas = picture.canvas()
    looks = picture.block_looks(STEP_2)
    rows = ["".join(t for _, t in canvas.row(y, looks)) for y in range(canvas.height)]
    box = picture.geometry.box_of["pick/root/"]
    top = picture.geometry.bands[2 * box.layer].y
    drawn = [row[box.x:box.x + box.width] for row in rows[top:top + 4]]
    assert drawn[0] == "┏" + "┅" * (box.width - 2) + "┓"
    assert drawn[1].strip("┇ ") == "pick/root" and drawn[2].strip("┇ ") == "1/2 ran"
    compact = layout(cond_like_graph(), expanded={"pick"}, compact=True)
    canvas = compact.canvas()
    box = compact.geometry.box_of["pick/root/"]
    top = compact.geometry.bands[2 * box.layer].y
    line = "".join(t for _, t in canvas.row(top + 1, compact.block_looks(STEP_2)))
    assert line[box.x:box.x + box.width].strip("┇ ") == "pick/root 1/2"


def test_a_fetched_box_keeps_its_star_when_selected_and_only_gains_the_selection():
    picture = layout(cond_like_graph(), expanded={"pick", "pick/root"})
    canvas = picture.canvas()
    looks = picture.block_looks(STEP_2)
    y = picture.geometry.bands[2 * picture.geometry.box_of["pick/Merge"].layer].y + 1
    plain, selected = canvas.row(y, looks), canvas.row(y, looks, selected="pick/Merge")
    assert "*pick/Merge" in "".join(t for _, t in selected)
    assert {s for s, _ in plain} == {"", "graph.fetched"}
    assert {s for s, _ in selected} == {"", "graph.fetched.selected", "graph.pointer"}


def test_every_state_has_its_own_border_in_unicode_and_ascii():
    for table in (BORDERS, ASCII_BORDERS):
        assert len({border[:4] for border in table.values()}) == len(table)
    for sample in ("┏━┓ executed", "╔═╗ fed", "┏┅┓ partly ran", "╭┄╮ not taken",
                   "┌┄┐ pruned", "* fetched"):
        assert sample in LEGEND


def test_ascii_canvas_draws_partial_boxes_in_ascii():
    picture = layout(cond_like_graph(), expanded={"pick"})
    canvas = Canvas(picture.geometry, ascii_only=True)
    text = "".join(t for y in range(canvas.height)
                   for _, t in canvas.row(y, picture.block_looks(STEP_2), "pick/root/"))
    assert text.isascii() and "1/2 ran" in text


# -- the REPL's :graph agrees with the explorer ----------------------------------------------
COND = ["x = tf.placeholder(tf.float32, [], name='x')",
        "big = tf.cond(x > 10.0, lambda: tf.sqrt(x, name='root'), "
        "lambda: tf.square(x, name='square'), name='pick')",
        "sess = tf.InteractiveSession()", ":eval big --feed x=100.0", ":eval big --feed x=3.0"]


@pytest.fixture
def shell():
    instance = Shell(timings=False)
    yield instance
    instance.close()


def test_graph_command_never_draws_a_branch_not_taken_as_executed(shell):
    # enough other ops that :graph folds the cond's scopes, as the explorer does for big graphs
    for line in COND + ["others = [tf.constant(float(k), name='other_%d' % k) "
                        "for k in range(40)]"]:
        assert shell.execute(line).ok
    picture = shell.execute(":graph").entries[0].body
    text = picture.plain
    assert "pick" in text and "ran" in text
    styles = {style for style, fragment in picture.fragments if "pick" in fragment}
    assert "graph.executed" not in styles and "graph.fetched" not in styles
    assert "graph.partial" in styles
    assert "partly ran" in text


def test_graph_command_and_explorer_looks_agree(shell):
    for line in COND:
        assert shell.execute(line).ok
    graph = shell.default_graph()
    states = step_states(shell.steps[-1], graph)
    lines = draw_for_terminal(graph.get_operations(), states, width=200)
    drawn = {}
    for runs in lines:
        for style, text in runs:
            for name in ("pick/root", "pick/square", "pick/Merge"):
                if f" {name} " in f" {text.strip(' ┃┆║┇*')} ":
                    drawn.setdefault(name, style)
    assert drawn == {"pick/root": "graph.untaken", "pick/square": "graph.executed",
                     "pick/Merge": "graph.fetched"}


def test_graph_command_fits_the_terminal_width_and_styles_the_legend_samples():
    narrow = Shell(timings=False, width=60)
    try:
        for line in COND + ["a = tf.Variable(0.2, name='a')",
                            "z = tf.constant(0.0, name='z0')",
                            "for i in range(30):\n    z = a * tf.cos(z + i) + z\n",
                            "grad = tf.gradients(z, [a])"]:
            assert narrow.execute(line).ok
        picture = narrow.execute(":graph").entries[0].body
        assert all(len(line) <= 60 for line in picture.plain.splitlines())
        assert "partly ran" in picture.plain and "not taken" in picture.plain
        assert ("graph.fed", "╔═╗") in picture.fragments
        assert ("graph.partial", "┏┅┓") in picture.fragments
    finally:
        narrow.close()


def test_terminal_colours_of_states_keep_clear_of_error_and_warning_colours():
    from graphshell.faces.tui.rich_text import STYLES
    from graphshell.shell.styled import ANSI
    states = ["graph.executed", "graph.partial", "graph.fed", "graph.untaken", "graph.pruned"]
    for table, clashing in ((ANSI, {"31", "33", "35", "1;31", "1;33", "1;35"}),
                            (STYLES, {"red", "yellow", "magenta", "bold red", "bold yellow",
                                      "bold magenta"})):
        codes = [table[state] for state in states + ["op.fed"]]
        assert not set(codes) & clashing
        assert len({table[state] for state in states}) == len(states)
        assert not any(code.split(";")[-1] in ("31", "33", "35") for code in codes
                       if table is ANSI)
