"""tf.gradients: reverse-mode differentiation that adds gradient ops to the graph (spec L1-L4).

Iterative and linear in the size of the graph: ops between xs and ys are found by one forward
and one backward sweep, then processed in reverse order as their consumers' gradients complete.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict, deque

from . import dtypes, registry
from .build import OpScope
from .convert import convert_to_tensor
from .graph import get_graph_from_inputs
from .ops import array_ops, control_flow, input_ops, math_ops
from .tensor import Tensor

_TRAINABLE = {dtypes.float16, dtypes.float32, dtypes.float64, dtypes.complex64,
              dtypes.complex128}
_CUSTOM_GRADIENTS = {}


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
    with OpScope(name, "gradients", ys + xs):
        ys = [convert_to_tensor(y, name="y") for y in ys]
        xs = [_as_ref_tensor(x) for x in xs]
        stops = {_as_ref_tensor(t).op for t in stop_gradients}
        grads = _Gradients(ys, xs, _initial_grads(ys, grad_ys), stops)
        return [grads.result(x, unconnected) for x in xs]


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _as_ref_tensor(x):
    hook = getattr(type(x), "_graphshell_tensor", None)
    if hook is not None:
        return hook(x, as_ref=True)
    return convert_to_tensor(x, name="x")


def _initial_grads(ys, grad_ys):
    initial = []
    for i, (y, grad_y) in enumerate(zip(ys, grad_ys)):
        if grad_y is None:
            if y.dtype.is_complex:
                raise TypeError(f"Gradients of complex tensors ({y}) must set grad_ys")
            initial.append(input_ops.ones(array_ops.shape(y), dtype=y.dtype.base_dtype,
                                          name=f"grad_ys_{i}"))
        else:
            if hasattr(grad_y, "dtype") and grad_y.dtype.base_dtype is not y.dtype.base_dtype:
                raise TypeError(f"Gradient type {grad_y.dtype.base_dtype.name} generated for "
                                f"real or integer-valued tensor {y} with type "
                                f"{y.dtype.base_dtype.name} must match: grad_ys[{i}] needs "
                                f"dtype {y.dtype.base_dtype.name}")
            grad_y = convert_to_tensor(grad_y, dtype=y.dtype.base_dtype, name=f"grad_ys_{i}")
            if not grad_y.shape.is_compatible_with(y._shape):
                raise ValueError(f"Incompatible shapes between grad_ys {grad_y.shape} and ys "
                                 f"{y.shape} (for {y.name})")
            initial.append(grad_y)
    return initial


class _Gradients:
    """The bookkeeping of one tf.gradients call: pending counts and gradients per tensor."""

    def __init__(self, ys, xs, initial, stops):
        self.graph = ys[0].graph if ys else xs[0].graph
        self.between = self._between_ops(ys, xs)
        self.pending = self._pending_counts()
        self.grads = defaultdict(list)  # tensor -> list of gradient tensors
        self.stops = stops | self._unreached_sources(xs)
        for y, grad in zip(ys, initial):
            self.grads[y].append(grad)
        queue = deque(dict.fromkeys(
            y.op for y in ys if y.op in self.between and self.pending[y.op] == 0))
        while queue:
            op = queue.popleft()
            self._backprop(op)
            for tensor in op._inputs:
                source = tensor.op
                self.pending[source] -= 1
                if self.pending[source] == 0 and source in self.between:
                    queue.append(source)

    def _between_ops(self, ys, xs):
        reached, stack = set(), [x.op for x in xs]
        while stack:
            op = stack.pop()
            if op in reached:
                continue
            reached.add(op)
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
            for tensor in op._inputs:
                if tensor.op in self.between:
                    pending[tensor.op] += 1
        return pending

    def _unreached_sources(self, xs):
        """x ops that no gradient flows through further (TF's _StopOps)."""
        return {x.op for x in xs
                if all(self.pending[t.op] == 0 for t in x.op._inputs)}

    def _aggregate(self, tensor):
        parts = self.grads.get(tensor)
        if not parts:
            return None
        if len(parts) > 1:
            parts[:] = [math_ops.add_n(parts)]
        return parts[0]

    def _backprop(self, op):
        out_grads = [self._aggregate(t) for t in op._outputs]
        if not any(g is not None for g in out_grads) or op in self.stops:
            return
        grad_fn = _gradient_function(op)
        if grad_fn is registry.NOT_DIFFERENTIABLE:
            return
        for i, output in enumerate(op._outputs):
            if out_grads[i] is None and _backpropagates(output):
                out_grads[i] = _zeros_for_output(op, i)
        with self.graph.name_scope(op.name + "_grad"):
            in_grads = grad_fn(op, *out_grads)
        if len(in_grads) != len(op._inputs):
            raise ValueError(f"Num gradients {len(in_grads)} generated for op {op.name} do not "
                             f"match num inputs {len(op._inputs)}")
        for i, (tensor, grad) in enumerate(zip(op._inputs, in_grads)):
            if grad is None:
                continue
            _check_grad_shape(op, i, tensor, grad)
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
    if "_branch" not in op.attrs:
        return input_ops.zeros_like(output)
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


@contextlib.contextmanager
def override_gradients(graph, op_type_map):
    """Ops created inside use the named custom gradient instead of their own."""
    saved = dict(graph._gradient_overrides)
    graph._gradient_overrides.update(op_type_map)
    try:
        yield
    finally:
        graph._gradient_overrides = saved


__all__ = ["gradients", "RegisterGradient", "no_gradient", "UnconnectedGradients"]
