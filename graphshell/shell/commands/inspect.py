""":ops, :steps, :step N and :diff N M: what the graph holds and what each step did."""

from __future__ import annotations

import fnmatch

from ...engine.graph.graph import get_default_graph
from ...engine.graph.shapes import shape_str
from ..report import format_ns, op_list, step_line, table
from ..styled import Styled
from .table import CommandError, command

MAX_ROWS = 200


def matching_ops(graph, pattern: str):
    """Ops whose name matches a glob (a*/mul_?) or, without wildcards, contains the text."""
    ops = graph.get_operations()
    if not pattern:
        return ops
    if any(char in pattern for char in "*?["):
        return [op for op in ops if fnmatch.fnmatchcase(op.name, pattern)]
    return [op for op in ops if pattern in op.name]


@command("ops", ":ops [PATTERN]", completes="op")
def ops_command(shell, args):
    """List the default graph's ops: name, type, output shape and dtype, inputs.

    PATTERN filters by name: a glob (gradients/*, mul_?) or a piece of the name.
    """
    ops = matching_ops(get_default_graph(), args.strip())
    if not ops:
        raise CommandError(f"no op matches {args!r}" if args else "the default graph is empty")
    rows = [_op_row(op) for op in ops[:MAX_ROWS]]
    shell.emit("table", table(["name", "type", "shape", "dtype", "inputs"], rows, max_width=48))
    if len(ops) > MAX_ROWS:
        shell.emit("note", f"... {len(ops) - MAX_ROWS} more ops; narrow the list with a pattern")


def _op_row(op):
    first = op.outputs[0] if op.outputs else None
    shape = shape_str(first._shape) if first is not None else "-"
    dtype = first.dtype.name if first is not None else "-"
    if len(op.outputs) > 1:
        shape += f" (+{len(op.outputs) - 1})"
    inputs = [t.name for t in op.inputs] + ["^" + c.name for c in op.control_inputs]
    return [op.name, op.type, shape, dtype, ", ".join(inputs)]


@command("steps", ":steps")
def steps_command(shell, args):
    """List the steps run so far: number, session, how it was asked for, fetches, feeds, ops."""
    if args:
        raise CommandError(":steps takes no arguments; :step N shows one step")
    if not shell.steps:
        shell.emit("note", "no steps yet: :eval, :run, t.eval() or sess.run() run one")
        return
    headers = ["step", "session", "via", "fetched", "fed", "ran"]
    if shell.timings:
        headers.append("time")
    rows = []
    for step in shell.steps[-MAX_ROWS:]:
        row = [str(step.number), shell.naming.session(step.session), step.origin,
               _names(step.fetched_tensors + step.target_ops), _names(step.fed_ops),
               str(len(step.executed_ops)) + (" (failed)" if step.error else "")]
        if shell.timings:
            row.append(format_ns(step.duration_ns))
        rows.append(row)
    shell.emit("table", table(headers, rows, max_width=40))


def _names(items, limit=4):
    names = [item.name for item in items]
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit}" if len(names) > limit else "") or "-"


def parse_step_number(shell, text: str):
    text = text.strip()
    if not text:
        if not shell.steps:
            raise CommandError("no steps yet")
        return shell.steps[-1]
    try:
        return shell.step_by_number(int(text))
    except ValueError:
        raise CommandError(f"a step number, like :step 3, not {text!r}") from None


@command("step", ":step N")
def step_command(shell, args):
    """Show step N in full: fetched, fed, and each op executed in order (with its time)."""
    step = parse_step_number(shell, args)
    out = step_line(step, shell.naming.session(step.session), shell.timings)
    out.add("\nfetched: ").extend(op_list([t.name for t in step.fetched_tensors]
                                          + [op.name for op in step.target_ops], limit=50))
    fed = step.fed_tensors
    out.add("\nfed:     ").add(", ".join(t.name for t in fed) if fed else "nothing")
    out.add("\nexecuted, in order:")
    for index, (op, nanoseconds) in enumerate(step.op_times_ns, 1):
        out.add(f"\n  {index:>4}  ").add(op.name, "op.executed").add(f"  {op.type}", "dim")
        if shell.timings:
            out.add(f"  {format_ns(nanoseconds)}", "dim")
    if step.error is not None:
        out.add(f"\nfailed: {type(step.error).__name__}", "error")
    shell.emit("step-detail", out, step)


@command("diff", ":diff N M")
def diff_command(shell, args):
    """Compare what steps N and M executed, e.g. two :evals against one :run."""
    parts = args.split()
    if len(parts) != 2:
        raise CommandError("usage: :diff N M (two step numbers)")
    first, second = (parse_step_number(shell, p) for p in parts)
    ran_first = first.executed_names
    ran_second = set(second.executed_names)
    only_first = [n for n in ran_first if n not in ran_second]
    only_second = [n for n in second.executed_names if n not in set(ran_first)]
    both = [n for n in ran_first if n in ran_second]
    out = Styled().add(f"step {first.number} ran {len(ran_first)} ops, step {second.number} "
                       f"ran {len(ran_second)}; {len(both)} in both", "heading")
    out.add(f"\nonly in step {first.number}: ").extend(op_list(only_first, 20) if only_first
                                                       else Styled.plain_text("nothing", "dim"))
    out.add(f"\nonly in step {second.number}: ").extend(
        op_list(only_second, 20) if only_second else Styled.plain_text("nothing", "dim"))
    out.add("\nin both: ").extend(op_list(both, 20) if both else Styled.plain_text("nothing",
                                                                                  "dim"))
    shell.emit("diff", out, (first, second))
