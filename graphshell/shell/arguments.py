"""Parsing command arguments: Python expressions separated by spaces, and `--feed KEY=VALUE`."""

from __future__ import annotations

import re
import warnings

from .commands.table import CommandError

FEED_FLAG = "--feed"


def top_level_pieces(text: str) -> list[str]:
    """Splits at whitespace outside brackets and strings."""
    pieces, current, depth, quote = [], "", 0, None
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            current += char
            if char == "\\" and i + 1 < len(text):
                current += text[i + 1]
                i += 1
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
            current += char
        elif char in "([{":
            depth += 1
            current += char
        elif char in ")]}":
            depth -= 1
            current += char
        elif char.isspace() and depth <= 0:
            if current:
                pieces.append(current)
            current = ""
        else:
            current += char
        i += 1
    if quote or depth > 0:
        raise CommandError(f"unbalanced brackets or quotes in {text!r}")
    if current:
        pieces.append(current)
    return pieces


def _compile_error(source: str) -> BaseException | None:
    """Why `source` is not a Python expression (None if it is one)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the chosen expression's warnings are shown later
            compile(source, "<argument>", "eval")
        return None
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return error


# Words that join operands into one expression ("a if b else c", "x not in y").
_JOINING_WORDS = {"and", "or", "not", "in", "is", "if", "else", "for", "lambda", "async",
                  "await", "yield", "from"}
_LAST_WORD = re.compile(r"[A-Za-z_]\w*$")
_FIRST_WORD = re.compile(r"^[A-Za-z_]\w*")


def _ends_operand(piece: str) -> bool:
    word = _LAST_WORD.search(piece)
    if word is not None:
        return word.group() not in _JOINING_WORDS
    return piece[-1] in "0123456789)]}'\""


def _starts_operand(piece: str, previous: str) -> bool:
    word = _FIRST_WORD.match(piece)
    if word is not None:
        return word.group() not in _JOINING_WORDS
    if piece[0] in "'\"":
        return previous[-1] not in "'\""  # 'a' 'b' is one (concatenated) string
    return piece[0].isdigit()


def _segments(pieces: list[str]) -> list[list[str]]:
    """Pieces grouped so no expression spans two groups: two operands side by side ('x y')
    cannot be one expression, so they always end one group and start the next."""
    segments = [[pieces[0]]] if pieces else []
    for previous, piece in zip(pieces, pieces[1:]):
        if _ends_operand(previous) and _starts_operand(piece, previous):
            segments.append([piece])
        else:
            segments[-1].append(piece)
    return segments


def split_expressions(text: str) -> list[str]:
    """'tu ut' -> ['tu', 'ut']; 'a + b c' -> ['a + b', 'c']: the longest run of pieces that is
    a Python expression (or a tensor name, like add:0), then the next (wrap an expression in
    parentheses to be explicit)."""
    expressions = []
    for segment in _segments(top_level_pieces(text)):
        expressions.extend(_longest_first(segment))
    return expressions


def _longest_first(pieces: list[str]) -> list[str]:
    """The longest run of pieces that compiles, then the next run, and so on. A run is tried
    whole first (one compile); only when it fails with a syntax error are its shorter prefixes
    tried, and only those ending at or before the error (a prefix that reaches past it holds
    the same error), so a long expression costs one compile, not one per prefix."""
    expressions = []
    while pieces:
        end = _longest_expression(pieces)
        expressions.append(" ".join(pieces[:end]))
        pieces = pieces[end:]
    return expressions


def _longest_expression(pieces: list[str]) -> int:
    """How many of `pieces` the first expression takes."""
    whole = " ".join(pieces)
    error = _compile_error(whole)
    if error is None or (len(pieces) == 1 and is_tensor_name(whole)):
        return len(pieces)
    if not isinstance(error, SyntaxError):
        raise CommandError(f"not a Python expression: {_shortened(whole)!r} "
                           f"({_reason(error)})")
    for end in range(min(_pieces_before(pieces, error), len(pieces) - 1), 0, -1):
        candidate = " ".join(pieces[:end])
        error = _compile_error(candidate)
        if error is None or (end == 1 and is_tensor_name(candidate)):
            return end
        if not isinstance(error, SyntaxError):
            raise CommandError(f"not a Python expression: {_shortened(candidate)!r} "
                               f"({_reason(error)})")
    raise CommandError(f"not a Python expression: {_shortened(pieces[0])!r}")


def _pieces_before(pieces: list[str], error: SyntaxError) -> int:
    """How many pieces (joined by single spaces) start before the place a syntax error
    points at: every piece when it points at no place in the first line."""
    if error.lineno != 1 or not error.offset or error.offset < 1:
        return len(pieces)
    count, column = 0, 0
    for piece in pieces:
        if column >= error.offset:
            break
        count += 1
        column += len(piece) + 1
    return count


def _reason(error: BaseException) -> str:
    if isinstance(error, (RecursionError, MemoryError)):
        return "too deeply nested to compile; split it into several expressions"
    return str(error) or type(error).__name__


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def split_feeds(text: str) -> tuple[str, list[tuple[str, str]]]:
    """'y --feed x=[1, 2] --feed p=3' -> ('y', [('x', '[1, 2]'), ('p', '3')])."""
    pieces = top_level_pieces(text)
    head, feeds, i = [], [], 0
    while i < len(pieces):
        piece = pieces[i]
        if piece == FEED_FLAG or piece.startswith(FEED_FLAG + "="):
            spec = piece[len(FEED_FLAG) + 1:] if piece.startswith(FEED_FLAG + "=") else None
            if spec is None:
                i += 1
                if i >= len(pieces):
                    raise CommandError("--feed needs KEY=VALUE, e.g. --feed x=[1, 2]")
                spec = pieces[i]
            i += 1
            while i < len(pieces) and not pieces[i].startswith(FEED_FLAG):
                spec += " " + pieces[i]
                i += 1
            feeds.append(_split_feed(spec))
        else:
            head.append(piece)
            i += 1
    return " ".join(head), feeds


def _split_feed(spec: str) -> tuple[str, str]:
    key, equals, value = spec.partition("=")
    if not equals or not key.strip() or not value.strip():
        raise CommandError(f"a feed is KEY=VALUE (e.g. --feed x=[1, 2]), got {spec!r}")
    return key.strip(), value.strip()


def is_tensor_name(text: str) -> bool:
    """'x:0' or 'scope/op:1' (a graph name, not Python)."""
    name, colon, index = text.rpartition(":")
    return bool(colon) and bool(name) and index.isdigit()
