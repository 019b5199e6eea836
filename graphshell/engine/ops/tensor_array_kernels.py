"""The TensorArrayV3 op family: an array of tensors that lives for one step, as in TF1.

TensorArrayV3 makes the storage (a `StepTensorArray`) each time it runs, so every step starts
empty; its handle output carries the storage to the ops that write and read it, and the float
`flow` scalar they pass along orders those ops (as TF's flow tensors do). Messages are TF's.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np

from ..graph import dtypes, errors
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import rules

_RUNTIME_NAMES = itertools.count()  # TF numbers each array it creates at run time
_FLOW = np.float32(0.0)


def _shape_str(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _fully_defined(shape) -> bool:
    return shape is not None and all(d is not None for d in shape)


def _compatible(shape, known) -> bool:
    if known is None:
        return True
    return len(shape) == len(known) and all(k is None or k == d for d, k in zip(shape, known))


class StepTensorArray:
    """One TensorArray's elements during one step (what TensorArrayV3's handle refers to)."""

    def __init__(self, op, size: int):
        attrs = op.attrs
        self.name = f"{op.name}_{next(_RUNTIME_NAMES)}"
        self.dtype = attrs["dtype"]
        self.dynamic_size = attrs["dynamic_size"]
        self.clear_after_read = attrs["clear_after_read"]
        self.identical_shapes = attrs["identical_element_shapes"]
        self.element_shape = attrs["element_shape"]
        self.values: list = [None] * size
        self.shapes: list = [None] * size  # each element's shape once known (written or copied)
        self.cleared: set[int] = set()
        self.aggregates_writes = False  # a gradient array sums repeated writes
        self.gradients: dict[bytes, StepTensorArray] = {}  # by TensorArrayGradV3's source

    def gradient_array(self, op, source: bytes) -> StepTensorArray:
        """The gradient array for `source`: made on first use with this array's size and
        element shapes, then the same one (as TF's TensorArrayGradV3 kernel does)."""
        if self.aggregates_writes:  # TF keeps gradient arrays where no lookup finds them
            raise errors.InvalidArgumentError(
                None, op, f"Wrong input container. _tensor_array_grads{self.name}")
        found = self.gradients.get(source)
        if found is None:
            found = self.gradients[source] = copy.copy(self)
            found.name = f"{self.name}@{source.decode()}"
            found.dynamic_size, found.clear_after_read = False, True
            found.aggregates_writes = True
            found.values = [None] * len(self.values)
            found.shapes = list(self.shapes)
            found.cleared, found.gradients = set(), {}
        return found

    def fail(self, op, message: str):
        return errors.InvalidArgumentError(None, op, f"TensorArray {self.name}: {message}")

    def write(self, op, index: int, value: np.ndarray) -> None:
        if index < 0 or index >= len(self.values):
            if index < 0 or not self.dynamic_size:
                raise self.fail(op, f"Tried to write to index {index} but array is not "
                                    f"resizeable and size is: {len(self.values)}")
            self.values.extend([None] * (index + 1 - len(self.values)))
            self.shapes.extend([None] * (len(self.values) - len(self.shapes)))
        if self.identical_shapes and not _compatible(value.shape, self.element_shape):
            raise self.fail(
                op, f"Could not write to TensorArray index {index} because the value shape is "
                    f"{_shape_str(value.shape)} which is incompatible with the TensorArray's "
                    f"inferred element shape: {_shape_str(self.element_shape)} (consider "
                    "setting infer_shape=False).")
        if self.aggregates_writes and index in self.cleared:
            raise self.fail(op, f"Could not write to TensorArray index {index} because it has "
                                "already been read.")
        previous = self.values[index]
        if previous is not None and self.aggregates_writes:
            value = self._summed(op, index, previous, value)
        elif previous is not None or index in self.cleared:
            raise self.fail(op, f"Could not write to TensorArray index {index} because it has "
                                "already been written to.")
        if self.identical_shapes:
            self.element_shape = tuple(value.shape)
        self.values[index] = value
        self.shapes[index] = value.shape

    def _summed(self, op, index: int, previous: np.ndarray, value: np.ndarray) -> np.ndarray:
        if previous.shape != value.shape:
            raise self.fail(
                op, f"Could not aggregate to TensorArray index {index} because the existing "
                    f"shape is {_shape_str(previous.shape)} but the new input shape is "
                    f"{_shape_str(value.shape)}.")
        return np.asarray(previous + value, previous.dtype)

    def read(self, op, index: int) -> np.ndarray:
        if index < 0 or index >= len(self.values):
            raise errors.InvalidArgumentError(
                None, op, f"Tried to read from index {index} but array size is: "
                          f"{len(self.values)}")
        if index in self.cleared:
            raise self.fail(op, f"Could not read index {index} twice because it was cleared "
                                "after a previous read (perhaps try setting clear_after_read "
                                "= false?).")
        value = self.values[index]
        if value is None:
            value = self._zeros(op, index)
        if self.clear_after_read:
            self.values[index] = None
            self.cleared.add(index)
        return value

    def _zeros(self, op, index: int) -> np.ndarray:
        """An element never written reads as zeros once its shape is fully known, as in TF."""
        if self.shapes[index] is not None:
            return np.zeros(self.shapes[index], self.dtype.as_numpy_dtype)
        if not _fully_defined(self.element_shape):
            raise self.fail(
                op, f"Could not read from TensorArray index {index}.  Furthermore, the element "
                    "shape is not fully defined: <unknown>.  If you set the full element_shape "
                    "property on the forward TensorArray, the proper all-zeros tensor will be "
                    "returned instead of incurring this error.")
        return np.zeros(self.element_shape, self.dtype.as_numpy_dtype)

    def stacked(self, op, indices) -> np.ndarray:
        values = [self.read(op, int(i)) for i in np.asarray(indices).reshape(-1)]
        if not values:
            if not _fully_defined(self.element_shape):
                raise self.fail(op, "TensorArray has size zero, but element shape <unknown> is "
                                    "not fully defined. Currently only static shapes are "
                                    "supported when packing zero-size TensorArrays.")
            return np.zeros((0,) + tuple(self.element_shape), self.dtype.as_numpy_dtype)
        for position, value in enumerate(values[1:], 1):
            if value.shape != values[0].shape:
                raise errors.InvalidArgumentError(
                    None, op, f"TensorArray has inconsistent shapes. Index 0 has shape: "
                              f"{_shape_str(values[0].shape)} but index {position} has shape: "
                              f"{_shape_str(value.shape)}")
        return np.stack(values)


def _make_new_array(op, runtime):
    def new_array(size):
        if int(size) < 0:
            raise errors.InvalidArgumentError(None, op, f"Size should be >= 0, got: {size}")
        return StepTensorArray(op, int(size)), _FLOW
    return new_array


def _make_write(op, runtime):
    def write(array, index, value, flow):
        array.write(op, int(index), np.asarray(value))
        return _FLOW
    return write


def _make_read(op, runtime):
    return lambda array, index, flow: array.read(op, int(index))


def _make_gather(op, runtime):
    return lambda array, indices, flow: array.stacked(op, indices)


def _make_scatter(op, runtime):
    def scatter(array, indices, value, flow):
        indices = np.asarray(indices).reshape(-1)
        value = np.asarray(value)
        if value.ndim == 0 or len(indices) != value.shape[0]:
            rows = value.shape[0] if value.ndim else 0
            raise errors.InvalidArgumentError(
                None, op, f"Expected len(indices) == values.shape[0], but saw: {len(indices)} "
                          f"vs. {rows}")
        for index, element in zip(indices, value):
            array.write(op, int(index), element)
        return _FLOW
    return scatter


def _make_concat(op, runtime):
    def concat(array, flow):
        values = [array.read(op, i) for i in range(len(array.values))]
        for index, value in enumerate(values):
            if value.ndim == 0:
                raise errors.InvalidArgumentError(
                    None, op, f"Concat saw a scalar shape at index {index} but requires at "
                              "least vectors.  Did you mean to call stack instead?")
        lengths = np.array([v.shape[0] for v in values], np.int64)
        if not values:
            rest = op.attrs["element_shape_except0"]
            if not _fully_defined(rest):
                raise array.fail(op, "Concat saw no elements and the element shape is not "
                                     "fully defined.")
            return np.zeros((0,) + tuple(rest), array.dtype.as_numpy_dtype), lengths
        return np.concatenate(values), lengths
    return concat


def _make_split(op, runtime):
    def split(array, value, lengths, flow):
        value, lengths = np.asarray(value), np.asarray(lengths).reshape(-1)
        if value.ndim == 0 or int(lengths.sum()) != value.shape[0]:
            raise errors.InvalidArgumentError(
                None, op, f"Expected sum of lengths to be equal to values.shape[0], but sum of "
                          f"lengths is: {int(lengths.sum())} and value's shape is: "
                          f"{_shape_str(value.shape)}")
        if not array.dynamic_size and len(lengths) != len(array.values):
            raise errors.InvalidArgumentError(
                None, op, f"TensorArray's size is not equal to the size of lengths "
                          f"({len(array.values)} vs. {len(lengths)}), and the TensorArray is "
                          "not marked as dynamically resizeable")
        starts = np.concatenate([[0], np.cumsum(lengths)])
        for index, (start, stop) in enumerate(zip(starts[:-1], starts[1:])):
            array.write(op, index, value[int(start):int(stop)])
        return _FLOW
    return split


def _make_grad(op, runtime):
    def grad(array, flow):
        return array.gradient_array(op, op.attrs["source"]), _FLOW
    return grad


def _make_size(op, runtime):
    return lambda array, flow: np.int32(len(array.values))


def _flow_output(op):
    return [(dtypes.float32, ())]


define("TensorArrayV3", stateful=True, multi_output=True, grad=NOT_DIFFERENTIABLE,
       infer=lambda op: [(dtypes.resource, (2,)), (dtypes.float32, ())],
       make_kernel=_make_new_array)
define("TensorArrayWriteV3", infer=_flow_output, make_kernel=_make_write, stateful=True)
define("TensorArrayScatterV3", infer=_flow_output, make_kernel=_make_scatter, stateful=True)
define("TensorArraySplitV3", infer=_flow_output, make_kernel=_make_split, stateful=True)
define("TensorArrayReadV3", infer=lambda op: [(op.attrs["dtype"], None)],
       make_kernel=_make_read, stateful=True)
define("TensorArrayGatherV3", infer=lambda op: [(op.attrs["dtype"], None)],
       make_kernel=_make_gather, stateful=True)
define("TensorArrayConcatV3", multi_output=True, make_kernel=_make_concat, stateful=True,
       infer=lambda op: [(op.attrs["dtype"], None), (dtypes.int64, (None,))])
define("TensorArrayGradV3", stateful=True, multi_output=True, grad=NOT_DIFFERENTIABLE,
       infer=lambda op: [(dtypes.resource, (2,)), (dtypes.float32, ())], make_kernel=_make_grad)
define("TensorArraySizeV3", infer=lambda op: [(dtypes.int32, ())], make_kernel=_make_size,
       stateful=True, grad=NOT_DIFFERENTIABLE)
define("TensorArrayCloseV3", infer=rules.no_outputs, kernel=lambda array: None, stateful=True,
       grad=NOT_DIFFERENTIABLE)
