"""Argument checks and output lengths the convolution and pooling layers share (Keras's
conv_utils): n-tuples of ints, padding and data-format names."""

from __future__ import annotations


def normalize_tuple(value, n: int, name: str) -> tuple[int, ...]:
    """An int repeated n times, or a tuple of n ints."""
    if isinstance(value, int):
        return (value,) * n
    try:
        values = tuple(value)
    except TypeError:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                         f"Received: {value}") from None
    if len(values) != n or not all(isinstance(v, int) for v in values):
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                         f"Received: {value}")
    return values


def normalize_padding(value) -> str:
    padding = value.lower() if isinstance(value, str) else value
    if padding not in {"valid", "same", "causal"}:
        raise ValueError('The `padding` argument must be a list/tuple or one of "valid", '
                         f'"same" (or "causal", only for `Conv1D). Received: {padding}')
    return padding


def normalize_data_format(value) -> str:
    data_format = "channels_last" if value is None else value.lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         f'"channels_last". Received: {value}')
    return data_format


def tf_data_format(data_format: str) -> str:
    return "NHWC" if data_format == "channels_last" else "NCHW"


def deconv_output_length(length, filter_size: int, padding: str, stride: int,
                         dilation: int = 1):
    """The spatial length a transposed convolution produces from `length` (None stays None)."""
    if length is None:
        return None
    filter_size = filter_size + (filter_size - 1) * (dilation - 1)
    if padding == "valid":
        return length * stride + max(filter_size - stride, 0)
    return length * stride
