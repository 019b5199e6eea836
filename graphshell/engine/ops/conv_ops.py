"""2-D convolutions: Conv2D, Conv2DBackpropInput (also conv2d_transpose) and
Conv2DBackpropFilter, with TF's shape functions, kernels and gradients; ShapeN, which TF's
Conv2D gradient reads both input shapes with."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import convert_n_to_tensor, convert_same_type, convert_to_tensor
from ..graph.errors import InvalidArgumentError, UnimplementedError
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.shapes import merge_all_same
from . import array_ops, conv_kernels, rules, windows
from .allocation import check_output
from .static import static_shape_value

CONV_TYPES = rules.FLOATS + (dtypes.int32,)
CONV_WORDS = "float16, bfloat16, float32, float64, int32"
DATA_FORMATS = ("NHWC", "NCHW")


# -- attributes ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConvAttrs:
    """The window attributes every convolution op carries, as its kernel reads them."""

    strides: tuple[int, ...]
    dilations: tuple[int, ...]
    padding: str
    explicit_paddings: tuple[int, ...]
    data_format: str

    @classmethod
    def of(cls, op) -> ConvAttrs:
        a = op.attrs
        return cls(tuple(a["strides"]), tuple(a["dilations"]), a["padding"].decode(),
                   tuple(a["explicit_paddings"]), a["data_format"].decode())

    def op_attrs(self, dtype, use_cudnn_on_gpu: bool = True) -> dict:
        return {"T": dtype, "strides": list(self.strides), "padding": self.padding.encode(),
                "explicit_paddings": list(self.explicit_paddings),
                "data_format": self.data_format.encode(), "dilations": list(self.dilations),
                "use_cudnn_on_gpu": bool(use_cudnn_on_gpu)}

    def axes(self):
        return windows.spatial_axes(self.data_format)

    def pads(self):
        return windows.explicit_pairs(self.explicit_paddings, self.data_format)

    def output_dims(self, in_rows, in_cols, k_rows, k_cols):
        """The inferred (rows, columns) of the output, None where unknown."""
        _, r, c, _ = self.axes()
        pad_rows, pad_cols = self.pads()
        rows = None if k_rows is None else windows.inferred_size(
            in_rows, k_rows, self.strides[r], self.dilations[r], self.padding, pad_rows)
        cols = None if k_cols is None else windows.inferred_size(
            in_cols, k_cols, self.strides[c], self.dilations[c], self.padding, pad_cols)
        return rows, cols

    def run_geometry(self, x_shape, kernel):
        """((out, before, after) of rows, of columns) for an input of `x_shape` at run time."""
        _, r, c, _ = self.axes()
        pad_rows, pad_cols = self.pads()
        return (windows.run_geometry(x_shape[r], kernel[0], self.strides[r], self.dilations[r],
                                     self.padding, pad_rows),
                windows.run_geometry(x_shape[c], kernel[1], self.strides[c], self.dilations[c],
                                     self.padding, pad_cols))


def _nhwc_shape(batch, rows, cols, depth, data_format):
    """A 4-d shape laid out as `data_format` says."""
    if data_format.startswith("NC"):
        return (batch, depth, rows, cols)
    return (batch, rows, cols, depth)


def _check_attr_lengths(attrs: ConvAttrs, op_type: str) -> None:
    for name, values in (("stride", attrs.strides), ("dilation", attrs.dilations)):
        if len(values) != 4:
            raise ShapeError(f"{op_type} requires the {name} attribute to contain 4 values, but "
                             f"got: {len(values)}")
    windows.check_explicit_paddings(attrs.padding, attrs.explicit_paddings, attrs.data_format,
                                    op_type)


# -- shape functions -------------------------------------------------------------------------------
def _infer_conv2d(op):
    x, w = op._inputs
    attrs = ConvAttrs.of(op)
    _check_attr_lengths(attrs, "Conv2D")
    windows.check_rank(x._shape)
    windows.check_rank(w._shape)
    x_shape = x._shape or (None,) * 4
    w_shape = w._shape or (None,) * 4
    batch, r, c, ch = attrs.axes()
    depth, filter_depth, out_depth = x_shape[ch], w_shape[2], w_shape[3]
    if depth is not None and filter_depth is not None:
        if depth % filter_depth:
            raise ShapeError(f"Depth of input ({depth}) is not a multiple of input depth of "
                             f"filter ({filter_depth})")
        groups = depth // filter_depth
        if out_depth is not None and out_depth % groups:
            raise ShapeError(f"Depth of output ({out_depth}) is not a multiple of the number "
                             f"of groups ({groups})")
    rows, cols = attrs.output_dims(x_shape[r], x_shape[c], w_shape[0], w_shape[1])
    dtype = x.dtype.base_dtype
    return [(dtype, _nhwc_shape(x_shape[batch], rows, cols, out_depth, attrs.data_format))]


def shape_of_tensor(tensor):
    """A shape-valued tensor's raw shape while building; also through ShapeN, as TF's shape
    inference evaluates it."""
    if tensor.op.type == "ShapeN":
        return tensor.op._inputs[tensor.value_index]._shape
    return static_shape_value(tensor)


def _merged(a, b):
    try:
        return merge_all_same([(a,), (b,)])[0]
    except ShapeError:
        raise ShapeError(f"Dimensions must be equal, but are {a} and {b}") from None


def _infer_backprop_input(op):
    sizes, w, dy = op._inputs
    attrs = ConvAttrs.of(op)
    _check_attr_lengths(attrs, "Conv2DBackpropInput")
    windows.check_rank(dy._shape)
    windows.check_rank(w._shape)
    dy_shape, w_shape = dy._shape or (None,) * 4, w._shape or (None,) * 4
    batch, r, c, ch = attrs.axes()
    _merged(dy_shape[ch], w_shape[3])
    wanted = shape_of_tensor(sizes)
    if wanted is None:
        wanted = (None,) * 4
    if len(wanted) == 4:
        _merged(wanted[batch], dy_shape[batch])
        rows, cols, depth = wanted[r], wanted[c], wanted[ch]
    elif len(wanted) == 2:
        (rows, cols), depth = wanted, w_shape[2]
    else:
        raise ShapeError("Conv2DBackpropInput requires input_sizes to contain 4 values or 2 "
                         f"values, but got: {len(wanted)}")
    dtype = w.dtype.base_dtype
    return [(dtype, _nhwc_shape(dy_shape[batch], rows, cols, depth, attrs.data_format))]


def _infer_backprop_filter(op):
    x, sizes, dy = op._inputs
    _check_attr_lengths(ConvAttrs.of(op), "Conv2DBackpropFilter")
    wanted = shape_of_tensor(sizes)
    windows.check_rank(wanted)
    return [(x.dtype.base_dtype, wanted if wanted is not None else (None,) * 4)]


# -- kernels ---------------------------------------------------------------------------------------
def _check_rank_4(value, what: str, label: str = "convolution") -> None:
    if np.ndim(value) != 4:
        raise InvalidArgumentError(None, None, f"{label} {what} must be 4-dimensional: "
                                   f"{windows.shape_text(np.shape(value))}")


def _check_construction(attrs: ConvAttrs, strides_error=UnimplementedError,
                        gradient: bool = False) -> None:
    """What TF's CPU kernel constructors refuse, raised when the op runs."""
    windows.check_unit_batch_and_depth(attrs.strides, "strides", strides_error)
    windows.check_unit_batch_and_depth(attrs.dilations, "dilations", UnimplementedError)
    if gradient and any(d != 1 for d in attrs.dilations):
        raise InvalidArgumentError(None, None, "Current CPU implementations do not yet support "
                                               "dilation rates larger than 1.")


