"""How the shell words things: step lines, values, tables."""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.graph.shapes import shape_str
from .styled import Styled

MAX_NAMES_SHOWN = 8


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


def step_line(step, session_name: str, timings: bool = False) -> Styled:
    """`step 3 on sess (eval): fed x; ran 3 ops: Const, Const_1, Mul`."""
    executed = step.executed_names
    line = Styled().add(f"step {step.number}", "step").add(" on ")
    line.add(session_name, "step.session").add(f" ({step.origin})")
    if step.error is not None:
        failed = step.failed_op
        line.add(": failed", "error")
        if failed is not None:
            line.add(" at ", "error").add(failed.name, "error")
        line.add(";")
    else:
        line.add(":")
    fed = [op.name for op in step.fed_ops]
    if fed:
        line.add(" fed ").extend(op_list(fed, style="op.fed")).add(";")
    line.add(" ran ").add(f"{len(executed)} op{'s' if len(executed) != 1 else ''}", "step.count")
    loops = step.loop_iterations
    if loops:
        line.add(" (" + ", ".join(f"{name} {_times(count, 'iteration')}"
                                  for name, count in loops) + ")", "step.count")
    if executed:
        line.add(": ").extend(op_list(executed, style="op.executed"))
    if timings:
        line.add(f" in {format_ns(step.duration_ns)}", "dim")
    return line


def _times(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def tensor_summary(tensor) -> str:
    """`x:0  (?, 2) float32`: a tensor's name, static shape (as TF1 prints it) and dtype."""
    return f"{tensor.name}  {shape_str(tensor._shape)} {tensor.dtype.name}"


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
