"""The explorer runs one input at a time: one submitted while another runs is queued, shown
as queued, and runs after it."""

import asyncio
import threading

from graphshell.faces.tui.app import GraphshellApp
from graphshell.faces.tui.command_line import CommandLine


class Gate:
    """What the inputs call: records order and overlap; `wait()` blocks until released."""

    def __init__(self):
        self.released = threading.Event()
        self.entered = threading.Event()
        self.order, self.running, self.most_at_once = [], 0, 0
        self._lock = threading.Lock()

    def run(self, name, block=False):
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.entered.set()
        if block:
            self.released.wait(60)
        with self._lock:
            self.order.append(name)
            self.running -= 1

    def spin(self):
        while True:  # until Ctrl+C
            self.run("loop")


async def submit_now(pilot, text):
    """Submits without waiting for the input to finish."""
    command_line = pilot.app.query_one(CommandLine)
    command_line.focus()
    command_line.value = text
    await pilot.press("enter")
    await pilot.pause()


def output_text(app) -> str:
    return "\n".join(line.text for line in app.query_one("#log").lines)


async def test_an_input_submitted_while_one_runs_waits_and_runs_after_it(shell):
    gate = Gate()
    shell.namespace["gate"] = gate
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        await submit_now(pilot, "gate.run('first', block=True)")
        await asyncio.to_thread(gate.entered.wait, 60)
        await submit_now(pilot, "gate.run('second')")
        await submit_now(pilot, "gate.run('third')")
        assert gate.order == []  # nothing ran beside the blocked input
        assert list(app.queued) == ["gate.run('second')", "gate.run('third')"]
        assert "(queued: gate.run('second') runs after the running input)" in output_text(app)
        assert app.query_one(CommandLine).value == ""  # taken, not left on the command line
        gate.released.set()
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if len(gate.order) == 3 and app.busy_with is None:
                break
        assert gate.order == ["first", "second", "third"]
        assert gate.most_at_once == 1
        assert not app.queued


async def test_ctrl_c_cancels_the_running_input_and_drops_the_queue(shell):
    gate = Gate()
    shell.namespace["gate"] = gate
    app = GraphshellApp(shell)
    async with app.run_test(size=(120, 36)) as pilot:
        await submit_now(pilot, "gate.spin()")
        await asyncio.to_thread(gate.entered.wait, 60)
        await submit_now(pilot, "gate.run('queued')")
        await pilot.press("ctrl+c")
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if app.busy_with is None:
                break
        assert "queued" not in gate.order
        assert "1 queued input dropped" in output_text(app)
