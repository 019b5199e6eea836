"""The explorer: the graph, the session stack, the steps and an inspector over one shell.

Inputs from the command line run in a worker thread, one at a time: one submitted while another
runs waits in a queue, shown as queued (the shell carries its own default stacks, so every
input sees the same defaults). The graph is laid out in another worker and
restyled, not re-laid out, when another step is selected. Pane sizes follow the screen
(graphshell.tcss); Ctrl+O maximises the focused pane and restores it.
"""

from __future__ import annotations

import collections
import ctypes
import os
import threading
import time
from datetime import datetime

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, RichLog

from ...shell.commands.graph import step_states
from ...shell.commands.inspect import diff_command
from ...shell.splitter import split_script
from .command_line import CommandLine
from .graph_view import GraphView
from .palette import OpSearch, ShellCommands
from .panels import Inspector, SavePathDialog, StackPanel, StepList
from .rich_text import to_text

PANES = ("graph", "stack", "steps", "inspector", "log")
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
WELCOME = ("graphshell explorer: type Python or :commands (:help lists them). Enter runs an "
           "input or continues an open block (Ctrl+J runs it as it is). Tab from an empty "
           "command line, and the keys below, move between panes.")


class ExplorerScreen(Screen):
    """The explorer's screen: its Tab binding is shown in the footer (textual's is hidden)."""

    BINDINGS = [Binding("tab", "app.focus_next", "Next pane"),
                Binding("shift+tab", "app.focus_previous", "Previous pane", show=False)]


