"""The explorer over real TensorFlow (skipped without TensorFlow and textual): it highlights
what TF executed, marks the cond branch TF did not take, and inspects an op graphshell lacks."""

import pytest

pytest.importorskip("tensorflow", reason="the tensorflow engine needs TensorFlow installed")
pytest.importorskip("textual", reason="the explorer needs textual")

from graphshell.faces.tui.app import GraphshellApp
from graphshell.faces.tui.command_line import CommandLine
from graphshell.faces.tui.graph_view import GraphView
from graphshell.faces.tui.panels import Inspector, StepList
from graphshell.shell.core import Shell

COND_LESSON = ['x = tf.placeholder(tf.float32, [], name="x")',
               'big = tf.cond(x > 10.0, lambda: tf.sqrt(x, name="root"), '
               'lambda: tf.square(x, name="square"), name="pick")',
               "sess = tf.InteractiveSession()"]


@pytest.fixture
def shell():
    made = Shell(timings=False, engine="tensorflow")
    yield made
    made.close()


async def settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def submit(pilot, text):
    command_line = pilot.app.query_one(CommandLine)
    command_line.focus()
    command_line.value = text
    await pilot.press("enter")
    await settle(pilot)


async def test_the_explorer_highlights_what_tensorflow_executed(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        for line in COND_LESSON + [":eval big --feed x=100.0"]:
            await submit(pilot, line)
        states = app.query_one(GraphView)._states
        assert states["pick/root"] == "executed" and states["pick/square"] == "untaken"
        assert states["x"] == "fed" and states["pick/Merge"] == "fetched"
        assert states["pick/switch_t"] == "pruned"
        await submit(pilot, ":eval big --feed x=3.0")
        states = app.query_one(GraphView)._states
        assert states["pick/root"] == "untaken" and states["pick/square"] == "executed"
        assert app.query_one(StepList).row_count == 2


async def test_the_inspector_explains_an_op_graphshell_lacks(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        for line in ["a = tf.constant(2.0, name='a')",
                     "g = tf.math.igamma(a, tf.constant(1.0, name='x'), name='lower')",
                     "sess = tf.InteractiveSession()", ":eval g"]:
            await submit(pilot, line)
        view = app.query_one(GraphView)
        view.select("lower")
        await settle(pilot)
        text = str(app.query_one(Inspector).render())
        assert "lower  (Igamma)" in text
        assert "value in step 1: np.float32(0.2642411" in text
        assert "lower in step 1: ran because it was fetched" in text
