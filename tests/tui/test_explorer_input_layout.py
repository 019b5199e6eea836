"""The explorer's multi-line command line, its pane layout, and its polish (issue 11)."""

import re
import threading

from textual import events

from graphshell.faces.tui.app import GraphshellApp
from graphshell.faces.tui.command_line import CommandLine
from graphshell.faces.tui.graph_view import GraphView
from graphshell.faces.tui.panels import MARK, Inspector, SavePathDialog, StackPanel, StepList
from graphshell.shell.core import Shell

LESSON = ["t = tf.constant(42.0, name='t')", "u = tf.constant(37.0, name='u')",
          "tu = tf.multiply(t, u, name='tu')", "ut = tf.multiply(u, t, name='ut')",
          "sess = tf.Session()", ":enter sess"]
STEPS = [":eval tu", ":eval ut", ":run tu ut", ":eval t", ":run t"]
SEED = ["a = tf.Variable(0.2, name='a')", "b = tf.Variable(0.3, name='b')",
        "z = tf.constant(0.0, name='z0')",
        "for i in range(100):\n    z = a * tf.cos(z + i) + z * tf.sin(b - i)\n",
        "grad = tf.gradients(z, [a, b])"]


def prepared(shell, lines):
    for line in lines:
        assert shell.execute(line).ok, line
    return GraphshellApp(shell)


async def settle(pilot):
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot, text):
    """Types `text` key by key; a newline in it is the Enter key."""
    keys = {" ": "space", "\n": "enter"}
    await pilot.press(*[keys.get(char, char) for char in text])
    await settle(pilot)


def log_lines(app):
    return [str(line.text) for line in app.query_one("#log").lines]


def footer_keys(app):
    return {key.description: key.key_display for key in app.query("FooterKey")}


def rendered(widget):
    return [widget.render_line(y).text for y in range(widget.size.height)]


