"""Default stacks (TF's DefaultStack) kept in the current EngineContext, the default-session
stack, and the helpers `Tensor.eval` and `Operation.run` use (TF keeps them beside the
default-session stack too)."""

from __future__ import annotations

from .context import current_context


class DefaultStack:
    """A LIFO stack of defaults; leaving out of order is an AssertionError. The list lives in
    the current EngineContext under `field`, so it is per thread unless a shell installs its
    context."""

    __slots__ = ("_field",)

    def __init__(self, field: str):
        self._field = field

    @property
    def stack(self) -> list:
        return getattr(current_context(), self._field)

    @stack.setter
    def stack(self, value: list) -> None:
        setattr(current_context(), self._field, value)

    def get_default(self):
        stack = self.stack
        return stack[-1] if stack else None

    def is_cleared(self) -> bool:
        return not self.stack

    def reset(self) -> None:
        self.stack = []

    def get_controller(self, default):
        """A context manager that pushes `default` for the duration of a `with` block."""
        return _Controller(self, default)

    def pop(self, expected) -> None:
        stack = self.stack
        if stack and stack[-1] is expected:
            stack.pop()
            return
        raise AssertionError(
            f"Nesting violated for default stack of {type(expected)} objects")


class _Controller:
    """One `with x.as_default():` block; may be entered again after it was left. Leaving it
    twice does nothing the second time, even when the first time failed on a nesting
    violation (TF's generator-based blocks are spent either way)."""

    __slots__ = ("_stack", "_default", "_inside")

    def __init__(self, stack: DefaultStack, default):
        self._stack = stack
        self._default = default
        self._inside = False

    def __enter__(self):
        self._stack.stack.append(self._default)
        self._inside = True
        return self._default

    def __exit__(self, *exc_info):
        if self._inside:
            self._inside = False
            self._stack.pop(self._default)
        return False


default_session_stack = DefaultStack("session_stack")


def get_default_session():
    """The innermost default session of the current context, or None (there is no global
    fallback)."""
    return default_session_stack.get_default()


# -- Tensor.eval and Operation.run ----------------------------------------------------------
# TF words the two cases slightly differently (backticks, colon); kept as TF prints them.
_EVAL_WORDS = {"verb": "evaluate tensor using `eval()`", "act": "evaluate tensor",
               "thing": "tensor's", "with": "`with sess.as_default()`",
               "call": "`eval(session=sess)`", "other_call": "`eval(session=sess)`"}
_RUN_WORDS = {"verb": "execute operation using `run()`", "act": "execute operation",
              "thing": "operation's", "with": "`with sess.as_default():`",
              "call": "`run(session=sess)`", "other_call": "run(session=sess)"}


def _session_for(graph, session, words):
    """The session eval()/run() uses, with TF's errors."""
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError(f"Cannot {words['verb']}: No default session is registered. Use "
                             f"{words['with']} or pass an explicit session to {words['call']}")
        if session.graph is not graph:
            raise ValueError(f"Cannot use the default session to {words['act']}: the "
                             f"{words['thing']} graph is different from the session's graph. "
                             f"Pass an explicit session to {words['other_call']}.")
    elif session.graph is not graph:
        raise ValueError(f"Cannot use the given session to {words['act']}: the "
                         f"{words['thing']} graph is different from the session's graph.")
    return session


def eval_using_default_session(tensors, feed_dict, graph, session=None):
    """`session.run(tensors, feed_dict)` on the given or the default session (`Tensor.eval`)."""
    session = _session_for(graph, session, _EVAL_WORDS)
    return session._run(tensors, feed_dict, None, None, origin="eval")


def run_using_default_session(operation, feed_dict, graph, session=None) -> None:
    """`session.run(operation, feed_dict)` on the given or the default session (`Operation.run`)."""
    session = _session_for(graph, session, _RUN_WORDS)
    session._run(operation, feed_dict, None, None, origin="op.run")


def default_session_snapshot():
    """The default-session stack of the current context, innermost first."""
    return list(reversed(default_session_stack.stack))
