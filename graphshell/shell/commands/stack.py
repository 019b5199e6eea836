""":stack, :enter and :exit: the default-session and default-graph stacks, made visible."""

from __future__ import annotations

from ..report import count_of, with_article
from ..styled import Styled
from .table import CommandError, command


def stack_view(shell, compact: bool = False) -> Styled:
    """The default-session stack (top first), the default-graph stack, and other sessions.
    `compact` gives the narrow form the explorer's side panel uses."""
    if compact:
        return _compact_stack_view(shell)
    naming, engine = shell.naming, shell.engine
    sessions = engine.session_stack()
    out = Styled().add("default-session stack (top first):", "heading")
    if not sessions:
        out.add("\n  (empty: t.eval() and op.run() have no default session)", "dim")
    for depth, session in enumerate(sessions):
        out.add("\n* " if depth == 0 else "\n  ").add(naming.session_long(session),
                                                      "step.session")
        out.extend(_session_details(naming, session))
        if depth == 0:
            out.add("  <- default", "op.executed")
    out.add("\ndefault-graph stack (top first):", "heading")
    graphs = engine.graph_stack()
    for depth, graph in enumerate(graphs):
        out.add("\n* " if depth == 0 else "\n  ").add(
            f"{naming.graph(graph)}  {count_of(engine.op_count(graph), 'op')}")
        if depth == 0:
            out.add("  <- default", "op.executed")
    global_default = engine.global_graph()
    out.add("\n* " if not graphs else "\n  ").add(
        f"{naming.graph(global_default)}  {count_of(engine.op_count(global_default), 'op')}"
        "  (global)")
    if not graphs:
        out.add("  <- default", "op.executed")
    others = [s for s in naming.sessions_in_namespace() if s not in sessions]
    if others:
        out.add("\nother sessions (not default):", "heading")
        for session in others:
            out.add(f"\n  {naming.session_long(session)}").extend(
                _session_details(naming, session))
    return out


def _compact_stack_view(shell) -> Styled:
    naming, engine = shell.naming, shell.engine
    sessions = engine.session_stack()
    out = Styled().add("sessions, top first:", "heading")
    if not sessions:
        out.add("\n  (none: eval() has no default)", "dim")
    for depth, session in enumerate(sessions):
        out.add("\n* " if depth == 0 else "\n  ").add(naming.session(session), "step.session")
        closed = " closed" if engine.session_closed(session) else ""
        out.add(f" {engine.graph_name(session.graph)}{closed}")
    graphs = engine.graph_stack() + [engine.global_graph()]
    out.add("\ngraphs, top first:", "heading")
    for depth, graph in enumerate(graphs):
        global_mark = " (global)" if depth == len(graphs) - 1 else ""
        out.add("\n* " if depth == 0 else "\n  ").add(f"{naming.graph(graph)} "
                                                      f"{count_of(engine.op_count(graph), 'op')}"
                                                      f"{global_mark}")
    return out


def _session_details(naming, session) -> Styled:
    closed = naming.engine.session_closed(session)
    return Styled().add(f"  graph {naming.graph(session.graph)}  ").add(
        "closed" if closed else "open", "error" if closed else "")


@command("stack", ":stack")
def stack_command(shell, args):
    """Show the default-session stack (top first) and the default-graph stack.

    The top session is what t.eval() and op.run() use; `with sess.as_default():`, :enter and
    InteractiveSession push onto it. `with tf.Session() as s:` pushes s and its graph.
    """
    if args:
        raise CommandError(":stack takes no arguments")
    shell.emit("stack", stack_view(shell))


@command("enter", ":enter SESSION", completes="session")
def enter_command(shell, args):
    """Push SESSION as the default session, like entering `with SESSION.as_default():`.

    It stays default until :exit (which pops it). The session is not closed on :exit.
    """
    if not args:
        raise CommandError("usage: :enter SESSION (a variable holding a tf.Session)")
    session = shell.evaluate(args)
    if not shell.engine.is_session(session):
        raise CommandError(f"{args} is {with_article(type(session).__name__)}, not a "
                           "tf.Session")
    context = session.as_default()
    context.__enter__()
    shell.entered_contexts.append((session, context))
    shell.emit("note", f"{shell.naming.session_long(session)} is now the default session "
                       f"(depth {len(shell.engine.session_stack())}); :exit pops it")


@command("exit", ":exit")
def exit_command(shell, args):
    """Pop the session pushed by the last :enter, like leaving its `with` block."""
    if args:
        raise CommandError(":exit takes no arguments")
    if not shell.entered_contexts:
        raise CommandError("nothing to exit: :enter SESSION pushes a default session first")
    session, context = shell.entered_contexts[-1]
    _check_on_top(shell, session)
    context.__exit__(None, None, None)
    shell.entered_contexts.pop()
    top = shell.engine.default_session()
    now = shell.naming.session_long(top) if top is not None else "none"
    shell.emit("note", f"left {shell.naming.session_long(session)}; default session: {now}")


def _check_on_top(shell, session) -> None:
    """:exit leaves only the default session it pushed: leaving one that a later `with` or
    as_default() pushed over would break their nesting (TF's "Nesting violated"), and would
    leave `session` on the stack."""
    top = shell.engine.default_session()
    if top is session:
        return
    naming = shell.naming
    if session not in shell.engine.session_stack():
        shell.entered_contexts.pop()  # already off the stack (left another way): forget it
        raise CommandError(f"{naming.session_long(session)} is no longer on the default-session "
                           "stack; nothing was left")
    raise CommandError(f"cannot exit {naming.session_long(session)}: "
                       f"{naming.session_long(top)} was pushed over it and is the default "
                       "session; leave that one first (its `with` block or __exit__)")
