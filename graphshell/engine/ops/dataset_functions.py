"""The functions a tf.data stage applies to each element (map, filter, flat_map...), and running
part of a graph from inside a kernel.

As TF does, the user's Python function is traced once into a graph of its own, with one
Placeholder per element component as its arguments; the stage's op names that function in its
`f` attr. The graph ends as TF's function graphs end (an Identity per output; stateful ops
ordered and gated by TF's automatic control dependencies), so that its FunctionDef
(engine/graph/function_library.py) is TF's. At run time the function graph runs as a small plan
of its own for each element, in the session's runtime (so its random ops keep one stream per
session, as TF's do); `function_runner` runs an imported FunctionDef's graph the same way.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np

from ..graph import dtypes, nest
from ..graph.convert import convert_to_tensor
from ..graph.function_graph import FunctionGraph
from ..graph.graph import Graph, get_default_graph
from ..graph.graph_def import signature_dicts
from ..graph.shapes import as_raw_shape
from ..run.executor import op_error
from ..run.interpreter import run_straight, run_tracking_dead
from ..run.plan import Plan
from . import array_ops, control_ops, input_ops

_FUNCTION_NUMBERS = itertools.count(1)
# stateful op types TF's automatic control dependencies leave unordered (legacy random ops,
# asynchronous collectives, save/restore: tensorflow/python/framework/auto_control_deps.py)
_ORDER_FREE_STATEFUL = frozenset({
    "Multinomial", "ParameterizedTruncatedNormal", "RandomGamma", "RandomGammaGrad",
    "RandomPoisson", "RandomPoissonV2", "RandomShuffle", "RandomStandardNormal", "RandomUniform",
    "RandomUniformInt", "TruncatedNormal", "CollectiveAssignGroupV2", "CollectiveBcastRecv",
    "CollectiveBcastRecvV2", "CollectiveBcastSend", "CollectiveBcastSendV2", "CollectiveGather",
    "CollectiveInitializeCommunicator", "CollectiveReduce", "NcclAllReduce", "Recv",
    "CudnnRNN", "CudnnRNNBackprop", "CudnnRNNBackpropV2", "CudnnRNNBackpropV3", "CudnnRNNV2",
    "CudnnRNNV3", "RestoreV2", "SaveV2"})


class Component:
    """One tensor of a dataset element: its dtype and raw shape (TF's output_types/shapes)."""

    __slots__ = ("dtype", "shape")

    def __init__(self, dtype, shape):
        self.dtype = dtype.base_dtype
        self.shape = as_raw_shape(shape)

    def __repr__(self) -> str:
        return f"Component({self.dtype.name}, {self.shape})"


def _is_structure(value) -> bool:
    """tf.data's nests: tuples (namedtuples too) and dicts; a list is one tensor."""
    return isinstance(value, (tuple, dict))


def flatten_element(element) -> list:
    """The leaves of a dataset element, lists counting as leaves (tf.data's nest rule)."""
    if isinstance(element, dict):
        return [leaf for key in sorted(element) for leaf in flatten_element(element[key])]
    if isinstance(element, tuple):
        return [leaf for item in element for leaf in flatten_element(item)]
    return [element]


def pack_element(structure, leaves: list):
    """`leaves` in the shape of `structure` (tuples and dicts; lists are leaves)."""
    position = iter(leaves)

    def rebuild(item):
        if isinstance(item, dict):
            built = {key: rebuild(item[key]) for key in sorted(item)}
            return type(item)((key, built[key]) for key in item)
        if isinstance(item, tuple):
            parts = [rebuild(part) for part in item]
            return type(item)(*parts) if hasattr(item, "_fields") else tuple(parts)
        return next(position)
    return rebuild(structure)


def function_name(kind: str, func) -> str:
    """TF's name for a traced dataset function: `__inference_Dataset_map_<fn>_<N>`."""
    python_name = re.sub(r"[^A-Za-z0-9_]", "", getattr(func, "__name__", "function"))
    return f"__inference_Dataset_{kind}_{python_name}_{next(_FUNCTION_NUMBERS)}"


class TracedFunction:
    """A Python function over dataset elements, traced once into its own graph."""

    def __init__(self, func, structure, kind: str, outer_graph: Graph | None = None):
        outer_graph = outer_graph or get_default_graph()
        self.name = function_name(kind, func)
        self.graph = FunctionGraph(outer_graph)
        with self.graph.as_default():
            flat = nest.flatten(structure)  # a structure of Components has no lists
            self.inputs = [input_ops.placeholder(c.dtype, c.shape, name=f"args_{i}")
                           for i, c in enumerate(flat)]
            args = nest.pack_sequence_as(structure, self.inputs)
            result = func(*args) if _spreads(structure) else func(args)
            if isinstance(result, list):  # TF reads a returned list as a tuple
                result = tuple(result)
            self.result_structure = result
            self.outputs = [_as_output(value) for value in flatten_element(result)]
            self.control_outputs = _order_stateful_ops(self.graph, self.outputs)
        # tensors of the graph around it the body used: more arguments, after the element's
        self.captured = list(self.graph.captures)
        self.inputs += list(self.graph.captures.values())
        self.dataset_structure: Any = None  # a function returning a dataset: its elements
        self.output_structure = pack_element(
            result, [Component(t.dtype, t._shape) for t in self.outputs])

    def runner(self, runtime):
        """A function from input values (one per component) to output values, in `runtime`."""
        return SubgraphRunner(self.outputs, self.inputs, runtime)


def _spreads(structure) -> bool:
    """TF calls a function with an element's tuple spread as arguments, a dict as one."""
    return isinstance(structure, tuple) and not hasattr(structure, "_fields")


def _in_while_loop(op) -> bool:
    context = op._control_flow_context
    while context is not None:
        if context.is_while:
            return True
        context = context.outer
    return False


def _must_run(op) -> bool:
    """Whether TF's automatic control dependencies make a function run `op` whatever its
    outputs feed: a stateful op (or one TF does not know), bar the order-free ones."""
    entry = signature_dicts().get(op.type)
    if entry is None:
        return op.type != "Placeholder"
    return bool(entry.get("isStateful")) and op.type not in _ORDER_FREE_STATEFUL


def _order_stateful_ops(graph: Graph, outputs: list) -> list:
    """TF's automatic control dependencies in a function graph: stateful ops without resource
    inputs run in program order (each waits for the one before), and each output waits for a
    NoOp that waits for every op that must run. Returns those ops (the control outputs)."""
    must_run, previous = [], None
    for op in graph.get_operations():
        if _in_while_loop(op) or not _must_run(op):
            continue
        must_run.append(op)
        if op._control_flow_context is None and not any(
                tensor.dtype.base_dtype == dtypes.resource for tensor in op._inputs):
            if previous is not None:
                op._add_control_input(previous)
            previous = op
    if must_run:
        with graph.as_default():
            gate = control_ops.no_op()
        gate._add_control_inputs(must_run)
        for tensor in outputs:
            tensor.op._add_control_input(gate)
    return must_run


def _as_output(value):
    """A function output as TF's function graphs end: an Identity of the returned tensor
    (named `Identity`, `Identity_1`...; the FunctionDef's output args are named after them)."""
    return array_ops.identity(convert_to_tensor(value))


def function_runner(function, runtime) -> SubgraphRunner:
    """Runs a traced or imported function (`inputs` -> `outputs` of its graph) in `runtime`."""
    return SubgraphRunner(function.outputs, function.inputs, runtime)


class SubgraphRunner:
    """Runs the ops `outputs` need (fed `inputs`) as one plan, once per call."""

    def __init__(self, outputs, inputs, runtime):
        self.plan = Plan(outputs, [], inputs, runtime)
        self.inputs = list(inputs)

    def __call__(self, values=()) -> tuple:
        plan = self.plan
        fed = dict(zip(self.inputs, values))
        slots = plan.template.copy()
        for slot, tensor in zip(plan.feed_slots, plan.fed):
            slots[slot] = fed[tensor]
        stamps = [0] * (len(plan.ops) + 1)
        counts = [0] * (len(plan.ops) + 1) if plan.has_loops else None
        position = [0]
        try:
            with np.errstate(all="ignore"):
                if plan.tracks_dead:
                    run_tracking_dead(plan.program, slots, stamps, position, counts)
                else:
                    run_straight(plan.program, slots, stamps, position)
        except BaseException as error:
            failed = plan.op_at(position[0]) if position[0] else None
            raise op_error(error, failed) from error
        return tuple(_value_of(slots[slot]) for slot, _ in plan.fetch_slots)


def _value_of(value):
    get = getattr(value, "get", None)  # a variable reference: its value
    return get() if get is not None and not isinstance(value, np.ndarray) else value
