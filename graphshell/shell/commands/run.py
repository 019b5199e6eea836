""":eval and :run, the interactive forms of `t.eval()` and `tf.get_default_session().run()`."""

from __future__ import annotations

import re
from typing import Any

from ..arguments import is_tensor_name, split_expressions, split_feeds
from ..python_exec import structure_eval_hint
from ..report import count_of
from .table import CommandError, command

# An op name as TF allows it (`add_199`, `gradients/AddN`, `while/Enter-1`), or a tensor name.
_GRAPH_NAME = re.compile(r"[A-Za-z0-9.][\w.\-/]*(:\d+)?")


@command("eval", ":eval EXPR [--feed KEY=VALUE ...]", completes="value")
def eval_command(shell, args):
    """Evaluate one tensor in one step: exactly `EXPR.eval(feed_dict)`.

    EXPR is any Python expression (a tensor, a variable) or a graph name (add_1, add_1:0).
    Like Tensor.eval(), it takes one tensor: give several to :run instead, which fetches them
    all in a single step.
    Example: :eval y --feed x=[1, 2]
    """
    head, feeds = split_feeds(args)
    if not head:
        raise CommandError("usage: :eval EXPR [--feed KEY=VALUE ...]")
    expressions = split_expressions(head)
    if len(expressions) > 1:
        raise CommandError(f":eval takes one tensor, got {len(expressions)}; use :run "
                           f"{head} to fetch them in one step")
    value = argument_value(shell, expressions[0])
    if isinstance(value, (list, tuple, dict)):
        raise AttributeError(f"'{type(value).__name__}' object has no attribute 'eval' "
                             f"({structure_eval_hint(expressions[0], value)})")
    evaluate = getattr(value, "eval", None)
    if evaluate is None:
        raise AttributeError(f"'{type(value).__name__}' object has no attribute 'eval' "
                             "(only tensors and variables have eval(); operations have run())")
    feeds = feed_dict(shell, feeds)
    if feeds is None:
        evaluate()
    elif hasattr(value, "_graphshell_tensor"):
        raise CommandError("a variable's eval() takes no feeds; use :run to feed")
    else:
        evaluate(feed_dict=feeds)


@command("run", ":run EXPR [EXPR ...] [--feed KEY=VALUE ...]", completes="value")
def run_command(shell, args):
    """Fetch every EXPR in one step: exactly `tf.get_default_session().run([EXPR, ...])`.

    One EXPR is run as given, `run(EXPR)`, so a list or dict of tensors comes back as one;
    several are fetched as a list. Shared ops run once. EXPRs are Python expressions or graph
    names (add_1, add_1:0), separated by spaces (wrap one in parentheses if it has spaces).
    Feeds: --feed KEY=VALUE, where KEY is a tensor (or its name, like x:0) and VALUE any
    Python expression.
    Example: :run tu ut
    """
    head, feeds = split_feeds(args)
    if not head:
        raise CommandError("usage: :run EXPR [EXPR ...] [--feed KEY=VALUE ...]")
    fetches = [argument_value(shell, expression) for expression in split_expressions(head)]
    session = shell.engine.default_session()
    if session is None:
        raise CommandError("no default session: create one (sess = tf.InteractiveSession()) "
                           "or make one default with :enter SESSION")
    session.run(fetches[0] if len(fetches) == 1 else fetches,
                feed_dict=feed_dict(shell, feeds))


def feed_dict(shell, feeds):
    """{key: value} from (key text, value text) pairs; keys are Python or graph names."""
    if not feeds:
        return None
    result = {}
    for key_text, value_text in feeds:
        result[argument_value(shell, key_text)] = shell.evaluate(value_text)
    return result


def argument_value(shell, text: str) -> Any:
    """What a command argument stands for: its value as a Python expression or, when no
    Python name of that spelling exists, the element of the session's graph it names: the
    tensor `add_1:0`, or for an op name its first output (as TF's feeds name it), or the op
    itself if it has no outputs (an initializer, say)."""
    if is_tensor_name(text):
        return _graph_element(shell.engine, text)
    try:
        return shell.evaluate(text)
    except NameError:
        if not _GRAPH_NAME.fullmatch(text):
            raise
        return _graph_element(shell.engine, text)


def _graph_element(engine, name: str):
    session = engine.default_session()
    graph = session.graph if session is not None else engine.default_graph()
    op_name, _, index = name.partition(":")
    op = engine.op_named(graph, op_name)
    if op is None:
        raise CommandError(f"{op_name!r} is neither a Python name nor an op of "
                           f"{engine.graph_name(graph)}; "
                           ":ops lists the ops")
    if not op.outputs and not index:
        return op
    position = int(index or 0)
    if position >= len(op.outputs):
        raise CommandError(f"op {op_name!r} has {count_of(len(op.outputs), 'output')}, so "
                           f"there is no {name!r}")
    return op.outputs[position]
