"""tf.gradients: reverse-mode differentiation that adds gradient ops to the graph (spec L1-L4).

Iterative and linear in the size of the graph: ops between xs and ys are found by one forward
and one backward sweep, then processed in reverse order as their consumers' gradients complete.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable

from ..graph import dtypes, registry
from ..graph.build import OpScope, make_tensor
from ..graph.collector import collector_paused
from ..graph.convert import convert_to_tensor
from ..graph.frames import WhileLoop, innermost_while_loop, outermost_while_loop_of
from ..graph.graph import get_graph_from_inputs
from ..graph.indexed_slices import IndexedSlices
from ..graph.tensor import Tensor
from ..ops import (
    array_ops,
    control_flow,
    control_ops,
    index_ops,
    input_ops,
)
from .aggregation import aggregate_gradients
from .loop_gradients import loop_gradients

_TRAINABLE = {dtypes.float16, dtypes.float32, dtypes.float64, dtypes.complex64,
              dtypes.complex128}
_CUSTOM_GRADIENTS: dict[str, Callable] = {}  # gradient_override_map's names
# Op types whose gradient functions take IndexedSlices as they come (TF's _IdGrad passes them
# on, _GatherV2Grad densifies after building its shapes); others get them densified first.
_TAKES_INDEXED_SLICES = frozenset({"Identity", "GatherV2"})


def _backpropagates(tensor) -> bool:
    return tensor.dtype.base_dtype in _TRAINABLE


class UnconnectedGradients:
    NONE = "none"
    ZERO = "zero"


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients=UnconnectedGradients.NONE):
    """The list [sum over ys of dy/dx for x in xs]; None where y does not depend on x."""
    ys, xs = _as_list(ys), _as_list(xs)
    grad_ys = [None] * len(ys) if grad_ys is None else _as_list(grad_ys)
    stop_gradients = _as_list(stop_gradients) if stop_gradients is not None else []
    if len(grad_ys) != len(ys):
        raise ValueError(f"Length mismatch. Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
    unconnected = getattr(unconnected_gradients, "value", unconnected_gradients)
    if unconnected not in (UnconnectedGradients.NONE, UnconnectedGradients.ZERO):
        raise ValueError(f"Unknown value for unconnected_gradients: '{unconnected_gradients}'")
    get_graph_from_inputs(ys + xs + stop_gradients + [g for g in grad_ys if g is not None])
    with collector_paused(), OpScope(name, "gradients", ys + xs):
        ys = [convert_to_tensor(y, name="y") for y in ys]
        xs = [_as_ref_tensor(x) for x in xs]
        stops = {_as_ref_tensor(t).op for t in stop_gradients}
        # called inside a while body: differentiate one pass of that loop (as TF does)
        loop = innermost_while_loop(ys[0].graph._control_flow_context) if ys else None
        grads = _Gradients(ys, xs, _initial_grads(ys, grad_ys), stops, base_frame=loop,
                           gate=bool(gate_gradients), inside_body=loop is not None,
                           colocate=bool(colocate_gradients_with_ops))
        return [grads.result(x, unconnected) for x in xs]


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _as_ref_tensor(x):
    if hasattr(x, "_control_inputs") and hasattr(x, "type"):  # an Operation
        raise TypeError(f"can't convert Operation '{x.name}' to Tensor")
    hook = getattr(type(x), "_graphshell_tensor", None)
    if hook is not None:
        return hook(x, as_ref=True)
    return convert_to_tensor(x, name="x")


def _initial_grads(ys, grad_ys):
    """The gradient each y starts with: ones shaped like y, or the given grad_y passed through
    an Identity named grad_ys_<i> (Python values first become Consts named grad_y_<i>)."""
    given = [_given_grad(y, grad_y, i) for i, (y, grad_y) in enumerate(zip(ys, grad_ys))]
    initial = []
    for i, (y, grad_y) in enumerate(zip(ys, given)):
        if grad_y is None:
            if y.dtype.is_complex:
                raise TypeError(f"Gradients of complex tensors ({y}) must set grad_ys")
            initial.append(input_ops.ones(array_ops.shape(y), dtype=y.dtype.base_dtype,
                                          name=f"grad_ys_{i}"))
        elif isinstance(grad_y, IndexedSlices):
            initial.append(IndexedSlices(
                array_ops.identity(grad_y.values, name=f"grad_ys_{i}_values"),
                array_ops.identity(grad_y.indices, name=f"grad_ys_{i}_indices"),
                grad_y.dense_shape))
        else:
            initial.append(array_ops.identity(grad_y, name=f"grad_ys_{i}"))
    return initial


def _given_grad(y, grad_y, index):
    """grad_y as a tensor of y's dtype and a shape compatible with y's, or None."""
    if grad_y is None or isinstance(grad_y, IndexedSlices):
        return grad_y
    given_dtype = getattr(getattr(grad_y, "dtype", None), "base_dtype", None)  # not numpy's
    if given_dtype is not None and given_dtype is not y.dtype.base_dtype:
        raise TypeError(f"Gradient type {grad_y.dtype.base_dtype.name} generated for "
                        f"real or integer-valued tensor {y} with type "
                        f"{y.dtype.base_dtype.name} must match: grad_ys[{index}] needs "
                        f"dtype {y.dtype.base_dtype.name}")
    grad_y = convert_to_tensor(grad_y, dtype=y.dtype.base_dtype, name=f"grad_y_{index}")
    if not grad_y.shape.is_compatible_with(y._shape):
        raise ValueError(f"{_shape_clash(y._shape, grad_y._shape)}: grad_ys[{index}] has "
                         f"shape {grad_y.shape} but y {y.name} has shape {y.shape}")
    return grad_y


def _shape_clash(shape, other) -> str:
    """TF's words for two static shapes that differ (both known to be incompatible)."""
    if shape is None or other is None or len(shape) != len(other):
        return (f"Shapes must be equal rank, but are {len(shape or ())} and "
                f"{len(other or ())}")
    for a, b in zip(shape, other):
        if a is not None and b is not None and a != b:
            return f"Dimensions must be equal, but are {a} and {b}"
    return "Shapes are incompatible"


