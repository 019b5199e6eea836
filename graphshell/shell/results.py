"""What executing one input produces: an ordered list of entries, each a thing a face shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .styled import Styled


@dataclass
class Entry:
    """One piece of output; `kind` says what it is, `body` how it reads."""

    kind: str          # "output", "value", "step", "error", "note", "table", "graph", "help"
    body: Styled
    data: Any = None   # the object behind it (a Step, a value, an exception...) for rich faces


@dataclass
class ErrorInfo:
    """An error raised by the input, reduced to one line for people."""

    type_name: str
    message: str
    line: int | None = None
    exception: BaseException | None = None

    def one_line(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.type_name}: {self.message}"


@dataclass
class Result:
    """Everything one `Shell.execute(text)` produced, in order."""

    entries: list[Entry] = field(default_factory=list)
    error: ErrorInfo | None = None
    quit: bool = False
    open_tui: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def text(self) -> str:
        return "".join(entry.body.plain + "\n" for entry in self.entries)
