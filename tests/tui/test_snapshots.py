"""Snapshots of the explorer's screens (pytest-textual-snapshot; update with
`pytest --snapshot-update` after checking the new pictures)."""

import pytest

from graphshell.faces.tui.app import GraphshellApp
from graphshell.faces.tui.command_line import CommandLine
from graphshell.faces.tui.graph_view import GraphView
from graphshell.shell.core import Shell

LESSON = ["t = tf.constant(42.0, name='t')", "u = tf.constant(37.0, name='u')",
          "tu = tf.multiply(t, u, name='tu')", "ut = tf.multiply(u, t, name='ut')",
          "sess = tf.Session()", ":enter sess", ":eval tu", ":eval ut", ":run tu ut"]

# the cond lesson (sample_graphs/cond_branch_not_taken.gsh) at its step 2: x = 3 took the false
# branch, so pick/root did not run although the Switch in front of it did
COND = ['x = tf.placeholder(tf.float32, [], name="x")',
        'big = tf.cond(x > 10.0, lambda: tf.sqrt(x, name="root"), '
        'lambda: tf.square(x, name="square"), name="pick")',
        "sess = tf.InteractiveSession()", ":eval big --feed x=100.0", ":eval big --feed x=3.0"]

SIZES = [(80, 24), (120, 40), (200, 60)]
SIZE_IDS = ["80x24", "120x40", "200x60"]

SEED = ["a = tf.Variable(0.2, name='a')", "b = tf.Variable(0.3, name='b')",
        "z = tf.constant(0.0, name='z0')",
        "for i in range(100):\n    z = a * tf.cos(z + i) + z * tf.sin(b - i)\n",
        "grad = tf.gradients(z, [a, b])", "sess = tf.InteractiveSession()",
        "tf.global_variables_initializer().run()", ":run grad"]


def app_after(lines):
    shell = Shell(timings=False)  # its own context: Graph#1 and Session#1 on every screen
    for line in lines:
        assert shell.execute(line).ok or line.startswith(":eval [")
    return GraphshellApp(shell)


async def quiet(pilot):
    pilot.app.query_one(CommandLine).cursor_blink = False
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_eval_versus_run_screen(snap_compare, size):
    assert snap_compare(app_after(LESSON), terminal_size=size, run_before=quiet)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_cond_lesson_screen(snap_compare, size):
    async def branch_not_taken_selected(pilot):
        await quiet(pilot)
        pilot.app.query_one(GraphView).select("pick/root")  # the inspector says why not
        await pilot.pause()
    assert snap_compare(app_after(COND), terminal_size=size, run_before=branch_not_taken_selected)


def test_seed_program_screen(snap_compare):
    assert snap_compare(app_after(SEED), terminal_size=(200, 60), run_before=quiet)


def test_light_theme_screen(snap_compare):
    async def light(pilot):
        await quiet(pilot)
        pilot.app.theme = "textual-light"
        await pilot.pause()
    assert snap_compare(app_after(LESSON), terminal_size=(120, 36), run_before=light)
