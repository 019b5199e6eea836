"""The explorer's panels: the session stack, the step list, the op inspector, and the dialog
asking where to save a screenshot."""

from __future__ import annotations

import os
import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from ...shell.commands.stack import stack_view
from ...shell.commands.why import explain
from ...shell.report import count_of, step_outcome, tensor_summary
from .rich_text import to_text


class StackPanel(Static):
    """The default-session and default-graph stacks, as :stack shows them."""

    def refresh_from(self, shell, compact: bool = False) -> None:
        self.update(to_text(stack_view(shell, compact)))


MARK = "●"


class StepList(DataTable):
    """Every step: number, how many ops ran, how it was asked for, what it fetched, session
    (the narrow columns first, so that a narrow panel still shows them). Space marks a step
    (a dot before its number); d shows the difference between the two marked steps."""

    BINDINGS = [Binding("space", "mark", "Mark"), Binding("d", "diff", "Diff")]

    class DiffRequested(Message):
        def __init__(self, first: int, second: int):
            super().__init__()
            self.first, self.second = first, second

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.step_column, *_ = self.add_columns("step", "ran", "via", "fetched", "session")
        self.marked = []

    def add_step(self, step, session_name: str) -> None:
        fetched = ", ".join(t.name for t in step.fetched_tensors + step.target_ops) or "-"
        outcome = step_outcome(step)
        ran = str(len(step.executed_ops)) + (f" {outcome}" if outcome else "")
        self.add_row(self._number_cell(step.number), ran, step.origin, _cut(fetched, 28),
                     session_name, key=str(step.number))
        self.move_cursor(row=self.row_count - 1)

    def _number_cell(self, number: int) -> Text:
        if number in self.marked:
            return Text(f"{MARK} {number}", "bold")
        return Text(f"  {number}")

    def action_mark(self) -> None:
        if not self.row_count:
            return
        number = int(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
        before = set(self.marked)
        if number in self.marked:
            self.marked.remove(number)
        else:
            self.marked = (self.marked + [number])[-2:]
        for changed in before ^ set(self.marked):
            self.update_cell(str(changed), self.step_column, self._number_cell(changed))
        self.notify(f"marked steps: {', '.join(map(str, self.marked)) or 'none'}")

    def action_diff(self) -> None:
        if len(self.marked) != 2:
            self.notify("mark two steps with space, then press d", severity="warning")
            return
        self.post_message(self.DiffRequested(*sorted(self.marked)))


class Inspector(Static, can_focus=True):
    """The selected op (or folded block) in the selected step: type, value, why it ran or
    not, inputs and outputs. Focusable, so that it can be scrolled and maximised."""

    BINDINGS = [Binding("up", "scroll_up", "Scroll up", show=False),
                Binding("down", "scroll_down", "Scroll down", show=False),
                Binding("pageup", "page_up", show=False),
                Binding("pagedown", "page_down", show=False)]

    def show(self, graph, block, step) -> None:
        """`block` is a laid-out box (layout's Block): one op, or a folded scope or series."""
        op = _op_named(graph, block.id) if block.kind == "op" else None
        self.update(op_text(op, step) if op is not None else folded_text(block, step))


def _op_named(graph, name: str):
    """The op called `name`, or None (TF's public lookup, so any engine's graph answers)."""
    try:
        return graph.get_operation_by_name(name)
    except (KeyError, ValueError):
        return None


def folded_text(block, step) -> Text:
    """A folded box, named as the user named its ops: `gradients/` or `add_1 ... add_99`."""
    members = set(block.members)
    text = Text()
    text.append(user_name(block), "bold").append(f"  ({block.detail or 'scope'})\n")
    text.append(f"{count_of(len(members), 'op')} folded here")
    if step is not None:
        ran = sum(1 for o in step.executed_ops if o.name in members)
        text.append(f"; {ran} of them ran in step {step.number}")
    text.append("\nEnter in the graph unfolds it.", "dim")
    return text


_SERIES_LABEL = re.compile(r"^(?P<stem>.*)_\[(?P<first>\d+)-(?P<last>\d+)\](?P<tail>.*)$")


def user_name(block) -> str:
    """The names a user typed or sees in `:ops`, not the layout's internal block id."""
    if block.kind == "scope":
        return block.label + "/"
    match = _SERIES_LABEL.match(block.label) if block.kind == "series" else None
    if match is None:
        return block.label
    stem, tail = match["stem"], match["tail"]
    first, last = int(match["first"]), int(match["last"])
    first_name = stem + tail if first == 0 else f"{stem}_{first}{tail}"
    return f"{first_name} ... {stem}_{last}{tail}"


def op_text(op, step) -> Text:
    """The op, then its value and why it ran in the selected step (what a small pane must
    show first), then its inputs and outputs."""
    text = Text()
    text.append(op.name, "bold").append(f"  ({op.type})\n")
    if step is None:
        text.append("no step yet\n", "dim")
    else:
        for tensor in op.outputs:
            value = step.value_of(tensor)
            if value is not None:
                text.append(f"value in step {step.number}: ", "bold")
                text.append(_cut(repr(value), 300) + "\n")
            elif step.value_note(tensor) is not None:  # dropped under the shell's :keep budget
                text.append(f"value in step {step.number}: ", "bold")
                text.append(f"not kept: {step.value_note(tensor)}\n", "dim")
        text.append_text(to_text(explain(step, op)))
        text.append("\n")
    for label, tensors in (("inputs", op.inputs), ("outputs", op.outputs)):
        text.append(f"{label}:", "bold")
        if not tensors:
            text.append(" none")
        for tensor in tensors:
            text.append(f"\n  {tensor_summary(tensor)}")
        text.append("\n")
    if op.control_inputs:
        text.append("control inputs: ", "bold").append(
            ", ".join(c.name for c in op.control_inputs) + "\n")
    text.rstrip()
    return text


class SavePathDialog(ModalScreen[str | None]):
    """Where to save the screen as SVG: Enter saves (the default as offered), Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default_path: str):
        super().__init__()
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Label("Save the screen as SVG to (a file or a folder); Enter saves, Esc "
                        "cancels:")
            yield Input(self.default_path, id="save-path")
            yield Label("", id="save-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Saves only into a folder that exists; otherwise says so and keeps the typed path."""
        path = os.path.expanduser(event.value.strip() or self.default_path)
        folder = path if os.path.isdir(path) else os.path.dirname(path) or "."
        if not os.path.isdir(folder):
            self.query_one("#save-error", Label).update(f"no such folder: {folder}")
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."