class _Gradients:
    """The bookkeeping of one tf.gradients call: pending counts and gradients per tensor.

    Ops are processed once all their consumers' gradients are in. A while loop counts as one
    unit: when the gradients of all its Exits are in, a gradient loop is built for it."""

    def __init__(self, ys, xs, initial, stops, base_frame=None, gate=False, inside_body=False,
                 colocate=False):
        self.graph = ys[0].graph if ys else xs[0].graph
        self.colocate = colocate
        self.xs_ops = {x.op for x in xs}
        self.inside_body = inside_body  # tf.gradients was called while building base_frame
        self.gate = gate  # each op's input gradients become available together (tf.tuple)
        self.base_frame = base_frame
        self.stop_ops = stops
        self.between = self._between_ops(ys, xs)
        self.loop_members = defaultdict(list)
        self.pending = self._pending_counts()
        self.grads = defaultdict(list)  # tensor -> list of gradient tensors
        self.stops = stops | self._unreached_sources(xs)
        for y, grad in zip(ys, initial):
            self.grads[y].append(grad)
        self._check_ys(ys)
        queue = deque(dict.fromkeys(
            self._unit(y.op) for y in ys
            if y.op in self.between and self.pending[self._unit(y.op)] == 0))
        while queue:
            unit = queue.popleft()
            if isinstance(unit, WhileLoop):  # (else an op)
                self._backprop_loop(unit)
                members = self.loop_members[unit]
            else:
                self._backprop(unit)
                members = (unit,)
            for source in self._outside_sources(unit, members):
                self.pending[source] -= 1
                if self.pending[source] == 0:
                    queue.append(source)

    def _unit(self, op):
        """`op`, or the outermost while loop (inside the base frame) that holds it."""
        loop = outermost_while_loop_of(op, within=self.base_frame)
        return loop if loop is not None else op

    def _outside_sources(self, unit, members):
        for op in members:
            for tensor in op._inputs:
                source = tensor.op
                if source in self.between:
                    source_unit = self._unit(source)
                    if source_unit is not unit:
                        yield source_unit

    def _between_ops(self, ys, xs):
        reached, stack = set(), [x.op for x in xs]
        while stack:
            op = stack.pop()
            if op in reached:
                continue
            reached.add(op)
            if op.type == "NextIteration" and self.base_frame is not None \
                    and op._control_flow_context is self.base_frame:
                continue  # differentiating one pass of this loop's body: no back edge
            for output in op._outputs:
                if _backpropagates(output):
                    stack.extend(c for c in output._consumers if c not in reached)
        between, stack = set(), [y.op for y in ys if y.op in reached]
        while stack:
            op = stack.pop()
            if op in between:
                continue
            between.add(op)
            stack.extend(t.op for t in op._inputs if t.op in reached and t.op not in between)
        return between

    def _pending_counts(self):
        pending = defaultdict(int)
        for op in self.between:
            unit = self._unit(op)
            if unit is not op:
                self.loop_members[unit].append(op)
        for unit in [op for op in self.between if self._unit(op) is op] + list(self.loop_members):
            members = self.loop_members.get(unit, (unit,))
            for source in self._outside_sources(unit, members):
                pending[source] += 1
        return pending

    def _check_ys(self, ys) -> None:
        for y in ys:
            unit = self._unit(y.op)
            if unit is not y.op and y.op.type != "Exit":
                raise ValueError(
                    f"Cannot compute gradients of {y.name}: it is computed inside the while "
                    f"loop {unit.label}. Differentiate the loop's results instead.")

    def _unreached_sources(self, xs):
        """x ops that no gradient flows through further (TF's _StopOps)."""
        return {x.op for x in xs
                if all(self.pending[self._unit(t.op)] == 0 for t in x.op._inputs)}

    def _aggregate(self, tensor):
        parts = self.grads.get(tensor)
        if not parts:
            return None
        if len(parts) > 1:
            parts[:] = [aggregate_gradients(parts)]
        return parts[0]

    def _backprop(self, op):
        if not self.colocate:
            return self._backprop_op(op)
        with self.graph.colocate_with(op):  # colocate_gradients_with_ops: where op lives
            return self._backprop_op(op)

    def _backprop_op(self, op):
        out_grads = [self._aggregate(t) for t in op._outputs]
        if not any(g is not None for g in out_grads) or op in self.stops:
            return
        if self.inside_body and op.type in ("Switch", "RefSwitch") \
                and op._control_flow_context is self.base_frame:
            self._refuse_initial_value(op)
        grad_fn = _gradient_function(op)
        if grad_fn is registry.NOT_DIFFERENTIABLE:
            return
        for i, output in enumerate(op._outputs):
            if out_grads[i] is None and _backpropagates(output):
                out_grads[i] = _zeros_for_output(op, i)
        with self.graph.name_scope(op.name + "_grad"):
            if op.type not in _TAKES_INDEXED_SLICES:
                out_grads = [index_ops.indexed_slices_to_dense(g) for g in out_grads]
            in_grads = grad_fn(op, *out_grads)
            if self.gate and sum(g is not None for g in in_grads) > 1:
                in_grads = control_ops.tuple(in_grads)
        if len(in_grads) != len(op._inputs):
            raise ValueError(f"Num gradients {len(in_grads)} generated for op {op.name} do not "
                             f"match num inputs {len(op._inputs)}")
        for i, (tensor, grad) in enumerate(zip(op._inputs, in_grads)):
            if grad is None:
                continue
            _check_grad_shape(op, i, tensor, grad)
            self.grads[tensor].append(grad)

    def _refuse_initial_value(self, switch):
        """Inside a body, a gradient may not flow back through a loop variable's Switch into
        its initial value (TF's rule); names the nearest x behind it."""
        target, seen, queue = switch, {switch}, deque([switch])
        while queue:
            op = queue.popleft()
            if op in self.xs_ops:
                target = op
                break
            for tensor in op._inputs:
                if tensor.op not in seen:
                    seen.add(tensor.op)
                    queue.append(tensor.op)
        raise ValueError(
            f"Cannot compute gradient inside while loop with respect to op '{target.name}'. We "
            "do not support taking the gradient wrt or through the initial value of a loop "
            "variable. Gradients can be computed through loop invariants or wrt the input "
            "parameters to the loop body.")

    def _backprop_loop(self, frame):
        exit_grads = [index_ops.indexed_slices_to_dense(self._aggregate(e._outputs[0]))
                      for e in frame.exits]
        if all(g is None for g in exit_grads) or not frame.back_prop:
            return
        needed = set(self.loop_members[frame])

        def gradients_of_body(ys, xs, grad_ys):
            inner = _Gradients(ys, xs, grad_ys, self.stop_ops, base_frame=frame,
                               gate=self.gate)
            return [inner.result(x, UnconnectedGradients.NONE) for x in xs]
        with self.graph.name_scope(frame.label + "_grad"):
            found = loop_gradients(frame, exit_grads, needed, gradients_of_body)
        for tensor, grad in found:
            self.grads[tensor].append(grad)

    def result(self, x, unconnected):
        grad = self._aggregate(x)
        if grad is None and unconnected == UnconnectedGradients.ZERO:
            return input_ops.zeros_like(x)
        return grad


