"""2-D pooling: MaxPool, AvgPool and their gradients (MaxPoolGrad, AvgPoolGrad, MaxPoolGradGrad),
with TF's shape functions, CPU kernel checks and padding rules: padded cells never win a max,
and an average divides by the count of real cells in its window."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_same_type, convert_to_tensor
from ..graph.errors import InvalidArgumentError, UnimplementedError
from ..graph.registry import ShapeError, define
from . import array_ops, conv_kernels, input_ops, pool_kernels, rules, windows
from .allocation import check_output
from .conv_ops import shape_of_tensor

MAX_POOL_TYPES = rules.FLOATS + rules.INTEGERS
MAX_POOL_WORDS = "float16, bfloat16, float32, float64, int32, int64, uint8, int16, int8, " \
                 "uint16, qint8"
FLOAT_WORDS = "float16, bfloat16, float32, float64"
_PADDINGS = {"MaxPool": windows.PADDINGS, "MaxPoolGrad": windows.PADDINGS}
_FORMATS = {"MaxPool": ("NHWC", "NCHW", "NCHW_VECT_C")}


@dataclass(frozen=True)
class PoolAttrs:
    """The window attributes of a pooling op."""

    ksize: tuple[int, ...]
    strides: tuple[int, ...]
    padding: str
    explicit_paddings: tuple[int, ...]
    data_format: str

    @classmethod
    def of(cls, op) -> PoolAttrs:
        a = op.attrs
        return cls(tuple(a["ksize"]), tuple(a["strides"]), a["padding"].decode(),
                   tuple(a.get("explicit_paddings", ())), a["data_format"].decode())

    def op_attrs(self, op_type: str, dtype) -> dict:
        attrs = {"T": dtype, "ksize": list(self.ksize), "strides": list(self.strides),
                 "padding": self.padding.encode(), "data_format": self.data_format.encode()}
        if op_type in ("MaxPool", "MaxPoolGrad"):
            attrs["explicit_paddings"] = list(self.explicit_paddings)
        return attrs

    def geometry(self, rows: int, cols: int):
        """((out, before, after) of rows, of columns) at run time."""
        pad_rows, pad_cols = windows.explicit_pairs(self.explicit_paddings, "NHWC")
        return (windows.run_geometry(rows, self.ksize[1], self.strides[1], 1, self.padding,
                                     pad_rows),
                windows.run_geometry(cols, self.ksize[2], self.strides[2], 1, self.padding,
                                     pad_cols))


# -- shape functions -------------------------------------------------------------------------------
def _pooled_shape(op_type: str, x_shape, attrs: PoolAttrs, pool_depth: bool):
    for name, values in (("stride", attrs.strides), ("ksize", attrs.ksize)):
        if len(values) != 4:
            raise ShapeError(f"{op_type} requires the {name} attribute to contain 4 values, but "
                             f"got: {len(values)}")
    windows.check_rank(x_shape)
    windows.check_explicit_paddings(attrs.padding, attrs.explicit_paddings, attrs.data_format,
                                    op_type)
    x_shape = x_shape or (None,) * 4
    batch, r, c, ch = windows.spatial_axes(attrs.data_format)
    pad_rows, pad_cols = windows.explicit_pairs(attrs.explicit_paddings, attrs.data_format)
    out = list(x_shape)
    out[r] = windows.inferred_size(x_shape[r], attrs.ksize[r], attrs.strides[r], 1,
                                   attrs.padding, pad_rows)
    out[c] = windows.inferred_size(x_shape[c], attrs.ksize[c], attrs.strides[c], 1,
                                   attrs.padding, pad_cols)
    if pool_depth:
        out[ch] = windows.inferred_size(x_shape[ch], attrs.ksize[ch], attrs.strides[ch], 1,
                                        attrs.padding)
    return tuple(out)


def _infer_max_pool(op):
    x = op._inputs[0]
    return [(x.dtype.base_dtype, _pooled_shape("MaxPool", x._shape, PoolAttrs.of(op), True))]


def _infer_avg_pool(op):
    x = op._inputs[0]
    return [(x.dtype.base_dtype, _pooled_shape("AvgPool", x._shape, PoolAttrs.of(op), False))]


def _infer_like_first(op):
    x = op._inputs[0]
    windows.check_rank(x._shape)
    return [(x.dtype.base_dtype, x._shape)]


def _infer_avg_pool_grad(op):
    sizes, grad = op._inputs
    wanted = shape_of_tensor(sizes)
    windows.check_rank(wanted)
    return [(grad.dtype.base_dtype, wanted if wanted is not None else (None,) * 4)]


def _infer_max_pool_grad_grad(op):
    x = op._inputs[0]
    return [(x.dtype.base_dtype, _pooled_shape("MaxPoolGradGrad", x._shape, PoolAttrs.of(op),
                                               True))]


# -- kernel checks ---------------------------------------------------------------------------------
def _check_pool(attrs: PoolAttrs, kernel_name: str, rank: int, allow_depth: bool):
    """TF's constructor and PoolParameters checks; True when the pooling is across depth."""
    windows.check_nhwc(attrs.data_format, f"Default {kernel_name} only supports NHWC on device "
                       "type CPU")
    if attrs.ksize[0] != 1 or attrs.strides[0] != 1:
        raise UnimplementedError(None, None, "Pooling is not yet supported on the batch "
                                             "dimension.")
    if rank != 4:
        raise InvalidArgumentError(None, None, "tensor_in_shape must have 2 spatial dimensions. "
                                   f"{rank} 0")
    across_depth = attrs.ksize[3] != 1  # a depth stride alone is ignored, as in TF
    if across_depth and (attrs.ksize[1] != 1 or attrs.ksize[2] != 1):
        raise UnimplementedError(None, None, "MaxPooling supports exactly one of pooling across "
                                             "depth or pooling across width/height.")
    if across_depth and not allow_depth:
        raise UnimplementedError(None, None, "Non-spatial pooling is not yet supported.")
    return across_depth


