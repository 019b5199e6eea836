"""Gradients through tf.while_loop, built as TF1 builds them: a gradient loop that runs the
body's gradient once per forward iteration, in reverse.

The forward loop gains a counter (how many iterations ran) and, for every forward value the
gradient body reads, a stack: StackPushV2 in the forward loop saves the value each iteration,
StackPopV2 in the gradient loop takes them back last-first. Values that entered the forward
loop as constants are read directly. Gradients of loop variables flow backwards through the
gradient loop's variables; gradients of captured tensors are summed over the iterations.
"""

from __future__ import annotations

from ..graph import dtypes
from ..graph.build import OpScope, make_op
from ..graph.convert import constant
from ..graph.frames import ENTER_TYPES, building_in, cond_branch_of, is_within
from ..ops import array_ops, control_flow, input_ops, logic_ops, math_ops
from ..ops.while_loop import gradient_while_loop

_TRAINABLE = {dtypes.float16, dtypes.float32, dtypes.float64, dtypes.complex64,
              dtypes.complex128}


def is_trainable(tensor) -> bool:
    return tensor.dtype.base_dtype in _TRAINABLE


class GradientState:
    """Routes the gradient loop's reads of forward values: constants directly, per-iteration
    values through one stack each."""

    def __init__(self, forward):
        self.forward = forward
        self.graph = forward.graph
        self.counter = _forward_counter(forward)
        self._popped = {}
        self._pivots = {}
        self._pushed = None  # the ControlTrigger that pulls every push into a step
        self.popped = None  # the ControlTrigger after every pop of a gradient iteration

    def owns(self, tensor) -> bool:
        """Whether `tensor` is made in the forward loop (or in a context inside it)."""
        return is_within(tensor.op, self.forward)

    def real_value(self, tensor, grad_context):
        """What the gradient loop reads for forward `tensor` in the matching iteration."""
        value = self._popped.get(tensor)
        if value is None:
            value = self._popped[tensor] = self._read(tensor, grad_context)
        return value

    def _read(self, tensor, grad_context):
        source = tensor.op
        if source.type in ENTER_TYPES and source.attrs.get("is_constant"):
            return grad_context.add_value(source._inputs[0])
        stack = self._stack_for(tensor)
        branch = _pred_and_branch(source, self.forward)
        branch_pivot = self._branch_pivot(*branch, grad_context) if branch else None
        with self.graph.control_dependencies(None), grad_context.as_current():
            pop = make_op("StackPopV2", [stack], "StackPopV2",
                          {"elem_type": tensor.dtype.base_dtype, "_shape": tensor._shape})
        if branch_pivot is not None:
            _run_before(branch_pivot, pop)  # pop only where the forward branch pushed
        _run_before(pop, self._pop_trigger(grad_context))
        return pop._outputs[0]

    def _pop_trigger(self, grad_context):
        """A ControlTrigger after every pop of a gradient iteration (TF's b_sync); the
        gradient loop's count waits for it, so one iteration's pops all run before the next
        one's even when TF's executor runs iterations in parallel."""
        if self.popped is None:
            with self.graph.control_dependencies(None), grad_context.as_current():
                self.popped = make_op("ControlTrigger", [], "b_sync")
        return self.popped

    def _branch_pivot(self, forward_pred, branch, grad_context):
        """An op of the gradient loop that runs exactly in the iterations where the forward
        loop took `branch` (0 or 1) of the cond on `forward_pred`."""
        pivot = self._pivots.get((forward_pred, branch))
        if pivot is None:
            pred = self.real_value(forward_pred, grad_context)
            with self.graph.control_dependencies(None), grad_context.as_current():
                taken = control_flow.switch(pred, pred)[branch]
                pivot = array_ops.identity(taken, "branch_taken").op
            self._pivots[(forward_pred, branch)] = pivot
        return pivot

    def _stack_for(self, tensor):
        """A stack made at the top of the graph, and a push of `tensor` in the forward loop."""
        graph = self.graph
        with graph.control_dependencies(None):  # (this also leaves every context)
            with OpScope(None, "StackV2", []) as scope:  # TF's StackV2 takes a max_size input
                max_size = constant(-1, dtype=dtypes.int32, name="max_size")
                stack = make_op("StackV2", [max_size], scope,
                                {"elem_type": tensor.dtype.base_dtype})
            with self.forward.as_current(), graph.name_scope(self.forward.name):
                push = make_op("StackPushV2", [stack._outputs[0], tensor], "StackPushV2")
        _run_before(push, self._push_trigger())
        # and after this iteration's count, as TF orders them: with the counter waiting for
        # the pushes, one iteration's pushes all run before the next one's (TF's executor
        # runs parallel iterations, so a push that does not wait could run out of order)
        _run_before(self.counter.current, push)
        return stack._outputs[0]

    def _push_trigger(self):
        """A ControlTrigger the counter waits for, after every push. Pushes inside a cond
        branch run only when it is taken, so the counter must not wait for them to run."""
        if self._pushed is None:
            graph = self.graph
            with graph.control_dependencies(None), graph.name_scope(self.forward.name), \
                    self.forward.as_current():
                self._pushed = make_op("ControlTrigger", [], "pushed")
            _run_before(self._pushed, self.counter.next_iteration)
        return self._pushed


