""":ops, :steps, :step N and :diff N M: what the graph holds and what each step did."""

from __future__ import annotations

import fnmatch

from ...engine.graph.graph import get_default_graph
from ...engine.graph.shapes import shape_str
from ..report import count_of, format_ns, op_list, step_line, step_outcome, table, wrap
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
        shell.emit("note", f"... {count_of(len(ops) - MAX_ROWS, 'more op', 'more ops')}; "
                           "narrow the list with a pattern")


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
               str(len(step.executed_ops)) + _outcome_mark(step)]
        if shell.timings:
            row.append(format_ns(step.duration_ns))
        rows.append(row)
    shell.emit("table", table(headers, rows, max_width=40))


def _outcome_mark(step) -> str:
    outcome = step_outcome(step)
    return f" ({outcome})" if outcome else ""


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
    if step.interrupted:
        out.add("\ninterrupted (Ctrl-C): the ops above ran, the rest did not", "error")
    elif step.error is not None:
        out.add(f"\nfailed: {type(step.error).__name__}", "error")
    shell.emit("step-detail", wrap(out, shell.width, indent=9), step)


@command("diff", ":diff N M")
def diff_command(shell, args):
    """Compare what steps N and M executed, e.g. two :evals against one :run."""
    parts = args.split()
    if len(parts) != 2:
        raise CommandError("usage: :diff N M (two step numbers)")
    first, second = (parse_step_number(shell, p) for p in parts)
    ran_first, ran_second = first.executed_names, second.executed_names
    in_second, in_first = set(ran_second), set(ran_first)
    only_first = [n for n in ran_first if n not in in_second]
    only_second = [n for n in ran_second if n not in in_first]
    both = [n for n in ran_first if n in in_second]
    out = Styled().add(f"step {first.number} ran {count_of(len(ran_first), 'op')}, step "
                       f"{second.number} ran {len(ran_second)}; {len(both)} in both", "heading")
    out = wrap(out, shell.width, indent=2)
    for label, names in [(f"only in step {first.number}: ", only_first),
                         (f"only in step {second.number}: ", only_second),
                         ("in both: ", both)]:
        listed = op_list(names, 20) if names else Styled.plain_text("nothing", "dim")
        out.add("\n").extend(wrap(Styled().add(label).extend(listed), shell.width,
                                  indent=len(label)))
    shell.emit("diff", out, (first, second))
