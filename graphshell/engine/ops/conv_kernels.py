"""The numpy arithmetic of 2-D convolutions over NHWC arrays: im2col matrices built with one
strided copy and contracted with one BLAS matmul, col2im as one slice-add per kernel tap, no
loop over pixels. `geometry` is ((out, before, after) of rows, of columns) from
`windows.run_geometry`; strides and dilations are (rows, columns) pairs."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import windows
from .allocation import check_output

# Below this many input channels per output channel, the backprop of the input scatters the
# windows' cells (col2im); above it, it convolves dy with the flipped filter instead, whose
# im2col copies `out / in` times more than the cells but in long contiguous runs.
_FLIPPED_MAX_RATIO = 4


def compute_type(dtype):
    """float16 is summed in float32, as TF's CPU kernels accumulate it."""
    return np.float32 if dtype == np.float16 else dtype


def input_windows(x, kernel, strides, dilations, geometry):
    """Every window of `x` (padded with zeros as `geometry` says): [N, oh, ow, C, kh, kw]."""
    (out_r, top, bottom), (out_c, left, right) = geometry
    xp = windows.padded(x, (top, bottom), (left, right))
    return windows.windows(xp, kernel, strides, dilations, out=(out_r, out_c))


def padded(x, geometry, value=0):
    """NHWC `x` inside a border of `value` as `geometry` says (`x` itself without one): one
    allocation and one copy, much cheaper than np.pad on the small arrays of a step."""
    (_, top, bottom), (_, left, right) = geometry
    if not (top or bottom or left or right):
        return x
    n, rows, cols, depth = x.shape
    shape = (n, rows + top + bottom, cols + left + right, depth)
    out = np.zeros(shape, x.dtype) if value == 0 else np.full(shape, value, x.dtype)
    out[:, top:top + rows, left:left + cols] = x
    return out


def tap_views(xp, kernel, strides, dilations, out):
    """A view of a padded NHWC `xp` as [kh, kw, N, oh, ow, C]: tap (i, j) of every window."""
    (sh, sw), (dh, dw), (oh, ow) = strides, dilations, out
    s_n, s_r, s_c, s_d = xp.strides
    return as_strided(xp, (kernel[0], kernel[1], xp.shape[0], oh, ow, xp.shape[3]),
                      (dh * s_r, dw * s_c, s_n, sh * s_r, sw * s_c, s_d), writeable=False)


def im2col(x, kernel, strides, dilations, geometry):
    """The windows of `x` as a matrix [N * oh * ow, kh * kw * C] (taps, then channels), made
    by one copy; with one channel the copy is laid out tap-major (long contiguous runs) and
    the matrix returned is its transposed view, which BLAS reads without another copy."""
    (out_r, _, _), (out_c, _, _) = geometry
    taps = tap_views(padded(x, geometry), kernel, strides, dilations, (out_r, out_c))
    rows, depth = x.shape[0] * out_r * out_c, x.shape[3] * kernel[0] * kernel[1]
    check_output((rows, depth), x.dtype)
    if x.shape[3] == 1:
        return np.ascontiguousarray(taps).reshape(depth, rows).T
    return np.ascontiguousarray(taps.transpose(2, 3, 4, 0, 1, 5)).reshape(rows, depth)