def _conv2d_kernel(op, runtime):
    attrs = ConvAttrs.of(op)

    def conv2d(x, w):
        _check_construction(attrs)
        _check_rank_4(x, "input")
        _check_rank_4(w, "filter")
        batch, r, c, ch = attrs.axes()
        if x.shape[ch] % w.shape[2]:
            raise InvalidArgumentError(None, None, "input depth must be evenly divisible by "
                                       f"filter depth: {x.shape[ch]} vs {w.shape[2]}")
        geometry = attrs.run_geometry(x.shape, w.shape[:2])
        shape = _nhwc_shape(x.shape[batch], geometry[0][0], geometry[1][0], w.shape[3],
                            attrs.data_format)
        check_output(shape, x.dtype)
        if 0 in shape:
            return np.zeros(shape, x.dtype)
        windows.check_nhwc(attrs.data_format, "The Conv2D op currently only supports the NHWC "
                           "tensor format on the CPU. The op was given the format: "
                           f"{attrs.data_format}", UnimplementedError)
        return conv_kernels.conv2d(x, w, attrs.strides[1:3], attrs.dilations[1:3],
                                   geometry)
    return conv2d


def _backprop_geometry(label, input_shape, w_shape, dy_shape, attrs: ConvAttrs):
    """TF's ConvBackpropComputeDimensions: checks that the three shapes fit together."""
    for what, shape in (("input", input_shape), ("filter", w_shape), ("out_backprop", dy_shape)):
        if len(shape) != 4:
            raise InvalidArgumentError(None, None, f"{label}: {what} must be 4-dimensional")
    if input_shape[0] != dy_shape[0]:
        raise InvalidArgumentError(
            None, None, f"{label}: input and out_backprop must have the same batch size. Input "
            f"batch: {input_shape[0]}, outbackprop batch: {dy_shape[0]}, batch_dim: 0")
    if input_shape[3] % w_shape[2]:
        raise InvalidArgumentError(None, None,
                                   f"{label}: input depth must be evenly divisible by filter depth")
    if w_shape[3] != dy_shape[3]:
        raise InvalidArgumentError(
            None, None, f"{label}: filter and out_backprop must have the same out_depth")
    geometry = attrs.run_geometry(input_shape, w_shape[:2])
    for axis, (out, _, _) in zip((1, 2), geometry):
        if dy_shape[axis] != out:
            raise InvalidArgumentError(
                None, None, f"{label}: Size of out_backprop doesn't match computed: actual = "
                f"{dy_shape[axis]}, computed = {out} spatial_dim: {axis} input: "
                f"{input_shape[axis]} filter: {w_shape[axis - 1]} output: {dy_shape[axis]} "
                f"stride: {attrs.strides[axis]} dilation: {attrs.dilations[axis]}")
    return geometry


