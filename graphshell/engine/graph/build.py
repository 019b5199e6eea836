"""Helpers every op constructor uses: the op's name scope and graph, and creating the op."""

from __future__ import annotations

from . import registry
from .convert import convert_to_tensor
from .graph import check_same_graph, default_graph_stack, get_default_graph, get_graph_from_inputs


class OpScope:
    """Like TF's `name_scope(name, default_name, values)`: picks the graph from `values`, opens
    the op's (uniquified) scope, and yields it with a trailing '/', to be used as the op's name."""

    __slots__ = ("graph", "_name", "_saved_scope", "_pushed")

    def __init__(self, name, default_name, values=()):
        self.graph = get_graph_from_inputs(values)
        self._name = name if name is not None else default_name
        self._pushed = False

    def __enter__(self) -> str:
        graph = self.graph
        self._saved_scope = graph._name_stack
        if graph is not default_graph_stack.get_default():
            default_graph_stack.stack.append(graph)
            self._pushed = True
        try:
            graph._name_stack = graph._resolve_scope(self._name)
        except BaseException:
            self._restore()
            raise
        return graph._name_stack + "/" if graph._name_stack else ""

    def __exit__(self, *exc_info) -> None:
        self._restore()

    def _restore(self) -> None:
        self.graph._name_stack = self._saved_scope
        if self._pushed:
            default_graph_stack.pop(self.graph)
            self._pushed = False


def make_op(op_type: str, inputs, name=None, attrs=None, graph=None):
    """Creates an op of a registered type; `inputs` are Tensors already, `name` may be a scope."""
    if graph is None:
        default = get_default_graph()
        # a function being traced takes its ops, and captures the outer tensors they use
        graph = inputs[0].graph if inputs and not default.building_function else default
    if any(tensor.graph is not graph for tensor in inputs):
        if graph.building_function:
            inputs = [t if t.graph is graph else graph.capture(t) for t in inputs]
        else:
            check_same_graph(inputs)  # raises TF's "must be from the same graph" error
    opdef = registry.lookup(op_type)
    return graph._create_op(opdef, inputs, graph._op_name(name, op_type), attrs)


def make_tensor(op_type: str, inputs, name=None, attrs=None, graph=None):
    """`make_op(...)` for single-output ops: returns the output tensor."""
    return make_op(op_type, inputs, name, attrs, graph)._outputs[0]


def binary_operator(function, scope_name):
    """The methods for `x <op> y` and the reflected `y <op> x` (TF's operator overloads): the
    op is named after the operator (add, mul...), and a Python operand on the left takes the
    tensor's dtype and becomes `<op>/x`."""

    def forward(x, y):
        with OpScope(None, scope_name, (x, y)) as scope:
            return function(x, y, name=scope)

    def reflected(y, x):
        with OpScope(None, scope_name, (x, y)) as scope:
            x = convert_to_tensor(x, dtype=y.dtype.base_dtype, name="x")
            return function(x, y, name=scope)
    return forward, reflected
