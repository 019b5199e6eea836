"""Snapshots of the explorer's screens (pytest-textual-snapshot; update with
`pytest --snapshot-update` after checking the new pictures)."""

import pytest

from graphshell.faces.tui.app import GraphshellApp
from graphshell.faces.tui.command_line import CommandLine
from graphshell.shell.core import Shell

LESSON = ["t = tf.constant(42.0, name='t')", "u = tf.constant(37.0, name='u')",
          "tu = tf.multiply(t, u, name='tu')", "ut = tf.multiply(u, t, name='ut')",
          "sess = tf.Session()", ":enter sess", ":eval tu", ":eval ut", ":run tu ut"]

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


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=["80x24", "200x60"])
def test_eval_versus_run_screen(snap_compare, size):
    assert snap_compare(app_after(LESSON), terminal_size=size, run_before=quiet)


def test_seed_program_screen(snap_compare):
    assert snap_compare(app_after(SEED), terminal_size=(200, 60), run_before=quiet)


def test_light_theme_screen(snap_compare):
    async def light(pilot):
        await quiet(pilot)
        pilot.app.theme = "textual-light"
        await pilot.pause()
    assert snap_compare(app_after(LESSON), terminal_size=(120, 36), run_before=light)
