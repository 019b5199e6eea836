"""While-loop frames of imported ops, rebuilt from their Enter ops' `frame_name` attrs.

A GraphDef keeps no control-flow contexts; TF's executor finds each op's frame as data and
control edges lead there: an Enter's consumers run in the child frame its `frame_name` names,
an Exit's consumers in the frame around its own, every other op's consumers in its frame.
`rebuild_while_frames` does the same over the imported ops (in an order where every input but
a loop's back edge comes first), and gives each op the `WhileLoop` the executor runs it in:
the loop's Enters, Merges, LoopCond, NextIterations and Exits, nested loops inside their outer
loop. Cond branches need no context to run (their dead values decide), so none is made.
"""

from __future__ import annotations

from .frames import ENTER_TYPES, ControlFlowContext, WhileLoop, output_context
from .operation import Operation

_FRAME_SUFFIX = "while_context"  # TF names a loop's frame after its scope: `while/while_context`
_EXIT_TYPES = ("Exit", "RefExit")
_NEXT_ITERATION_TYPES = ("NextIteration", "RefNextIteration")


def rebuild_while_frames(graph, ordered_ops: list[Operation],
                         outer: ControlFlowContext | None) -> list[WhileLoop]:
    """Sets `_control_flow_context` of each of `ordered_ops` (imported in that order inside
    `outer`) to the while loop it runs in, or `outer`; returns the loops made."""
    if not any(op.type in ENTER_TYPES for op in ordered_ops):
        return []
    loops: dict[tuple[int, str], WhileLoop] = {}
    made: list[WhileLoop] = []
    own: set[WhileLoop] = set()
    for op in ordered_ops:
        if op.type in ENTER_TYPES:
            parent = _source_frame(op, outer)
            key = (id(parent), _frame_name(op))
            loop = loops.get(key)
            if loop is None:
                loop = loops[key] = _new_loop(graph, _frame_name(op), parent)
                made.append(loop)
                own.add(loop)
            _add_enter(loop, op)
            op._control_flow_context = loop
            continue
        op._control_flow_context = _source_frame(op, outer)
        loop = op._control_flow_context
        if isinstance(loop, WhileLoop) and loop in own:
            _add_member(loop, op)
    for loop in made:
        _check_complete(loop)
    return made


def _frame_name(op: Operation) -> str:
    name = op.attrs.get("frame_name", b"")
    return name.decode() if isinstance(name, bytes) else str(name)


def _source_frame(op: Operation, outer: ControlFlowContext | None) -> ControlFlowContext | None:
    """The frame `op` runs in: that of its first input (a data input, else a control one) as
    that input's op hands its outputs on; `outer` for an op reading nothing."""
    for tensor in op._inputs:
        if tensor.op.type not in _NEXT_ITERATION_TYPES:  # a back edge comes from the same frame
            return output_context(tensor.op)
    for control in op._control_inputs:
        return output_context(control)
    return outer


def _new_loop(graph, frame_name: str, parent: ControlFlowContext | None) -> WhileLoop:
    scope = frame_name[:-len(_FRAME_SUFFIX)] if frame_name.endswith(_FRAME_SUFFIX) else \
        frame_name + "/"
    loop = WhileLoop(graph, scope)
    loop.outer = parent
    loop.back_prop = False  # no gradient state is rebuilt for an imported loop
    return loop


def _add_enter(loop: WhileLoop, op: Operation) -> None:
    loop.ops.add(op)
    loop.values.update(op._outputs)
    (loop.constant_enters if op.attrs.get("is_constant") else loop.loop_enters).append(op)


def _add_member(loop: WhileLoop, op: Operation) -> None:
    loop.ops.add(op)
    loop.values.update(op._outputs)
    if op.type == "LoopCond":
        loop.loop_cond = op
    elif op.type in _NEXT_ITERATION_TYPES:
        loop.next_iterations.append(op)
    elif op.type in _EXIT_TYPES:
        loop.exits.append(op)
    elif op.type == "Merge" and any(t.op.type in _NEXT_ITERATION_TYPES for t in op._inputs):
        loop.merges.append(op)


def _check_complete(loop: WhileLoop) -> None:
    """A frame the executor can run has its LoopCond (a GraphDef cut out of a loop has not)."""
    if loop.loop_cond is None:
        raise ValueError(f"while loop frame '{loop.name}{_FRAME_SUFFIX}' of the GraphDef has no "
                         f"LoopCond node: the loop is incomplete and cannot be imported")
