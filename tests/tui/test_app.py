"""The explorer, driven headless with textual's Pilot."""


from graphshell import tf
from graphshell.faces.tui.app import GraphshellApp
from graphshell.faces.tui.command_line import CommandLine
from graphshell.faces.tui.graph_view import GraphView
from graphshell.faces.tui.panels import Inspector, StackPanel, StepList

LESSON = ["t = tf.constant(42.0, name='t')", "u = tf.constant(37.0, name='u')",
          "tu = tf.multiply(t, u, name='tu')", "ut = tf.multiply(u, t, name='ut')",
          "sess = tf.Session()", ":enter sess"]


async def settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def submit(pilot, text, typed=False):
    command_line = pilot.app.query_one(CommandLine)
    command_line.focus()
    if typed:
        await pilot.press(*[{" ": "space"}.get(char, char) for char in text])
    else:
        command_line.value = text
    await pilot.press("enter")
    await settle(pilot)


def highlighted(app):
    view = app.query_one(GraphView)
    return {block for block, state in view._states.items()
            if state in ("executed", "fetched")}


async def test_eval_versus_run_highlights_different_ops(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        for line in LESSON:
            await submit(pilot, line)
        await submit(pilot, ":eval tu", typed=True)
        assert highlighted(app) == {"t", "u", "tu"}
        assert app.query_one(GraphView)._states["ut"] == "pruned"
        await submit(pilot, ":eval ut")
        assert highlighted(app) == {"t", "u", "ut"}
        await submit(pilot, ":run tu ut")
        assert highlighted(app) == {"t", "u", "tu", "ut"}
        assert app.query_one(StepList).row_count == 3


async def test_selecting_a_step_rehighlights_without_relayout(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        for line in LESSON + [":eval tu", ":run tu ut"]:
            await submit(pilot, line)
        view = app.query_one(GraphView)
        layouts = view.layouts_computed
        steps = app.query_one(StepList)
        steps.focus()
        await pilot.press("up")
        await settle(pilot)
        assert highlighted(app) == {"t", "u", "tu"}
        await pilot.press("down")
        await settle(pilot)
        assert highlighted(app) == {"t", "u", "tu", "ut"}
        assert view.layouts_computed == layouts


async def test_stack_panel_follows_enter_and_exit(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        for line in ["outer = tf.Session()", "inner = tf.Session()", ":enter outer",
                     ":enter inner"]:
            await submit(pilot, line)
        text = str(app.query_one(StackPanel).render())
        assert text.index("* inner (Session#") < text.index("  outer (Session#")
        await submit(pilot, ":exit")
        assert "* outer (Session#" in str(app.query_one(StackPanel).render())
        await submit(pilot, ":exit")
        assert "(empty" in str(app.query_one(StackPanel).render())


async def test_inspector_shows_the_selected_op_and_why(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        for line in LESSON + [":eval tu"]:
            await submit(pilot, line)
        view = app.query_one(GraphView)
        view.select("ut")
        await settle(pilot)
        text = str(app.query_one(Inspector).render())
        assert "ut  (Mul)" in text and "pruned" in text
        view.select("tu")
        await settle(pilot)
        text = str(app.query_one(Inspector).render())
        assert "value in step 1: np.float32(1554.0)" in text and "fetched" in text


async def test_large_graphs_open_folded_and_enter_expands(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        for line in ["a = tf.Variable(0.2, name='a')", "b = tf.Variable(0.3, name='b')",
                     "z = tf.constant(0.0, name='z0')",
                     "for i in range(100):\n    z = a * tf.cos(z + i) + z * tf.sin(b - i)\n",
                     "grad = tf.gradients(z, [a, b])"]:
            await submit(pilot, line)
        view = app.query_one(GraphView)
        assert "gradients/" in view.picture.blocks and len(view.picture.blocks) < 15
        view.focus()
        view.select("gradients/")
        await pilot.press("enter")
        await settle(pilot)
        assert "gradients/" not in view.picture.blocks
        assert any(b.startswith("gradients/") for b in view.picture.blocks)


async def test_errors_are_one_line_and_the_app_goes_on(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        await submit(pilot, "undefined_name")
        await submit(pilot, ":stak")
        await submit(pilot, "x = 41")
        await submit(pilot, "x + 1")
        lines = [str(line.text) for line in app.query_one("#log").lines]
        assert "NameError: name 'undefined_name' is not defined" in lines
        assert any("did you mean :stack?" in line for line in lines)
        assert lines[-1] == "42"


async def test_history_completion_palette_theme_and_svg(shell, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        await submit(pilot, "first_name = 1")
        command_line = app.query_one(CommandLine)
        await pilot.press("up")
        assert command_line.value == "first_name = 1"
        command_line.value = "first_n"
        await pilot.press("tab")
        assert command_line.value == "first_name"
        theme = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != theme
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")  # the path dialog offers the default: the working directory
        await pilot.pause()
        assert app.screenshots and app.screenshots[0].endswith(".svg")
        assert (tmp_path / app.screenshots[0].rsplit("/", 1)[-1]).read_text().startswith("<svg")


async def test_quit_from_the_command_line(shell):
    app = GraphshellApp(shell)
    async with app.run_test() as pilot:
        await submit(pilot, ":quit")
    assert app.return_code == 0


async def test_palette_finds_ops_and_jumps_to_them(shell):
    from graphshell.faces.tui.palette import OpSearch
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        for line in LESSON:
            await submit(pilot, line)
        provider = OpSearch(app.screen)
        hits = [hit async for hit in provider.search("ut")]
        assert hits and all("u" in str(hit.match_display) for hit in hits)
        app.jump_to_op("ut")
        await settle(pilot)
        assert app.query_one(GraphView).selected == "ut"


async def test_shift_arrows_pan_the_graph(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(60, 24)) as pilot:
        names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
        await submit(pilot, f"xs = [tf.constant(1.0, name=n + '_constant') for n in {names}]")
        view = app.query_one(GraphView)
        view.focus()
        await pilot.press("shift+right")
        await settle(pilot)
        assert view.scroll_offset.x > 0


async def test_palette_searches_the_shells_new_graph_after_reset(shell):
    from graphshell.faces.tui.palette import OpSearch
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        await submit(pilot, "old = tf.constant(1.0, name='old_op')")
        await submit(pilot, ":reset")
        await submit(pilot, "new = tf.constant(2.0, name='new_op')")
        provider = OpSearch(app.screen)
        found = [str(hit.match_display) async for hit in provider.search("op")]
        assert found == ["new_op"]


async def test_a_different_graph_with_the_same_number_and_size_is_laid_out_again(shell):
    from graphshell.engine.graph.context import EngineContext
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        await submit(pilot, "a = tf.constant(1.0, name='mine')")
        view = app.query_one(GraphView)
        assert "mine" in view.picture.blocks
        with EngineContext().installed():  # another shell's graph: also Graph#1, also 1 op
            tf.constant(1.0, name="theirs")
            other = tf.get_default_graph()
        assert (other.id, other.version) == (shell.default_graph().id, 1)
        view.show_graph(other)
        await settle(pilot)
        assert "theirs" in view.picture.blocks and "mine" not in view.picture.blocks
