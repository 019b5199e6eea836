"""Bicubic and area resizing (ResizeBicubic with its gradient, ResizeArea), computed as TF's CPU
kernels compute them: float32 arithmetic in TF's order of terms.

Bicubic samples a 4x4 patch around each source position. Its weights come from TF's table of
1025 entries of the cubic convolution kernel (A = -0.75; Keys' A = -0.5 with half-pixel centers,
where taps outside the image get weight 0 and the rest are renormalised), looked up at the
fraction of the position rounded to 1/1024. Area averages the source box each output pixel
covers, partial pixels weighted by the part covered.
"""

from __future__ import annotations

import functools

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import image_ops, rules
from .allocation import check_output

TABLE_SIZE = 1 << 10
_F32 = np.float32


# -- bicubic weights ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=2)
def coefficients_table(a: float) -> np.ndarray:
    """[TABLE_SIZE + 1, 2] float32: the kernel at x in [0, 1] and at x + 1 (TF evaluates the
    polynomials in double from a float32 x, then stores float32)."""
    table = np.empty((TABLE_SIZE + 1, 2), dtype=np.float32)
    for i in range(TABLE_SIZE + 1):
        x = float(_F32(i * 1.0 / TABLE_SIZE))
        table[i, 0] = ((a + 2) * x - (a + 3)) * x * x + 1
        x = float(_F32(x + 1.0))
        table[i, 1] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return table


def cubic_taps(out_size: int, in_size: int, scale, half_pixel_centers: bool):
    """Per output index: the four source indices [out, 4] and their float32 weights."""
    where = image_ops.source_coordinates(out_size, scale, half_pixel_centers)
    floor = np.floor(where)
    start = floor.astype(np.int64)
    delta = (where - floor.astype(np.float32)).astype(np.float32)
    offset = np.rint(delta * _F32(TABLE_SIZE)).astype(np.int64)  # lrintf: half to even
    table = coefficients_table(-0.5 if half_pixel_centers else -0.75)
    weights = np.stack([table[offset, 1], table[offset, 0], table[TABLE_SIZE - offset, 0],
                        table[TABLE_SIZE - offset, 1]], axis=1)
    wanted = start[:, None] + np.arange(-1, 3)[None, :]
    indices = np.clip(wanted, 0, in_size - 1)
    if half_pixel_centers:
        weights = np.where(indices == wanted, weights, _F32(0))
        total = ((weights[:, 0] + weights[:, 1]) + weights[:, 2]) + weights[:, 3]
        usable = np.abs(total) >= _F32(1000) * np.finfo(np.float32).tiny
        inverse = np.where(usable, _F32(1) / np.where(usable, total, _F32(1)), _F32(1))
        weights = np.where(usable[:, None], weights * inverse[:, None], weights)
    return indices, weights.astype(np.float32)


def _weighted_sum(weights, values):
    """w0*v0 + w1*v1 + w2*v2 + w3*v3 in float32, left to right (TF's Interpolate1D)."""
    total = values[0] * weights[0]
    for k in range(1, 4):
        total = total + values[k] * weights[k]
    return total


def _scales(in_shape, out_height, out_width, align_corners):
    return (image_ops.resize_scale(in_shape[1], out_height, align_corners),
            image_ops.resize_scale(in_shape[2], out_width, align_corners))


def resize_bicubic_values(images, out_height, out_width, align_corners, half_pixel_centers):
    """TF's bicubic resize: interpolate down each of the four source columns, then across."""
    images = np.asarray(images).astype(np.float32)
    height_scale, width_scale = _scales(images.shape, out_height, out_width, align_corners)
    rows, row_weights = cubic_taps(out_height, images.shape[1], height_scale,
                                   half_pixel_centers)
    columns, column_weights = cubic_taps(out_width, images.shape[2], width_scale,
                                         half_pixel_centers)
    patch = images[:, rows][:, :, :, columns]  # [b, y, i, x, j, c]: rows[y, i], columns[x, j]
    y_weights = row_weights[None, :, :, None, None, None]
    down_columns = _weighted_sum([y_weights[:, :, k] for k in range(4)],
                                 [patch[:, :, k] for k in range(4)])  # [b, y, x, j, c]
    x_weights = column_weights[None, None, :, :, None]
    return _weighted_sum([x_weights[:, :, :, k] for k in range(4)],
                         [down_columns[:, :, :, k] for k in range(4)])


def bicubic_grad_values(grads, original_shape, dtype, align_corners, half_pixel_centers):
    """Each resized pixel's gradient spread onto its 16 source pixels, accumulated in the
    original image's dtype in TF's order (rows, columns, then the patch row by row)."""
    grads = np.asarray(grads, dtype=np.float32)
    out_height, out_width = grads.shape[1:3]
    height_scale, width_scale = _scales(original_shape, out_height, out_width, align_corners)
    rows, row_weights = cubic_taps(out_height, original_shape[1], height_scale,
                                   half_pixel_centers)
    columns, column_weights = cubic_taps(out_width, original_shape[2], width_scale,
                                         half_pixel_centers)
    result = np.zeros(original_shape, dtype=dtype)
    grads = grads.astype(dtype)  # TF reads each gradient into the image's type first
    row_weights, column_weights = row_weights.astype(dtype), column_weights.astype(dtype)
    for y in range(out_height):
        for x in range(out_width):
            g = grads[:, y, x, :]
            for i in range(4):
                for j in range(4):
                    result[:, rows[y, i], columns[x, j], :] += \
                        g * row_weights[y, i] * column_weights[x, j]
    return result