class GraphshellApp(App):
    """A full-screen explorer over a graphshell Shell."""

    CSS_PATH = "graphshell.tcss"
    TITLE = "graphshell"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    COMMANDS = App.COMMANDS | {ShellCommands, OpSearch}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+c", "cancel", "Cancel", priority=True),
        Binding("ctrl+g", "focus_graph", "Graph"),
        Binding("ctrl+l", "focus_command", "Input"),
        Binding("ctrl+o", "toggle_maximised", "Max", priority=True),
        Binding("ctrl+s", "screenshot", "SVG"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(self, shell, script=None, **kwargs):
        super().__init__(**kwargs)
        self.shell = shell
        self.script = script
        self.selected_step = None
        self._recent_states: dict = {}  # (step, graph) -> op states, for the last few steps
        self._running_thread = None
        self._listed_steps = 0
        self.screenshots = []
        self.maximised = None      # the id of the maximised pane
        self.busy_with = None      # the input running now
        self.queued: collections.deque[str] = collections.deque()  # inputs waiting for it
        self._busy_since = 0.0
        self._spinner = None

    def get_default_screen(self) -> Screen:
        return ExplorerScreen(id="_default")

    def compose(self) -> ComposeResult:
        with Horizontal(id="main", classes="pane"):
            yield GraphView(id="graph", classes="pane")
            with Vertical(id="side", classes="pane"):
                yield StackPanel(id="stack", classes="pane")
                yield StepList(id="steps", classes="pane")
                yield Inspector(id="inspector", classes="pane")
        # min_width: RichLog's default (78) would cut wrapped lines on an 80-column screen
        yield RichLog(id="log", wrap=True, min_width=20, max_lines=5000, classes="pane")
        yield CommandLine(self.shell, id="command")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#graph").border_title = "graph"
        self.query_one("#stack").border_title = "session stack"
        self.query_one("#steps").border_title = "steps"
        self.query_one("#inspector").border_title = "inspector"
        self.query_one("#log").border_title = "output"
        self.shell.on_entry = self._entry_from_any_thread
        # written once the log has its width, so that it wraps to the screen, not to 80
        self.call_after_refresh(self.write_output, WELCOME)
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
        if not text.strip():
            return
        command_line = self.query_one(CommandLine)
        command_line.remember(text)
        command_line.value = ""
        self.write_output(to_text_prompt(text))
        self.run_input(text)

    def run_input(self, text: str) -> None:
        """Runs one input (several statements run one by one) off the UI thread; while another
        runs, it waits in the queue (one shell runs one input at a time) and says so."""
        if self.busy_with is not None:
            self.queued.append(text)
            self.write_output(_queued_note(text, len(self.queued)))
            return
        self._show_busy(text)
        self._run_in_worker(text)

    @work(thread=True, group="shell")  # one at a time: run_input queues the others
    def _run_in_worker(self, text: str) -> None:
        self._running_thread = threading.get_ident()
        result = None
        try:
            for line, chunk in _statements(text):
                result = self.shell.execute(chunk, line=line)
                if not result.ok or result.quit:
                    break
        except KeyboardInterrupt:
            pass  # Ctrl+C landed between two statements: the rest of the paste is not run
        finally:
            self._running_thread = None
            self.call_from_thread(self._finished, result)

    def _finished(self, result) -> None:
        self._show_busy(None)
        self._sync()
        if result is not None and result.quit:
            self.exit(0)
        elif self.queued:
            text = self.queued.popleft()
            self.write_output(to_text_prompt(text))
            self.run_input(text)

    def _show_busy(self, text: str | None) -> None:
        """A spinner and the running input on the output pane's border while a step runs."""
        self.busy_with = text
        self.refresh_bindings()
        log = self.query_one("#log", RichLog)
        if text is None:
            if self._spinner is not None:
                self._spinner.stop()
                self._spinner = None
            log.border_subtitle = ""
            return
        self._busy_since = time.monotonic()
        if self._spinner is None:
            self._spinner = self.set_interval(0.25, self._tick_busy)
        self._tick_busy()

    def _tick_busy(self) -> None:
        if self.busy_with is None:
            return
        elapsed = time.monotonic() - self._busy_since
        first_line = self.busy_with.strip().splitlines()[0]
        shown = first_line if len(first_line) <= 30 else first_line[:27] + "..."
        self.query_one("#log", RichLog).border_subtitle = (
            f"{SPINNER[int(elapsed * 4) % len(SPINNER)]} running {shown} {elapsed:.0f}s  "
            "Ctrl+C cancels")

    def write_output(self, content) -> None:
        """Appends to the output pane, wrapped to its width (RichLog would otherwise wrap to
        the console's width, which need not be the pane's)."""
        log = self.query_one("#log", RichLog)
        width = log.scrollable_content_region.width
        log.write(content, width=width if width > 0 else None)

    def _entry_from_any_thread(self, entry) -> None:
        if threading.current_thread() is threading.main_thread():
            self._show_entry(entry)
        else:
            self.call_from_thread(self._show_entry, entry)

    def _show_entry(self, entry) -> None:
        self.write_output(to_text(entry.body))
        if entry.kind == "step":
            self._sync()

    def _sync(self) -> None:
        """Brings the panels up to date with the shell: stack, steps, graph."""
        self._refresh_stack()
        graph = self.shell.default_graph()
        steps = self.query_one(StepList)
        for step in self.shell.steps[self._listed_steps:]:
            steps.add_step(step, self.shell.naming.session(step.session))
        if len(self.shell.steps) > self._listed_steps:
            self._listed_steps = len(self.shell.steps)
            self.select_step(self.shell.steps[-1])
        self.query_one(GraphView).show_graph(graph)

    def _refresh_stack(self) -> None:
        with self.shell.activated():
            self.query_one(StackPanel).refresh_from(self.shell, compact=self.size.width < 110)

    def on_resize(self, event: events.Resize) -> None:
        """The stack panel's form (compact below 110 columns) follows the new width."""
        self.call_after_refresh(self._refresh_stack)

    # -- steps and selection ---------------------------------------------------------------------
    def select_step(self, step) -> None:
        self.selected_step = step
        graph = self.shell.default_graph()
        self.query_one(GraphView).show_states(self._states_of(step, graph))
        self._inspect()

    def _states_of(self, step, graph) -> dict:
        """Each op's state in `step`, worked out once per step: a recorded step never changes,
        and going back and forth between steps asks again (at 100,000 ops, tens of ms)."""
        key = (step, graph)
        states = self._recent_states.pop(key, None)
        if states is None:
            states = step_states(step, graph)
        self._recent_states[key] = states  # newest last: the oldest go first below
        while len(self._recent_states) > 8:
            del self._recent_states[next(iter(self._recent_states))]
        return states

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
        self.query_one(Inspector).show(graph, block, self.selected_step)

    def jump_to_op(self, name: str) -> None:
        """Selects the op's own box, unfolding the scopes and series that hold it."""
        view = self.query_one(GraphView)
        if view.picture is not None and name in view.picture.owner:
            view.reveal(name)
            view.focus()

    def prefill_command(self, usage: str) -> None:
        command_line = self.query_one(CommandLine)
        command_line.value = usage.split(" ")[0] + " "
        command_line.focus()

    def show_completions(self, choices) -> None:
        shown = "  ".join(choices[:40]) + (f"  ... +{len(choices) - 40}" if len(choices) > 40
                                           else "")
        self.write_output(shown)

    def check_action(self, action: str, parameters) -> bool | None:
        """The footer shows only keys that do something here: Cancel while an input runs,
        and the keys to reach the command line and the graph from elsewhere."""
        if action == "cancel":
            return self.busy_with is not None
        if action == "focus_command":
            return not isinstance(self.focused, CommandLine)
        if action == "focus_graph":
            return not isinstance(self.focused, GraphView)
        return True

    # -- actions -----------------------------------------------------------------------------------
    def action_cancel(self) -> None:
        """Interrupts the running input, as Ctrl-C does in the REPL."""
        thread = self._running_thread
        if thread is None:
            return
        if self.queued:  # Ctrl+C means stop: what was typed ahead does not run either
            from rich.text import Text
            dropped, self.queued = len(self.queued), collections.deque()
            self.write_output(Text(f"cancelled; {dropped} queued input"
                                   f"{'s' if dropped != 1 else ''} dropped", "yellow"))
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                                   ctypes.py_object(KeyboardInterrupt))

    def action_focus_command(self) -> None:
        self.query_one(CommandLine).focus()

    def action_focus_graph(self) -> None:
        if self.maximised not in (None, "graph"):
            self.action_toggle_maximised()  # the graph is hidden behind the maximised pane
        self.query_one(GraphView).focus()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_toggle_maximised(self) -> None:
        """Maximises the focused pane (the output pane from the command line), or restores."""
        screen = self.screen
        for node in self.query(".maximised"):
            node.remove_class("maximised")
        if self.maximised is not None:
            self.maximised = None
            screen.remove_class("-maximised")
            return
        self.maximised = self._focused_pane()
        pane = self.query_one(f"#{self.maximised}")
        for node in [pane, *pane.ancestors]:
            if node.has_class("pane"):
                node.add_class("maximised")
        screen.add_class("-maximised")

    def _focused_pane(self) -> str:
        focused = self.focused
        while focused is not None and focused.id not in PANES:
            focused = focused.parent
        return focused.id if focused is not None else "log"

    def action_screenshot(self) -> None:
        """Asks where to save an SVG of the screen (Enter keeps the default, Esc cancels)."""
        try:
            folder = os.getcwd()
        except OSError:  # the working directory was removed under us
            folder = os.path.expanduser("~")
        self.push_screen(SavePathDialog(os.path.join(folder, _screenshot_name())),
                         self._save_screenshot)

    def _save_screenshot(self, path: str | None) -> None:
        """Saves the SVG; a save that fails is one line in the output pane, and the explorer
        and its state stay as they were."""
        if not path:
            return
        try:
            saved = _write_svg(self.export_screenshot(), path)
        except Exception as error:  # whatever the file system says, the explorer goes on
            self._say_not_saved(path, error)
            return
        self.screenshots.append(saved)
        self.notify(f"saved {saved}")

    def _say_not_saved(self, path: str, error: Exception) -> None:
        from rich.text import Text
        reason = (error.strerror if isinstance(error, OSError) and error.strerror
                  else f"{type(error).__name__}: {error}")
        self.write_output(Text(f"could not save the screen to {path}: {reason}", "bold red"))


