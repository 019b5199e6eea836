"""tf.while_loop with TF1's structure: each loop variable enters the loop (Enter), meets its
next value (Merge), is tested (LoopCond) and switched either into the body (Switch ->
Identity -> body -> NextIteration, back to Merge) or out of the loop (Exit).

The executor runs a loop's ops as one frame, iterating until LoopCond is false; a step
records every op of the frame that ran, and how many times.
"""

from __future__ import annotations

from ..graph import dtypes
from ..graph.build import OpScope, make_op
from ..graph.convert import constant, convert_to_tensor
from ..graph.frames import ENTER_TYPES, WhileLoop
from ..graph.graph import get_default_graph
from ..graph.operation import Operation
from ..graph.registry import NOT_DIFFERENTIABLE, define
from ..graph.shapes import as_raw_shape, shape_str, shapes_compatible
from ..graph.tensor import Tensor
from . import array_ops, control_flow, logic_ops, tensor_array_ops


def _same_as_input_keeping_refs(op):
    x = op._inputs[0]
    return [(x.dtype.base_dtype, x._shape)]


def _identity_grad(op, *grads):
    return [grads[0]]


def _same_as_input_ref(op):
    x = op._inputs[0]
    return [(x.dtype, x._shape)]


define("RefEnter", infer=_same_as_input_ref, kernel=lambda x: x, grad=_identity_grad,
       ref_inputs=(0,))


for _type in ("Enter", "Exit", "NextIteration"):
    define(_type, infer=_same_as_input_keeping_refs, kernel=lambda x: x, grad=_identity_grad)


def _infer_loop_cond(op):
    dtype = op._inputs[0].dtype.base_dtype
    if dtype != dtypes.bool_:
        raise TypeError(f"Input 'input' of 'LoopCond' Op has type {dtype.name} that does not "
                        "match expected type of bool.")
    return [(dtypes.bool_, ())]


define("LoopCond", infer=_infer_loop_cond, kernel=lambda x: x, grad=NOT_DIFFERENTIABLE)


class WhileContext(WhileLoop):
    """One while loop as it is built: outside values enter through Enter ops, and the body's
    ops with no inputs wait for the pivot, so they run once per iteration."""

    parallel_iterations = 10  # the Enter ops' attr; tf.while_loop's argument sets it

    def add_enter(self, tensor: Tensor, is_constant: bool) -> Tensor:
        """An Enter op bringing `tensor` into the loop's frame (built outside, owned inside)."""
        with self._building_outside():
            op_type = "RefEnter" if tensor.dtype.is_ref else "Enter"  # a variable stays one
            entered = make_op(op_type, [tensor], None,
                              {"frame_name": self.name + "while_context",  # as TF names it
                               "is_constant": is_constant,
                               "parallel_iterations": self.parallel_iterations})._outputs[0]
        entered.op._control_flow_context = self
        self.record(entered.op)
        (self.constant_enters if is_constant else self.loop_enters).append(entered.op)
        return entered

    def _route_in(self, tensor: Tensor) -> Tensor:
        if self.gradient_state is not None and self.gradient_state.owns(tensor):
            return self.gradient_state.real_value(tensor, self)
        return self.add_enter(self._as_outer_sees(tensor), is_constant=True)

    def record(self, op: Operation) -> None:
        super().record(op)
        self.values.update(op._outputs)
        self._mark_unreachable(op)
        if op.type not in ENTER_TYPES and self._is_loop_invariant(op):
            pivot = self.pivot if self.pivot is not None else self.pivot_for_pred
            if pivot is not None:
                self._wait_for_pivot(op, pivot.op)

    def _mark_unreachable(self, op: Operation) -> None:
        """TF's marks: no value of the frame may be fed (a fed one would stand still on every
        pass); no op may be fetched but an Enter, and the Exit of a loop at the top."""
        if op.type == "Exit" and self.outer is None:
            return
        for tensor in op._outputs:
            self.graph.prevent_feeding(tensor)
        if op.type not in ENTER_TYPES:
            self.graph.prevent_fetching(op)

    def _is_loop_invariant(self, op: Operation) -> bool:
        """An op reading only values that entered as constants (or nothing) would run on every
        pass, even the last one; tying it to the pivot makes it run once per iteration."""
        for tensor in op._inputs:
            source = tensor.op
            if source.type not in ENTER_TYPES or not source.attrs.get("is_constant"):
                return False
        return True


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """Repeats `body` while `cond` holds, on the loop variables, all within one step."""
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    single = len(control_flow._flatten(loop_vars)[0]) == 1 and not return_same_structure
    exits, rebuild, body_type = _while(cond, body, loop_vars, shape_invariants, name,
                                       back_prop=back_prop,
                                       maximum_iterations=maximum_iterations,
                                       parallel_iterations=parallel_iterations)
    if single:
        return exits[-1]  # one loop variable comes back as a tensor, as in TF
    result = rebuild(exits)
    if maximum_iterations is not None:
        return result[1]
    return _as_body_sequence(result, body_type)


