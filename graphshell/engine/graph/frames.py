"""Control-flow frames: the cond branches and while loops ops are built in.

Every op records the context it was built in (`op._control_flow_context`): None at the top of
the graph, else a cond branch or a while loop, each knowing its enclosing context (`outer`).
`ControlFlowContext` is what both kinds share, `CondBranch` and `WhileLoop` what each holds;
the functions below are the only walks up the chain of contexts. Each walk is a loop over that
chain, so its cost is the nesting depth, never the size of the graph.

The contexts that build a cond or a loop live beside its ops and subclass these
(`ops.control_flow.CondContext`, `ops.while_loop.WhileContext`): routing a value in makes a
Switch or Enter op, which this layer cannot build. What they hold is defined here, so that the
executor, the loop runner and the tools, below or beside the op library, can read it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from .operation import Operation
    from .tensor import Tensor


class Graph(Protocol):
    """What contexts need of their graph (graph.py imports this module, so no import back)."""

    _control_flow_context: ControlFlowContext | None

    def control_dependencies(self, control_inputs) -> AbstractContextManager: ...

ENTER_TYPES = ("Enter", "RefEnter")  # the ops that bring a value into a while loop's frame


class ControlFlowContext:
    """What a cond branch and a while loop share: where they sit, what they hold, and how
    values from outside are routed in.

    A context's `outer` is the graph's current context when it is created. While it is current
    itself, the graph passes each new op's inputs through `process_inputs` (routing outside
    values in, by the subclass's `_route_in`) and then hands the op to `record`.
    """

    # a while loop (True) or a cond branch (False); isinstance(context, WhileLoop) says the same
    is_while: ClassVar[bool] = False

    def __init__(self, graph: Graph, name: str):
        self.graph = graph
        self.name = name  # the name scope its ops are built in, with a trailing '/'
        self.outer: ControlFlowContext | None = graph._control_flow_context
        self.values: set = set()  # tensors usable inside as they are
        self.external: dict = {}  # outside tensor -> the tensor that routes it in
        self.ops: set = set()  # the ops built in this context (not in inner ones)
        # what this context's ops without inputs wait for, so that they die with it
        self.pivot: Tensor | None = None

    @property
    def label(self) -> str:
        """The name without the trailing '/', for messages."""
        return self.name.rstrip("/")

    def as_current(self) -> contextlib.AbstractContextManager:
        """Inside the block, new ops of the graph are built in this context."""
        return building_in(self.graph, self)

    def add_value(self, tensor: Tensor) -> Tensor:
        """`tensor` as ops of this context must read it: routed in once if it comes from
        outside, as it is if it was made inside."""
        routed = self.external.get(tensor)
        if routed is not None:
            return routed
        if tensor in self.values:
            return tensor
        routed = self.external[tensor] = self._route_in(tensor)
        return routed

    def process_inputs(self, inputs) -> tuple:
        """The inputs of a new op of this context, each as `add_value` gives it."""
        return tuple(self.add_value(tensor) for tensor in inputs)

    def record(self, op: Operation) -> None:
        """Called by the graph for each op created in this context."""
        self.ops.add(op)

    def _route_in(self, tensor: Tensor) -> Tensor:
        """A tensor of this context carrying outside `tensor` (a Switch or Enter output)."""
        raise NotImplementedError

    def _as_outer_sees(self, tensor: Tensor) -> Tensor:
        """`tensor` as the enclosing context reads it (routed into it first if need be)."""
        return self.outer.add_value(tensor) if self.outer is not None else tensor

    @contextlib.contextmanager
    def _building_outside(self) -> Iterator[None]:
        """Inside the block, new ops are built in the enclosing context with no control
        dependencies: the op routing a value in stands at the context's edge, outside it."""
        with self.graph.control_dependencies(None):  # (this restores the context afterwards)
            self.graph._control_flow_context = self.outer
            yield

    def _wait_for_pivot(self, op: Operation, pivot: Operation) -> None:
        """Makes `op` wait for `pivot`, unless it already waits for an op of this context (which
        itself waits, directly or not, for the pivot)."""
        if any(control in self.ops for control in op._control_inputs):
            return
        op._control_inputs.append(pivot)
        pivot._control_outputs.append(op)


class CondBranch(ControlFlowContext):
    """One branch of a tf.cond: its ops run only in steps where the predicate picks it."""

    pivot: Tensor  # live only when this branch is taken

    def __init__(self, graph: Graph, name: str, pred: Tensor, pivot: Tensor, branch: int):
        super().__init__(graph, name)
        self.pred = pred  # the cond's predicate, as the branch's Switch ops read it
        self.pivot = pivot
        self.branch = branch  # 1: the true branch, 0: the false one (Switch's output index)


class WhileLoop(ControlFlowContext):
    """One while loop: the ops of its frame, which run again on every pass, and where values
    come in and go out."""

    is_while = True

    def __init__(self, graph: Graph, name: str):
        super().__init__(graph, name)
        self.loop_enters: list[Operation] = []  # the loop variables' Enters
        self.constant_enters: list[Operation] = []  # outside values every pass reads as they are
        self.merges: list[Operation] = []  # each loop variable: its first or its next value
        self.loop_cond: Operation | None = None  # whether another pass runs
        self.next_iterations: list[Operation] = []  # the body's results, for the next pass
        self.exits: list[Operation] = []  # the loop variables' final values
        self.pivot_for_pred: Tensor | None = None  # what the condition's input-less ops wait for
        self.gradient_state: Any = None  # set when tf.gradients differentiates this loop
        self.counter: Any = None  # the iteration counter tf.gradients adds (once)
        self.back_prop = True  # False: tf.gradients lets nothing through the loop
        self.body_result_type: type = tuple  # the body's result, packing the Exits as TF does

    def publish_exits(self, exits) -> None:
        """The loop's results are usable as they are by the enclosing context, and, when that
        is a cond branch, by the contexts around it up to the next while loop (as the branch's
        own values are)."""
        for context in enclosing_contexts(self.outer):
            context.values.update(exits)
            if isinstance(context, WhileLoop):
                break


