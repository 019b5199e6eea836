"""Image resizing ops: ResizeBilinear and ResizeNearestNeighbor with their gradients, computed
as TF's CPU kernels compute them (float32 source coordinates, TF's interpolation order)."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from . import array_ops, rules
from .allocation import check_output
from .static import static_shape_value

_ONE_HALF = np.float32(0.5)
_REAL_TYPES = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int8, dtypes.int16,
               dtypes.int32, dtypes.int64, dtypes.uint8, dtypes.uint16)


# -- the source coordinates of each output row or column ---------------------------------------
def resize_scale(in_size: int, out_size: int, align_corners: bool) -> np.float32:
    """TF's CalculateResizeScale, in float32."""
    if align_corners and out_size > 1:
        return np.float32(in_size - 1) / np.float32(out_size - 1)
    return np.float32(in_size) / np.float32(out_size)


def source_coordinates(out_size: int, scale: np.float32, half_pixel_centers: bool,
                       for_nearest: bool = False) -> np.ndarray:
    """Where each output index samples the input, in float32: `i * scale`, or with pixel
    centers `(i + 0.5) * scale - 0.5` (nearest-neighbour keeps the 0.5: it floors next)."""
    index = np.arange(out_size, dtype=np.float32)
    if not half_pixel_centers:
        return index * scale
    centred = (index + _ONE_HALF) * scale
    return centred if for_nearest else centred - _ONE_HALF


def bilinear_weights(out_size: int, in_size: int, scale, half_pixel_centers: bool):
    """The lower and upper input index and the float32 weight of the upper one, per output."""
    where = source_coordinates(out_size, scale, half_pixel_centers)
    floor = np.floor(where)
    lower = np.maximum(floor.astype(np.int64), 0)
    upper = np.minimum(np.ceil(where).astype(np.int64), in_size - 1)
    return lower, upper, (where - floor).astype(np.float32)


def nearest_indices(out_size: int, in_size: int, scale, half_pixel_centers: bool,
                    align_corners: bool) -> np.ndarray:
    """The input index each output index copies (roundf when corners align, else floorf)."""
    where = source_coordinates(out_size, scale, half_pixel_centers, for_nearest=True)
    # C's roundf rounds halves away from zero; numpy's round goes to even
    picked = np.floor(where + _ONE_HALF) if align_corners else np.floor(where)
    indices = np.minimum(picked.astype(np.int64), in_size - 1)
    return np.maximum(indices, 0) if half_pixel_centers else indices


# -- shape rules -------------------------------------------------------------------------------
def _infer_resize(op, keep_dtype: bool):
    images, size = op._inputs
    rules.check_dtype(op, images, _REAL_TYPES, "images")
    if images._shape is not None and len(images._shape) != 4:
        raise ShapeError(f"Shape must be rank 4 but is rank {len(images._shape)}")
    if size._shape is not None and len(size._shape) != 1:
        raise ShapeError(f"Shape must be rank 1 but is rank {len(size._shape)}")
    if size._shape is not None and size._shape[0] not in (None, 2):
        raise ShapeError(f"Dimension must be 2 but is {size._shape[0]}")
    wanted = static_shape_value(size)
    height, width = wanted if wanted is not None and len(wanted) == 2 else (None, None)
    batch, channels = (None, None) if images._shape is None else \
        (images._shape[0], images._shape[3])
    dtype = images.dtype.base_dtype if keep_dtype else dtypes.float32
    return [(dtype, (batch, height, width, channels))]


def _checked_sizes(op, images, size, grad=False):
    attrs = op.attrs
    if attrs["half_pixel_centers"] and attrs["align_corners"]:
        raise InvalidArgumentError(None, op, "If half_pixel_centers is True, align_corners "
                                             "must be False.")
    if images.ndim != 4:
        raise InvalidArgumentError(None, op, f"input must be 4-dimensional{list(images.shape)}")
    height, width = (int(d) for d in np.ravel(size))
    if not grad and (images.shape[1] <= 0 or images.shape[2] <= 0):
        raise InvalidArgumentError(None, op, "input image must be of non-zero size")
    if height <= 0 or width <= 0:
        raise InvalidArgumentError(None, op, "output dimensions must be positive")
    return height, width


