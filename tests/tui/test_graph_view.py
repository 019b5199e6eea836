"""The explorer's graph pane, read as a user sees it: the text and styles of its rendered lines.

The pane is hosted alone (with the explorer's stylesheet) and fed as the explorer feeds it,
one input at a time: the graph after each input, the states of the last step after each step.
"""

import threading
from pathlib import Path

import pytest
from textual.app import App

from graphshell.faces.tui import graph_view as graph_view_module
from graphshell.faces.tui.graph_view import GraphView, legend_lines
from graphshell.layout import LEGEND_ENTRIES, default_expansion, graph_from_ops, layout
from graphshell.layout.canvas import BORDERS, DASHED, LINES
from graphshell.shell.commands.graph import step_states
from graphshell.shell.splitter import split_script

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "graphshell" / "faces" / "tui" / "graphshell.tcss"
COND_LESSON = ROOT / "sample_graphs" / "cond_branch_not_taken.gsh"
SIZES = [(80, 24), (120, 40), (200, 60)]
PRODUCT = ["t = tf.constant(42.0, name='t')", "u = tf.constant(37.0, name='u')", "tu = t * u",
           "w = tu + 1", "sess = tf.InteractiveSession()", ":eval w"]


class Host(App):
    CSS_PATH = str(CSS)

    def compose(self):
        yield GraphView(id="graph")


async def settle(pilot):
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def feed(view, shell):
    """What the explorer does after an input: show the graph, mark the last step."""
    graph = shell.default_graph()
    view.show_graph(graph)
    if shell.steps:
        view.show_states(step_states(shell.steps[-1], graph))


async def run(pilot, shell, lines):
    view = pilot.app.query_one(GraphView)
    for line in lines:
        shell.execute(line)
        feed(view, shell)
        await settle(pilot)
    return view


def lesson_inputs(path):
    return [text for _, text in split_script(path.read_text().splitlines(keepends=True))]


def shown_rows(view):
    """The text of the graph rows on screen (the legend lines below them left out)."""
    rows = view.size.height - view.legend_height
    return [view.render_line(y).text.rstrip() for y in range(rows)]


