"""The inputs of a session, as `:history` lists them and `:save` writes them: a script that
replays the session. An input that failed keeps its failure as an expected-error mark, so the
script replays the session as it happened and still exits 0; an interrupted input is kept
commented out (replaying it would not be interrupted)."""

from __future__ import annotations

from dataclasses import dataclass

from . import marks
from .results import Result

# commands about the session itself, not part of it: replaying them would change nothing
NOT_RECORDED = frozenset({"history", "save", "help", "tb", "tui", "quit"})


def is_recorded(text: str) -> bool:
    """Whether an input belongs in the session's history (not blank, not a meta command)."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.startswith(":"):
        return stripped[1:].split(" ", 1)[0] not in NOT_RECORDED
    return True


@dataclass
class RecordedInput:
    text: str
    failed_with: str | None = None  # the error class of an unexpected failure
    interrupted: bool = False

    @classmethod
    def of(cls, text: str, result: Result) -> RecordedInput:
        error = result.error
        if error is not None and error.type_name == "KeyboardInterrupt":
            return cls(text, interrupted=True)
        if error is not None and error.type_name and marks.split_mark(text)[1] is None:
            return cls(text, failed_with=error.type_name)
        return cls(text)

    def as_script(self) -> str:
        """The input as a script line (or lines) that replays it."""
        if self.interrupted:
            lines = self.text.split("\n")
            return "# interrupted, so not replayed:\n" + "\n".join("# " + line for line in lines)
        if self.failed_with:
            return marks.with_mark(self.text, self.failed_with)
        return self.text


def as_script(inputs: list[RecordedInput]) -> str:
    """The text of a script replaying these inputs (a compound statement gets a blank line
    after it, so the script also pastes into a REPL)."""
    parts = []
    for recorded in inputs:
        text = recorded.as_script()
        parts.append(text + ("\n" if "\n" in recorded.text and not recorded.interrupted else ""))
    return "\n".join(parts) + ("\n" if parts else "")