def _gradient_function(op):
    custom = op.attrs.get("_gradient_op_type")
    if custom is not None:
        return _CUSTOM_GRADIENTS[custom]
    grad_fn = op._opdef.grad
    if grad_fn is None:
        raise LookupError(
            f"No gradient defined for operation '{op.name}' (op type: {op.type}). In general "
            "every operation must have an associated `@tf.RegisterGradient` for correct "
            "autodiff, which this op is lacking. If you want to pretend this operation is a "
            "constant in your program, you may insert `tf.stop_gradient`.")
    return grad_fn


def _check_grad_shape(op, index, tensor, grad) -> None:
    if isinstance(grad, Tensor) and not grad.shape.is_compatible_with(tensor._shape):
        raise ValueError(f"Incompatible shapes between op input and calculated input gradient. "
                         f"Forward operation: {op.name}. Input index: {index}. Original input "
                         f"shape: {tensor.shape}. Calculated input gradient shape: {grad.shape}")


def _zeros_for_output(op, index):
    """A zero gradient for an unused output; for a cond Switch, zeros that live only when the
    other branch is taken (so they die with the branch, as in TF)."""
    output = op._outputs[index]
    if "_branch" not in op.attrs:  # a ZerosLike op even for a known shape (optimize=False)
        with OpScope(None, "zeros_like", [output]) as scope:
            return make_tensor("ZerosLike", [output], scope)
    untaken = control_flow.switch(op._inputs[0], op.attrs["_pred"])[index]
    pivot = array_ops.identity(untaken)
    with op.graph.control_dependencies([pivot]):
        return input_ops.zeros(array_ops.shape(pivot), dtype=output.dtype.base_dtype)


# -- custom gradients ------------------------------------------------------------------------------
class RegisterGradient:
    """Decorator: `@tf.RegisterGradient("Name")` registers a gradient function under a name
    that `gradient_override_map` can assign to op types."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, function):
        _CUSTOM_GRADIENTS[self._op_type] = function
        return function


def no_gradient(op_type) -> None:
    """Declares that ops of `op_type` have no gradient (None, not an error)."""
    registry.set_gradient(op_type, registry.NOT_DIFFERENTIABLE)


__all__ = ["gradients", "RegisterGradient", "no_gradient", "UnconnectedGradients"]
