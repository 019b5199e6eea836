"""The graph a function is traced into (TF's FuncGraph), which captures outer tensors.

A tf.data function (map, filter, flat_map...) is traced once into a graph of its own. When its
body uses a tensor of the graph around it (`ds.map(lambda x: x * scale)`), that tensor is
captured as TF captures it: a Placeholder inside the function stands for it, the function gets
one more argument, and the op that calls the function takes the outer tensor as an input
(`other_arguments`), so each run feeds the function the outer tensor's value in that step.
"""

from __future__ import annotations

from .build import make_tensor
from .graph import Graph
from .tensor import Tensor


class FunctionGraph(Graph):
    """A graph being traced as a function body, inside `outer_graph`."""

    def __init__(self, outer_graph: Graph):
        super().__init__()
        self.outer_graph = outer_graph
        self.seed = outer_graph.seed
        self.captures: dict[Tensor, Tensor] = {}  # outer tensor -> the placeholder for it

    @property
    def building_function(self) -> bool:
        return True

    def capture(self, tensor: Tensor) -> Tensor:
        """The tensor of this graph standing for `tensor` of an enclosing graph (through every
        function graph between, as a function traced inside another one captures twice)."""
        between: list[FunctionGraph] = []
        graph: Graph = self
        while graph is not tensor.graph:
            if not isinstance(graph, FunctionGraph):
                raise ValueError(f"{tensor!s} must be from the same graph as the function "
                                 "using it, or from a graph around that function.")
            between.append(graph)
            graph = graph.outer_graph
        for function_graph in reversed(between):
            tensor = function_graph._capture_from_outer(tensor)
        return tensor

    def _capture_from_outer(self, tensor: Tensor) -> Tensor:
        inner = self.captures.get(tensor)
        if inner is None:
            # at the function's root: not under the scope, control dependencies or cond of the
            # body line that happened to use the tensor first
            saved_context, self._control_flow_context = self._control_flow_context, None
            try:
                with self.name_scope(None), self.control_dependencies(None):
                    inner = make_tensor("Placeholder", [], tensor.op.name.replace("/", "_"),
                                        {"dtype": tensor.dtype.base_dtype,
                                         "shape": tensor._shape}, self)
            finally:
                self._control_flow_context = saved_context
            self.captures[tensor] = inner
        return inner
