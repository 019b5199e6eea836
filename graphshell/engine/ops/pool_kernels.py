"""The numpy arithmetic of 2-D pooling over NHWC arrays, one pass per window tap (a strided
slice of the padded input), never per window: the max, the first maximum's cell of each
window as TF's CPU kernels pick it, its gradient scattered back, and window sums.
`geometry` is ((out, before, after) of rows, of columns); window and strides are
(rows, columns) pairs."""

from __future__ import annotations

import numpy as np

from . import conv_kernels, windows

_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def lowest(dtype):
    """The padding of a max: it never wins over a real cell."""
    return -np.inf if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).min


def _padded(x, geometry, value):
    return conv_kernels.padded(x, geometry, value)


def tap_slices(window, strides, geometry):
    """(row slice, column slice) of each tap of the padded input, in row-major window order."""
    (out_r, _, _), (out_c, _, _) = geometry
    (kh, kw), (sh, sw) = window, strides
    return [(slice(i, i + (out_r - 1) * sh + 1, sh), slice(j, j + (out_c - 1) * sw + 1, sw))
            for i in range(kh) for j in range(kw)]


def _taps(xp, window, strides, geometry):
    return [xp[:, rows, cols] for rows, cols in tap_slices(window, strides, geometry)]


def window_max(x, window, strides, geometry):
    """Each window's maximum; fmax skips NaN as TF's max reduction does."""
    taps = _taps(_padded(x, geometry, lowest(x.dtype)), window, strides, geometry)
    best = taps[0].copy()
    for tap in taps[1:]:
        np.fmax(best, tap, out=best)
    return best


def window_sums(x, window, strides, geometry):
    """Each window's sum of `x` padded with zeros, its taps added in row-major order."""
    taps = _taps(_padded(x, geometry, 0), window, strides, geometry)
    total = taps[0].copy() if len(taps) == 1 else taps[0] + taps[1]
    for tap in taps[2:]:
        total += tap
    return total


def _real_taps(x_shape, window, strides, geometry):
    """Which cells of each window are real (not padding): [oh, ow, taps] bool."""
    real = windows.real_cells(x_shape[1], x_shape[2], geometry[0], geometry[1], window,
                              strides)
    return real.reshape(real.shape[:2] + (-1,))


def max_hits(x, window, strides, geometry):
    """Per tap, where it holds its window's first maximum: a list of bool [N, oh, ow, C]. The
    first real cell (row-major) equal to the NaN-skipping max wins, as TF's CPU kernels pick
    ties; a window of NaNs picks its first real cell."""
    taps = _taps(_padded(x, geometry, lowest(x.dtype)), window, strides, geometry)
    best = taps[0].copy()
    for tap in taps[1:]:
        np.fmax(best, tap, out=best)
    real = _real_taps(x.shape, window, strides, geometry)
    remaining = np.ones(best.shape, bool)
    hits = []
    for t, tap in enumerate(taps):
        hit = tap == best
        if not real[:, :, t].all():  # a padded cell equals the max only if all real cells do
            hit &= real[:, :, t, None]
        hit &= remaining
        remaining &= ~hit
        hits.append(hit)
    if remaining.any():  # windows whose real cells are all NaN
        first = np.argmax(real, axis=-1)[:, :, None]
        for t in np.unique(first):
            hits[t] |= remaining & (first == t)
    return hits


def select(values, mask):
    """`values` where `mask`, else +0: bit patterns times 0 or 1, exact for NaN and inf and
    without numpy's slow branchy `where`."""
    unsigned = _UNSIGNED[values.dtype.itemsize]
    return (values.view(unsigned) * mask).view(values.dtype)


def scatter_to_max(x, grad, window, strides, geometry):
    """Adds each output's gradient to its window's first maximum cell, in x's dtype. Taps go
    last to first so that a cell in several windows sums them in output order, as TF's kernel
    does; windows that never overlap are assigned, not summed."""
    hits = max_hits(x, window, strides, geometry)
    (_, top, bottom), (_, left, right) = geometry
    n, rows, cols, depth = x.shape
    summed = np.zeros((n, rows + top + bottom, cols + left + right, depth), x.dtype)
    grad = grad.astype(x.dtype, copy=False) + np.zeros((), x.dtype)  # -0 as TF's 0 + -0
    disjoint = all(s >= k for s, k in zip(strides, window))
    for (rows_at, cols_at), hit in reversed(list(zip(tap_slices(window, strides, geometry),
                                                      hits))):
        if disjoint:
            summed[:, rows_at, cols_at] = select(grad, hit)
        else:
            summed[:, rows_at, cols_at] += select(grad, hit)
    return np.ascontiguousarray(summed[:, top:top + rows, left:left + cols])


def gather_max(x, grad, window, strides, geometry):
    """Each window's value of `grad` (shaped as x) at the window's first maximum of `x`."""
    hits = max_hits(x, window, strides, geometry)
    grad = np.asarray(grad, x.dtype)
    taps = _taps(_padded(grad, geometry, 0), window, strides, geometry)
    unsigned = _UNSIGNED[grad.dtype.itemsize]
    out = np.zeros(hits[0].shape, unsigned)
    for tap, hit in zip(taps, hits):
        out |= select(tap, hit).view(unsigned)  # one hit per window: OR picks its bits
    return out.view(grad.dtype)