def _group_slices(depth: int, size: int):
    return [slice(g * size, (g + 1) * size) for g in range(depth // size)]


def _groups(in_depth: int, w_shape):
    """(input channel slice, output channel slice) of each group of a grouped convolution."""
    ins = _group_slices(in_depth, w_shape[2])
    return list(zip(ins, _group_slices(w_shape[3], w_shape[3] // len(ins))))


def _filter_matrix(w):
    kh, kw, depth, out = w.shape
    return w.reshape(kh * kw * depth, out)


def conv2d(x, w, strides, dilations, geometry):
    """The correlation of `x` with `w` [kh, kw, in/groups, out]: one matmul per group."""
    dtype, work = x.dtype, compute_type(x.dtype)
    x, w = x.astype(work, copy=False), w.astype(work, copy=False)
    (out_r, _, _), (out_c, _, _) = geometry
    parts = [im2col(x[..., i], w.shape[:2], strides, dilations, geometry)
             @ _filter_matrix(w[..., o]) for i, o in _groups(x.shape[3], w.shape)]
    out = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
    return out.reshape(x.shape[0], out_r, out_c, w.shape[3]).astype(dtype, copy=False)


def scatter_tap_cells(tap_cells, kernel, input_shape, strides, dilations, geometry, dtype):
    """Adds each window's cells back where they came from in an input of `input_shape`: one
    strided slice-add per tap, `tap_cells(i, j)` giving tap (i, j)'s cells [N, oh, ow, C].
    Taps go last to first, so each input cell sums its windows in the order of the outputs,
    as TF's col2im does."""
    (out_r, top, bottom), (out_c, left, right) = geometry
    n, rows, cols, depth = input_shape
    grad = np.zeros((n, rows + top + bottom, cols + left + right, depth), dtype)
    (sh, sw), (dh, dw) = strides, dilations
    for i in reversed(range(kernel[0])):
        for j in reversed(range(kernel[1])):
            grad[:, i * dh:i * dh + (out_r - 1) * sh + 1:sh,
                 j * dw:j * dw + (out_c - 1) * sw + 1:sw] += tap_cells(i, j)
    return grad[:, top:top + rows, left:left + cols]


def scatter_taps(cells, input_shape, strides, dilations, geometry):
    """`scatter_tap_cells` of cells laid out per tap, [kh, kw, N, oh, ow, C] (any strides)."""
    return scatter_tap_cells(lambda i, j: cells[i, j], cells.shape[:2], input_shape, strides,
                             dilations, geometry, cells.dtype)


def scatter_windows(cells, input_shape, strides, dilations, geometry):
    """`scatter_taps` of cells laid out per window, [N, oh, ow, kh, kw, C]."""
    return scatter_taps(cells.transpose(3, 4, 0, 1, 2, 5), input_shape, strides, dilations,
                        geometry)


def _flipped_geometry(input_shape, kernel, dilations, geometry):
    """The geometry that convolves dy (stride 1) with the flipped filter into the input's
    gradient, or None where it would crop dy (explicit pads wider than the kernel)."""
    flipped = []
    for size, k, d, (out, before, _) in zip(input_shape[1:3], kernel, dilations, geometry):
        dy_before, dy_after = (k - 1) * d - before, size + before - out
        if dy_before < 0 or dy_after < 0:
            return None
        flipped.append((size, dy_before, dy_after))
    return tuple(flipped)


def _input_grad_by_flipped_filter(input_shape, w, dy, dilations, flipped):
    """dx of a unit-stride convolution: dy convolved with w rotated by 180 degrees, its in
    and out channels swapped (one im2col of dy and one matmul)."""
    kh, kw, depth, out = w.shape
    w_flipped = np.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2))
    grad = im2col(dy, (kh, kw), (1, 1), dilations, flipped) @ _filter_matrix(w_flipped)
    return grad.reshape(input_shape[:3] + (depth,))


def _input_grad_by_scatter(input_shape, w, dy, strides, dilations, geometry):
    """dx as col2im of every window's cells dy @ w.T, computed tap-major when the input has
    one channel (so each tap's cells are contiguous)."""
    kh, kw, depth, out = w.shape
    g, w_matrix = dy.reshape(-1, out), _filter_matrix(w)
    check_output(dy.shape[:3] + (kh, kw, depth), dy.dtype)  # the windows' cells
    if depth == 1:
        cells = (w_matrix @ g.T).reshape((kh, kw) + dy.shape[:3] + (1,))
    else:
        cells = (g @ w_matrix.T).reshape(dy.shape[:3] + (kh, kw, depth))
        cells = cells.transpose(3, 4, 0, 1, 2, 5)
    group_shape = input_shape[:3] + (depth,)
    return scatter_taps(cells, group_shape, strides, dilations, geometry)


def _input_grad(input_shape, w, dy, strides, dilations, geometry):
    depth, out = w.shape[2:]
    if strides == (1, 1) and depth > 1 and out <= _FLIPPED_MAX_RATIO * depth:
        flipped = _flipped_geometry(input_shape, w.shape[:2], dilations, geometry)
        if flipped is not None:
            return _input_grad_by_flipped_filter(input_shape, w, dy, dilations, flipped)
    return _input_grad_by_scatter(input_shape, w, dy, strides, dilations, geometry)


def backprop_input(input_shape, w, dy, strides, dilations, geometry):
    """The gradient of `conv2d` for its input, one group at a time."""
    work = compute_type(dy.dtype)
    w, g = w.astype(work, copy=False), dy.astype(work, copy=False)
    strides, dilations = tuple(strides), tuple(dilations)
    parts = [_input_grad(input_shape, w[..., o], g[..., o], strides, dilations, geometry)
             for _, o in _groups(input_shape[3], w.shape)]
    grad = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=3)
    return grad.astype(dy.dtype, copy=False)


def backprop_filter(x, w_shape, dy, strides, dilations, geometry):
    """The gradient of `conv2d` for its filter: the input's im2col matrix contracted with dy."""
    dtype, work = x.dtype, compute_type(x.dtype)
    x, g = x.astype(work, copy=False), dy.astype(work, copy=False)
    kernel = tuple(w_shape[:2])
    parts = [im2col(x[..., i], kernel, strides, dilations, geometry).T
             @ g[..., o].reshape(-1, o.stop - o.start) for i, o in _groups(x.shape[3], w_shape)]
    grad = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
    return grad.reshape(tuple(w_shape)).astype(dtype, copy=False)
