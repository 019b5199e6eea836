"""Splitting a script into inputs: `:command` lines and whole Python statements.

codeop says whether the lines so far are complete, incomplete (an open bracket or block) or
invalid. A compound statement ends at the next line that is not indented and does not
continue it (`else:`, `elif`, `except`, `finally`).
"""

from __future__ import annotations

import codeop
import re
from collections.abc import Iterable, Iterator

_CONTINUATION = re.compile(r"^(else|elif|except|finally|case)\b")
COMPLETE, INCOMPLETE, INVALID = "complete", "incomplete", "invalid"


def input_state(source: str) -> str:
    try:
        code = codeop.compile_command(source, "<input>", "single")
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError):
        return INVALID
    return COMPLETE if code is not None else INCOMPLETE


def is_complete_input(text: str) -> bool:
    """Whether an interactive input can run as is (False while a block or bracket is open)."""
    if text.lstrip().startswith(":") or not text.strip():
        return True
    return input_state(text) != INCOMPLETE


def split_script(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Yields (first line number, input text) for each command or statement."""
    for number, text in script_items(lines):
        if text and not text.startswith("#"):
            yield number, text


def script_items(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Like split_script, and also yields each blank line ("") and comment line between inputs
    as an item of its own: the items hold every line of the script once, in order (what
    --echo prints, and what a transcript's inputs put back together)."""
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if buffer and _ends_before(line, buffer):
            yield from _flushed(start, buffer)
            buffer = []
        if not buffer:
            if not line.strip() or line.lstrip().startswith("#"):
                yield number, line.strip()
                continue
            if line.lstrip().startswith(":"):
                yield number, line.strip()
                continue
            start = number
        buffer.append(line)
        if line.strip() and input_state("\n".join(buffer)) != INCOMPLETE:
            yield start, "\n".join(buffer)
            buffer = []
    if buffer:
        yield from _flushed(start, buffer)


def _flushed(start: int, buffer: list[str]) -> Iterator[tuple[int, str]]:
    """A statement without the blank lines that ended it, then those lines."""
    end = len(buffer)
    while end > 1 and not buffer[end - 1].strip():
        end -= 1
    yield start, "\n".join(buffer[:end])
    for offset in range(end, len(buffer)):
        yield start + offset, ""


def _ends_before(line: str, buffer) -> bool:
    """A new, unindented statement ends the block being read (if that block is whole)."""
    if not line.strip() or line[0].isspace() or _CONTINUATION.match(line):
        return False
    return input_state("\n".join(buffer) + "\n") != INCOMPLETE