def _write_svg(svg: str, path: str) -> str:
    """Writes `svg` to `path` (a folder gets a dated name in it) and returns the file's path;
    a file this call created is removed again if writing it fails."""
    path = os.path.expanduser(path)
    if os.path.isdir(path):
        path = os.path.join(path, _screenshot_name())
    existed = os.path.lexists(path)
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(svg)
    except BaseException:
        if not existed and os.path.isfile(path):
            os.unlink(path)
        raise
    return path


def to_text_prompt(text: str):
    """The input as the REPL shows it: `>>> ` on the first line, `... ` on the others."""
    from rich.text import Text
    shown = Text()
    for number, line in enumerate(text.split("\n")):
        shown.append("\n" if number else "").append(">>> " if not number else "... ", "bold blue")
        shown.append(line)
    return shown


def _queued_note(text: str, place: int):
    """`(queued: runs after the running input)` under the input's prompt."""
    from rich.text import Text
    ahead = "the running input" if place == 1 else f"{place - 1} more queued"
    return Text(f"(queued: {text.strip().splitlines()[0][:40]} runs after {ahead})", "dim")


def _screenshot_name() -> str:
    """graphshell_<date>T<time>.svg, the name textual's own screenshots get."""
    stamp = datetime.now().isoformat()
    for reserved in ' <>:"/\\|?*.':
        stamp = stamp.replace(reserved, "_")
    return f"graphshell_{stamp}.svg"


def _statements(text: str) -> list[tuple[int, str]]:
    """A pasted block as its statements and commands (one input stays one input)."""
    found = list(split_script(text.splitlines()))
    return found if len(found) > 1 else [(None, text)]


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
