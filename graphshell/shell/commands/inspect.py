""":ops, :steps, :step N, :diff N M and :inspect: what the graph holds and what each step did
and computed."""

from __future__ import annotations

import fnmatch

from ..report import count_of, format_ns, op_list, step_line, step_outcome, table, value_text, wrap
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
    ops = matching_ops(shell.engine.default_graph(), args.strip())
    if not ops:
        raise CommandError(f"no op matches {args!r}" if args else "the default graph is empty")
    rows = [_op_row(shell.engine, op) for op in ops[:MAX_ROWS]]
    shell.emit("table", table(["name", "type", "shape", "dtype", "inputs"], rows, max_width=48))
    if len(ops) > MAX_ROWS:
        shell.emit("note", f"... {count_of(len(ops) - MAX_ROWS, 'more op', 'more ops')}; "
                           "narrow the list with a pattern")


def _op_row(engine, op):
    first = op.outputs[0] if op.outputs else None
    shape = engine.shape_text(first) if first is not None else "-"
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
    note = _values_note(step)
    if note:
        out.add("\n" + note, "note")
    shell.emit("step-detail", wrap(out, shell.width, indent=9), step)


def _values_note(step) -> str:
    """A line saying which of the step's values were not kept and why; "" if all were."""
    if step.values_dropped is not None:
        return f"values: not kept: {step.values_dropped}"
    missing = step.values_missing
    if missing:
        slots = set(missing)
        names = [t.name for t, slot in step.plan.slots.items() if slot in slots]
        return (f"values: {', '.join(names[:4])}{' ...' if len(names) > 4 else ''} not kept: "
                f"{next(iter(missing.values()))}")
    return ""


@command("inspect", ":inspect TENSOR [N]", completes="op")
def inspect_command(shell, args):
    """Show the value TENSOR had in step N (default: the last step that computed it).

    TENSOR is a tensor or op name (mul:0, or mul for each of its outputs) or a Python
    expression for a tensor or op. Values are kept under a budget (:keep shows it); a value
    that was not kept says why.
    """
    parts = args.split()
    if not parts:
        raise CommandError("usage: :inspect TENSOR [N], e.g. :inspect y or :inspect mul:0 3")
    number = parts.pop() if len(parts) > 1 and parts[-1].isdigit() else None
    text = " ".join(parts)
    graph = shell.engine.default_graph() if number is None else \
        parse_step_number(shell, number).graph
    tensors = _resolve_tensors(shell, text, graph)
    step = parse_step_number(shell, number) if number is not None else _last_step_with(
        shell, tensors)
    for tensor in tensors:
        _show_value(shell, step, tensor)


def _resolve_tensors(shell, text: str, graph) -> list:
    name = text.strip()
    try:
        if ":" in name:
            return [graph.get_tensor_by_name(name)]
        found = shell.engine.op_named(graph, name)
        if found is not None:
            return list(found.outputs) or _no_outputs(found)
    except (KeyError, ValueError, TypeError):
        pass
    try:
        value = shell.evaluate(text)
    except (NameError, CommandError, SyntaxError):
        raise CommandError(f"no tensor or op named {text!r} in the graph; :ops lists them"
                           ) from None
    if hasattr(value, "outputs"):
        return list(value.outputs) or _no_outputs(value)
    tensor = getattr(value, "_ref", None) if not hasattr(value, "value_index") else value
    if getattr(tensor, "graph", None) is not graph:
        raise CommandError(f"{text} is not a tensor or op of the step's graph")
    return [tensor]


def _no_outputs(op):
    raise CommandError(f"{op.name} has no outputs, so no value; :why {op.name} says if it ran")


def _last_step_with(shell, tensors):
    for step in reversed(shell.steps):
        if step.plan is not None and any(t in step.plan.slots for t in tensors):
            return step
    raise CommandError(f"no step computed {tensors[0].name} yet")


def _show_value(shell, step, tensor) -> None:
    head = Styled().add(tensor.name, "op").add(f" in step {step.number}: ")
    in_plan = step.plan is not None and tensor in step.plan.slots
    value = step.value_of(tensor)
    if value is not None:
        if hasattr(value, "get") and hasattr(value, "is_initialized"):
            shell.emit("note", head.add("a reference to a variable, not a value of the step"))
            return
        shell.emit("value", head.add(value_text(value)), value)
        return
    note = step.value_note(tensor)
    if note is not None:
        shell.emit("note", head.add("value not kept: " + note))
    elif not in_plan:
        shell.emit("note", head.add(f"not computed (:why {tensor.op.name} {step.number} "
                                    "says why)"))
    else:
        shell.emit("note", head.add("no value: the step did not compute it (a tf.cond "
                                    "branch not taken, or the step stopped before it)"))


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