def _as_body_sequence(result, body_type):
    """TF packs the exits as the body returned them: a list from a body returning a list,
    a tuple from one returning a tuple, whatever sequence the loop variables came in."""
    plain = (list, tuple)
    if type(result) in plain and body_type in plain and type(result) is not body_type:
        return body_type(result)
    return result


def _while(cond, body, loop_vars, shape_invariants, name, gradient_state=None,
           back_prop=True, maximum_iterations=None, parallel_iterations=10):
    if not control_flow._flatten(loop_vars)[0]:
        raise ValueError("'loop_vars' must be provided.")
    with OpScope(name, "while", []) as scope:
        if maximum_iterations is not None:  # the counter is made in the loop's scope, as TF
            cond, body, loop_vars, shape_invariants = _bounded(
                cond, body, loop_vars, shape_invariants, maximum_iterations)
        leaves, rebuild = _carrying_tensor_arrays(*control_flow._flatten(loop_vars))
        tensors = [convert_to_tensor(v) for v in leaves]
        invariants = _invariants(shape_invariants, len(tensors))
        graph = get_default_graph()
        context = WhileContext(graph, scope)
        context.gradient_state = gradient_state
        context.parallel_iterations = int(parallel_iterations)
        context.back_prop = bool(back_prop)
        exits = _build(graph, context, cond, body, tensors, rebuild, invariants)
        return exits, rebuild, context.body_result_type


def _carrying_tensor_arrays(leaves, rebuild):
    """A loop carries each TensorArray as its flow tensor and rebuilds it around, as TF1."""
    originals = list(leaves)
    return ([tensor_array_ops.to_loop_value(leaf) for leaf in originals],
            lambda values: rebuild([tensor_array_ops.from_loop_value(o, v)
                                    for o, v in zip(originals, values)]))


def gradient_while_loop(cond, body, loop_vars, gradient_state, name="while"):
    """A while loop whose body reads the forward loop's values through `gradient_state`."""
    forward_parallelism = getattr(gradient_state.forward, "parallel_iterations", 10)  # as TF
    exits, _, _ = _while(cond, body, loop_vars, None, name, gradient_state,
                         parallel_iterations=forward_parallelism)
    return exits


def _build(graph, context, cond, body, tensors, rebuild, invariants):
    _check_invariants(tensors, invariants)
    enters = [context.add_enter(t, is_constant=False) for t in tensors]
    for entered, invariant in zip(enters, invariants):
        if invariant is not None:
            entered._shape = invariant
    with context.as_current():
        merges = [control_flow.merge([e, e], name="Merge")[0] for e in enters]
        context.merges = [m.op for m in merges]
        context.pivot_for_pred = merges[0]
        pred = convert_to_tensor(_call(cond, rebuild(merges)))
        loop_cond = make_op("LoopCond", [pred], "LoopCond")._outputs[0]
        context.loop_cond = loop_cond.op
        switches = [_colocated_switch(m, loop_cond) for m in merges]
        identities = [array_ops.identity(s[1], name="Identity") for s in switches]
        context.pivot = identities[0]
        body_result = _call(body, rebuild(identities))
        context.body_result_type = type(body_result)
        results = _body_results(body_result, tensors)
        nexts = [make_op("NextIteration", [r], "NextIteration")._outputs[0] for r in results]
        context.next_iterations = [n.op for n in nexts]
        exits = [make_op("Exit", [s[0]], "Exit")._outputs[0] for s in switches]
        context.exits = [e.op for e in exits]
    _close_loop(graph, merges, nexts, tensors, invariants)
    context.publish_exits(exits)  # the outer frame sees the results, not the loop
    return exits


