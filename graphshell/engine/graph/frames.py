"""Control-flow frames: the cond branches and while loops ops are built in."""

from __future__ import annotations

ENTER_TYPES = ("Enter", "RefEnter")  # the ops that bring a value into a while loop's frame


def frame_of(op):
    """The innermost while loop an op belongs to, or None."""
    context = op._control_flow_context
    while context is not None and not getattr(context, "is_while", False):
        context = context.outer
    return context