# -- area --------------------------------------------------------------------------------------
def _covered_part(index: int, start: np.float32, end: np.float32, scale: np.float32):
    """How much of source cell `index` lies in [start, end) (TF's start/end scale rule)."""
    index_f = _F32(index)
    if index_f < start:
        return scale if _F32(index + 1) > end else _F32(index + 1) - start
    return end - index_f if _F32(index + 1) > end else _F32(1)


def _area_boxes(out_size: int, scale: np.float32):
    """Per output index: the source cells (unbounded) and the part of each covered."""
    boxes = []
    for out in range(out_size):
        start, end = _F32(out) * scale, _F32(out + 1) * scale
        first, last = int(np.floor(start)), int(np.ceil(end))
        boxes.append([(cell, _covered_part(cell, start, end, scale))
                      for cell in range(first, last)])
    return boxes


def resize_area_values(images, out_height, out_width, align_corners):
    """TF's area resize in float32: per row of the box, the end cells weighted by the part
    covered and the inner ones whole; rows weighted likewise; then 1 / (box area)."""
    images = np.asarray(images)
    _, in_height, in_width, _ = images.shape
    height_scale, width_scale = _scales(images.shape, out_height, out_width, align_corners)
    inverse_area = _F32(1.0 / float(height_scale * width_scale))
    row_boxes = _area_boxes(out_height, height_scale)
    column_boxes = _area_boxes(out_width, width_scale)
    output = np.empty(images.shape[:1] + (out_height, out_width) + images.shape[3:],
                      dtype=np.float32)
    for x, cells in enumerate(column_boxes):
        column_part = _column_sums(images, cells, in_width)  # b h c
        for y, rows in enumerate(row_boxes):
            total = np.zeros((images.shape[0], images.shape[3]), dtype=np.float32)
            for row, part in rows:
                total = total + column_part[:, min(max(row, 0), in_height - 1)] * part
            output[:, y, x] = total * inverse_area
    return output


def _column_sums(images, cells, in_width):
    """The sum across one output column's source cells, for every source row (float32)."""
    def column(cell):
        return images[:, :, min(max(cell, 0), in_width - 1)].astype(np.float32)
    first_cell, first_part = cells[0]
    total = column(first_cell) * first_part
    if len(cells) > 1:
        for cell, _ in cells[1:-1]:
            total = total + column(cell)
        last_cell, last_part = cells[-1]
        total = total + column(last_cell) * last_part
    return total


# -- definitions -------------------------------------------------------------------------------
def _bicubic_kernel(op, runtime):
    def run(images, size):
        out_height, out_width = image_ops._checked_sizes(op, images, size)
        check_output(image_ops.resized_shape(images, out_height, out_width), np.float32)
        return resize_bicubic_values(images, out_height, out_width, op.attrs["align_corners"],
                                     op.attrs["half_pixel_centers"])
    return run


def _bicubic_grad(op, grad):
    if op._inputs[0].dtype.base_dtype not in (dtypes.float32, dtypes.float64):
        return [None, None]
    with OpScope(None, "ResizeBicubicGrad", [grad]) as scope:
        attrs = {"T": op._inputs[0].dtype.base_dtype, "align_corners": op.attrs["align_corners"],
                 "half_pixel_centers": op.attrs["half_pixel_centers"]}
        return [make_tensor("ResizeBicubicGrad", [grad, op._inputs[0]], scope, attrs), None]


def _infer_bicubic_grad(op):
    grads, original = op._inputs
    rules.check_exact_dtype(op, grads, dtypes.float32, "grads")
    rules.check_dtype(op, original, (dtypes.float32, dtypes.float64), "original_image")
    return [(original.dtype.base_dtype, original._shape)]


def _bicubic_grad_kernel(op, runtime):
    def run(grads, original):
        image_ops._checked_sizes(op, grads, np.shape(original)[1:3], grad=True)
        return bicubic_grad_values(grads, original.shape, original.dtype,
                                   op.attrs["align_corners"], op.attrs["half_pixel_centers"])
    return run


def _area_kernel(op, runtime):
    def run(images, size):
        if images.ndim != 4:
            raise InvalidArgumentError(None, op,
                                       f"input must be 4-dimensional{list(images.shape)}")
        out_height, out_width = (int(d) for d in np.ravel(size))
        if images.shape[1] <= 0 or images.shape[2] <= 0:
            raise InvalidArgumentError(None, op, "input image must be of non-zero size")
        if out_height <= 0 or out_width <= 0:
            raise InvalidArgumentError(None, op, "output dimensions must be positive")
        check_output(image_ops.resized_shape(images, out_height, out_width), np.float32)
        return resize_area_values(images, out_height, out_width, op.attrs["align_corners"])
    return run


define("ResizeBicubic", infer=lambda op: image_ops._infer_resize(op, keep_dtype=False),
       make_kernel=_bicubic_kernel, grad=_bicubic_grad)
define("ResizeBicubicGrad", infer=_infer_bicubic_grad, make_kernel=_bicubic_grad_kernel,
       grad=NOT_DIFFERENTIABLE)
define("ResizeArea", infer=lambda op: image_ops._infer_resize(op, keep_dtype=False),
       make_kernel=_area_kernel)


# -- builders ----------------------------------------------------------------------------------
def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Resizes 4-D `images` to `size` = [height, width] by bicubic interpolation (float32)."""
    return image_ops._resize("ResizeBicubic", images, size, align_corners, half_pixel_centers,
                             name)


def resize_area(images, size, align_corners=False, name=None):
    """Resizes 4-D `images` to `size` by averaging the source area each pixel covers."""
    with OpScope(name, "ResizeArea", [images, size]) as scope:
        images = convert_to_tensor(images, name="images")
        size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        return make_tensor("ResizeArea", [images, size], scope,
                           {"T": images.dtype.base_dtype, "align_corners": bool(align_corners)})


__all__ = ["resize_bicubic", "resize_area"]
