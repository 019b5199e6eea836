"""Sliding-window geometry that convolutions and pooling share: TF's output sizes and paddings
(at build time and at run time, each with TF's errors), attribute checks, and the argument
forms TF's v1 builders accept (`strides=2`, `padding=[[0, 0], [1, 1], ...]`)."""

from __future__ import annotations

import collections.abc

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..graph.errors import InvalidArgumentError, UnimplementedError
from ..graph.registry import ShapeError

PADDINGS = ("SAME", "VALID", "EXPLICIT")


# -- builder arguments -----------------------------------------------------------------------------
def get_sequence(value, spatial: int, channel_index: int, name: str) -> list[int]:
    """TF's `_get_sequence`: an int or a list of 1, n or n + 2 values as n + 2 values."""
    if value is None:
        return [1] * (spatial + 2)
    if isinstance(value, int) or not isinstance(value, collections.abc.Sized):
        value = [value]
    value = list(value)
    if len(value) == spatial + 2:
        return value
    if len(value) == 1:
        value = value * spatial
    elif len(value) != spatial:
        raise ValueError(f"{name} should be of length 1, {spatial} or {spatial + 2}. Received: "
                         f"{name}={value} of length {len(value)}")
    return [1, 1] + value if channel_index == 1 else [1] + value + [1]


def convert_padding(padding, expected_length: int = 4) -> tuple[object, list[int]]:
    """TF's `convert_padding`: a list of [before, after] pairs becomes "EXPLICIT" and 2n ints."""
    if padding == "EXPLICIT":
        raise ValueError("'EXPLICIT' is not a valid value for `padding`. To use explicit "
                         "padding, `padding` must be a list.")
    if not isinstance(padding, (list, tuple)):
        return padding, []
    explicit: list[int] = []
    for index, pair in enumerate(padding):
        if not isinstance(pair, (list, tuple)):
            raise ValueError("When `padding` is a list, each element of `padding` must be a "
                             f"list/tuple of size 2. Received: padding={padding} with element "
                             f"at index {index} of type {type(pair)}")
        if len(pair) != 2:
            raise ValueError("When `padding` is a list, each element of `padding` must be a "
                             f"list/tuple of size 2. Received: padding={padding} with element "
                             f"at index {index} of size {len(pair)}")
        explicit.extend(pair)
    if len(padding) != expected_length:
        raise ValueError(f"When padding is a list, it must be of size {expected_length}. "
                         f"Received: padding={padding} of size {len(padding)}")
    return "EXPLICIT", explicit


def check_string_attr(op_type: str, attr: str, value, allowed) -> str:
    """TF's build-time check of a string attr against the op's list of allowed values."""
    if isinstance(value, bytes):
        value = value.decode()
    if not isinstance(value, str):
        raise TypeError(f"Expected string for argument '{attr}' not {value!r}.")
    if value not in allowed:
        words = ", ".join(f'"{v}"' for v in allowed)
        raise ValueError(f"Attr '{attr}' of '{op_type}' Op passed string '{value}' not in: "
                         f"{words}.")
    return value


def int_list(values) -> list[int]:
    return [int(v) for v in values]


# -- shape inference -------------------------------------------------------------------------------
def spatial_axes(data_format: str) -> tuple[int, int, int, int]:
    """(batch, row, column, channel) axes of a 4-d tensor in `data_format`."""
    return (0, 2, 3, 1) if data_format.startswith("NC") else (0, 1, 2, 3)


def check_rank(shape, rank: int = 4) -> None:
    if shape is not None and len(shape) != rank:
        raise ShapeError(f"Shape must be rank {rank} but is rank {len(shape)}")


