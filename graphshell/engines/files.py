"""What every engine's file loading shares: the MetaGraph suffix and the error it raises."""

from __future__ import annotations

META_GRAPH_SUFFIX = ".meta"


class GraphFileError(ValueError):
    """A GraphDef or MetaGraph file could not be read or imported; the message says why."""


def count_of(count: int, word: str) -> str:
    """`1 op`, `2 ops` (the shell's own helper lives above the engines)."""
    return f"{count} {word if count == 1 else word + 's'}"
