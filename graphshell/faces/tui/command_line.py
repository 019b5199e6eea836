"""The explorer's command line: everything the REPL accepts, with history and completion."""

from __future__ import annotations

import os

from textual.binding import Binding
from textual.widgets import Input


class CommandLine(Input):
    """Up/Down walk the history; Tab completes (the common part, listing the choices)."""

    BINDINGS = [
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
        Binding("tab", "complete", "Complete", show=False, priority=True),
    ]

    def __init__(self, shell, **kwargs):
        super().__init__(placeholder="Python, or :help for commands", **kwargs)
        self.shell = shell
        self.history = []
        self._position = 0

    def remember(self, text: str) -> None:
        if text.strip() and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._position = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._position = max(0, min(len(self.history), self._position + step))
        self.value = self.history[self._position] if self._position < len(self.history) else ""
        self.cursor_position = len(self.value)

    def action_complete(self) -> None:
        before = self.value[:self.cursor_position]
        found = self.shell.complete(before)
        if not found:
            return
        start = len(before) + found[0].start
        common = os.path.commonprefix([c.text for c in found])
        if len(found) > 1 and len(common) <= len(before) - start:
            self.app.show_completions([c.text for c in found])
            return
        replacement = found[0].text if len(found) == 1 else common
        self.value = before[:start] + replacement + self.value[self.cursor_position:]
        self.cursor_position = start + len(replacement)
