"""Benchmark: the explorer's time to first paint and per-keystroke redraw (headless, textual's
Pilot), for the seed program (~2,000 ops with gradients), a 20,000-op and a 100,000-op graph.
Goals: first paint under 1 s and redraw under 50 ms for the seed graph; at 100,000 ops first
paint under 1 s and a step change under 100 ms (with a folded box selected, so the inspector
tallies what ran in it).
Run: python bench/bench_tui.py
"""

import asyncio
import statistics
import time

from graphshell.faces.tui.app import GraphshellApp
from graphshell.faces.tui.graph_view import GraphView
from graphshell.faces.tui.panels import StepList
from graphshell.shell.core import Shell

SEED = ["a = tf.Variable(0.2, name='a')", "b = tf.Variable(0.3, name='b')",
        "z = tf.constant(0.0, name='z0')",
        "for i in range(100):\n    z = a * tf.cos(z + i) + z * tf.sin(b - i)\n",
        "grad = tf.gradients(z, [a, b])", "sess = tf.InteractiveSession()",
        "tf.global_variables_initializer().run()", ":run grad", ":run z"]



def wide(blocks: int) -> list[str]:
    """A program of 20 * `blocks` ops in name scopes of 1,000 ops, run in two steps."""
    return ["level = [tf.constant(float(i), name=f'in_{i}') for i in range(20)]",
            f"for k in range({blocks - 1}):\n    with tf.name_scope(f'block_{{k // 50}}'):\n"
            "        level = [tf.add(level[i], level[(i + 1) % 20]) for i in range(20)]\n",
            "sess = tf.InteractiveSession()", ":run level[0]", ":run level[1] level[2]"]


async def measure(lines, size=(160, 50), presses=20):
    shell = Shell(timings=False)
    for line in lines:
        assert shell.execute(line).ok, line
    ops = len(shell.default_graph().get_operations())
    app = GraphshellApp(shell)
    start = time.perf_counter()
    async with app.run_test(size=size) as pilot:
        view = app.query_one(GraphView)
        while view.picture is None:
            await pilot.pause(0.005)
        await pilot.pause()
        first_paint = time.perf_counter() - start
        view.focus()
        moves = await _timed_presses(pilot, ["down", "right", "up", "left"], presses)
        app.query_one(StepList).focus()
        step_changes = await _timed_presses(pilot, ["up", "down"], presses)
    shell.close()
    return ops, first_paint, moves, step_changes


async def _timed_presses(pilot, keys, count):
    """CPU seconds per key press: the work of handling it and redrawing (wall time would
    mostly measure the Pilot waiting for the app to go idle)."""
    cpu, wall = [], []
    for i in range(count):
        start, start_wall = time.process_time(), time.perf_counter()
        await pilot.press(keys[i % len(keys)])
        await pilot.pause()
        cpu.append(time.process_time() - start)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu), statistics.median(wall)


def main():
    rows = [("seed program", *asyncio.run(measure(SEED))),
            ("20,000-op graph", *asyncio.run(measure(wide(1000)))),
            ("100,000-op graph", *asyncio.run(measure(wide(5000), presses=8)))]
    print("redraw per key press, median: CPU ms (handling + repaint) / wall ms (including the "
          "Pilot's own waits for idle)")
    print(f"{'graph':<18}{'ops':>8}{'first paint ms':>16}{'select box':>16}{'select step':>16}")
    for name, ops, paint, move, step in rows:
        print(f"{name:<18}{ops:>8}{1e3 * paint:>16.0f}{_pair(move):>16}{_pair(step):>16}")


def _pair(cpu_and_wall):
    cpu, wall = cpu_and_wall
    return f"{1e3 * cpu:.1f} / {1e3 * wall:.0f}"


if __name__ == "__main__":
    main()
