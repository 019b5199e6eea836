"""Transcripts: a session written as `graphshell --echo` prints it, checked by replaying it.

A transcript is a list of examples: an input (its first line after `>>> `, the others after
`... `) and the output expected below it, up to the next `>>> `. Replaying runs every input in
a fresh shell and compares what each prints with what the transcript says, as doctest does;
lines are compared without trailing spaces, and blank lines at the end of an output do not
count. A comment or blank input (`>>> # note`, `>>>`) runs nothing, but counts as a script
line, so the line numbers in errors are the script's: the inputs of a transcript, put back
together, are the script it was made from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .core import Shell

PROMPT, CONTINUATION = ">>>", "..."


@dataclass
class Example:
    """One input of a transcript and the output written below it."""

    line: int                  # the transcript line holding its `>>>`
    source: str
    expected: list[str] = field(default_factory=list)

    @property
    def runs_something(self) -> bool:
        stripped = self.source.strip()
        return bool(stripped) and not (stripped.startswith("#") and "\n" not in stripped)


@dataclass
class Difference:
    """An example whose replay printed something else (`got` is None if it never ran)."""

    example: Example
    got: list[str] | None


def parse(text: str) -> list[Example]:
    """The examples of a transcript; lines before its first `>>>` are prose and ignored."""
    examples: list[Example] = []
    for number, raw in enumerate(text.splitlines(), 1):
        current = examples[-1] if examples else None
        if _has_prefix(raw, PROMPT):
            examples.append(Example(number, raw[len(PROMPT) + 1:]))
        elif current is not None and not current.expected and _has_prefix(raw, CONTINUATION):
            current.source += "\n" + raw[len(CONTINUATION) + 1:]
        elif current is not None:
            current.expected.append(raw)
    return examples


_FENCED_TEXT = re.compile(r"^```text\n(.*?)^```", re.DOTALL | re.MULTILINE)


def in_markdown(text: str) -> list[str]:
    """The transcripts of a Markdown page: its ```text blocks that start with `>>> `."""
    return [block for block in _FENCED_TEXT.findall(text) if _has_prefix(block.split("\n")[0],
                                                                           PROMPT)]


def _has_prefix(line: str, prefix: str) -> bool:
    return line == prefix or line.startswith(prefix + " ")


def script_of(examples: list[Example]) -> str:
    """The script a transcript replays: its inputs, one after the other."""
    return "".join(example.source + "\n" for example in examples)


def replay(examples: list[Example], shell: Shell, filename: str) -> Iterator[Difference]:
    """Runs each example in `shell`, yielding those whose output differs. Inputs keep the
    line numbers they have in the script the transcript was made from."""
    line = 1
    for index, example in enumerate(examples):
        got: list[str] = []
        if example.runs_something:
            result = shell.execute(example.source, line, filename)
            got = [text for entry in result.entries for text in entry.body.plain.split("\n")]
            if result.quit:
                yield from _check(example, got)
                yield from (Difference(rest, None) for rest in examples[index + 1:]
                            if rest.runs_something or _normal(rest.expected))
                return
        line += example.source.count("\n") + 1
        yield from _check(example, got)


def _check(example: Example, got: list[str]) -> Iterator[Difference]:
    if _normal(got) != _normal(example.expected):
        yield Difference(example, got)


def _normal(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def describe(difference: Difference, filename: str) -> str:
    """A difference as doctest words one."""
    example = difference.example
    parts = ["*" * 70, f'File "{filename}", line {example.line}', "Failed example:",
             _indented(example.source.split("\n"))]
    expected = _normal(example.expected)
    parts.append("Expected:\n" + _indented(expected) if expected else "Expected nothing")
    if difference.got is None:
        parts.append("Not run: the replay quit before this input")
    else:
        got = _normal(difference.got)
        parts.append("Got:\n" + _indented(got) if got else "Got nothing")
    return "\n".join(parts)


def _indented(lines: list[str]) -> str:
    return "\n".join("    " + line if line else "" for line in lines)
