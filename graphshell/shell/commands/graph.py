""":graph [SCOPE]: the graph drawn in the terminal, with the last step's ops highlighted."""

from __future__ import annotations

from ..report import count_of
from ..styled import Styled
from .table import CommandError, command


def step_states(step, graph):
    """{op name: state} for a step: executed, fed, fetched, untaken (needed, but in a cond
    branch that was not taken) or pruned (not needed), for ops of `graph` only."""
    if step is None or step.graph is not graph:
        return {}
    states = {op.name: "pruned" for op in graph.get_operations()[:step.graph_size]}
    if step.plan is not None:
        for op in step.plan.ops:
            states[op.name] = "untaken"
    for op in step.executed_ops:
        states[op.name] = "executed"
    for op in step.fed_ops:
        states[op.name] = "fed"
    for tensor in step.fetched_tensors:
        if states.get(tensor.op.name) == "executed":
            states[tensor.op.name] = "fetched"
    for op in step.target_ops:
        states[op.name] = "fetched"
    return states


@command("graph", ":graph [SCOPE]", completes="scope")
def graph_command(shell, args):
    """Draw the default graph with the last step's executed, fed and pruned ops marked.

    Each state has its own border (see the legend below the picture): executed ops heavy, fed
    ops double, ops in a cond branch not taken rounded and dashed, pruned ops dashed and dim;
    fetched ops carry a star. A folded box shows how many of its ops ran ("1/2 ran", heavy
    dashed when only some did). SCOPE draws one name scope expanded (e.g. :graph gradients).
    """
    from ...layout import draw_for_terminal
    graph = shell.engine.default_graph()
    if not graph.get_operations():
        raise CommandError("the default graph is empty: build something first")
    scope = args.strip().strip("/")
    ops = graph.get_operations()
    if scope:
        ops = [op for op in ops if op.name == scope or op.name.startswith(scope + "/")]
        if not ops:
            raise CommandError(f"no scope or op named {scope!r}; :ops lists the names")
    last = shell.steps[-1] if shell.steps else None
    lines = draw_for_terminal(ops, step_states(last, graph), expanded_scope=scope or None,
                              width=shell.width)
    title = Styled().add(f"{shell.engine.graph_name(graph)}: {count_of(len(ops), 'op')}",
                         "heading")
    if last is not None and last.graph is graph:
        title.add(f"; marked: step {last.number}", "dim")
    picture = Styled(title.fragments)
    for runs in lines:
        picture.add("\n").extend(Styled(runs))
    shell.emit("graph", picture, ops)
