"""The explorer's command line: everything the REPL accepts, over as many lines as it needs.

Enter runs a complete input and continues an open block (`for ...:`, `with ...:`, an open
bracket) on a new, indented line, as the Python REPL does; an empty line ends a block, typed or
pasted leading spaces replace the offered indent, and Backspace in an indent removes one level.
Ctrl+J runs the input as it stands. Up/Down walk the history from the first/last line. Tab
completes a name, attribute, path or :command argument before the cursor, indents at the start
of a line, and on an empty command line moves to the next pane.
"""

from __future__ import annotations

import os

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

INDENT = "    "


class CommandLine(TextArea):
    """A Python/command editor that grows with its input (up to the height the CSS allows)."""

    BINDINGS = [
        Binding("ctrl+j,ctrl+enter,alt+enter", "submit", "Run", priority=True),
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
        Binding("tab", "tab", "Complete", priority=True),
    ]

    class Submitted(Message):
        """The user asked to run `value`."""

        def __init__(self, command_line: CommandLine, value: str):
            super().__init__()
            self.command_line = command_line
            self.value = value

    def __init__(self, shell, **kwargs):
        super().__init__(placeholder="Python, or :help for commands", soft_wrap=True, **kwargs)
        self.shell = shell
        self.past_inputs: list[str] = []
        self._history_at = 0
        self._auto_indent_at = None  # where the indent Enter inserted ends, until a key

    # -- the text as one value -----------------------------------------------------------------
    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        """Replaces the input and puts the cursor at its end."""
        self.load_text(text)
        self.move_cursor(self.document.end)

    def remember(self, text: str) -> None:
        if text.strip() and (not self.past_inputs or self.past_inputs[-1] != text):
            self.past_inputs.append(text)
        self._history_at = len(self.past_inputs)

    # -- keys ------------------------------------------------------------------------------------
    async def _on_key(self, event: events.Key) -> None:
        auto_indent_at, self._auto_indent_at = self._auto_indent_at, None
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self._enter()
            return
        if event.key == "space" and auto_indent_at == self.cursor_location:
            # typed leading spaces replace the indent Enter offered instead of adding to it
            row, _ = auto_indent_at
            self.delete((row, 0), auto_indent_at)
        # textual goes on to TextArea's own handler (handlers run down the MRO)

    async def _on_paste(self, event: events.Paste) -> None:
        auto_indent_at, self._auto_indent_at = self._auto_indent_at, None
        if auto_indent_at == self.cursor_location and event.text[:1].isspace():
            self.delete((auto_indent_at[0], 0), auto_indent_at)
        # TextArea's own handler inserts the text next (handlers run down the MRO)

    def _enter(self) -> None:
        text = self.text
        row, _ = self.cursor_location
        last_row = self.document.line_count - 1
        if row == last_row and self._ready_to_run(text):
            self.action_submit()
        else:
            indent = self._indent_after(self.document[row][:self.cursor_location[1]])
            self.insert("\n" + indent)
            self._auto_indent_at = self.cursor_location if indent else None

    def _ready_to_run(self, text: str) -> bool:
        """A complete input runs; a compound statement (`for`, `with`, `def`...) runs once an
        empty line ends it, as in the Python REPL, so that more of its body can follow."""
        if not self.document[self.document.line_count - 1].strip() and "\n" in text:
            return self.shell.is_complete(text.rstrip() + "\n")
        return self.shell.is_complete(text) and not _compound(text)

    @staticmethod
    def _indent_after(line: str) -> str:
        indent = line[:len(line) - len(line.lstrip())]
        return indent + INDENT if line.rstrip().endswith(":") else indent

    def action_delete_left(self) -> None:
        """Backspace in an indentation removes one indent level (to type `else:`)."""
        row, column = self.cursor_location
        before = self.document[row][:column]
        if before and not before.strip() and self.selection.is_empty:
            self.delete((row, (column - 1) // len(INDENT) * len(INDENT)), (row, column))
            return
        super().action_delete_left()

    def action_submit(self) -> None:
        text = self.text
        if "\n" in text:
            text = text.rstrip()
        self.post_message(self.Submitted(self, text))

    def action_history(self, step: int) -> None:
        at_edge = (self.cursor_at_first_line if step < 0 else self.cursor_at_last_line)
        if not at_edge or not self.past_inputs:
            (self.action_cursor_up if step < 0 else self.action_cursor_down)()
            return
        count = len(self.past_inputs)
        self._history_at = max(0, min(count, self._history_at + step))
        self.value = self.past_inputs[self._history_at] if self._history_at < count else ""

    def action_tab(self) -> None:
        row, column = self.cursor_location
        before = self.document[row][:column]
        if not self.text.strip():
            self.screen.focus_next()
        elif not before.strip():
            self.insert(INDENT[:len(INDENT) - column % len(INDENT)])
        elif _completable(before):
            self._complete(row, column)

    def _complete(self, row: int, column: int) -> None:
        line = self.document[row]
        before = line[:column]
        found = self.shell.complete(before)
        if not found:
            return
        start = len(before) + found[0].start
        common = os.path.commonprefix([c.text for c in found])
        if len(found) > 1 and len(common) <= len(before) - start:
            self.app.show_completions([c.text for c in found])
            return
        replacement = found[0].text if len(found) == 1 else common
        self.replace(replacement, (row, start), (row, column))


def _completable(before: str) -> bool:
    """Whether the text before the cursor ends in something to complete: a name, an
    attribute, a path, or an argument of a :command (after `x = ` or `f(` it does not)."""
    last = before[-1:]
    return last.isalnum() or last in "_./~'\"" or before.lstrip().startswith(":")


def _compound(text: str) -> bool:
    """Whether a multi-line input is a compound statement, whose body may go on."""
    lines = text.strip().splitlines()
    return len(lines) > 1 and (lines[0].rstrip().endswith(":") or lines[0].startswith("@"))
