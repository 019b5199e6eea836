""":eval and :run, the interactive forms of `t.eval()` and `tf.get_default_session().run()`."""

from __future__ import annotations

from ...engine.graph import stacks
from ..arguments import is_tensor_name, split_expressions, split_feeds
from .table import CommandError, command


@command("eval", ":eval EXPR [--feed KEY=VALUE ...]")
def eval_command(shell, args):
    """Evaluate one tensor in one step: exactly `EXPR.eval(feed_dict)`.

    EXPR is any Python expression (a tensor, a variable). Like Tensor.eval(), it takes one
    tensor: give several to :run instead, which fetches them all in a single step.
    Example: :eval y --feed x=[1, 2]
    """
    head, feeds = split_feeds(args)
    if not head:
        raise CommandError("usage: :eval EXPR [--feed KEY=VALUE ...]")
    expressions = split_expressions(head)
    if len(expressions) > 1:
        raise CommandError(f":eval takes one tensor, got {len(expressions)}; use :run "
                           f"{head} to fetch them in one step")
    value = shell.evaluate(expressions[0])
    if isinstance(value, (list, tuple, dict)):
        raise AttributeError(f"'{type(value).__name__}' object has no attribute 'eval' "
                             f"(eval() takes one tensor; :run {head} fetches a "
                             f"{type(value).__name__} in one step)")
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


@command("run", ":run EXPR [EXPR ...] [--feed KEY=VALUE ...]")
def run_command(shell, args):
    """Fetch every EXPR in one step: exactly `tf.get_default_session().run([EXPR, ...])`.

    Shared ops run once. EXPRs are Python expressions separated by spaces (wrap one in
    parentheses if it has spaces). Feeds: --feed KEY=VALUE, where KEY is a tensor (or its
    name, like x:0) and VALUE any Python expression.
    Example: :run tu ut
    """
    head, feeds = split_feeds(args)
    if not head:
        raise CommandError("usage: :run EXPR [EXPR ...] [--feed KEY=VALUE ...]")
    fetches = [shell.evaluate(expression) for expression in split_expressions(head)]
    session = stacks.get_default_session()
    if session is None:
        raise CommandError("no default session: create one (sess = tf.InteractiveSession()) "
                           "or make one default with :enter SESSION")
    session.run(fetches, feed_dict=feed_dict(shell, feeds))


def feed_dict(shell, feeds):
    """{key: value} from (key text, value text) pairs; keys are Python or tensor names."""
    if not feeds:
        return None
    result = {}
    for key_text, value_text in feeds:
        result[_feed_key(shell, key_text)] = shell.evaluate(value_text)
    return result


def _feed_key(shell, text):
    if is_tensor_name(text):
        return text
    try:
        return shell.evaluate(text)
    except NameError:
        if text.replace("/", "").replace("_", "").isalnum():
            return text + ":0"
        raise CommandError(f"unknown feed key {text!r}: use a tensor variable or a tensor "
                           "name like x:0") from None
