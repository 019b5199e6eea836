"""Depthwise convolutions: DepthwiseConv2dNative and its two backprop ops (each channel
convolved with its own `channel_multiplier` filters), with TF's shape functions, kernels and
gradients; `tf.nn.depthwise_conv2d` (through `with_space_to_batch` for rates above one) and
`tf.nn.separable_conv2d`."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_same_type, convert_to_tensor
from ..graph.errors import InvalidArgumentError, UnimplementedError
from ..graph.registry import ShapeError, define
from . import array_ops, conv_kernels, conv_ops, rules, space_batch_ops, windows
from .allocation import check_output
from .conv_ops import ConvAttrs

NATIVE = "DepthwiseConv2dNative"
BACKPROP_INPUT = "DepthwiseConv2dNativeBackpropInput"
BACKPROP_FILTER = "DepthwiseConv2dNativeBackpropFilter"
FLOAT_WORDS = "float16, bfloat16, float32, float64"


def _op_attrs(attrs: ConvAttrs, dtype) -> dict:
    return {"T": dtype, "strides": list(attrs.strides), "padding": attrs.padding.encode(),
            "explicit_paddings": list(attrs.explicit_paddings),
            "data_format": attrs.data_format.encode(), "dilations": list(attrs.dilations)}


def _check_attr_lengths(attrs: ConvAttrs) -> None:
    for name, values in (("stride", attrs.strides), ("dilation", attrs.dilations)):
        if len(values) != 4:
            raise ShapeError(f"DepthwiseConv2D requires the {name} attribute to contain 4 values,"
                             f" but got: {len(values)}")
    windows.check_explicit_paddings(attrs.padding, attrs.explicit_paddings, attrs.data_format,
                                    "DepthwiseConv2D")


def _merge(a, b):
    if a is not None and b is not None and a != b:
        raise ShapeError(f"Dimensions must be equal, but are {a} and {b}")
    return a if a is not None else b


def _output_shape(attrs: ConvAttrs, x_shape, w_shape):
    """TF's DepthwiseConv2DNativeShape: the output of an input and filter raw shape."""
    windows.check_rank(x_shape)
    windows.check_rank(w_shape)
    x_shape = x_shape or (None,) * 4
    w_shape = w_shape or (None,) * 4
    batch, r, c, ch = attrs.axes()
    depth = _merge(x_shape[ch], w_shape[2])
    multiplier = w_shape[3]
    out_depth = None if depth is None or multiplier is None else depth * multiplier
    rows, cols = attrs.output_dims(x_shape[r], x_shape[c], w_shape[0], w_shape[1])
    if attrs.data_format.startswith("NC"):
        return (x_shape[batch], out_depth, rows, cols)
    return (x_shape[batch], rows, cols, out_depth)


def _infer_native(op):
    x, w = op._inputs
    attrs = ConvAttrs.of(op)
    _check_attr_lengths(attrs)
    return [(x.dtype.base_dtype, _output_shape(attrs, x._shape, w._shape))]


def _infer_backprop(op, shape_index):
    _check_attr_lengths(ConvAttrs.of(op))
    wanted = conv_ops.shape_of_tensor(op._inputs[shape_index])
    windows.check_rank(wanted)
    return [(op._inputs[2].dtype.base_dtype, wanted if wanted is not None else (None,) * 4)]


# -- kernels ---------------------------------------------------------------------------------------
def _geometry(attrs: ConvAttrs, x_shape, kernel):
    pad_rows, pad_cols = attrs.pads()
    (_, sr, sc, _), (_, dr, dc, _) = attrs.strides, attrs.dilations
    return (windows.run_geometry(x_shape[1], kernel[0], sr, dr, attrs.padding, pad_rows),
            windows.run_geometry(x_shape[2], kernel[1], sc, dc, attrs.padding, pad_cols))


def _check_construction(attrs: ConvAttrs) -> None:
    """What TF's CPU depthwise kernels refuse, raised when the op runs."""
    strides = attrs.strides
    windows.check_unit_batch_and_depth(strides, "strides", InvalidArgumentError)
    if strides[1] != strides[2]:
        raise InvalidArgumentError(None, None, "Current implementation only supports equal "
                                   "length strides in the row and column dimensions.")
    if any(d != 1 for d in attrs.dilations):
        words = " ".join(str(d) for d in attrs.dilations)
        raise UnimplementedError(None, None, "Current kernel implementation does not support "
                                 f"dilations, received [{words}]")
    windows.check_nhwc(attrs.data_format, "Depthwise convolution on CPU is only supported for "
                       "NHWC format", UnimplementedError)