def _pred_and_branch(op, frame):
    """(pred, branch) of the innermost cond branch whose values `op` makes inside while loop
    `frame`, or None. A Switch bringing a value into a branch belongs to that branch."""
    if "_branch" in op.attrs:
        return op.attrs["_pred"], op.attrs["_branch"]
    branch = cond_branch_of(op, within=frame)
    return (branch.pred, branch.branch) if branch is not None else None


def _run_before(op, later) -> None:
    """`later` waits for `op`; pulling the counter into a step pulls every push with it."""
    later._control_inputs.append(op)
    op._control_outputs.append(later)
    later._graph._structure_changed()


class _Counter:
    def __init__(self, exit_value, next_iteration, current):
        self.exit = exit_value
        self.next_iteration = next_iteration
        self.current = current  # the count inside the body: each iteration's pushes wait for it


def _forward_counter(forward):
    """A loop variable counting the forward loop's iterations (built once per loop)."""
    if forward.counter is not None:
        return forward.counter
    graph = forward.graph
    with graph.control_dependencies(None), graph.name_scope(forward.name):
        with building_in(graph, forward.outer):
            start = constant(0, name="f_count_start")
            entered = forward.add_enter(start, is_constant=False)
        with forward.as_current():
            merged = control_flow.merge([entered, entered], name="f_count")[0]
            low, high = control_flow.switch(merged, forward.loop_cond._outputs[0])
            current = array_ops.identity(high)
            counted = math_ops.add(current, 1)
            next_iteration = make_op("NextIteration", [counted], "NextIteration")
            exit_op = make_op("Exit", [low], "Exit")
    merge_op = merged.op
    entered._consumers.remove(merge_op)
    merge_op._inputs = (entered, next_iteration._outputs[0])
    next_iteration._outputs[0]._consumers.append(merge_op)
    forward.publish_exits([exit_op._outputs[0]])
    graph._structure_changed()
    forward.counter = _Counter(exit_op._outputs[0], next_iteration, current.op)
    return forward.counter


def loop_gradients(frame, exit_grads, needed_enters, gradients_of_body):
    """[(tensor outside the loop, its gradient)] for the loop's entered tensors in
    `needed_enters`, given the gradients of its Exits. `gradients_of_body(ys, xs, grad_ys)`
    differentiates the body (the caller's tf.gradients machinery, limited to this frame)."""
    loop_vars = [i for i, enter in enumerate(frame.loop_enters) if is_trainable(enter._outputs[0])]
    captured = [enter for enter in frame.constant_enters
                if enter in needed_enters and is_trainable(enter._outputs[0])]
    if not loop_vars and not captured:
        return []
    state = GradientState(frame)
    starts = [exit_grads[i] if exit_grads[i] is not None
              else input_ops.zeros_like(frame.exits[i]._outputs[0]) for i in loop_vars]
    totals = [input_ops.zeros_like(enter._inputs[0]) for enter in captured]
    body_results = [frame.next_iterations[i]._inputs[0] for i in loop_vars]
    body_inputs = [_body_input(frame, i) for i in loop_vars]
    invariants = [enter._outputs[0] for enter in captured]
    count = len(loop_vars)

    def cond(remaining, *_):
        return logic_ops.greater(remaining, 0)

    def body(remaining, *carried):
        grads, sums = carried[:count], carried[count:]
        found = gradients_of_body(body_results, body_inputs + invariants, list(grads))
        new_grads = [g if g is not None else input_ops.zeros_like(old)
                     for g, old in zip(found[:count], grads)]
        new_sums = [total if g is None else math_ops.add(total, g)
                    for g, total in zip(found[count:], sums)]
        next_remaining = math_ops.subtract(remaining, 1)
        if state.popped is not None:
            _run_before(state.popped, next_remaining.op)
        return [next_remaining] + new_grads + new_sums

    exits = gradient_while_loop(cond, body, [state.counter.exit] + starts + totals, state)
    results = []
    for i, grad in zip(loop_vars, exits[1:1 + count]):
        if frame.loop_enters[i] in needed_enters:
            results.append((frame.loop_enters[i]._inputs[0], grad))
    for enter, grad in zip(captured, exits[1 + count:]):
        results.append((enter._inputs[0], grad))
    return results


def _body_input(frame, index):
    """The body's view of loop variable `index`: the Identity after its Switch."""
    switch = frame.merges[index]._outputs[0]._consumers
    for op in switch:
        if op.type in ("Switch", "RefSwitch"):
            for consumer in op._outputs[1]._consumers:
                if consumer.type == "Identity":
                    return consumer._outputs[0]
    raise LookupError(f"while loop {frame.label} has no body input for variable {index}")
