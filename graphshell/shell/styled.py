"""Styled text without a terminal: a list of (style, text) fragments that each face renders.

Style names are semantic ("step", "op.executed", "error"); the REPL maps them to ANSI colours,
the TUI to textual styles, and the script runner drops them.
"""

from __future__ import annotations

from collections.abc import Iterable

Fragment = tuple[str, str]


class Styled:
    """A line or block of text made of styled fragments."""

    __slots__ = ("fragments",)

    def __init__(self, fragments: Iterable[Fragment] = ()):
        self.fragments: list[Fragment] = list(fragments)

    @classmethod
    def plain_text(cls, text: str, style: str = "") -> Styled:
        return cls([(style, text)])

    def add(self, text: str, style: str = "") -> Styled:
        if text:
            self.fragments.append((style, text))
        return self

    def extend(self, other: Styled) -> Styled:
        self.fragments.extend(other.fragments)
        return self

    @property
    def plain(self) -> str:
        return "".join(text for _, text in self.fragments)

    def __str__(self) -> str:
        return self.plain

    def __repr__(self) -> str:
        return f"Styled({self.plain!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Styled) and self.fragments == other.fragments


# ANSI SGR codes for each semantic style, used by faces that print to a terminal. The graph's
# states keep clear of error red (31) and warning yellow (33): green ran, cyan partly ran,
# violet fed, italic steel blue not taken, dim pruned; a fetched op is a bold green one with a
# star. Violet and steel blue are 256-colour mid tones (readable on dark and light
# backgrounds), since many terminal palettes draw plain magenta (35) as a red.
ANSI = {
    "step": "1;36", "step.session": "36", "step.count": "1", "op": "", "op.executed": "32",
    "op.fed": "38;5;98", "op.pruned": "2", "op.fetched": "1;32", "error": "1;31",
    "error.where": "31", "note": "2;3", "value": "", "heading": "1", "dim": "2", "warning": "33",
    "prompt": "1;34", "table.header": "1;4", "graph.executed": "1;32", "graph.fetched": "1;32",
    "graph.partial": "1;36", "graph.fed": "1;38;5;98", "graph.untaken": "3;38;5;67",
    "graph.pruned": "2", "graph.edge": "2", "graph.pointer": "1",
}


def to_ansi(styled: Styled) -> str:
    parts = []
    for style, text in styled.fragments:
        code = ANSI.get(style, "")
        parts.append(f"\x1b[{code}m{text}\x1b[0m" if code else text)
    return "".join(parts)
