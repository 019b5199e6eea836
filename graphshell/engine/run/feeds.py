"""Feeds: resolve `feed_dict` keys to tensors and convert and check their values."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.shapes import shape_str, shapes_compatible
from ..graph.sparse_tensor import SparseTensor
from ..graph.tensor import Tensor


def resolve_feeds(graph, feed_dict):
    """{Tensor: numpy value} for a feed_dict, in the order given; TF's errors for bad entries."""
    feeds = {}
    if not feed_dict:
        return feeds
    if not hasattr(feed_dict, "items"):
        raise TypeError(f"feed_dict must be a dictionary mapping tensors to values, not a "
                        f"{type(feed_dict).__name__}: write {{tensor: value}}.")
    for key, value in _flatten_items(feed_dict):
        tensor = _feed_tensor(graph, key)
        feeds[tensor] = _feed_value(graph, tensor, key, value)
    return feeds


def _flatten_items(feed_dict):
    """Nested tuple keys feed matching nested values (TF's nest.flatten_dict_items)."""
    pending = list(feed_dict.items())
    pending.reverse()
    while pending:
        key, value = pending.pop()
        if isinstance(key, SparseTensor):  # its value: a SparseTensorValue or a 3-tuple
            key = (key.indices, key.values, key.dense_shape)
        if not isinstance(key, tuple):
            yield key, value
            continue
        if not isinstance(value, (tuple, list)) or len(value) != len(key):
            raise ValueError(f"Could not flatten dictionary. Key had {len(key)} elements, but "
                             f"value had {len(value) if hasattr(value, '__len__') else 1} "
                             "elements.")
        pending.extend(reversed(list(zip(key, value))))


def _feed_tensor(graph, key) -> Tensor:
    try:
        return graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
    except Exception as error:  # TF reports any failure to resolve a key this way
        reason = error.args[0] if error.args else str(error)
        raise TypeError(f"Cannot interpret feed_dict key as Tensor: {reason}") from None


def _feed_value(graph, tensor: Tensor, key, value):
    if isinstance(value, Tensor) or hasattr(type(value), "_graphshell_tensor"):
        raise TypeError(
            "The value of a feed cannot be a tf.Tensor object. Acceptable feed values include "
            "Python scalars, strings, lists, numpy ndarrays, or TensorHandles. For reference, "
            f"the tensor object was {value} which was passed to the argument `feed_dict` with "
            f"key {key}.")
    dtype = tensor.dtype.base_dtype
    if isinstance(value, int) and not isinstance(value, bool):
        _check_int_precision(value, dtype)
    array = _as_feed_array(value, dtype)
    if not shapes_compatible(tensor._shape, array.shape):
        raise ValueError(f"Cannot feed value of shape {array.shape} for Tensor {tensor.name}, "
                         f"which has shape {shape_str(tensor._shape)}")
    if not graph.is_feedable(tensor):
        raise ValueError(f"Tensor {tensor.name} may not be fed.")
    return array


def _check_int_precision(value: int, dtype) -> None:
    try:
        same = dtype is not dtypes.string and dtype.as_numpy_dtype(value) == value
    except (OverflowError, ValueError):
        same = False
    if not same:
        raise TypeError(
            f"Type of feed value {value} with type {type(value)} is not compatible with Tensor "
            f"type {dtype.as_numpy_dtype}. Try explicitly setting the type of the feed tensor to "
            "a larger type (e.g. int64).")


def as_graph_strings(array):
    """A fed string array as the graph sees it: text encoded as UTF-8 bytes (fetching the fed
    tensor itself still returns the value as fed, as in TF)."""
    encoded = np.empty(np.shape(array), dtype=object)
    for index, item in np.ndenumerate(array):
        encoded[index] = item.encode() if isinstance(item, str) else item
    return encoded


def _as_feed_array(value, dtype):
    if dtype is dtypes.string:
        return np.asarray(value, dtype=object)
    return np.asarray(value, dtype=dtype.as_numpy_dtype)
