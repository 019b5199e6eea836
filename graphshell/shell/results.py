"""What executing one input produces: an ordered list of entries, each a thing a face shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .styled import Styled


@dataclass
class Entry:
    """One piece of output; `kind` says what it is, `body` how it reads."""

    kind: str  # "output", "stderr", "value", "step", "error", "note", "table", "graph", "help"
    body: Styled
    data: Any = None   # the object behind it (a Step, a value, an exception...) for rich faces


@dataclass
class ErrorInfo:
    """An error raised by the input, reduced to one line for people."""

    type_name: str     # "" for the shell's own findings (an expected error that did not happen)
    message: str
    line: int | None = None
    exception: BaseException | None = None
    column: int | None = None  # where a SyntaxError is, counted from 1
    detail: str = ""           # lines shown below the one line: a SyntaxError's source and caret
    expected: bool = False     # the input was marked `# error: ThisClass`: reported, not a failure

    def one_line(self) -> str:
        places = []
        if self.line is not None:
            places.append(f"line {self.line}")
        if self.column is not None:
            places.append(f"column {self.column}")
        where = ", ".join(places) + ": " if places else ""
        if self.type_name and self.message == self.type_name:  # an error without a message
            return f"{where}{self.type_name}"
        kind = f"{self.type_name}: " if self.type_name else ""
        return f"{where}{kind}{self.message}"


@dataclass
class Result:
    """Everything one `Shell.execute(text)` produced, in order."""

    entries: list[Entry] = field(default_factory=list)
    error: ErrorInfo | None = None
    quit: bool = False
    open_tui: bool = False
    exit_status: int | None = None  # set by sys.exit(n) / exit(n): the status a script ends with
    expected_error: ErrorInfo | None = None  # the marked error that happened, as marked
    # The entry of the newest Python value shown: the only one whose object is kept (below)
    newest_value: Entry | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def text(self) -> str:
        return "".join(entry.body.plain + "\n" for entry in self.entries)
