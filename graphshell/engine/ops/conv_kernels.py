"""The numpy arithmetic of 2-D convolutions over NHWC arrays: im2col windows and matmuls, no
loop over pixels. `geometry` is ((out, before, after) of rows, of columns) from
`windows.run_geometry`; strides and dilations are (rows, columns) pairs."""

from __future__ import annotations

import numpy as np

from . import windows
from .allocation import check_output


def compute_type(dtype):
    """float16 is summed in float32, as TF's CPU kernels accumulate it."""
    return np.float32 if dtype == np.float16 else dtype


def input_windows(x, kernel, strides, dilations, geometry):
    """Every window of `x` (padded with zeros as `geometry` says): [N, oh, ow, C, kh, kw]."""
    (out_r, top, bottom), (out_c, left, right) = geometry
    xp = windows.padded(x, (top, bottom), (left, right))
    return windows.windows(xp, kernel, strides, dilations, out=(out_r, out_c))


def _group_slices(depth: int, size: int):
    return [slice(g * size, (g + 1) * size) for g in range(depth // size)]


def conv2d(x, w, strides, dilations, geometry):
    """The correlation of `x` with `w` [kh, kw, in/groups, out]: one matmul per group."""
    work = compute_type(x.dtype)
    patches = input_windows(x.astype(work, copy=False), w.shape[:2], strides, dilations,
                            geometry)
    check_output(patches.shape, work)  # tensordot copies the windows (im2col)
    w = w.astype(work, copy=False)
    ins = _group_slices(x.shape[3], w.shape[2])
    outs = _group_slices(w.shape[3], w.shape[3] // len(ins))
    parts = [np.tensordot(patches[:, :, :, i], w[..., o], axes=([3, 4, 5], [2, 0, 1]))
             for i, o in zip(ins, outs)]
    out = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=3)
    return out.astype(x.dtype, copy=False)


def scatter_windows(cells, input_shape, strides, dilations, geometry):
    """Adds each window's cells [N, oh, ow, kh, kw, C] back where they came from in an input of
    `input_shape`: a loop over the kh * kw taps, each one strided slice."""
    (out_r, top, bottom), (out_c, left, right) = geometry
    n, rows, cols, depth = input_shape
    kh, kw = cells.shape[3:5]
    grad = np.zeros((n, rows + top + bottom, cols + left + right, depth), cells.dtype)
    (sh, sw), (dh, dw) = strides, dilations
    for i in range(kh):
        for j in range(kw):
            grad[:, i * dh:i * dh + (out_r - 1) * sh + 1:sh,
                 j * dw:j * dw + (out_c - 1) * sw + 1:sw] += cells[:, :, :, i, j]
    return grad[:, top:top + rows, left:left + cols]


def backprop_input(input_shape, w, dy, strides, dilations, geometry):
    """The gradient of `conv2d` for its input: every window receives dy @ w.T."""
    work = compute_type(dy.dtype)
    w, g = w.astype(work, copy=False), dy.astype(work, copy=False)
    check_output(dy.shape[:3] + w.shape[:2] + (input_shape[3],), work)  # the windows' cells
    ins = _group_slices(input_shape[3], w.shape[2])
    outs = _group_slices(w.shape[3], w.shape[3] // len(ins))
    parts = [np.tensordot(g[..., o], w[..., o], axes=([3], [3])) for o in outs]
    cells = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=5)
    grad = scatter_windows(cells, input_shape, strides, dilations, geometry)
    return grad.astype(dy.dtype, copy=False)


def backprop_filter(x, w_shape, dy, strides, dilations, geometry):
    """The gradient of `conv2d` for its filter: the input's windows contracted with dy."""
    work = compute_type(x.dtype)
    patches = input_windows(x.astype(work, copy=False), w_shape[:2], strides, dilations,
                            geometry)
    check_output(patches.shape, work)  # tensordot copies the windows (im2col)
    g = dy.astype(work, copy=False)
    ins = _group_slices(x.shape[3], w_shape[2])
    outs = _group_slices(w_shape[3], w_shape[3] // len(ins))
    parts = [np.tensordot(patches[:, :, :, i], g[..., o], axes=([0, 1, 2], [0, 1, 2]))
             for i, o in zip(ins, outs)]
    grad = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=3)
    return grad.transpose(1, 2, 0, 3).astype(x.dtype, copy=False)
