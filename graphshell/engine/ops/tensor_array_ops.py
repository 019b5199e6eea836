"""`tf.TensorArray` in TF1 graph mode: a handle and a flow tensor over the TensorArrayV3 ops.

Each write returns a new TensorArray sharing the handle with a new flow; `tf.while_loop`
carries a TensorArray as its flow tensor (`to_loop_value` / `from_loop_value`), as TF's
control flow does. The element shape learnt from writes is shared by all of them.
"""

from __future__ import annotations

from ..graph import dtypes
from ..graph.build import OpScope, make_op
from ..graph.convert import constant_value, convert_to_tensor
from ..graph.shapes import TensorShape, as_raw_shape
from ..graph.tensor import Tensor
from . import (  # noqa: F401 - registers the ops and their gradients
    array_ops,
    input_ops,
    math_ops,
    tensor_array_grad,
    tensor_array_kernels,
)


class TensorArray:
    """A write-once array of tensors for one step (TF1's `_GraphTensorArray`)."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        _check_arguments(handle, size, tensor_array_name, element_shape, dynamic_size,
                         clear_after_read)
        self._dtype = dtypes.as_dtype(dtype).base_dtype
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        self._element_shape = [TensorShape(as_raw_shape(element_shape))]
        self._size = size
        with OpScope(name, "TensorArray", [t for t in (handle, size, flow)
                                           if isinstance(t, Tensor)]) as scope:
            if handle is not None:
                if flow is None:
                    raise ValueError("flow must not be None if handle is not None.")
                self._handle, self._flow = handle, flow
                return
            size_tensor = convert_to_tensor(size, dtype=dtypes.int32, name="size")
            attrs = {"dtype": self._dtype, "element_shape": as_raw_shape(element_shape),
                     "dynamic_size": self._dynamic_size,
                     "clear_after_read": True if clear_after_read is None else clear_after_read,
                     "identical_element_shapes": bool(infer_shape),
                     "tensor_array_name": (tensor_array_name or "").encode()}
            op = make_op("TensorArrayV3", [size_tensor], scope, attrs)
            self._handle, self._flow = op.outputs

    @property
    def flow(self) -> Tensor:
        """The float scalar that orders the ops on this array."""
        return self._flow

    @property
    def dtype(self):
        return self._dtype

    @property
    def handle(self) -> Tensor:
        return self._handle

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape[0]

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    def _check_element_shape(self, shape: TensorShape) -> None:
        if not shape.is_compatible_with(self.element_shape):
            raise ValueError(f"Inconsistent shapes: saw {shape} but expected "
                             f"{self.element_shape} ")
        if self._infer_shape:
            self._element_shape[0] = self.element_shape.merge_with(shape)

    def _with_flow(self, flow: Tensor) -> TensorArray:
        """A TensorArray on the same handle after `flow` (TF's build_ta_with_new_flow)."""
        array = TensorArray(self._dtype, handle=self._handle, flow=flow,
                            infer_shape=self._infer_shape)
        array._dynamic_size, array._size = self._dynamic_size, self._size
        array._element_shape = self._element_shape  # shared, as in TF
        return array

    def grad(self, source, flow=None, name=None) -> TensorArray:
        """The gradient TensorArray for `source` (a tf.gradients scope name): TF's
        TensorArrayGradV3, made at run time on first use and the same one after that."""
        flow = self._flow if flow is None else flow
        with OpScope(name, "TensorArrayGrad", [self._handle]):
            source = source.encode() if isinstance(source, str) else bytes(source)
            op = make_op("TensorArrayGradV3", [self._handle, flow], None, {"source": source})
            with self._handle.graph.control_dependencies([op]):
                flow = array_ops.identity(flow, name="gradient_flow")
        grad = TensorArray(self._dtype, handle=op.outputs[0], flow=flow,
                           infer_shape=self._infer_shape)
        grad._element_shape = self._element_shape  # shared, as in TF
        return grad

    def identity(self) -> TensorArray:
        return self._with_flow(array_ops.identity(self._flow))

    def read(self, index, name=None) -> Tensor:
        with OpScope(name, "TensorArrayReadV3", []) as scope:
            index = convert_to_tensor(index, dtype=dtypes.int32, name="index")
            value = make_op("TensorArrayReadV3", [self._handle, index, self._flow], scope,
                            {"dtype": self._dtype}).outputs[0]
        value.set_shape(self.element_shape)
        return value

    def write(self, index, value, name=None) -> TensorArray:
        with OpScope(name, "TensorArrayWrite", []):
            value = convert_to_tensor(value, preferred_dtype=self._dtype, name="value")
            self._check_element_shape(value.shape)
            with OpScope(name, "TensorArrayWriteV3", []) as scope:
                index = convert_to_tensor(index, dtype=dtypes.int32, name="index")
                flow = make_op("TensorArrayWriteV3", [self._handle, index, value, self._flow],
                               scope, {"T": value.dtype.base_dtype})
        return self._with_flow(flow.outputs[0])

    def stack(self, name=None) -> Tensor:
        with OpScope(name, "TensorArrayStack", []):
            value = self.gather(input_ops.range_(0, self.size()), name=name)
            if self.element_shape and not self._dynamic_size and self._size is not None:
                count = (constant_value(self._size) if isinstance(self._size, Tensor)
                         else self._size)
                value.set_shape([None if count is None else int(count)]
                                + list(self.element_shape.dims))
            return value

    def gather(self, indices, name=None) -> Tensor:
        with OpScope(name, "TensorArrayGatherV3", []) as scope:
            indices = convert_to_tensor(indices, dtype=dtypes.int32, name="indices")
            attrs = {"dtype": self._dtype, "element_shape": as_raw_shape(self.element_shape)}
            value = make_op("TensorArrayGatherV3", [self._handle, indices, self._flow], scope,
                            attrs).outputs[0]
        if self.element_shape:
            value.set_shape([None] + list(self.element_shape.dims))
        return value

    def concat(self, name=None) -> Tensor:
        shape = self.element_shape
        rest = None if shape.ndims is None else as_raw_shape(shape)[1:]
        with OpScope(name, "TensorArrayConcatV3", []) as scope:
            attrs = {"dtype": self._dtype, "element_shape_except0": rest}
            value = make_op("TensorArrayConcatV3", [self._handle, self._flow], scope,
                            attrs).outputs[0]
        if shape:
            first = None
            size = constant_value(self.size()) if self._infer_shape else None
            if size is not None and shape[0].value is not None:
                first = int(size) * shape[0].value
            value.set_shape([first] + list(shape.dims[1:]))
        return value

    def unstack(self, value, name=None) -> TensorArray:
        with OpScope(name, "TensorArrayUnstack", []):
            count = array_ops.shape(value)[0]
            return self.scatter(input_ops.range_(0, count), value, name=name)

    def scatter(self, indices, value, name=None) -> TensorArray:
        with OpScope(name, "TensorArrayScatter", []):
            indices = convert_to_tensor(indices, dtype=dtypes.int32, name="indices")
            value = convert_to_tensor(value, preferred_dtype=self._dtype, name="value")
            if value.shape.ndims is not None:
                self._check_element_shape(TensorShape(as_raw_shape(value.shape)[1:]))
            else:
                self._check_element_shape(TensorShape(None))
            with OpScope(name, "TensorArrayScatterV3", []) as scope:
                flow = make_op("TensorArrayScatterV3", [self._handle, indices, value, self._flow],
                               scope, {"T": value.dtype.base_dtype})
        return self._with_flow(flow.outputs[0])

    def split(self, value, lengths, name=None) -> TensorArray:
        with OpScope(name, "TensorArraySplit", []):
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            lengths = math_ops.cast(lengths, dtypes.int64)
            known = constant_value(lengths)
            if value.shape.ndims is not None and known is not None and known.size \
                    and known.max() == known.min():
                rest = as_raw_shape(value.shape)[1:]
                self._check_element_shape(TensorShape((int(known[0]),) + rest))
            with OpScope(name, "TensorArraySplitV3", []) as scope:
                flow = make_op("TensorArraySplitV3", [self._handle, value, lengths, self._flow],
                               scope, {"T": value.dtype.base_dtype})
        return self._with_flow(flow.outputs[0])

    def size(self, name=None) -> Tensor:
        if not self._dynamic_size and self._size is not None:
            return convert_to_tensor(self._size, dtype=dtypes.int32)
        with OpScope(name, "TensorArraySizeV3", []) as scope:
            return make_op("TensorArraySizeV3", [self._handle, self._flow], scope).outputs[0]

    def close(self, name=None):
        with OpScope(name, "TensorArrayCloseV3", []) as scope:
            return make_op("TensorArrayCloseV3", [self._handle], scope)


def _check_arguments(handle, size, name, element_shape, dynamic_size, clear_after_read):
    if handle is not None and name:
        raise ValueError("Cannot provide both `handle` and `tensor_array_name` arguments at "
                         "the same time.")
    if handle is not None and not isinstance(handle, Tensor):
        raise TypeError(f"Expected `handle` to be a Tensor, but got `{handle}` of type "
                        f"`{type(handle)}` instead.")
    if handle is None and size is None:
        raise ValueError("Argument `size` must be provided if handle is not provided.")
    for given, what in ((size, "size"), (element_shape, "element_shape"),
                        (dynamic_size, "dynamic_size"), (clear_after_read, "clear_after_read")):
        if handle is not None and given is not None:
            raise ValueError(f"Cannot provide both a `handle` and `{what}` arguments at the "
                             "same time.")


def to_loop_value(value):
    """What a while loop carries for a loop variable: a TensorArray's flow, else the value."""
    return value.flow if isinstance(value, TensorArray) else value


def from_loop_value(original, value):
    """The loop variable rebuilt from what the loop carried (a TensorArray on its new flow)."""
    return original._with_flow(value) if isinstance(original, TensorArray) else value