def depthwise(x, w, strides, dilations, geometry):
    """out[n, i, j, c * M + m] = sum over taps of window(x)[n, i, j, c, tap] * w[tap, c, m]."""
    work = conv_kernels.compute_type(x.dtype)
    patches = conv_kernels.input_windows(x.astype(work, copy=False), w.shape[:2], strides,
                                         dilations, geometry)
    out = np.einsum("nijcab,abcm->nijcm", patches, w.astype(work, copy=False))
    return out.reshape(out.shape[:3] + (-1,)).astype(x.dtype, copy=False)


def depthwise_backprop_input(input_shape, w, dy, strides, dilations, geometry):
    work = conv_kernels.compute_type(dy.dtype)
    g = dy.astype(work, copy=False).reshape(dy.shape[:3] + w.shape[2:])
    check_output(dy.shape[:3] + w.shape[:3], work)  # the windows' cells
    w = w.astype(work, copy=False)

    def tap_cells(i, j):  # one tap's cells at a time: contiguous, and never all at once
        if w.shape[3] == 1:
            return g[..., 0] * w[i, j, :, 0]
        return np.einsum("nijcm,cm->nijc", g, w[i, j])
    grad = conv_kernels.scatter_tap_cells(tap_cells, w.shape[:2], input_shape, strides,
                                          dilations, geometry, work)
    return grad.astype(dy.dtype, copy=False)


def depthwise_backprop_filter(x, w_shape, dy, strides, dilations, geometry):
    work = conv_kernels.compute_type(x.dtype)
    patches = conv_kernels.input_windows(x.astype(work, copy=False), w_shape[:2], strides,
                                         dilations, geometry)
    g = dy.astype(work, copy=False).reshape(dy.shape[:3] + tuple(w_shape[2:]))
    return np.einsum("nijcab,nijcm->abcm", patches, g).astype(x.dtype, copy=False)


def _check_fit(label, x_shape, w_shape, dy_shape, geometry):
    """TF's checks that input, filter and out_backprop (all NHWC) fit together."""
    if x_shape[3] != w_shape[2]:
        raise InvalidArgumentError(None, None, f"{label}: input and filter must have the same "
                                   f"in_depth: {x_shape[3]} vs {w_shape[2]}")
    out_depth = w_shape[2] * w_shape[3]
    expected = (x_shape[0], geometry[0][0], geometry[1][0], out_depth)
    if tuple(dy_shape) != expected:
        raise InvalidArgumentError(None, None, f"{label}: out_backprop has shape "
                                   f"{windows.shape_text(dy_shape)} but the input and filter "
                                   f"give {windows.shape_text(expected)}")


def _native_kernel(op, runtime):
    attrs = ConvAttrs.of(op)

    def depthwise_conv2d_native(x, w):
        _check_construction(attrs)
        conv_ops._check_rank_4(x, "input", "input")
        conv_ops._check_rank_4(w, "filter", "filter")
        if x.shape[3] != w.shape[2]:
            raise InvalidArgumentError(None, None, "input and filter must have the same depth: "
                                       f"{x.shape[3]} vs {w.shape[2]}")
        geometry = _geometry(attrs, x.shape, w.shape[:2])
        out_shape = (x.shape[0], geometry[0][0], geometry[1][0], w.shape[2] * w.shape[3])
        check_output(out_shape, x.dtype)
        if 0 in out_shape or x.size == 0:
            return np.zeros(out_shape, x.dtype)
        return depthwise(x, w, attrs.strides[1:3], (1, 1), geometry)
    return depthwise_conv2d_native


def _backprop_input_kernel(op, runtime):
    attrs = ConvAttrs.of(op)

    def backprop_input(sizes, w, dy):
        _check_construction(attrs)
        input_shape = tuple(int(s) for s in np.ravel(sizes))
        geometry = _geometry(attrs, input_shape, w.shape[:2])
        _check_fit(BACKPROP_INPUT, input_shape, w.shape, dy.shape, geometry)
        check_output(input_shape, dy.dtype)
        if 0 in input_shape or dy.size == 0:
            return np.zeros(input_shape, dy.dtype)
        return depthwise_backprop_input(input_shape, w, dy, attrs.strides[1:3], (1, 1),
                                        geometry)
    return backprop_input