def fresh_rows(view, shell, compact=False):
    """The same screen from a layout made from scratch for the graph as it is now."""
    graph = graph_from_ops(shell.default_graph().get_operations())
    picture = layout(graph, default_expansion(graph), compact=compact)
    canvas = picture.canvas()
    looks = picture.block_looks(step_states(shell.steps[-1], shell.default_graph())
                                if shell.steps else {})
    x, y = view.scroll_offset
    rows = view.size.height - view.legend_height
    # a graph smaller than the pane sits in its middle
    margin_x = max(0, (view.size.width - canvas.width) // 2)
    margin_y = max(0, (rows - canvas.height) // 2)
    text = [" " * margin_x + "".join(t for _, t in canvas.row(r, looks, view.selected))
            for r in range(max(0, y - margin_y), min(canvas.height, y - margin_y + rows))]
    text = [""] * max(0, margin_y - y) + text
    return [line[x:x + view.size.width].rstrip() for line in text] + [""] * (rows - len(text))


def box_names(view):
    """Each box's name line as drawn, in the order the boxes are placed."""
    canvas = view.scene.canvas
    names = []
    for level in view.picture.geometry.boxes:
        for box in level:
            band = view.picture.geometry.bands[2 * box.layer]
            line = "".join(t for _, t in canvas.row(band.y + 1, view.scene.looks))
            names.append(line[box.x + 1:box.x + box.width - 1].strip().lstrip("*"))
    return names


# -- 1. relayout never leaves an old picture behind ----------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_after_each_relayout_the_screen_is_what_a_fresh_layout_draws(shell, size):
    async with Host().run_test(size=size) as pilot:
        view = await run(pilot, shell, PRODUCT)
        assert shown_rows(view) == fresh_rows(view, shell)
        screen = "\n".join(shown_rows(view))
        for name in ("t", "u", "mul", "add"):
            assert sum(f"│ {name} │" in line or f"┃ {name} ┃" in line or f"┃*{name} ┃" in line
                       for line in screen.splitlines()) <= 1
        assert sorted(box_names(view)) == sorted(["t", "u", "mul", "add", "add/y"])
        assert_edges_have_both_ends(shown_rows(view))


async def test_a_small_graph_is_drawn_in_the_middle_of_a_big_pane(shell):
    async with Host().run_test(size=(200, 60)) as pilot:
        view = await run(pilot, shell, PRODUCT)
        rows = shown_rows(view)
        drawn = [k for k, line in enumerate(rows) if line.strip()]
        left = min(len(line) - len(line.lstrip()) for line in rows if line.strip())
        right = max(len(line) for line in rows)
        assert abs(drawn[0] - (len(rows) - 1 - drawn[-1])) <= 1  # as much room above as below
        assert abs(left - (view.size.width - right)) <= 2  # and left as right


async def test_compact_mode_redraws_every_box_and_back(shell):
    async with Host().run_test(size=(120, 40)) as pilot:
        view = await run(pilot, shell, PRODUCT)
        view.focus()
        await pilot.press("c")
        await settle(pilot)
        assert view.picture.geometry.box_height == 3
        assert shown_rows(view) == fresh_rows(view, shell, compact=True)
        await pilot.press("c")
        await settle(pilot)
        assert shown_rows(view) == fresh_rows(view, shell)


async def test_a_layout_finishing_after_a_newer_one_is_dropped(shell, monkeypatch):
    """The first layout is held back until the second is installed; it must not replace it."""
    first_started, release_first = threading.Event(), threading.Event()
    real_layout = graph_view_module.lay_out

    def held_layout(graph, *args, **kwargs):
        if len(graph) == 1:
            first_started.set()
            release_first.wait(10)
        return real_layout(graph, *args, **kwargs)

    monkeypatch.setattr(graph_view_module, "lay_out", held_layout)
    async with Host().run_test(size=(120, 40)) as pilot:
        view = pilot.app.query_one(GraphView)
        shell.execute(PRODUCT[0])
        feed(view, shell)
        for _ in range(500):  # the worker thread starts from the event loop
            if first_started.is_set():
                break
            await pilot.pause()
        assert first_started.is_set()
        for line in PRODUCT[1:4]:
            shell.execute(line)
        feed(view, shell)
        for _ in range(500):  # until the second layout is installed (no timing assumed)
            await pilot.pause()
            if view.picture is not None:
                break
        assert view.picture is not None
        release_first.set()
        await settle(pilot)
        assert len(view.picture.graph) == len(shell.default_graph().get_operations())
        assert shown_rows(view) == fresh_rows(view, shell)


@pytest.mark.parametrize("size", [(100, 30)] + SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_cond_lesson_screen_is_whole_after_every_input(shell, size):
    async with Host().run_test(size=size) as pilot:
        view = pilot.app.query_one(GraphView)
        for text in lesson_inputs(COND_LESSON):
            shell.execute(text)
            feed(view, shell)
            await settle(pilot)
            rows = shown_rows(view)
            assert rows == fresh_rows(view, shell)
            assert_edges_have_both_ends(rows)
            names = box_names(view)
            assert len(names) == len(set(names)) == len(view.picture.blocks)


def assert_edges_have_both_ends(rows):
    """Every line cell connects to what its glyph points at: another line, a box's border,
    an arrowhead or a port; no arrow row is doubled (an arrow always lands on a box)."""
    masks = {glyph: mask for table in (LINES, DASHED) for mask, glyph in table.items()}
    border = set("".join(BORDERS.values()))
    ports = {b[6] for b in BORDERS.values()}
    tops = {b[1] for b in BORDERS.values()} | {b[0] for b in BORDERS.values()}

    def at(y, x):
        return rows[y][x] if 0 <= y < len(rows) and 0 <= x < len(rows[y]) else " "

    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            if char == "▼":
                assert at(y + 1, x) in tops or y + 1 == len(rows), (y, x, "arrow into nothing")
                assert at(y - 1, x) in "│┆├┤┼┌┐" or at(y - 1, x) in masks, (y, x, "arrow")
            if char in border or char not in masks:
                continue
            mask = masks[char]
            for bit, dy, dx, back in ((1, -1, 0, 4), (4, 1, 0, 1), (2, 0, 1, 8), (8, 0, -1, 2)):
                if not mask & bit:
                    continue
                other = at(y + dy, x + dx)
                if dy == -1 and other in ports or dy == 1 and other == "▼":
                    continue
                if y + dy in (-1, len(rows)):
                    continue  # off screen
                assert other in masks and masks[other] & back, (y, x, char, other, rows)


# -- 2. a folded box shows its mix; a branch not taken never looks executed -------------------
async def test_a_folded_branch_that_did_not_run_shows_its_tally_not_executed(shell):
    inputs = lesson_inputs(COND_LESSON)
    evals = [k for k, text in enumerate(inputs) if text.startswith(":eval big")]
    async with Host().run_test(size=(120, 40)) as pilot:
        view = await run(pilot, shell, inputs[:evals[1] + 1])  # step 2: x = 3, root not taken
        assert "did not run" in shell.execute(":why pick/root").text
        view.focus()
        view.select("pick/root/Switch")
        await pilot.press("enter")  # folds the op's scope, pick/root, into one box
        await settle(pilot)
        assert view.selected == "pick/root/"
        look = view.scene.looks["pick/root/"]
        assert (look.state, look.ran, look.total) == ("partial", 1, 2)
        assert view._states["pick/root/"] != "executed"
        box = view.picture.geometry.box_of["pick/root/"]
        band = view.picture.geometry.bands[2 * box.layer]
        view.scroll_to(0, band.y, animate=False)
        await settle(pilot)
        left, top = view.canvas_origin()
        row = top + band.y
        drawn = [view.render_line(row + k).text[left + box.x:][:box.width] for k in range(4)]
        assert drawn[0].startswith("┏┅") and "1/2 ran" in drawn[2]
        executed = view._style("graph.executed")
        segment_styles = {s.style.color for s in view.render_line(row + 1)
                          if "pick/root" in s.text}
        assert executed.color not in segment_styles


# -- 3. the selected box keeps its state ------------------------------------------------------
async def test_selecting_a_box_keeps_its_border_colour_and_star(shell):
    async with Host().run_test(size=(120, 40)) as pilot:
        view = await run(pilot, shell, PRODUCT + [":eval tu"])
        for block in ("mul", "add"):  # fetched in the last step, then pruned
            before = box_cells(view, block)
            view.select(block)
            await settle(pilot)
            after = box_cells(view, block)
            assert [text for text, _ in after] == [text for text, _ in before]
            assert [style.color for _, style in after] == [style.color for _, style in before]
            assert {style.bgcolor for _, style in after} != {style.bgcolor for _, style in before}
            assert not any(style.reverse for _, style in after)
        assert "*mul" in "".join(text for text, _ in box_cells(view, "mul"))
        assert box_cells(view, "add")[0][0].startswith("┌┄")


def box_cells(view, block):
    """(text, style) of each row of a box as rendered, one style per row's name cells."""
    box = view.picture.geometry.box_of[block]
    band = view.picture.geometry.bands[2 * box.layer]
    left, top = view.canvas_origin()
    rows = []
    for k in range(band.height):
        strip = view.render_line(top + band.y + k)
        text = strip.text[left + box.x:left + box.x + box.width]
        styles = [s.style for s in strip for _ in s.text]
        rows.append((text, styles[left + box.x + 1]))
    return rows


# -- 4. legend and palette --------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_pane_shows_a_legend_of_what_is_on_screen(shell, size):
    async with Host().run_test(size=size) as pilot:
        view = await run(pilot, shell, PRODUCT + [":eval tu"])
        legend = [view.render_line(y).text for y in range(view.size.height - view.legend_height,
                                                          view.size.height)]
        text = " ".join(legend)
        for words in ("┏━┓ executed", "┌┄┐ pruned", "* fetched", "▼ data"):
            assert words in text
        assert all(len(line.rstrip()) <= view.size.width for line in legend)
        assert view.legend_height <= 2


def test_legend_lines_fit_and_put_what_is_present_first():
    lines = legend_lines(30, {"untaken", "fed"}, max_lines=1)
    assert len(lines) == 1 and sum(len(e[1]) + 1 for e in lines[0]) <= 30
    assert {"untaken", "fed"} <= {entry[0] for entry in lines[0]}
    assert len(legend_lines(500, set())[0]) == len(LEGEND_ENTRIES)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_state_colours_never_clash_with_error_or_focus_colours(theme):
    from textual.color import Color
    async with Host().run_test(size=(80, 24)) as pilot:
        pilot.app.theme = theme
        await pilot.pause()
        view = pilot.app.query_one(GraphView)
        variables = pilot.app.theme_variables
        reserved = [Color.parse(variables[name]) for name in
                    ("error", "accent", "accent-lighten-2", "warning", "primary")]
        states = ["executed", "partial", "fed", "untaken", "pruned"]
        colours = {s: Color.from_rich_color(view._style(f"graph.{s}").color) for s in states}
        background = Color.from_rich_color(view.rich_style.bgcolor)
        for state, colour in colours.items():
            assert all(_distance(colour, other) > 60 for other in reserved), (theme, state)
            assert _distance(colour, background) > 60, (theme, state)
        pairs = [(a, b) for a in states for b in states if a < b]
        assert all(_distance(colours[a], colours[b]) > 40 for a, b in pairs), theme


def _distance(a, b):
    return sum((x - y) ** 2 for x, y in zip(a.rgb, b.rgb)) ** 0.5


def test_each_state_reads_without_colour():
    drawn = {state: (border[0], border[1], border[3]) for state, border in BORDERS.items()}
    assert len(set(drawn.values())) == len(drawn)


async def test_a_theme_change_redraws_rows_in_the_new_colours(shell):
    async with Host().run_test(size=(120, 40)) as pilot:
        view = await run(pilot, shell, PRODUCT)

        def colours():
            return {s.style.color for y in range(view.size.height)
                    for s in view.render_line(y) if "t" in s.text}
        pilot.app.theme = "textual-dark"
        await settle(pilot)
        dark = colours()
        pilot.app.theme = "textual-light"
        await settle(pilot)
        assert colours() != dark


async def test_the_explorer_opening_the_cond_lesson_at_100x30_draws_it_whole(shell):
    from graphshell.faces.tui.app import GraphshellApp
    app = GraphshellApp(shell, script=str(COND_LESSON))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.query_one(GraphView)
        assert view.picture is not None and shell.steps
        rows = shown_rows(view)
        assert rows == fresh_rows(view, shell)
        assert_edges_have_both_ends(rows)
        names = box_names(view)
        assert len(names) == len(set(names)) == len(view.picture.blocks)