def resized_shape(images, height: int, width: int) -> tuple:
    """The shape of 4-D `images` resized to height x width."""
    return (images.shape[0], height, width, images.shape[3])


# -- ResizeBilinear ----------------------------------------------------------------------------
def _bilinear_kernel(op, runtime):
    def run(images, size):
        out_height, out_width = _checked_sizes(op, images, size)
        check_output(resized_shape(images, out_height, out_width), np.float32)
        return resize_bilinear_values(images, out_height, out_width, op.attrs["align_corners"],
                                      op.attrs["half_pixel_centers"])
    return run


def resize_bilinear_values(images, out_height, out_width, align_corners, half_pixel_centers):
    """TF's bilinear resize in float32: lerp along x on both rows, then along y."""
    images = np.asarray(images).astype(np.float32)
    _, in_height, in_width, _ = images.shape
    top, bottom, y_lerp = bilinear_weights(
        out_height, in_height, resize_scale(in_height, out_height, align_corners),
        half_pixel_centers)
    left, right, x_lerp = bilinear_weights(
        out_width, in_width, resize_scale(in_width, out_width, align_corners),
        half_pixel_centers)
    x_lerp = x_lerp[None, None, :, None]
    upper_rows, lower_rows = images[:, top], images[:, bottom]
    top_row = upper_rows[:, :, left] + (upper_rows[:, :, right] - upper_rows[:, :, left]) * x_lerp
    bottom_row = lower_rows[:, :, left] + \
        (lower_rows[:, :, right] - lower_rows[:, :, left]) * x_lerp
    return top_row + (bottom_row - top_row) * y_lerp[None, :, None, None]


def _bilinear_grad(op, grad):
    with OpScope(None, "ResizeBilinearGrad", [grad]) as scope:
        attrs = {"align_corners": op.attrs["align_corners"],
                 "half_pixel_centers": op.attrs["half_pixel_centers"]}
        return [make_tensor("ResizeBilinearGrad", [grad, op._inputs[0]], scope, attrs), None]


def _infer_bilinear_grad(op):
    grads, original = op._inputs
    rules.check_exact_dtype(op, grads, dtypes.float32, "grads")
    rules.check_dtype(op, original, (dtypes.float16, dtypes.float32, dtypes.float64),
                      "original_image")
    return [(original.dtype.base_dtype, original._shape)]


def _bilinear_grad_kernel(op, runtime):
    def run(grads, original):
        _checked_sizes(op, grads, np.shape(original)[1:3], grad=True)
        return bilinear_grad_values(grads, original.shape, original.dtype,
                                    op.attrs["align_corners"], op.attrs["half_pixel_centers"])
    return run


def bilinear_grad_values(grads, original_shape, dtype, align_corners, half_pixel_centers):
    """Each resized pixel's gradient spread onto its four source pixels by the forward weights,
    accumulated in the original image's type in TF's order (rows, columns, then the corners)."""
    grads = np.asarray(grads, dtype=np.float32)
    _, height, width, _ = original_shape
    out_height, out_width = grads.shape[1:3]
    top, bottom, y_lerp = bilinear_weights(
        out_height, height, resize_scale(height, out_height, align_corners), half_pixel_centers)
    left, right, x_lerp = bilinear_weights(
        out_width, width, resize_scale(width, out_width, align_corners), half_pixel_centers)
    one = np.float32(1)
    result = np.zeros(original_shape, dtype=dtype)
    for y in range(out_height):
        for x in range(out_width):
            g = grads[:, y, x, :]
            for row, y_weight in ((top[y], one - y_lerp[y]), (bottom[y], y_lerp[y])):
                for column, x_weight in ((left[x], one - x_lerp[x]), (right[x], x_lerp[x])):
                    result[:, row, column, :] += (g * y_weight * x_weight).astype(dtype)
    return result