def _input_shape_from(sizes, w, dy, attrs: ConvAttrs):
    sizes = [int(s) for s in np.ravel(sizes)]
    if np.ndim(sizes) != 1 or len(sizes) not in (2, 4):
        raise InvalidArgumentError(None, None, "Conv2DBackpropInput: input_sizes input must be "
                                   f"1-dim with 4 or 2 elements, not {len(sizes)}")
    if len(sizes) == 2:
        return (np.shape(dy)[0], sizes[0], sizes[1], np.shape(w)[2])
    return tuple(sizes)


def _backprop_input_kernel(op, runtime):
    attrs = ConvAttrs.of(op)

    def conv2d_backprop_input(sizes, w, dy):
        windows.check_nhwc(attrs.data_format, "Conv2DCustomBackpropInputOp only supports NHWC.")
        _check_construction(attrs, gradient=True)
        input_shape = _input_shape_from(sizes, w, dy, attrs)
        geometry = _backprop_geometry("Conv2DCustomBackpropInput", input_shape, w.shape,
                                      dy.shape, attrs)
        check_output(input_shape, dy.dtype)
        if 0 in input_shape or dy.size == 0:
            return np.zeros(input_shape, dy.dtype)
        return conv_kernels.backprop_input(input_shape, w, dy, attrs.strides[1:3],
                                           attrs.dilations[1:3], geometry)
    return conv2d_backprop_input


def _backprop_filter_kernel(op, runtime):
    attrs = ConvAttrs.of(op)

    def conv2d_backprop_filter(x, sizes, dy):
        windows.check_nhwc(attrs.data_format, "Conv2DCustomBackpropFilterOp only supports NHWC.")
        _check_construction(attrs, InvalidArgumentError, gradient=True)
        w_shape = tuple(int(s) for s in np.ravel(sizes))
        geometry = _backprop_geometry("Conv2DCustomBackpropFilter", x.shape, w_shape, dy.shape,
                                      attrs)
        check_output(w_shape, x.dtype)
        if x.size == 0 or dy.size == 0:
            return np.zeros(w_shape, x.dtype)
        return conv_kernels.backprop_filter(x, w_shape, dy, attrs.strides[1:3],
                                            attrs.dilations[1:3], geometry)
    return conv2d_backprop_filter