def inferred_size(size, window: int, stride: int, dilation: int, padding: str, pads=(0, 0)):
    """One output dimension as TF's shape functions compute it (None when `size` is)."""
    if size is None:
        return None
    effective = (window - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    padded = size + pads[0] + pads[1]
    if padded < effective:
        raise ShapeError(f"Negative dimension size caused by subtracting {effective} from "
                         f"{padded}")
    return (padded - effective) // stride + 1


def check_explicit_paddings(padding: str, explicit, data_format: str, op_type: str) -> None:
    """TF's CheckValidPadding, at build time."""
    if padding != "EXPLICIT":
        if explicit:
            raise ShapeError("explicit_paddings attribute must be empty if the padding "
                             "attribute is not EXPLICIT")
        return
    if len(explicit) != 8:
        raise ShapeError(f"{op_type} requires the explicit_paddings attribute to contain 8 "
                         f"values, but got: {len(explicit)}")
    if any(p < 0 for p in explicit):
        raise ShapeError("All elements of explicit_paddings must be nonnegative")
    batch, _, _, channel = spatial_axes(data_format)
    if any(explicit[2 * axis] or explicit[2 * axis + 1] for axis in (batch, channel)):
        raise ShapeError("Nonzero explicit padding in the batch or depth dimensions is not "
                         "supported")


def explicit_pairs(explicit, data_format: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """The (before, after) pads of the row and column axes."""
    if not explicit:
        return (0, 0), (0, 0)
    _, row, column, _ = spatial_axes(data_format)
    return ((explicit[2 * row], explicit[2 * row + 1]),
            (explicit[2 * column], explicit[2 * column + 1]))


# -- run time --------------------------------------------------------------------------------------
def run_geometry(size: int, window: int, stride: int, dilation: int, padding: str,
                 pads=(0, 0)) -> tuple[int, int, int]:
    """(output size, pad before, pad after) of one dimension, as TF's kernels compute them."""
    effective = (window - 1) * dilation + 1
    if padding == "SAME":
        out = (size + stride - 1) // stride
        needed = max(0, (out - 1) * stride + effective - size)
        before, after = needed // 2, needed - needed // 2
    else:
        before, after = pads if padding == "EXPLICIT" else (0, 0)
        numerator = size + before + after - effective + stride
        out = int(numerator / stride)  # C++ division truncates towards zero
    if out < 0:
        raise InvalidArgumentError(None, None, f"Computed output size would be negative: {out} "
                                   f"[input_size: {size}, effective_filter_size: {effective}, "
                                   f"stride: {stride}]")
    return out, before, after


def check_nhwc(data_format: str, message: str, error=InvalidArgumentError) -> None:
    if data_format != "NHWC":
        raise error(None, None, message)


def check_unit_batch_and_depth(values, what: str, error=UnimplementedError) -> None:
    if values[0] != 1 or values[3] != 1:
        raise error(None, None, f"Current implementation does not yet support {what} in the "
                                "batch and depth dimensions.")


def shape_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def padded(x: np.ndarray, rows: tuple[int, int], columns: tuple[int, int], value=0):
    """`x` (NHWC) with `rows` and `columns` of `value` added around its spatial axes."""
    if not any(rows) and not any(columns):
        return x
    return np.pad(x, ((0, 0), rows, columns, (0, 0)), constant_values=value)


def windows(x: np.ndarray, window: tuple[int, ...], strides: tuple[int, ...],
            dilations: tuple[int, ...] = (1, 1), out: tuple[int, int] | None = None):
    """A view of every window of a padded NHWC `x`: [N, out_rows, out_cols, C, kh, kw]."""
    effective = tuple((k - 1) * d + 1 for k, d in zip(window, dilations))
    view = sliding_window_view(x, effective, axis=(1, 2))
    view = view[:, ::strides[0], ::strides[1], :, ::dilations[0], ::dilations[1]]
    if out is not None:
        view = view[:, :out[0], :out[1]]
    return view


def real_cells(rows: int, columns: int, geometry_rows, geometry_cols, window, strides):
    """Which cells of each window are inside the input (not padding): [out_r, out_c, kh, kw]."""
    mask = np.zeros((1, rows + sum(geometry_rows[1:]), columns + sum(geometry_cols[1:]), 1),
                    dtype=bool)
    mask[0, geometry_rows[1]:geometry_rows[1] + rows,
         geometry_cols[1]:geometry_cols[1] + columns, 0] = True
    return windows(mask, window, strides, out=(geometry_rows[0], geometry_cols[0]))[0, :, :, 0]
