"""How the shell words things: step lines, values, tables, counts and wrapped text."""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence

from .styled import Styled

MAX_NAMES_SHOWN = 8


def count_of(count: int, word: str, plural: str | None = None) -> str:
    """`1 op`, `2 ops`, `0 iterations`: the count and the word in the number it takes."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


_VOWEL_SOUND = re.compile(r"[aeio]|u(?!ni|int|se|sa)|nd(?=arr)", re.IGNORECASE)


def with_article(word: str) -> str:
    """`a Tensor`, `an int`, `an ndarray`, `a uint8`: the word with its indefinite article."""
    return f"{'an' if _VOWEL_SOUND.match(word) else 'a'} {word}"


def op_list(names: Sequence[str], limit: int = MAX_NAMES_SHOWN, style: str = "op") -> Styled:
    """`a, b, c ... +5 more`."""
    shown = Styled()
    for i, name in enumerate(names[:limit]):
        if i:
            shown.add(", ")
        shown.add(name, style)
    if len(names) > limit:
        shown.add(f" ... +{len(names) - limit} more", "dim")
    return shown


def step_outcome(step) -> str:
    """`interrupted`, `failed`, or "" for a step that finished."""
    if step.error is None:
        return ""
    return "interrupted" if step.interrupted else "failed"


def step_line(step, session_name: str, timings: bool = False, width: int | None = None
              ) -> Styled:
    """`step 3 on sess (eval): fed x; ran 3 ops in 12.0 us: Const, Const_1, Mul`, wrapped to
    `width` columns if given. The time, when shown, is the whole step's."""
    executed = step.executed_names
    line = Styled().add(f"step {step.number}", "step").add(" on ")
    line.add(session_name, "step.session").add(f" ({step.origin})")
    if step.error is not None:
        line.add(": ").extend(_what_went_wrong(step)).add(";")
    else:
        line.add(":")
    fed = [op.name for op in step.fed_ops]
    if fed:
        line.add(" fed ").extend(op_list(fed, style="op.fed")).add(";")
    line.add(" ran ").add(count_of(len(executed), "op"), "step.count")
    loops = step.loop_iterations
    if loops and not (step.interrupted and len(loops) == 1):  # else the head names the loop
        line.add(" (" + ", ".join(f"{name} {count_of(count, 'iteration')}"
                                  for name, count in loops) + ")", "step.count")
    if timings:
        line.add(f" in {format_ns(step.duration_ns)}", "dim")
    if executed:
        line.add(": ").extend(op_list(executed, style="op.executed"))
    return line if width is None else wrap(line, width, indent=4)


def _what_went_wrong(step) -> Styled:
    """`failed at mul`, or for Ctrl-C how far the step got: `interrupted after 1200 iterations
    of while` (the outermost loop that ran) or `interrupted after 3 of 10 ops`."""
    if not step.interrupted:
        failed = step.failed_op
        words = Styled().add("failed", "error")
        return words.add(f" at {failed.name}", "error") if failed is not None else words
    loops = step.loop_iterations
    if loops:
        name, count = min(loops, key=lambda loop: loop[0].count("/"))
        return Styled().add(f"interrupted after {count_of(count, 'iteration')} of {name}",
                            "error")
    planned = len(step.plan.ops) if step.plan is not None else 0
    return Styled().add(f"interrupted after {len(step.executed_ops)} of "
                        f"{count_of(planned, 'op')}", "error")


def tensor_summary(tensor) -> str:
    """`x:0  (?, 2) float32`: a tensor's name, static shape (as TF1 prints it) and dtype."""
    return f"{tensor.name}  {tensor.shape} {tensor.dtype.name}"


def value_text(value) -> str:
    """Values as numpy and Python print them (float32 stays float32)."""
    return repr(value)


def format_ns(nanoseconds: int) -> str:
    if nanoseconds >= 1_000_000:
        return f"{nanoseconds / 1e6:.2f} ms"
    return f"{nanoseconds / 1e3:.1f} us"


def table(headers: Sequence[str], rows: list[Sequence[str]], max_width: int = 60) -> Styled:
    """A plain, aligned table (cells cut to `max_width` characters)."""
    cells = [[_cut(str(c), max_width) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(row):
        return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
    out = Styled().add(line(headers), "table.header")
    for row in cells:
        out.add("\n" + line(row))
    return out


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."


# -- wrapping --------------------------------------------------------------------------------
_PIECES = re.compile(r"\n| +|[^ \n]+")
MIN_WRAP_WIDTH = 20  # narrower than this, wrapping helps nobody: lines are left as they are


def wrap(text: Styled, width: int, indent: int | None = None) -> Styled:
    """`text` with each line broken at spaces so it fits `width` columns; the wrapped parts
    of a line are indented by `indent` columns (default: the line's own indent plus 2). Words
    are never split: one longer than a line stays whole. Styles are kept."""
    if width < MIN_WRAP_WIDTH:
        return text
    out = Styled()
    for line in _lines(text):
        _wrap_line(line, width, indent, out)
    return Styled(out.fragments[1:])  # the first line's "\n"


_NEW_ITEM = re.compile(r"\s*$|\s*(?:Examples?:|[-*] )")


def paragraphs(text: str) -> str:
    """A docstring's text, dedented, with each paragraph on one line, for `wrap` to break at
    the reader's width. A line joins the one before unless it is blank, deeper indented, or
    starts an item of its own (`Example:`, `- `, `* `)."""
    lines = inspect.cleandoc(text).splitlines()
    joined: list[str] = []
    for previous, line in zip([""] + lines, lines):
        own = len(line) - len(line.lstrip())
        if joined and joined[-1].strip() and not _NEW_ITEM.match(line) and \
                own <= len(previous) - len(previous.lstrip()):
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    return "\n".join(joined)


def _lines(text: Styled) -> list[list[tuple[str, str]]]:
    """The (style, piece) pieces of each line: runs of spaces and words."""
    lines: list[list[tuple[str, str]]] = [[]]
    for style, fragment in text.fragments:
        for piece in _PIECES.findall(fragment):
            if piece == "\n":
                lines.append([])
            else:
                lines[-1].append((style, piece))
    return lines


def _wrap_line(pieces, width: int, indent: int | None, out: Styled) -> None:
    own_indent = len(pieces[0][1]) if pieces and pieces[0][1].isspace() else 0
    hang = " " * min(own_indent + 2 if indent is None else indent, width - MIN_WRAP_WIDTH)
    out.add("\n")
    column, pending = 0, []  # spaces wait until the next word shows they are inside the line
    for style, piece in pieces:
        if piece.isspace():
            pending.append((style, piece))
            continue
        gap = sum(len(space) for _, space in pending)
        if column > len(hang) and column + gap + len(piece) > width:
            out.add("\n" + hang)
            column, pending = len(hang), []
        for space_style, space in pending:
            out.add(space, space_style)
        out.add(piece, style)
        column += gap + len(piece)
        pending = []