def _backprop_filter_kernel(op, runtime):
    attrs = ConvAttrs.of(op)

    def backprop_filter(x, sizes, dy):
        _check_construction(attrs)
        w_shape = tuple(int(s) for s in np.ravel(sizes))
        geometry = _geometry(attrs, x.shape, w_shape[:2])
        _check_fit(BACKPROP_FILTER, x.shape, w_shape, dy.shape, geometry)
        check_output(w_shape, x.dtype)
        if x.size == 0 or dy.size == 0:
            return np.zeros(w_shape, x.dtype)
        return depthwise_backprop_filter(x, w_shape, dy, attrs.strides[1:3], (1, 1), geometry)
    return backprop_filter


# -- gradients (TF's nn_grad) ----------------------------------------------------------------------
def _native_grad(op, grad):
    x, w = op._inputs
    attrs = ConvAttrs.of(op)
    return [depthwise_op(BACKPROP_INPUT, [array_ops.shape(x), w, grad], attrs),
            depthwise_op(BACKPROP_FILTER, [x, array_ops.shape(w), grad], attrs)]


def _backprop_input_grad(op, grad):
    _, w, dy = op._inputs
    attrs = ConvAttrs.of(op)
    return [None, depthwise_op(BACKPROP_FILTER, [grad, array_ops.shape(w), dy], attrs),
            depthwise_op(NATIVE, [grad, w], attrs)]


def _backprop_filter_grad(op, grad):
    x, _, dy = op._inputs
    attrs = ConvAttrs.of(op)
    return [depthwise_op(BACKPROP_INPUT, [array_ops.shape(x), grad, dy], attrs), None,
            depthwise_op(NATIVE, [x, grad], attrs)]


define(NATIVE, infer=_infer_native, make_kernel=_native_kernel, grad=_native_grad)
define(BACKPROP_INPUT, infer=lambda op: _infer_backprop(op, 0),
       make_kernel=_backprop_input_kernel, grad=_backprop_input_grad)
define(BACKPROP_FILTER, infer=lambda op: _infer_backprop(op, 1),
       make_kernel=_backprop_filter_kernel, grad=_backprop_filter_grad)


# -- builders --------------------------------------------------------------------------------------
_TYPED_INPUTS = {NATIVE: ((0, "input"), (1, "filter")),
                 BACKPROP_INPUT: ((1, "filter"), (2, "out_backprop")),
                 BACKPROP_FILTER: ((0, "input"), (2, "out_backprop"))}
_SHAPE_INPUT = {BACKPROP_INPUT: (0, "input_sizes"), BACKPROP_FILTER: (1, "filter_sizes")}


def depthwise_op(op_type: str, inputs, attrs: ConvAttrs, name=None):
    """One op of the DepthwiseConv2dNative family, checked as TF's op builder checks it."""
    (i, first), (j, second) = _TYPED_INPUTS[op_type]
    a, b = convert_same_type(op_type, (first, inputs[i]), (second, inputs[j]))
    rules.check_dtype(None, a, rules.FLOATS, first, words=FLOAT_WORDS)
    windows.check_string_attr(op_type, "padding", attrs.padding, windows.PADDINGS)
    windows.check_string_attr(op_type, "data_format", attrs.data_format, conv_ops.DATA_FORMATS)
    tensors = list(inputs)
    tensors[i], tensors[j] = a, b
    if op_type in _SHAPE_INPUT:
        k, arg = _SHAPE_INPUT[op_type]
        tensors[k] = convert_to_tensor(tensors[k], dtype=dtypes.int32, name=arg)
    return make_tensor(op_type, tensors, name, _op_attrs(attrs, a.dtype.base_dtype))


def _list_attr(value, attr: str, op_name: str) -> list[int]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"Expected list for '{attr}' argument to '{op_name}' Op, not {value!r}.")
    return [int(v) for v in value]