# -- multi-line input ----------------------------------------------------------------------------
async def test_a_for_block_continues_on_enter_and_runs_after_an_empty_line(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        command_line = app.query_one(CommandLine)
        await type_text(pilot, "total = 0\nfor i in range(4):\n")
        assert command_line.value == "for i in range(4):\n    "  # indented, not run
        await type_text(pilot, "total += i\n")
        assert "total" in shell.namespace and shell.namespace["total"] == 0
        await type_text(pilot, "\n")
        assert shell.namespace["total"] == sum(range(4))
        assert command_line.value == ""
        assert "... " + "    total += i" in "\n".join(log_lines(app))
        assert not any("Error" in line for line in log_lines(app))


async def test_typed_indents_replace_the_offered_one_and_backspace_dedents(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        command_line = app.query_one(CommandLine)
        await type_text(pilot, "if 1 > 2:\n    low = 1\n")
        assert command_line.value == "if 1 > 2:\n    low = 1\n    "  # typed 4, not 8
        await pilot.press("backspace")
        await type_text(pilot, "else:\n")
        app.post_message(events.Paste("    high = 2"))  # pasted with its own indent
        await settle(pilot)
        assert command_line.value.endswith("else:\n    high = 2")
        await type_text(pilot, "\n\n")
        assert shell.namespace["high"] == 2 and "low" not in shell.namespace


async def test_ctrl_j_runs_a_with_block_as_it_stands(shell):
    app = prepared(shell, LESSON[:-1])
    async with app.run_test(size=(100, 30)) as pilot:
        await type_text(pilot, "with sess.as_default():\nvalue = tu.eval()")
        assert "value" not in shell.namespace
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert shell.namespace["value"] == 42.0 * 37.0
        assert app.query_one(StepList).row_count == 1


async def test_history_recalls_whole_blocks_and_up_moves_inside_one_first(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        block = "for i in range(2):\n    last = i"
        await type_text(pilot, "first = 1\n" + block + "\n\n")
        command_line = app.query_one(CommandLine)
        await pilot.press("up")
        assert command_line.value == block
        await pilot.press("up")  # the cursor was on the block's last line: it moves up
        assert command_line.value == block and command_line.cursor_location[0] == 0
        await pilot.press("up")
        assert command_line.value == "first = 1"
        await pilot.press("down")
        assert command_line.value == block


async def test_pasted_statements_run_one_after_another(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        command_line = app.query_one(CommandLine)
        command_line.focus()
        command_line.value = "x = 1\nfor k in range(3):\n    x += k\ny = x * 10"
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert (shell.namespace["x"], shell.namespace["y"]) == (4, 40)


# -- Tab and focus -------------------------------------------------------------------------------
async def test_tab_on_an_empty_command_line_moves_focus_and_lists_nothing(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = log_lines(app)
        await pilot.press("tab")
        await settle(pilot)
        assert log_lines(app) == before
        assert not isinstance(app.focused, CommandLine)
        assert footer_keys(app).get("Next pane") == "tab"
        assert footer_keys(app).get("Input") == "^l"
        await pilot.press("ctrl+l")
        assert isinstance(app.focused, CommandLine)
        app.query_one(CommandLine).value = "print("  # nothing begun there to complete
        await pilot.press("tab")
        await settle(pilot)
        assert log_lines(app) == before and app.query_one(CommandLine).value == "print("
        assert footer_keys(app).get("Run") == "^j" and "Input" not in footer_keys(app)


async def test_tab_indents_inside_a_block_and_completes_after_a_word(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_text(pilot, "long_name = 2\nif True:\n")
        command_line = app.query_one(CommandLine)
        command_line.value = "if True:\n"
        await pilot.press("tab")
        assert command_line.value == "if True:\n    "
        await type_text(pilot, "long_n")
        await pilot.press("tab")
        assert command_line.value == "if True:\n    long_name"
        assert isinstance(app.focused, CommandLine)


# -- layout ----------------------------------------------------------------------------------------
async def pane_regions(shell, size):
    app = GraphshellApp(shell)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        return {pane: app.query_one(f"#{pane}").region for pane in ("graph", "side", "log")}


async def test_panes_grow_with_the_screen():
    small_shell, large_shell = Shell(), Shell()
    try:
        small = await pane_regions(small_shell, (80, 24))
        large = await pane_regions(large_shell, (200, 60))
    finally:
        small_shell.close()
        large_shell.close()
    assert large["log"].height >= 2 * small["log"].height
    assert large["graph"].height >= 2 * small["graph"].height
    assert large["graph"].width >= 0.6 * 200
    assert large["side"].width > small["side"].width


async def test_at_80x24_the_last_step_its_ran_count_and_output_lines_are_visible(shell):
    app = prepared(shell, LESSON + STEPS)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        steps = app.query_one(StepList)
        lines = rendered(steps)
        header = lines[0]
        assert "ran" in header.split()
        last = shell.steps[-1]
        last_row = next(line for line in lines if line.split()[:1] == [str(last.number)])
        ran_column = header.index("ran")
        assert last_row[ran_column:].split()[0] == str(len(last.executed_ops))
        assert not steps.scrollbars_enabled[1]
        log = app.query_one("#log")
        assert log.size.height >= 4 and not log.scrollbars_enabled[1]
        app.query_one(CommandLine).value = "print('wrapped ' * 30)"
        await pilot.press("enter")
        await settle(pilot)
        width = log.scrollable_content_region.width
        assert max(line.cell_length for line in log.lines) <= width  # wrapped, not cut off
        assert sum("wrapped" in str(line.text) for line in log.lines) >= 3


async def test_ctrl_o_maximises_the_focused_pane_and_restores_it(shell):
    app = prepared(shell, LESSON + STEPS[:1])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = {pane: app.query_one(f"#{pane}").region for pane in ("graph", "steps", "log")}
        app.query_one(GraphView).focus()
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.query_one("#graph").region.width == 100
        assert app.query_one("#graph").region.height > before["graph"].height
        assert not app.query_one("#log").display and not app.query_one("#side").display
        assert app.query_one(CommandLine).region.height >= 1  # still there to type into
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert {p: app.query_one(f"#{p}").region for p in before} == before
        app.query_one(CommandLine).focus()
        await pilot.press("ctrl+o")  # from the command line: the output pane
        await settle(pilot)
        assert app.query_one("#log").region.height > before["log"].height
        assert not app.query_one("#main").display
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert {p: app.query_one(f"#{p}").region for p in before} == before
        app.query_one(Inspector).focus()  # reached with Tab too; maximised to read it whole
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.query_one(Inspector).region.width == 100
        await pilot.press("ctrl+o")


# -- polish ----------------------------------------------------------------------------------
async def test_palette_jump_into_a_folded_scope_unfolds_down_to_the_op(shell):
    app = prepared(shell, SEED)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        view = app.query_one(GraphView)
        deepest = max((op.name for op in shell.default_graph().get_operations()),
                      key=lambda name: name.count("/"))
        assert view.picture.owner[deepest] != deepest  # folded away at first
        app.jump_to_op(deepest)
        await settle(pilot)
        assert view.selected == deepest and deepest in view.picture.blocks
        assert app.query_one(Inspector).render().plain.startswith(deepest)


async def test_the_inspector_names_a_folded_series_by_its_ops_names(shell):
    app = prepared(shell, SEED + ["sess = tf.InteractiveSession()",
                                   "tf.global_variables_initializer().run()", ":run z"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        view = app.query_one(GraphView)
        series = next(b for b in view.picture.blocks.values() if b.kind == "series")
        view.select(series.id)
        await settle(pilot)
        text = app.query_one(Inspector).render().plain
        assert series.id not in text and "*" not in text.splitlines()[0]
        names = sorted((m for m in series.members if re.fullmatch(r"[A-Za-z]+(_\d+)?", m)),
                       key=lambda m: int(m.rpartition("_")[2]) if "_" in m else 0)
        assert text.startswith(f"{names[0]} ... {names[-1]}")
        assert f"{len(series.members)} ops folded here" in text


async def test_the_inspector_shows_value_and_reason_before_inputs(shell):
    app = prepared(shell, LESSON + STEPS[:1])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.query_one(GraphView)
        view.select("tu")
        await settle(pilot)
        text = app.query_one(Inspector).render().plain
        assert text.index("value in step 1") < text.index("inputs:")


async def test_marked_steps_show_a_mark_in_their_row(shell):
    app = prepared(shell, LESSON + STEPS[:3])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        steps = app.query_one(StepList)
        steps.focus()
        await pilot.press("space", "up", "space")
        await settle(pilot)

        def marked_rows():
            return {key: str(steps.get_row(key)[0]).strip() for key in ("1", "2", "3")}
        assert marked_rows() == {"1": "1", "2": f"{MARK} 2", "3": f"{MARK} 3"}
        await pilot.press("space")  # unmarks step 2
        await settle(pilot)
        assert marked_rows()["2"] == "2"


async def test_a_long_input_shows_a_busy_indicator_until_it_ends(shell):
    gate = threading.Event()
    shell.namespace["gate"] = gate
    app = GraphshellApp(shell)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            command_line = app.query_one(CommandLine)
            command_line.value = "gate.wait(60)"
            await pilot.press("enter")
            await pilot.pause()
            log = app.query_one("#log")
            assert "running gate.wait(60)" in str(log.border_subtitle)
            assert footer_keys(app).get("Cancel") == "^c"
            command_line.value = "kept = 1"
            await pilot.press("enter")  # queued while busy; it runs after
            await pilot.pause()
            assert command_line.value == "" and list(app.queued) == ["kept = 1"]
            gate.set()
            await settle(pilot)
            await settle(pilot)
            assert shell.namespace.get("kept") == 1
            assert not log.border_subtitle and "Cancel" not in footer_keys(app)
    finally:
        gate.set()


async def test_the_stack_panel_follows_a_resize_into_its_compact_form(shell):
    compact_words = "sessions, top first:"
    app = prepared(shell, LESSON)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert compact_words not in app.query_one(StackPanel).render().plain
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert compact_words in app.query_one(StackPanel).render().plain
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert compact_words not in app.query_one(StackPanel).render().plain


async def test_ctrl_s_asks_where_to_save_the_svg(shell, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SavePathDialog)
        field = app.screen.query_one("#save-path")
        assert field.value.startswith(str(tmp_path)) and field.value.endswith(".svg")
        field.value = str(tmp_path / "lesson.svg")
        await pilot.press("enter")
        await pilot.pause()
        saved = (tmp_path / "lesson.svg").read_text()
        assert saved.startswith("<svg") and "Enter saves" not in saved
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screenshots == [str(tmp_path / "lesson.svg")]
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#save-path").value = str(tmp_path / "missing" / "x.svg")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SavePathDialog)  # the typed path stays, to be fixed
        assert "no such folder" in str(app.screen.query_one("#save-error").render())
        assert app.screen.query_one("#save-path").value.endswith("missing/x.svg")
        app.screen.query_one("#save-path").value = str(tmp_path)  # a folder: default name
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SavePathDialog)
        assert len(app.screenshots) == 2 and app.screenshots[1].startswith(str(tmp_path))
        assert app.screenshots[1].endswith(".svg") and "lesson" not in app.screenshots[1]
