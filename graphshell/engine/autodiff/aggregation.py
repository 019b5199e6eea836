"""How tf.gradients sums the several gradients a tensor receives (TF's _AggregatedGrads):
AddN per device, colocated with each device's first gradient, or IndexedSlices concatenated."""

from __future__ import annotations

from ..graph import dtypes
from ..graph.build import OpScope
from ..graph.convert import convert_to_tensor
from ..graph.indexed_slices import IndexedSlices
from ..graph.tensor import Tensor
from ..ops import math_ops, slicing_ops


def aggregate_gradients(parts):
    """One gradient from several (TF's _AggregatedGrads): AddN of dense ones, and of all when
    any is dense (IndexedSlices densified inside AddN's scope); IndexedSlices alone are
    concatenated, values with values and indices with indices."""
    if all(isinstance(part, Tensor) for part in parts):
        return _add_n_per_device(parts)
    if any(isinstance(part, Tensor) for part in parts):
        with OpScope(None, "AddN", [_values_of(part) for part in parts]) as scope:
            dense = [convert_to_tensor(part, name=f"inputs_{i}") for i, part in enumerate(parts)]
            return math_ops.add_n(dense, name=scope)
    slices = _with_one_index_dtype(parts)
    return IndexedSlices(slicing_ops.concat([part.values for part in slices], 0),
                         slicing_ops.concat([part.indices for part in slices], 0),
                         slices[0].dense_shape)


def _add_n_per_device(parts):
    """AddN of the parts on each device, colocated with that device's first part, then the
    sum of those sums (TF's _MultiDeviceAddN)."""
    by_device: dict[str, list] = {}
    for part in parts:
        by_device.setdefault(part.device, []).append(part)
    graph = parts[0].graph
    sums = []
    for device in sorted(by_device):
        group = by_device[device]
        with graph.colocate_with(group[0].op, ignore_existing=True):
            sums.append(math_ops.add_n(group))
    return sums[0] if len(sums) == 1 else math_ops.add_n(sums)


def _values_of(part):
    return part.values if isinstance(part, IndexedSlices) else part


def _with_one_index_dtype(slices):
    """int32 indices become int64 when int64 ones are among them, so they concatenate."""
    wide = [part for part in slices if part.indices.dtype.base_dtype is dtypes.int64]
    if not wide or len(wide) == len(slices):
        return slices
    return [part if part in wide else IndexedSlices(
        part.values, math_ops.cast(part.indices, dtypes.int64), part.dense_shape)
        for part in slices]