def _depth_max_pool(x, attrs: PoolAttrs):
    window, stride, depth = attrs.ksize[3], attrs.strides[3], x.shape[3]
    if depth % window:
        raise UnimplementedError(None, None, "Depthwise max pooling requires the depth window "
                                             "to evenly divide the input depth")
    if stride != window:
        raise UnimplementedError(None, None, "Depthwise max pooling requires the depth window "
                                             "to equal the depth stride")
    return np.fmax.reduce(x.reshape(x.shape[:3] + (depth // window, window)), axis=-1)


def _empty(geometry, x):
    return geometry[0][0] == 0 or geometry[1][0] == 0 or x.size == 0


# -- kernels ---------------------------------------------------------------------------------------
def _max_pool_kernel(op, runtime):
    attrs = PoolAttrs.of(op)

    def max_pool(x):
        if _check_pool(attrs, "MaxPoolingOp", np.ndim(x), allow_depth=True):
            return _depth_max_pool(x, attrs)
        geometry = attrs.geometry(x.shape[1], x.shape[2])
        if _empty(geometry, x):
            return np.zeros((x.shape[0], geometry[0][0], geometry[1][0], x.shape[3]), x.dtype)
        return pool_kernels.window_max(x, attrs.ksize[1:3], attrs.strides[1:3], geometry)
    return max_pool


def _check_grad_shape(expected, grad):
    if tuple(expected) != np.shape(grad):
        raise InvalidArgumentError(None, None, "Expected grad shape to be "
                                   f"{windows.shape_text(expected)}, but got "
                                   f"{windows.shape_text(np.shape(grad))}")


def _max_pool_grad_kernel(op, runtime):
    attrs = PoolAttrs.of(op)

    def max_pool_grad(x, y, grad):
        for what, value in (("tensor_in", x), ("tensor_out", y), ("out_backprop", grad)):
            if np.ndim(value) != 4:
                raise InvalidArgumentError(None, None, f"{what} must be 4-dimensional")
        _check_pool(attrs, "MaxPoolingGradOp", np.ndim(x), allow_depth=False)
        geometry = attrs.geometry(x.shape[1], x.shape[2])
        _check_grad_shape((x.shape[0], geometry[0][0], geometry[1][0], x.shape[3]), grad)
        if _empty(geometry, x):
            return np.zeros_like(x)
        return pool_kernels.scatter_to_max(x, grad, attrs.ksize[1:3], attrs.strides[1:3],
                                           geometry)
    return max_pool_grad


def _max_pool_grad_grad_kernel(op, runtime):
    attrs = PoolAttrs.of(op)

    def max_pool_grad_grad(x, y, grad):
        _check_pool(attrs, "MaxPoolingGradGradOp", np.ndim(x), allow_depth=False)
        geometry = attrs.geometry(x.shape[1], x.shape[2])
        if _empty(geometry, x):
            return np.zeros((x.shape[0], geometry[0][0], geometry[1][0], x.shape[3]), x.dtype)
        return pool_kernels.gather_max(x, grad, attrs.ksize[1:3], attrs.strides[1:3], geometry)
    return max_pool_grad_grad


def _window_counts(rows, cols, attrs: PoolAttrs, geometry):
    """How many real (unpadded) cells each output's window holds: [out_rows, out_cols, 1]."""
    real = windows.real_cells(rows, cols, geometry[0], geometry[1], attrs.ksize[1:3],
                              attrs.strides[1:3])
    return real.sum(axis=(-2, -1))[:, :, None]


def _avg_pool_kernel(op, runtime):
    attrs = PoolAttrs.of(op)

    def avg_pool(x):
        _check_pool(attrs, "AvgPoolingOp", np.ndim(x), allow_depth=False)
        geometry = attrs.geometry(x.shape[1], x.shape[2])
        if _empty(geometry, x):
            return np.zeros((x.shape[0], geometry[0][0], geometry[1][0], x.shape[3]), x.dtype)
        work = conv_kernels.compute_type(x.dtype)
        counts = _window_counts(x.shape[1], x.shape[2], attrs, geometry)
        return (pool_kernels.window_sums(x.astype(work, copy=False), attrs.ksize[1:3],
                                         attrs.strides[1:3], geometry)
                / counts.astype(work)).astype(x.dtype, copy=False)
    return avg_pool


def _avg_pool_grad_kernel(op, runtime):
    attrs = PoolAttrs.of(op)

    def avg_pool_grad(sizes, grad):
        if np.ndim(sizes) != 1 or np.size(sizes) != 4:
            raise InvalidArgumentError(None, None, "orig_input_shape must be 1-dimensional and 4 "
                                                   "elements")
        if np.ndim(grad) != 4:
            raise InvalidArgumentError(None, None, "out_backprop must be 4-dimensional")
        shape = tuple(int(s) for s in sizes)
        _check_pool(attrs, "AvgPoolingGradOp", 4, allow_depth=False)
        geometry = attrs.geometry(shape[1], shape[2])
        _check_grad_shape((shape[0], geometry[0][0], geometry[1][0], shape[3]), grad)
        check_output(shape, grad.dtype)
        if _empty(geometry, grad) or 0 in shape:
            return np.zeros(shape, grad.dtype)
        work = conv_kernels.compute_type(grad.dtype)
        # TF scales by the reciprocal of each count (rounded to the type), not dividing
        counts = _window_counts(shape[1], shape[2], attrs, geometry)
        share = grad.astype(work) * (1.0 / counts).astype(work)
        cells = np.broadcast_to(share, tuple(attrs.ksize[1:3]) + share.shape)
        summed = conv_kernels.scatter_taps(cells, shape, attrs.strides[1:3], (1, 1), geometry)
        return summed.astype(grad.dtype, copy=False)
    return avg_pool_grad


# -- gradients -------------------------------------------------------------------------------------
def _max_pool_grad(op, grad):
    return [pool_op("MaxPoolGrad", [op._inputs[0], op._outputs[0], grad], PoolAttrs.of(op))]


def _max_pool_grad_grad(op, grad):
    x, y, _ = op._inputs
    return [input_ops.zeros_like(x), input_ops.zeros_like(y),
            pool_op("MaxPoolGradGrad", [x, y, grad], PoolAttrs.of(op))]


def _max_pool_grad_grad_grad(op, grad):
    x, y, _ = op._inputs
    return [input_ops.zeros_like(x), input_ops.zeros_like(y),
            pool_op("MaxPoolGrad", [x, y, grad], PoolAttrs.of(op))]


def _avg_pool_grad(op, grad):
    x = op._inputs[0]
    return [pool_op("AvgPoolGrad", [array_ops.shape(x), grad], PoolAttrs.of(op))]


def _avg_pool_grad_grad(op, grad):
    return [array_ops.stop_gradient(op._inputs[0]),
            pool_op("AvgPool", [grad], PoolAttrs.of(op))]


define("MaxPool", infer=_infer_max_pool, make_kernel=_max_pool_kernel, grad=_max_pool_grad)
define("AvgPool", infer=_infer_avg_pool, make_kernel=_avg_pool_kernel, grad=_avg_pool_grad)
define("MaxPoolGrad", infer=_infer_like_first, make_kernel=_max_pool_grad_kernel,
       grad=_max_pool_grad_grad)
define("MaxPoolGradGrad", infer=_infer_max_pool_grad_grad,
       make_kernel=_max_pool_grad_grad_kernel, grad=_max_pool_grad_grad_grad)
define("AvgPoolGrad", infer=_infer_avg_pool_grad, make_kernel=_avg_pool_grad_kernel,
       grad=_avg_pool_grad_grad)


# -- builders --------------------------------------------------------------------------------------
_ALLOWED = {"MaxPool": (MAX_POOL_TYPES, MAX_POOL_WORDS, "input"),
            "AvgPool": (rules.FLOATS, FLOAT_WORDS, "value")}
_TYPED_ARGS = {"MaxPool": ("input",), "AvgPool": ("value",),
               "MaxPoolGrad": ("orig_input", "orig_output", "grad"),
               "MaxPoolGradGrad": ("orig_input", "orig_output", "grad"), "AvgPoolGrad": ("grad",)}


def pool_op(op_type: str, inputs, attrs: PoolAttrs, name=None):
    """One pooling op, its inputs and attributes checked as TF's op builder checks them."""
    shape_input = inputs[:1] if op_type == "AvgPoolGrad" else []
    values = inputs[len(shape_input):]
    typed = convert_same_type(op_type, *zip(_TYPED_ARGS[op_type], values))
    allowed, words, arg = _ALLOWED.get(op_type, (MAX_POOL_TYPES, None, "orig_input"))
    rules.check_dtype(None, typed[0], allowed, arg, words=words)
    windows.check_string_attr(op_type, "padding", attrs.padding,
                              _PADDINGS.get(op_type, ("SAME", "VALID")))
    windows.check_string_attr(op_type, "data_format", attrs.data_format,
                              _FORMATS.get(op_type, ("NHWC", "NCHW")))
    if shape_input:
        shape_input = [convert_to_tensor(shape_input[0], dtype=dtypes.int32,
                                         name="orig_input_shape")]
    return make_tensor(op_type, shape_input + typed, name,
                       attrs.op_attrs(op_type, typed[0].dtype.base_dtype))


def _attrs_from_arguments(ksize, strides, padding, data_format, explicit=True) -> PoolAttrs:
    data_format = "NHWC" if data_format is None else data_format
    channel_index = 1 if data_format.startswith("NC") else 3
    ksize = windows.get_sequence(ksize, 2, channel_index, "ksize")
    strides = windows.get_sequence(strides, 2, channel_index, "strides")
    paddings: list[int] = []
    if explicit:
        padding, paddings = windows.convert_padding(padding)
    return PoolAttrs(tuple(ksize), tuple(strides), padding, tuple(paddings), data_format)


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """tf.nn.max_pool (v1): one MaxPool op; ksize and strides as 1, 2 or 4 values."""
    value = input if value is None else value
    with OpScope(name, "MaxPool", [value]) as scope:
        attrs = _attrs_from_arguments(ksize, strides, padding, data_format)
        if 0 in attrs.ksize:
            raise ValueError(f"`ksize` cannot be zero. Received: ksize={list(attrs.ksize)}")
        return pool_op("MaxPool", [value], attrs, scope)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """tf.nn.max_pool2d: max_pool under the name scope MaxPool2d."""
    with OpScope(name, "MaxPool2d", [input]) as scope:
        attrs = _attrs_from_arguments(ksize, strides, padding, data_format)
        return pool_op("MaxPool", [input], attrs, scope)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """tf.nn.avg_pool (v1, also avg_pool2d): one AvgPool op (SAME or VALID padding only)."""
    with OpScope(name, "AvgPool", [value, input]) as scope:
        value = input if value is None else value
        attrs = _attrs_from_arguments(ksize, strides, padding, data_format, explicit=False)
        return pool_op("AvgPool", [value], attrs, scope)


__all__ = ["PoolAttrs", "pool_op", "max_pool", "max_pool2d", "avg_pool"]
