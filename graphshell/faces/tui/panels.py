"""The explorer's panels: the session stack, the step list and the op inspector."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from ...shell.commands.stack import stack_view
from ...shell.commands.why import explain
from ...shell.report import tensor_summary
from .rich_text import to_text


class StackPanel(Static):
    """The default-session and default-graph stacks, as :stack shows them."""

    def refresh_from(self, shell, compact: bool = False) -> None:
        self.update(to_text(stack_view(shell, compact)))


class StepList(DataTable):
    """Every step: number, session, how it was asked for, what it fetched, how many ops ran.
    Space marks a step; d shows the difference between the two marked steps."""

    BINDINGS = [Binding("space", "mark", "Mark"), Binding("d", "diff", "Diff marked")]

    class DiffRequested(Message):
        def __init__(self, first: int, second: int):
            super().__init__()
            self.first, self.second = first, second

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("step", "session", "via", "fetched", "ran")
        self.marked = []

    def add_step(self, step, session_name: str) -> None:
        fetched = ", ".join(t.name for t in step.fetched_tensors + step.target_ops) or "-"
        ran = str(len(step.executed_ops)) + (" failed" if step.error is not None else "")
        self.add_row(str(step.number), session_name, step.origin, _cut(fetched, 28), ran,
                     key=str(step.number))
        self.move_cursor(row=self.row_count - 1)

    def action_mark(self) -> None:
        if not self.row_count:
            return
        number = int(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
        if number in self.marked:
            self.marked.remove(number)
        else:
            self.marked = (self.marked + [number])[-2:]
        self.notify(f"marked steps: {', '.join(map(str, self.marked)) or 'none'}")

    def action_diff(self) -> None:
        if len(self.marked) != 2:
            self.notify("mark two steps with space, then press d", severity="warning")
            return
        self.post_message(self.DiffRequested(*sorted(self.marked)))


class Inspector(Static):
    """The selected op (or folded block) in the selected step: type, inputs, outputs, value,
    and why it ran or not."""

    def show(self, graph, block, members, step) -> None:
        text = Text()
        op = graph._get_operation_or_none(block) if graph is not None else None
        if op is None:
            text.append(f"{block.rstrip('/')}\n", "bold")
            ran = sum(1 for o in (step.executed_ops if step else []) if o.name in set(members))
            text.append(f"{len(members)} ops folded here")
            if step is not None:
                text.append(f"; {ran} ran in step {step.number}")
            text.append("\nEnter expands it.", "dim")
            self.update(text)
            return
        self.update(op_text(op, step))


def op_text(op, step) -> Text:
    text = Text()
    text.append(op.name, "bold").append(f"  ({op.type})\n")
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
    if step is None:
        text.append("no step yet", "dim")
        return text
    for tensor in op.outputs:
        value = step.value_of(tensor)
        if value is not None:
            text.append(f"value in step {step.number}: ", "bold").append(_cut(repr(value), 300))
            text.append("\n")
    text.append_text(to_text(explain(step, op)))
    return text


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."
