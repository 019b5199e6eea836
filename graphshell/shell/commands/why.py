""":why OP [N]: why an op ran or did not run in a step, in words."""

from __future__ import annotations

from ..engine_choice import engine_of
from ..report import wrap
from ..styled import Styled
from .inspect import parse_step_number
from .table import CommandError, command


def explain(step, op, engine=None) -> Styled:
    """The reason `op` ran, was fed, or was pruned in `step` (`engine`: the one that ran it;
    None: the step's own)."""
    engine = engine or engine_of(step)
    out = Styled().add(op.name, "op").add(f" in step {step.number}: ")
    if not engine.existed_at(op, step):
        return out.add("did not exist yet (it was created after this step)", "dim")
    fetched = {t.op for t in step.fetched_tensors} | set(step.target_ops)
    executed = set(step.executed_ops)
    if op in {t.op for t in step.fed_tensors}:
        fed = [t.name for t in step.fed_tensors if t.op is op]
        out.add("fed", "op.fed").add(f": {', '.join(fed)} came from the feed_dict, so it did "
                                     "not run")
        return out.add(" (its other outputs were needed, so it ran too)" if op in executed else "")
    if op in executed:
        if op in fetched:
            return out.add("ran", "op.executed").add(" because it was fetched")
        out.add("ran", "op.executed").add(_times_in_loop(engine, step, op))
        return out.add(" because ").extend(_needed_path(engine, step, op))
    return out.extend(_not_run_reason(engine, step, op))


def _times_in_loop(engine, step, op) -> str:
    """' 4 times (in while loop L)' for an op a while loop ran more than once."""
    if step.counts is None:
        return ""
    times = step.counts[step.plan.position[op] + 1]
    loop = engine.while_loop_of(op)
    if times <= 1 or loop is None:
        return ""
    return f" {times} times (in while loop '{loop.label}')"


def _needed_path(engine, step, op) -> Styled:
    path = engine.why_needed(step.plan.fetches, step.plan.targets, step.fed_tensors, op)
    if path is None:
        return Styled.plain_text("the step needed it")
    root = path[0][0]
    words = Styled().add(root.name, "op.fetched").add(" was fetched and needs it: ")
    chain = [entry[0].name + (" (control)" if entry[1] == "control" else "") for entry in path]
    return words.add(" <- ".join(chain))


def _not_run_reason(engine, step, op) -> Styled:
    out = Styled()
    if step.plan is not None and op in step.plan.position:
        if step.error is not None:
            return out.add("did not run", "error").add(f": {_how_the_step_ended(step)} before "
                                                       "reaching it")
        loop = engine.while_loop_of(op)
        if loop is not None and loop.loop_cond in step.executed_ops:
            return out.add("did not run", "op.pruned").add(
                f": it is in the body of while loop '{loop.label}', whose condition "
                "was false from the start (0 iterations)")
        return out.add("did not run", "op.pruned").add(
            ": it is needed, but lies in a branch of tf.cond that was not taken (its inputs "
            "were dead)")
    ignoring_feeds = engine.why_needed(step.fetched_tensors, step.target_ops, (), op)
    if ignoring_feeds is not None:
        cut_by = [t.name for t in step.fed_tensors]
        return out.add("pruned", "op.pruned").add(
            f": the fetches depend on it only through fed tensors ({', '.join(cut_by)}); feeding "
            "cut the graph there")
    return out.add("pruned", "op.pruned").add(": nothing fetched in this step depends on it "
                                              "(through data or control edges)")


def _how_the_step_ended(step) -> str:
    if step.interrupted:
        return "the step was interrupted (Ctrl-C)"
    failed = step.failed_op
    return f"the step failed at {failed.name}" if failed is not None else "the step failed"


@command("why", ":why OP [N]", completes="op")
def why_command(shell, args):
    """Explain why OP ran or did not run in step N (default: the last step).

    OP is an op name (mul_1, gradients/AddN) or a Python expression for a tensor or op.
    """
    parts = args.split()
    if not parts or len(parts) > 2:
        raise CommandError("usage: :why OP [N]")
    step = parse_step_number(shell, parts[1] if len(parts) == 2 else "")
    op = _resolve_op(shell, parts[0], step.graph)
    shell.emit("why", wrap(explain(step, op, shell.engine), shell.width), (step, op))


def _resolve_op(shell, text, graph):
    found = shell.engine.op_named(graph, text.split(":")[0])
    if found is not None:
        return found
    try:
        value = shell.evaluate(text)
    except (NameError, CommandError, SyntaxError):
        raise CommandError(f"no op named {text!r} in the step's graph; :ops lists them") from None
    element = getattr(value, "op", value)
    if getattr(element, "graph", None) is not graph:
        raise CommandError(f"{text} is not an op of the step's graph")
    return element