@contextlib.contextmanager
def building_in(graph: Graph, context: ControlFlowContext | None) -> Iterator[None]:
    """Inside the block, new ops of `graph` are built in `context` (None: outside every
    cond and while loop); the current context is restored afterwards."""
    saved = graph._control_flow_context
    graph._control_flow_context = context
    try:
        yield
    finally:
        graph._control_flow_context = saved


# -- walking the chain of contexts -------------------------------------------------------------
def enclosing_contexts(context: ControlFlowContext | None) -> Iterator[ControlFlowContext]:
    """`context` and the contexts around it, innermost first."""
    while context is not None:
        yield context
        context = context.outer


def contexts_of(op: Operation) -> Iterator[ControlFlowContext]:
    """The cond branches and while loops `op` was built in, innermost first."""
    return enclosing_contexts(op._control_flow_context)


def innermost_while_loop(context: ControlFlowContext | None) -> WhileLoop | None:
    """The while loop that is or encloses `context`, or None."""
    while context is not None:
        if isinstance(context, WhileLoop):
            return context
        context = context.outer
    return None


def while_loop_of(op: Operation) -> WhileLoop | None:
    """The innermost while loop `op` belongs to, or None (TF's GetContainingWhileContext)."""
    return innermost_while_loop(op._control_flow_context)


def while_loops_of(op: Operation) -> list[WhileLoop]:
    """The while loops around `op`, outermost first: its nesting of frames at run time."""
    loops = [context for context in contexts_of(op) if isinstance(context, WhileLoop)]
    loops.reverse()
    return loops


def outermost_while_loop_of(op: Operation, within: ControlFlowContext | None = None
                            ) -> WhileLoop | None:
    """The outermost while loop holding `op` that is nested inside `within` (a context around
    `op`; None: the top of the graph), or None if there is none."""
    outermost = None
    context = op._control_flow_context
    while context is not None and context is not within:
        if isinstance(context, WhileLoop):
            outermost = context
        context = context.outer
    return outermost


def cond_branch_of(op: Operation, within: ControlFlowContext | None = None
                   ) -> CondBranch | None:
    """The innermost cond branch holding `op` that is nested inside `within` (a context around
    `op`; None: the top of the graph), or None if there is none."""
    for context in contexts_of(op):
        if context is within:
            return None
        if isinstance(context, CondBranch):
            return context
    return None


def is_within(op: Operation, context: ControlFlowContext) -> bool:
    """Whether `op` was built in `context` or in a context nested inside it."""
    return any(around is context for around in contexts_of(op))


# -- which contexts an op may read from (TF's CheckInputFromValidContext) ----------------------
def output_context(op: Operation) -> ControlFlowContext | None:
    """Where `op`'s outputs are usable: an Exit's outputs belong to the loop's enclosing context."""
    context = op._control_flow_context
    if context is not None and op.type == "Exit":
        context = context.outer
    return context


def check_input_context(op_type: str, op_name: str, context: ControlFlowContext | None,
                        input_op: Operation) -> None:
    """Refuses, as TF does when the op is built, an input made inside a while loop that the new
    op (built in `context`) cannot see: from outside the loop, or from another loop."""
    input_context = output_context(input_op)
    if input_context is None or input_context is context:
        return
    loop = innermost_while_loop(context)
    input_loop = innermost_while_loop(input_context)
    if loop is None:
        if input_loop is None or op_type in ENTER_TYPES or op_type in ("Switch", "RefSwitch"):
            return
        problem = f"'{input_op.name}' is in a while loop"
    else:
        if input_loop is None or _loop_may_read(loop, input_loop):
            return
        problem = "they are in different while loops"
    raise ValueError(f"Cannot use '{input_op.name}' as input to '{op_name}' because {problem}. "
                     "See info log for more details.")


def _loop_may_read(loop: WhileLoop, input_loop: WhileLoop) -> bool:
    """Whether ops of `loop` may read values of `input_loop`: it encloses `loop`, or the two are
    a forward loop and its gradient loop (TF's cases, nested gradient loops included)."""
    if _encloses(input_loop, loop):
        return True
    forward = _forward_of(loop)
    if forward is not None and (_encloses(input_loop, forward) or forward is input_loop.outer):
        return True
    input_forward = _forward_of(input_loop)
    if input_forward is None:
        return False
    return input_forward is loop or _forward_of(input_forward) is loop


def _forward_of(loop: WhileLoop) -> WhileLoop | None:
    state = loop.gradient_state
    return state.forward if state is not None else None


def _encloses(outer: ControlFlowContext, context: ControlFlowContext | None) -> bool:
    return any(around is outer for around in enclosing_contexts(context))


__all__ = ["ENTER_TYPES", "ControlFlowContext", "CondBranch", "WhileLoop", "building_in",
           "enclosing_contexts", "contexts_of", "innermost_while_loop", "while_loop_of",
           "while_loops_of", "outermost_while_loop_of", "cond_branch_of", "is_within",
           "output_context", "check_input_context"]
