"""Ops that only order other ops: no_op, group, tuple and with_dependencies."""

from __future__ import annotations

from ..graph.build import OpScope, make_op
from ..graph.graph import get_default_graph
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import array_ops, rules

define("NoOp", infer=rules.no_outputs, kernel=lambda: None, grad=NOT_DIFFERENTIABLE)
# Runs once its control inputs have had their turn, whether or not they ran (they may be dead).
define("ControlTrigger", infer=rules.no_outputs, kernel=lambda: None, grad=NOT_DIFFERENTIABLE)


def no_op(name=None):
    """An op that does nothing; running it runs its control inputs."""
    graph = get_default_graph()
    return make_op("NoOp", [], name, graph=graph)


def _as_ops(inputs):
    ops = []
    for item in inputs:
        element = getattr(item, "_as_graph_element", None)
        element = element() if element is not None else item
        if not hasattr(element, "device"):
            raise TypeError(f"'inputs' should be zero or more (nested) Tensors. Received "
                            f"'{item}' with type '{type(item)}'.")
        ops.append(getattr(element, "op", element))
    return ops


def group(*inputs, name=None):
    """A NoOp that runs after all `inputs` (tensors or ops)."""
    with OpScope(name, "group_deps", inputs) as scope:
        if not inputs:
            return no_op(name=scope)
        deps = _as_ops(inputs)
        with get_default_graph().control_dependencies(deps):
            return no_op(name=scope)


def with_dependencies(dependencies, output_tensor, name=None):
    """`output_tensor`'s value, produced only after `dependencies` ran."""
    graph = get_default_graph()
    with (OpScope(name, "control_dependency", list(dependencies) + [output_tensor]) as scope,
          graph.colocate_with(output_tensor), graph.control_dependencies(dependencies)):
        return array_ops.identity(output_tensor, name=scope)


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TF's name
    """The same tensors, each available only after all of them (and control_inputs) ran."""
    with OpScope(name, "tuple", [t for t in tensors if t is not None]):
        gating = [t.op for t in tensors if t is not None] + list(control_inputs or [])
        gate = group(*gating)
        return [None if t is None else with_dependencies([gate], t) for t in tensors]
