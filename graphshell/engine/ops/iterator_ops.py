"""TF1's dataset iterators: the iterator ops (OneShotIterator, IteratorV2, MakeIterator,
IteratorGetNext, string handles) and `tf.data.Iterator`.

An iterator is a per-session resource (`Runtime.resource`): its position in the pipeline lives
as long as the session. A step that Ctrl-C interrupts gives back the elements it took (through
`Runtime.record_undo`), so no element is lost (`IteratorState.next`).
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np

from ..graph import dtypes, errors, nest
from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.graph_api import colocate_with
from ..graph.registry import NOT_DIFFERENTIABLE, define
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from .dataset_functions import Component, SubgraphRunner
from .dataset_values import Pass

_HANDLE_NUMBERS = itertools.count()


class IteratorState:
    """One iterator in one session: the pipeline pass it is on and elements given back."""

    def __init__(self, op):
        self.name = f"{op.name}_{next(_HANDLE_NUMBERS)}".encode()
        self.stream = None
        self.returned: list = []  # elements an interrupted step gave back, next out first

    def start(self, dataset) -> None:
        self.stream = iter(dataset.elements(Pass()))
        self.returned = []

    def next(self, op, runtime) -> tuple:
        if self.stream is None:
            raise errors.FailedPreconditionError(
                None, op, "GetNext() failed because the iterator has not been initialized. "
                          "Ensure that you have run the initializer operation for this "
                          "iterator before getting the next element.")
        element = self.returned.pop() if self.returned else next(self.stream, None)
        if element is None:
            raise errors.OutOfRangeError(None, op, "End of sequence")
        runtime.record_undo(functools.partial(self._give_back, element))
        return element

    def _give_back(self, element) -> None:
        """Undoes one get_next of an interrupted step (undone newest first, so the elements
        come out again in the order they were taken)."""
        self.returned.append(element)


def _handle_output(op):
    return [(dtypes.resource, ())]


def _element_outputs(op):
    return [(t, s) for t, s in zip(op.attrs["output_types"], op.attrs["output_shapes"])]


def _iterator_kernel(op, runtime):
    return lambda: runtime.resource(("iterator", op), lambda: _registered(runtime, op))


def _registered(runtime, op) -> IteratorState:
    state = IteratorState(op)
    runtime.resource(("iterator handle", state.name), lambda: state)
    return state


def _one_shot_kernel(op, runtime):
    def run():
        state = runtime.existing_resource(("iterator", op))
        if state is None:
            state = _registered(runtime, op)
            dataset = SubgraphRunner([op.attrs["_dataset"]], [], runtime)()[0]
            state.start(dataset)
            runtime.resource(("iterator", op), lambda: state)
        return state
    return run


def _make_iterator_kernel(op, runtime):
    def run(dataset, state):
        state.start(dataset)
    return run


def _get_next_kernel(op, runtime):
    types = [t.as_numpy_dtype for t in op.attrs["output_types"]]

    def run(state):
        element = state.next(op, runtime)
        return tuple(np.asarray(value, dtype=np_type) for value, np_type in zip(element, types))
    return run


def _from_string_handle_kernel(op, runtime):
    def run(handle):
        state = runtime.existing_resource(("iterator handle", bytes(np.asarray(handle).item())))
        if state is None:
            raise errors.InvalidArgumentError(
                None, op, f"Could not find iterator for handle {np.asarray(handle).item()!r}")
        return state
    return run


define("IteratorV2", infer=_handle_output, make_kernel=_iterator_kernel, stateful=True,
       grad=NOT_DIFFERENTIABLE)
define("OneShotIterator", infer=_handle_output, make_kernel=_one_shot_kernel, stateful=True,
       grad=NOT_DIFFERENTIABLE)
define("MakeIterator", infer=lambda op: [], make_kernel=_make_iterator_kernel, stateful=True,
       grad=NOT_DIFFERENTIABLE)
define("IteratorGetNext", infer=_element_outputs, make_kernel=_get_next_kernel, stateful=True,
       multi_output=True, grad=NOT_DIFFERENTIABLE)
define("IteratorToStringHandle", infer=lambda op: [(dtypes.string, ())],
       kernel=lambda state: np.asarray(state.name, dtype=object), stateful=True,
       grad=NOT_DIFFERENTIABLE)
define("IteratorFromStringHandleV2", infer=_handle_output,
       make_kernel=_from_string_handle_kernel, stateful=True, grad=NOT_DIFFERENTIABLE)


def _structure_attrs(structure) -> dict:
    flat = nest.flatten(structure)
    return {"output_types": [c.dtype for c in flat], "output_shapes": [c.shape for c in flat]}


class Iterator:
    """`tf.data.Iterator`: a handle op, its initializer (if any) and `get_next()`."""

    def __init__(self, handle: Tensor, initializer, structure):
        self._iterator_resource = handle
        self._initializer = initializer
        self._structure = structure
        self._string_handle = make_op("IteratorToStringHandle", [handle]).outputs[0]
        self._get_next_call_count = 0

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None,
                       output_classes=None) -> Iterator:
        """An iterator over any dataset of this structure, initialized by `make_initializer`."""
        structure = _structure_of(output_types, output_shapes)
        attrs = dict(_structure_attrs(structure), container=b"",
                     shared_name=(shared_name or "").encode())
        handle = make_op("IteratorV2", [], None, attrs).outputs[0]
        return Iterator(handle, None, structure)

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None,
                           output_classes=None) -> Iterator:
        """An iterator that runs whichever iterator `string_handle` names at each step."""
        structure = _structure_of(output_types, output_shapes)
        handle_tensor = convert_to_tensor(string_handle, dtype=dtypes.string)
        handle = make_op("IteratorFromStringHandleV2", [handle_tensor], None,
                         _structure_attrs(structure)).outputs[0]
        return Iterator(handle, None, structure)

    @property
    def initializer(self):
        if self._initializer is None:
            raise ValueError("The iterator does not have an initializer. This means it was "
                             "likely created using `tf.data.Dataset.make_one_shot_iterator()`. "
                             "For an initializable iterator, use "
                             "`tf.data.Dataset.make_initializable_iterator()` instead.")
        return self._initializer

    output_types = property(lambda self: nest.map_structure(lambda c: c.dtype, self._structure))
    output_shapes = property(lambda self: nest.map_structure(lambda c: TensorShape(c.shape),
                                                             self._structure))
    output_classes = property(lambda self: nest.map_structure(lambda c: Tensor,
                                                              self._structure))

    def make_initializer(self, dataset, name=None):
        """The op that starts this iterator over `dataset` (of the same structure)."""
        mine, theirs = nest.flatten(self._structure), nest.flatten(dataset._structure)
        if len(mine) != len(theirs) or any(a.dtype != b.dtype for a, b in zip(mine, theirs)):
            raise TypeError(f"Expected output types {self.output_types} but got dataset with "
                            f"output types {dataset.output_types}.")
        with OpScope(name, "make_initializer") as scope, colocate_with(
                self._iterator_resource.op):
            return make_op("MakeIterator", [dataset._variant_tensor, self._iterator_resource],
                           scope)

    def get_next(self, name=None):
        """The next element (OutOfRangeError "End of sequence" once there is none)."""
        self._get_next_call_count += 1
        with colocate_with(self._iterator_resource.op):
            op = make_op("IteratorGetNext", [self._iterator_resource], name,
                         _structure_attrs(self._structure))
        return nest.pack_sequence_as(self._structure, list(op.outputs))

    def string_handle(self, name=None):
        return self._string_handle

    def __repr__(self) -> str:
        return f"<Iterator of {self.output_types}>"


def _structure_of(output_types, output_shapes):
    if output_shapes is None:
        output_shapes = nest.map_structure(lambda _: TensorShape(None), output_types)
    flat_types, flat_shapes = nest.flatten(output_types), nest.flatten(output_shapes)
    if len(flat_types) != len(flat_shapes):
        raise ValueError("The two structures don't have the same number of elements.")
    return nest.pack_sequence_as(output_types, [
        Component(dtypes.as_dtype(t), TensorShape(s)) for t, s in zip(flat_types, flat_shapes)])


def make_one_shot_iterator(dataset) -> Iterator:
    """An iterator that starts itself on first use, over `dataset` as it is when built."""
    _refuse_placeholders(dataset._variant_tensor)
    name = f"_make_dataset_{id(dataset) & 0xFFFFFFFF:08x}"
    attrs = dict(_structure_attrs(dataset._structure), container=b"", shared_name=b"",
                 dataset_factory=name, _dataset=dataset._variant_tensor)
    with colocate_with(dataset._variant_tensor.op):
        handle = make_op("OneShotIterator", [], None, attrs, get_default_graph()).outputs[0]
        return Iterator(handle, None, dataset._structure)


def _refuse_placeholders(tensor) -> None:
    """TF copies a one-shot iterator's dataset by value: it cannot depend on a feed."""
    seen, pending = set(), [tensor.op]
    while pending:
        op = pending.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.type.startswith("Placeholder"):
            raise ValueError(f"Cannot capture a placeholder (name:{op.name}, type:{op.type}) "
                             "by value.")
        pending.extend(t.op for t in op.inputs)
        pending.extend(op.control_inputs)


def make_initializable_iterator(dataset, shared_name=None) -> Iterator:
    """An iterator with an `initializer` op that (re)starts it over `dataset`."""
    attrs = dict(_structure_attrs(dataset._structure), container=b"",
                 shared_name=(shared_name or "").encode())
    with colocate_with(dataset._variant_tensor.op):
        handle = make_op("IteratorV2", [], None, attrs).outputs[0]
        initializer = make_op("MakeIterator", [dataset._variant_tensor, handle])
        return Iterator(handle, initializer, dataset._structure)


def get_structure_attr(kind: str, value: Any) -> Any:
    """`tf.compat.v1.data.get_output_types/shapes/classes` of a dataset or an iterator."""
    return getattr(value, f"output_{kind}")