def _call(function, structure):
    if isinstance(structure, (list, tuple)) and not hasattr(structure, "_fields"):
        return function(*structure)
    return function(structure)


def _check_invariants(tensors, invariants) -> None:
    """Each shape invariant must admit its loop variable's initial shape."""
    for tensor, invariant in zip(tensors, invariants):
        if invariant is not None and not shapes_compatible(invariant, tensor._shape):
            raise ValueError(
                f"The shape invariant specified for {tensor.name} is not compatible with the "
                "initial shape of the loop variable. It enters the loop with shape "
                f"{shape_str(tensor._shape)}, but the specified shape invariant is "
                f"{shape_str(invariant)}.")


def _body_results(body_result, tensors):
    results = [tensor_array_ops.to_loop_value(r) for r in control_flow._flatten(body_result)[0]]
    if len(results) != len(tensors):
        raise ValueError(f"The two structures don't have the same nested structure. The loop "
                         f"has {len(tensors)} variables and the body returned {len(results)} "
                         "values. Return one value per loop variable.")
    # no dtype hint, as in TF: a body that changes a dtype builds, and fails when run
    return [convert_to_tensor(result) for result in results]


def _close_loop(graph, merges, nexts, tensors, invariants) -> None:
    """Feeds each NextIteration back into its Merge, checking the shapes stay put."""
    for merge, next_value, start, invariant in zip(merges, nexts, tensors, invariants):
        expected = invariant if invariant is not None else start._shape
        if not shapes_compatible(expected, next_value._shape):
            raise ValueError(
                f"Input tensor '{start.name}' enters the loop with shape "
                f"{shape_str(start._shape)}, but has shape {shape_str(next_value._shape)} after "
                "one iteration. To allow the shape to vary across iterations, use the "
                "`shape_invariants` argument of tf.while_loop to specify a less-specific shape.")
        op = merge.op
        entered = op._inputs[1]
        entered._consumers.remove(op)
        op._inputs = (op._inputs[0], next_value)
        next_value._consumers.append(op)
        if invariant is not None:
            merge._shape = invariant
    graph._structure_changed()


def _invariants(shape_invariants, count):
    if shape_invariants is None:
        return [None] * count
    leaves, _ = control_flow._flatten(shape_invariants)
    if len(leaves) != count:
        raise ValueError("shape_invariants must have one shape per loop variable")
    return [as_raw_shape(s) for s in leaves]


def _bounded(cond, body, loop_vars, shape_invariants, maximum_iterations):
    """Adds a counter so the loop stops after `maximum_iterations` (as TF does)."""
    maximum_iterations = convert_to_tensor(maximum_iterations, name="maximum_iterations")
    if maximum_iterations._shape is not None and len(maximum_iterations._shape) != 0:
        raise ValueError("maximum_iterations must be a scalar, saw shape: "
                         f"{shape_str(maximum_iterations._shape)}")
    counter = constant(0, dtype=maximum_iterations.dtype, name="iteration_counter")

    def bounded_cond(count, inner):
        return logic_ops.logical_and(count < maximum_iterations, _call(cond, inner))

    def bounded_body(count, inner):
        return count + 1, _call(body, inner)
    invariants = None if shape_invariants is None else ((), shape_invariants)
    return bounded_cond, bounded_body, (counter, loop_vars), invariants


def _colocated_switch(merged, loop_cond):
    """A loop variable's Switch, colocated with its Merge as TF builds it."""
    with merged.graph.colocate_with(merged.op, ignore_existing=True):
        return control_flow.switch(merged, loop_cond, name="Switch")
