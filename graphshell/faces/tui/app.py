"""The explorer: the graph, the session stack, the steps and an inspector over one shell.

Inputs from the command line run in a worker thread (the shell carries its own default
stacks, so every input sees the same defaults); the graph is laid out in another worker and
restyled, not re-laid out, when another step is selected.
"""

from __future__ import annotations

import ctypes
import os
import threading

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, RichLog

from ...shell.commands.graph import step_states
from ...shell.commands.inspect import diff_command
from .command_line import CommandLine
from .graph_view import GraphView
from .palette import OpSearch, ShellCommands
from .panels import Inspector, StackPanel, StepList
from .rich_text import to_text


class GraphshellApp(App):
    """A full-screen explorer over a graphshell Shell."""

    CSS_PATH = "graphshell.tcss"
    TITLE = "graphshell"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    COMMANDS = App.COMMANDS | {ShellCommands, OpSearch}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+c", "cancel", "Cancel run", priority=True),
        Binding("ctrl+l", "focus_command", "Command line"),
        Binding("ctrl+g", "focus_graph", "Graph"),
        Binding("ctrl+s", "screenshot", "Save SVG"),
        Binding("ctrl+t", "toggle_theme", "Theme"),
    ]

    def __init__(self, shell, script=None, **kwargs):
        super().__init__(**kwargs)
        self.shell = shell
        self.script = script
        self.selected_step = None
        self._running_thread = None
        self._listed_steps = 0
        self.screenshots = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield GraphView(id="graph")
            with Vertical(id="side"):
                yield StackPanel(id="stack")
                yield StepList(id="steps")
                yield Inspector(id="inspector")
        yield RichLog(id="log", wrap=True, max_lines=5000)
        yield CommandLine(self.shell, id="command")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#graph").border_title = "graph"
        self.query_one("#stack").border_title = "session stack"
        self.query_one("#steps").border_title = "steps"
        self.query_one("#inspector").border_title = "inspector"
        self.query_one("#log").border_title = "output"
        self.shell.on_entry = self._entry_from_any_thread
        self.query_one("#log", RichLog).write(
            "graphshell explorer: type Python or :commands below (:help lists them). Tab moves "
            "between panes; in the graph, arrows select a box and Enter unfolds it.")
        self.query_one(Inspector).update("Select a box in the graph (arrows or a click) to see "
                                         "its op, its value in the selected step, and why it "
                                         "ran or not.")
        self._sync()
        self.query_one(CommandLine).focus()
        if self.script:
            self.run_input(f":load {self.script}")

    # -- running inputs ----------------------------------------------------------------------
    @on(CommandLine.Submitted)
    def _submitted(self, event: CommandLine.Submitted) -> None:
        text = event.value
        command_line = self.query_one(CommandLine)
        command_line.remember(text)
        command_line.value = ""
        if text.strip():
            self.query_one("#log", RichLog).write(to_text_prompt(text))
            self.run_input(text)

    @work(thread=True, exclusive=True, group="shell")
    def run_input(self, text: str) -> None:
        self._running_thread = threading.get_ident()
        try:
            result = self.shell.execute(text)
        finally:
            self._running_thread = None
        self.call_from_thread(self._finished, result)

    def _finished(self, result) -> None:
        self._sync()
        if result.quit:
            self.exit(0)

    def _entry_from_any_thread(self, entry) -> None:
        if threading.current_thread() is threading.main_thread():
            self._show_entry(entry)
        else:
            self.call_from_thread(self._show_entry, entry)

    def _show_entry(self, entry) -> None:
        self.query_one("#log", RichLog).write(to_text(entry.body))
        if entry.kind == "step":
            self._sync()

    def _sync(self) -> None:
        """Brings the panels up to date with the shell: stack, steps, graph."""
        with self.shell.activated():
            self.query_one(StackPanel).refresh_from(self.shell, compact=self.size.width < 110)
        graph = self.shell.default_graph()
        steps = self.query_one(StepList)
        for step in self.shell.steps[self._listed_steps:]:
            steps.add_step(step, self.shell.naming.session(step.session))
        if len(self.shell.steps) > self._listed_steps:
            self._listed_steps = len(self.shell.steps)
            self.select_step(self.shell.steps[-1])
        self.query_one(GraphView).show_graph(graph)

    # -- steps and selection ---------------------------------------------------------------------
    def select_step(self, step) -> None:
        self.selected_step = step
        graph = self.shell.default_graph()
        self.query_one(GraphView).show_states(step_states(step, graph))
        self._inspect()

    @on(StepList.RowHighlighted)
    def _step_highlighted(self, event: StepList.RowHighlighted) -> None:
        number = int(event.row_key.value)
        step = next((s for s in self.shell.steps if s.number == number), None)
        if step is not None and step is not self.selected_step:
            self.select_step(step)

    @on(StepList.DiffRequested)
    def _diff(self, event: StepList.DiffRequested) -> None:
        self.run_input(f":diff {event.first} {event.second}")

    @on(GraphView.BlockSelected)
    def _block_selected(self, event: GraphView.BlockSelected) -> None:
        self._inspect()

    def _inspect(self) -> None:
        view = self.query_one(GraphView)
        if view.selected is None or view.picture is None:
            return
        block = view.picture.blocks.get(view.selected)
        if block is None:
            return
        graph = self.shell.default_graph()
        self.query_one(Inspector).show(graph, block.id, block.members, self.selected_step)

    def jump_to_op(self, name: str) -> None:
        view = self.query_one(GraphView)
        if view.picture is not None and name in view.picture.owner:
            view.select(view.picture.owner[name])
            view.focus()

    def prefill_command(self, usage: str) -> None:
        command_line = self.query_one(CommandLine)
        command_line.value = usage.split(" ")[0] + " "
        command_line.cursor_position = len(command_line.value)
        command_line.focus()

    def show_completions(self, choices) -> None:
        shown = "  ".join(choices[:40]) + (f"  ... +{len(choices) - 40}" if len(choices) > 40
                                           else "")
        self.query_one("#log", RichLog).write(shown)

    # -- actions -----------------------------------------------------------------------------------
    def action_cancel(self) -> None:
        """Interrupts the running input, as Ctrl-C does in the REPL."""
        thread = self._running_thread
        if thread is None:
            self.notify("nothing is running")
            return
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                                   ctypes.py_object(KeyboardInterrupt))

    def action_focus_command(self) -> None:
        self.query_one(CommandLine).focus()

    def action_focus_graph(self) -> None:
        self.query_one(GraphView).focus()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_screenshot(self) -> None:
        path = self.save_screenshot(path=os.getcwd())
        self.screenshots.append(path)
        self.notify(f"saved {path}")


def to_text_prompt(text: str):
    from rich.text import Text
    return Text(">>> ", "bold blue").append(text)


def run_tui(script: str | None = None, seed: int | None = None) -> int:
    from ...shell.core import Shell
    shell = Shell(timings=True, seed=seed)
    try:
        GraphshellApp(shell, script=script).run()
    finally:
        shell.close()
    return 0


def run_tui_on(shell) -> None:
    """Opens the explorer on an existing shell (the REPL's :tui); state is kept on return."""
    saved = shell.on_entry
    try:
        GraphshellApp(shell).run()
    finally:
        shell.on_entry = saved


__all__ = ["GraphshellApp", "run_tui", "run_tui_on", "diff_command"]