# -- gradients -------------------------------------------------------------------------------------
def _conv2d_grad(op, grad):
    x, w = op._inputs
    attrs, cudnn = ConvAttrs.of(op), op.attrs["use_cudnn_on_gpu"]
    x_dims, w_dims = shape_n([x, w])
    return [conv_op("Conv2DBackpropInput", [x_dims, w, grad], attrs, cudnn),
            conv_op("Conv2DBackpropFilter", [x, w_dims, grad], attrs, cudnn)]


def _backprop_input_grad(op, grad):
    _, w, dy = op._inputs
    attrs, cudnn = ConvAttrs.of(op), op.attrs["use_cudnn_on_gpu"]
    return [None,
            conv_op("Conv2DBackpropFilter", [grad, array_ops.shape(w), dy], attrs, cudnn),
            conv_op("Conv2D", [grad, w], attrs, cudnn)]


def _backprop_filter_grad(op, grad):
    x, _, dy = op._inputs
    attrs, cudnn = ConvAttrs.of(op), op.attrs["use_cudnn_on_gpu"]
    return [conv_op("Conv2DBackpropInput", [array_ops.shape(x), grad, dy], attrs, cudnn),
            None,
            conv_op("Conv2D", [x, grad], attrs, cudnn)]


define("Conv2D", infer=_infer_conv2d, make_kernel=_conv2d_kernel, grad=_conv2d_grad)
define("Conv2DBackpropInput", infer=_infer_backprop_input, make_kernel=_backprop_input_kernel,
       grad=_backprop_input_grad)
define("Conv2DBackpropFilter", infer=_infer_backprop_filter,
       make_kernel=_backprop_filter_kernel, grad=_backprop_filter_grad)


# -- ShapeN ----------------------------------------------------------------------------------------
def _infer_shape_n(op):
    out_type = op.attrs["out_type"]
    return [(out_type, (None if t._shape is None else len(t._shape),)) for t in op._inputs]


def _shape_n_kernel(op, runtime):
    np_type = op.attrs["out_type"].as_numpy_dtype
    return lambda *values: tuple(np.array(np.shape(v), dtype=np_type) for v in values)


define("ShapeN", infer=_infer_shape_n, make_kernel=_shape_n_kernel, grad=NOT_DIFFERENTIABLE,
       multi_output=True)


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002 - TF's argument name
    """The shapes of several tensors, one ShapeN op (never folded to constants, as in TF)."""
    with OpScope(name, "ShapeN", input) as scope:
        tensors = convert_n_to_tensor(list(input))
        attrs = {"N": len(tensors), "T": tensors[0].dtype.base_dtype,
                 "out_type": dtypes.as_dtype(out_type)}
        return list(make_op("ShapeN", tensors, scope, attrs).outputs)


# -- builders --------------------------------------------------------------------------------------
# (the two inputs sharing the type attr, with their argument names), and the int32 shape input
_TYPED_INPUTS = {"Conv2D": ((0, "input"), (1, "filter")),
                 "Conv2DBackpropInput": ((1, "filter"), (2, "out_backprop")),
                 "Conv2DBackpropFilter": ((0, "input"), (2, "out_backprop"))}
_SHAPE_INPUT = {"Conv2DBackpropInput": (0, "input_sizes"),
                "Conv2DBackpropFilter": (1, "filter_sizes")}


