"""`graph.control_dependencies(...)`: which control inputs a newly created op receives."""

from __future__ import annotations

import contextlib

from .operation import Operation
from .tensor import Tensor


class _Controller:
    """One `with control_dependencies(...)` block: its control ops and the ops created inside it."""

    __slots__ = ("control_ops", "created")

    def __init__(self, control_ops):
        self.control_ops = control_ops
        self.created = set()


class ControlDependencies:
    """The control-dependency stack of one graph."""

    def __init__(self, graph):
        self._graph = graph
        self._stack = []

    @contextlib.contextmanager
    def scope(self, control_inputs):
        if control_inputs is None:
            saved_stack, saved_context = self._stack, self._graph._control_flow_context
            self._stack = [_Controller([])]
            self._graph._control_flow_context = None
            try:
                yield None
            finally:
                self._stack = saved_stack
                self._graph._control_flow_context = saved_context
            return
        controller = _Controller(self._new_control_ops(control_inputs))
        self._stack.append(controller)
        try:
            yield None
        finally:
            self._stack.remove(controller)

    def _new_control_ops(self, control_inputs):
        current = {op for controller in self._stack for op in controller.control_ops}
        ops = []
        for item in control_inputs:
            element = self._graph.as_graph_element(item)
            op = element.op if isinstance(element, Tensor) else element
            if not isinstance(op, Operation):
                raise TypeError(f"Control input must be Operation or Tensor: {item!r}")
            if op not in current:
                ops.append(op)
                current.add(op)
                # TF marks an op used as a manual control dependency (seen in its NodeDef)
                op.attrs = {**op.attrs, "_has_manual_control_dependencies": True}
        return ops

    def inputs_for(self, inputs):
        """Control inputs for a new op with data `inputs`; skipped where an input already depends
        on the block (it was created inside it) or is itself the control op."""
        if not self._stack:
            return []
        input_ops = {tensor.op for tensor in inputs}
        result = []
        for controller in self._stack:
            if any(op in controller.created for op in input_ops):
                continue
            for op in controller.control_ops:
                if op not in input_ops and op not in result:
                    result.append(op)
        return result

    def record(self, op) -> None:
        for controller in self._stack:
            controller.created.add(op)

    @property
    def active(self) -> bool:
        return bool(self._stack)