# -- ResizeNearestNeighbor ---------------------------------------------------------------------
def _nearest_kernel(op, runtime):
    def run(images, size):
        out_height, out_width = _checked_sizes(op, images, size)
        check_output(resized_shape(images, out_height, out_width), images.dtype)
        rows, columns = _nearest_maps(op.attrs, images.shape[1:3], (out_height, out_width))
        return np.asarray(images)[:, rows][:, :, columns]
    return run


def _nearest_maps(attrs, in_sizes, out_sizes):
    """The input row and column each output row and column copies."""
    return tuple(nearest_indices(out_size, in_size,
                                 resize_scale(in_size, out_size, attrs["align_corners"]),
                                 attrs["half_pixel_centers"], attrs["align_corners"])
                 for in_size, out_size in zip(in_sizes, out_sizes))


def _nearest_grad(op, grad):
    images = op._inputs[0]
    shape = images._shape
    known = shape is not None and shape[1] is not None and shape[2] is not None
    size = np.array(shape[1:3], dtype=np.int32) if known else array_ops.shape(images)[1:3]
    with OpScope(None, "ResizeNearestNeighborGrad", [grad]) as scope:
        size = convert_to_tensor(size, name="size")
        attrs = {"align_corners": op.attrs["align_corners"],
                 "half_pixel_centers": op.attrs["half_pixel_centers"]}
        return [make_tensor("ResizeNearestNeighborGrad", [grad, size], scope, attrs), None]


def _nearest_grad_kernel(op, runtime):
    def run(grads, size):
        height, width = (int(d) for d in np.ravel(size))
        if height <= 0 or width <= 0:
            raise InvalidArgumentError(None, op, "shape_t's elements must be positive")
        grads = np.asarray(grads)
        batch, in_height, in_width, channels = grads.shape
        check_output((batch, height, width, channels), grads.dtype)
        # the gradient kernel maps resized positions back with the scale of the forward op
        rows, columns = _nearest_maps(op.attrs, (height, width), (in_height, in_width))
        result = np.zeros((batch, height, width, channels), dtype=grads.dtype)
        for y in range(in_height):
            for x in range(in_width):
                result[:, rows[y], columns[x], :] += grads[:, y, x, :]
        return result
    return run


def _infer_nearest_grad(op):
    grads, size = op._inputs
    wanted = static_shape_value(size)
    height, width = wanted if wanted is not None and len(wanted) == 2 else (None, None)
    shape = grads._shape
    batch, channels = (None, None) if shape is None else (shape[0], shape[3])
    return [(grads.dtype.base_dtype, (batch, height, width, channels))]


define("ResizeBilinear", infer=lambda op: _infer_resize(op, keep_dtype=False),
       make_kernel=_bilinear_kernel, grad=_bilinear_grad)
define("ResizeBilinearGrad", infer=_infer_bilinear_grad, make_kernel=_bilinear_grad_kernel,
       grad=NOT_DIFFERENTIABLE)
define("ResizeNearestNeighbor", infer=lambda op: _infer_resize(op, keep_dtype=True),
       make_kernel=_nearest_kernel, grad=_nearest_grad)
define("ResizeNearestNeighborGrad", infer=_infer_nearest_grad,
       make_kernel=_nearest_grad_kernel, grad=NOT_DIFFERENTIABLE)


# -- builders ----------------------------------------------------------------------------------
def _resize(op_type, images, size, align_corners, half_pixel_centers, name):
    with OpScope(name, op_type, [images, size]) as scope:
        images = convert_to_tensor(images, name="images")
        size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        attrs = {"T": images.dtype.base_dtype, "align_corners": bool(align_corners),
                 "half_pixel_centers": bool(half_pixel_centers)}
        return make_tensor(op_type, [images, size], scope, attrs)


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Resizes 4-D `images` to `size` = [height, width] by bilinear interpolation (float32)."""
    return _resize("ResizeBilinear", images, size, align_corners, half_pixel_centers, name)


def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    """Resizes 4-D `images` to `size` by copying the nearest pixel (keeps the dtype)."""
    return _resize("ResizeNearestNeighbor", images, size, align_corners, half_pixel_centers,
                   name)