def conv_op(op_type: str, inputs, attrs: ConvAttrs, use_cudnn_on_gpu=True, name=None):
    """One Conv2D-family op, its inputs and attributes checked as TF's op builder checks them."""
    (i, first), (j, second) = _TYPED_INPUTS[op_type]
    a, b = convert_same_type(op_type, (first, inputs[i]), (second, inputs[j]))
    if op_type == "Conv2DBackpropFilter":
        rules.check_dtype(None, a, rules.FLOATS, first, words="float16, bfloat16, float32, float64")
    else:
        rules.check_dtype(None, a, CONV_TYPES, first, words=CONV_WORDS)
    windows.check_string_attr(op_type, "padding", attrs.padding, windows.PADDINGS)
    windows.check_string_attr(op_type, "data_format", attrs.data_format, DATA_FORMATS)
    tensors = list(inputs)
    tensors[i], tensors[j] = a, b
    if op_type in _SHAPE_INPUT:
        k, arg = _SHAPE_INPUT[op_type]
        tensors[k] = convert_to_tensor(tensors[k], dtype=dtypes.int32, name=arg)
    return make_tensor(op_type, tensors, name,
                       attrs.op_attrs(a.dtype.base_dtype, use_cudnn_on_gpu))


def attrs_from_arguments(strides, padding, data_format, dilations, spatial=2) -> ConvAttrs:
    """The attributes from a v1 builder's arguments (ints or short lists, padding lists)."""
    data_format = "NHWC" if data_format is None else data_format
    channel_index = 1 if data_format.startswith("NC") else spatial + 1
    padding, explicit = windows.convert_padding(padding)
    return ConvAttrs(tuple(windows.get_sequence(strides, spatial, channel_index, "strides")),
                     tuple(windows.get_sequence(dilations, spatial, channel_index, "dilations")),
                     padding, tuple(explicit), data_format)


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """tf.nn.conv2d (v1): one Conv2D op; strides and dilations as 1, 2 or 4 values."""
    filter = filters if filter is None else filter  # noqa: A001 - TF's argument name
    attrs = attrs_from_arguments(strides, padding, data_format, dilations)
    input.shape  # noqa: B018 - TF reads it too: a Python list fails here as in TF
    with OpScope(name, "Conv2D", [input, filter]) as scope:
        return conv_op("Conv2D", [input, filter], attrs, use_cudnn_on_gpu, scope)


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None,
           data_format=None, name=None, input=None, dilations=None):  # noqa: A002
    """tf.nn.conv1d: ExpandDims of input and filter, a Conv2D, and a Squeeze."""
    value = input if value is None else value
    if data_format in (None, "NHWC", "NWC"):
        data_format, spatial_start, channel_index = "NHWC", -3, 2
    elif data_format in ("NCHW", "NCW"):
        data_format, spatial_start, channel_index = "NCHW", -2, 1
    else:
        raise ValueError(f"`data_format` must be 'NWC' or 'NCW'. Received: "
                         f"data_format={data_format}")
    with OpScope(name, "conv1d", [value, filters]) as scope:
        strides = [1] + windows.get_sequence(stride, 1, channel_index, "stride")
        rates = [1] + windows.get_sequence(dilations, 1, channel_index, "dilations")
        padding, explicit = windows.convert_padding(padding, 3)
        explicit = ([0, 0] + list(explicit)) if explicit else []
        attrs = ConvAttrs(tuple(strides), tuple(rates), padding, tuple(explicit), data_format)
        x = array_ops.expand_dims(value, spatial_start)
        w = array_ops.expand_dims(filters, 0)
        cudnn = True if use_cudnn_on_gpu is None else use_cudnn_on_gpu
        result = conv_op("Conv2D", [x, w], attrs, cudnn, scope)
        return array_ops.squeeze(result, [spatial_start])


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NHWC", name=None,
                     input=None, filters=None, dilations=None):  # noqa: A002
    """tf.nn.conv2d_transpose (v1): one Conv2DBackpropInput op producing `output_shape`."""
    value = input if value is None else value
    filter = filters if filter is None else filter  # noqa: A001
    with OpScope(name, "conv2d_transpose", [value, filter, output_shape]) as scope:
        attrs = attrs_from_arguments(strides, padding, data_format, dilations)
        return conv_op("Conv2DBackpropInput", [output_shape, filter, value], attrs, True, scope)


__all__ = ["ConvAttrs", "conv_op", "shape_n", "attrs_from_arguments", "conv2d", "conv1d",
           "conv2d_transpose"]