def _native_attrs(strides, padding, data_format, dilations, op_name) -> ConvAttrs:
    padding, explicit = windows.convert_padding(padding)
    dilations = [1, 1, 1, 1] if dilations is None else dilations
    return ConvAttrs(tuple(_list_attr(strides, "strides", op_name)),
                     tuple(_list_attr(dilations, "dilations", op_name)), padding,
                     tuple(explicit), "NHWC" if data_format is None else data_format)


def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC",  # noqa: A002
                            dilations=(1, 1, 1, 1), name=None):
    """tf.nn.depthwise_conv2d_native: one DepthwiseConv2dNative op."""
    attrs = _native_attrs(strides, padding, data_format, list(dilations),
                          "depthwise_conv2d_native")
    with OpScope(name, NATIVE, [input, filter]) as scope:
        return depthwise_op(NATIVE, [input, filter], attrs, scope)


def _native_backprop(op_type, op_name):
    def builder(first, second, out_backprop, strides, padding, data_format="NHWC",
                dilations=(1, 1, 1, 1), name=None):
        attrs = _native_attrs(strides, padding, data_format, list(dilations), op_name)
        with OpScope(name, op_type, [first, second, out_backprop]) as scope:
            return depthwise_op(op_type, [first, second, out_backprop], attrs, scope)
    builder.__name__ = op_name
    builder.__doc__ = f"tf.nn.{op_name}: one {op_type} op."
    return builder


depthwise_conv2d_native_backprop_input = _native_backprop(
    BACKPROP_INPUT, "depthwise_conv2d_native_backprop_input")
depthwise_conv2d_native_backprop_filter = _native_backprop(
    BACKPROP_FILTER, "depthwise_conv2d_native_backprop_filter")


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None,  # noqa: A002
                     data_format=None, dilations=None):
    """tf.nn.depthwise_conv2d (v1): a DepthwiseConv2dNative, inside SpaceToBatchND and
    BatchToSpaceND when `rate` dilates the filter."""
    rate = dilations if rate is None else rate
    with OpScope(name, "depthwise", [input, filter]) as scope:
        input = convert_to_tensor(input, name="tensor_in")  # noqa: A001
        filter = convert_to_tensor(filter, name="filter_in")  # noqa: A001
        rate = [1, 1] if rate is None else rate

        def native(value, native_padding):
            return depthwise_conv2d_native(value, filter, strides, native_padding,
                                           data_format=data_format, name=scope)
        return space_batch_ops.with_space_to_batch(input, array_ops.shape(filter), rate, padding,
                                                   native, data_format)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     rate=None, name=None, data_format=None, dilations=None):
    """tf.nn.separable_conv2d (v1): a depthwise convolution, then a 1x1 Conv2D mixing channels."""
    rate = dilations if rate is None else rate
    with OpScope(name, "separable_conv2d",
                 [input, depthwise_filter, pointwise_filter]) as scope:
        input = convert_to_tensor(input, name="tensor_in")  # noqa: A001
        depthwise_filter = convert_to_tensor(depthwise_filter, name="depthwise_filter")
        pointwise_filter = convert_to_tensor(pointwise_filter, name="pointwise_filter")
        _check_pointwise(pointwise_filter)
        rate = [1, 1] if rate is None else rate

        def native(value, native_padding):
            return depthwise_conv2d_native(value, depthwise_filter, strides, native_padding,
                                           data_format=data_format, name="depthwise")
        depthwise_out = space_batch_ops.with_space_to_batch(
            input, array_ops.shape(depthwise_filter), rate, padding, native, data_format)
        attrs = conv_ops.attrs_from_arguments([1, 1, 1, 1], "VALID", data_format, None)
        return conv_ops.conv_op("Conv2D", [depthwise_out, pointwise_filter], attrs, True, scope)


def _check_pointwise(pointwise_filter) -> None:
    shape = pointwise_filter._shape
    if shape is None or len(shape) != 4:
        return
    for size in shape[:2]:  # TF's Dimension.assert_is_compatible_with(1)
        if size not in (1, None):
            raise ValueError(f"Dimensions {size} and 1 are not compatible")


__all__ = ["depthwise_conv2d", "depthwise_conv2d_native", "depthwise_conv2d_native_backprop_input",
           "depthwise_conv2d_native_backprop_filter", "separable_conv2d", "depthwise_op"]
