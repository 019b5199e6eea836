"""Splitting a script into inputs: `:command` lines and whole Python statements.

codeop says whether the lines so far are complete, incomplete (an open bracket or block) or
invalid. A compound statement ends at the next line that is not indented and does not
continue it (`else:`, `elif`, `except`, `finally`).

Asking codeop parses the whole statement so far, so asking at every line is quadratic in a
long statement (an unclosed bracket, a long block). It is asked where a statement can end (its
first logical line just ended, found by a one-pass scan of brackets and strings), and otherwise
only once the statement has doubled in length since the last answer; when an answer is no
longer "incomplete", a binary search over the lines since the last answer finds the first line
where it stopped being so. The inputs are the ones asking at every line gives.
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
    lines = [raw.rstrip("\r\n") for raw in lines]
    index, statement = 0, None
    while index < len(lines) or statement is not None:
        if index == len(lines):  # the script ends inside a statement
            ended = statement.first_ended_line() or statement.last_content_line()
        else:
            line = lines[index]
            index += 1
            ended = statement.ended_before(line) if statement is not None else None
            if ended is None:
                if statement is None:
                    if not line.strip() or line.lstrip().startswith(("#", ":")):
                        yield index, line.strip()
                        continue
                    statement = _Statement(index)
                ended = statement.add(line)
        if ended is not None:
            yield statement.start, "\n".join(statement.lines[:ended])
            index = statement.start + ended - 1  # the lines after it are read again
            statement = None


class _Statement:
    """The lines of a statement being read, and how many of them are known to leave it
    incomplete."""

    def __init__(self, start: int):
        self.start = start
        self.lines: list[str] = []
        self.chars = 0
        self.settled = 0  # codeop said "incomplete" for every prefix of this many lines
        self.settled_chars = 0
        self.scan = _BracketScan()
        self.first_line_ended = False
        self.line_ends: list[bool] = []  # whether a logical line ends with each line

    def add(self, line: str) -> int | None:
        """Takes the next line; returns how many lines the statement has if it has ended."""
        self.lines.append(line)
        self.chars += len(line) + 1
        closed = self.scan.feed(line)
        self.line_ends.append(closed)
        if not line.strip():
            return None
        due = self.chars >= 2 * self.settled_chars
        if closed and not self.first_line_ended:
            self.first_line_ended = due = True
        return self.first_ended_line() if due else None

    def ended_before(self, line: str) -> int | None:
        """For a new line: how many lines the statement has if it ended before this line (a
        new, unindented statement ends the block being read, if that block is whole)."""
        if not line.strip() or line[0].isspace() or _CONTINUATION.match(line) \
                or self.scan.inside_brackets_or_long_string():
            return None  # (asking there is what made an unclosed bracket quadratic)
        ended = self.first_ended_line()
        if ended is None and input_state("\n".join(self.lines) + "\n") != INCOMPLETE:
            ended = self.last_content_line()
        return ended

    def first_ended_line(self) -> int | None:
        """The fewest lines (ending on one that is not blank) codeop does not call incomplete,
        or None when all of them are.

        Where a logical line has ended, once codeop says "not incomplete" it keeps saying so
        (an error stays an error), so those lines are searched by bisection; inside brackets
        it can say "incomplete" over an earlier error (the parse stops at the end of the text
        first), so the lines of the one bracketed stretch that can hold the first error, the
        one just before that line, are searched by themselves."""
        pending = [count for count in range(self.settled + 1, len(self.lines) + 1)
                   if self.lines[count - 1].strip()]
        ends = [count for count in pending if self.line_ends[count - 1]]
        first_end = self._first_not_incomplete(ends)
        bound = first_end if first_end is not None else len(self.lines) + 1
        after = max([self.settled] + [count for count in ends if count < bound])
        stretch = [count for count in pending
                   if after < count < bound and not self.line_ends[count - 1]]
        first = self._first_not_incomplete(stretch) or first_end
        if first is None:
            self.settled, self.settled_chars = len(self.lines), self.chars
        return first

    def _first_not_incomplete(self, counts: list[int]) -> int | None:
        """The first of `counts` codeop does not call incomplete, when the answers along
        `counts` change at most once."""
        if not counts or self._incomplete(counts[-1]):
            return None
        low, high = -1, len(counts) - 1  # counts[high] is not incomplete
        while high - low > 1:
            middle = (low + high) // 2
            if self._incomplete(counts[middle]):
                low = middle
            else:
                high = middle
        return counts[high]

    def last_content_line(self) -> int:
        count = len(self.lines)
        while count > 1 and not self.lines[count - 1].strip():
            count -= 1
        return count

    def _incomplete(self, count: int) -> bool:
        return input_state("\n".join(self.lines[:count])) == INCOMPLETE


# What can open or close a bracket or a string: an escape, a line-ending backslash, quotes.
_TOKEN = re.compile(r"""\\.|\\$|\"\"\"|'''|["'#()\[\]{}]""")


class _BracketScan:
    """Brackets and strings still open at the end of each line, in one pass."""

    def __init__(self):
        self.depth = 0
        self.quote = None  # the quotes of the string still open
        self.closed = True  # no bracket, string or backslash continues the line

    def feed(self, line: str) -> bool:
        """Scans one line; returns whether a logical line ends with it."""
        continued = False
        for found in _TOKEN.finditer(line):
            token = found.group()
            if token == "\\":
                continued = True
            elif self.quote is not None:
                if token == self.quote or (len(self.quote) == 1 and token == self.quote * 3):
                    self.quote = None  # a 3-quote token after 1 closes it and opens ""
            elif token == "#":
                break
            elif token[0] in "'\"":
                self.quote = token
            elif token in "([{":
                self.depth += 1
            elif token in ")]}":
                self.depth = max(0, self.depth - 1)
        if self.quote is not None and len(self.quote) == 1 and not continued:
            self.quote = None  # an unterminated string: codeop reports it
        self.closed = self.depth == 0 and self.quote is None and not continued
        return self.closed

    def inside_brackets_or_long_string(self) -> bool:
        return self.depth > 0 or (self.quote is not None and len(self.quote) == 3)

