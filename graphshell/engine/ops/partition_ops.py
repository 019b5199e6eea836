"""DynamicPartition (rows of data sent to numbered partitions) and DynamicStitch /
ParallelDynamicStitch (rows of several tensors placed at given indices), each with TF's shape
function, kernel, run-time errors and gradient; partitioned embedding lookups build on them."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.indexed_slices import IndexedSlices
from ..graph.registry import ShapeError, define
from ..graph.shapes import shape_str
from . import array_ops, index_ops, input_ops, math_ops, reduce_ops
from .allocation import check_output
from .static import static_value


# -- DynamicPartition ------------------------------------------------------------------------------
def _infer_partition(op):
    data, partitions = op._inputs
    count = op.attrs["num_partitions"]
    prefix, shape = partitions._shape, data._shape
    if prefix is not None and shape is not None:
        if len(shape) < len(prefix):
            raise ShapeError(f"Shape must be at least rank {len(prefix)} but is rank {len(shape)}")
        for a, b in zip(prefix, shape):
            if a is not None and b is not None and a != b:
                raise ShapeError(f"Dimensions must be equal, but are {b} and {a}")
    inner = None if prefix is None or shape is None else (None,) + tuple(shape[len(prefix):])
    return [(data.dtype.base_dtype, inner)] * count


def _partition_kernel(op, runtime):
    count = op.attrs["num_partitions"]

    def dynamic_partition(data, partitions):
        data, partitions = np.asarray(data), np.asarray(partitions)
        if data.shape[:partitions.ndim] != partitions.shape:
            raise InvalidArgumentError(None, None, "data.shape must start with partitions.shape, "
                                       f"got data.shape = {shape_str(data.shape)}, "
                                       f"partitions.shape = {shape_str(partitions.shape)}")
        flat = partitions.reshape(-1)
        outside = np.flatnonzero((flat < 0) | (flat >= count))
        if outside.size:
            where = np.unravel_index(outside[0], partitions.shape)
            index = "".join(f"[{i}]" for i in where) if partitions.ndim else ""
            raise InvalidArgumentError(None, None, f"partitions{index} = {flat[outside[0]]} is "
                                       f"not in [0, {count})")
        rows = data.reshape((flat.size,) + data.shape[partitions.ndim:])
        return tuple(rows[flat == p] for p in range(count))
    return dynamic_partition


def _partition_grad(op, *grads):
    """The partitions' gradients stitched back where their rows came from."""
    data, partitions = op._inputs
    prefix_shape = array_ops.shape(partitions)
    original = array_ops.reshape(input_ops.range_(reduce_ops.reduce_prod(prefix_shape)),
                                 prefix_shape)
    split = dynamic_partition(original, partitions, op.attrs["num_partitions"])
    stitched = parallel_dynamic_stitch(split, list(grads))
    return [array_ops.reshape(stitched, array_ops.shape(data)), None]


define("DynamicPartition", infer=_infer_partition, make_kernel=_partition_kernel,
       grad=_partition_grad, multi_output=True)


def dynamic_partition(data, partitions, num_partitions, name=None):
    """tf.dynamic_partition: the rows of `data` for each partition number, in order."""
    if not isinstance(num_partitions, (int, np.integer)) or isinstance(num_partitions, bool):
        raise TypeError(f"Expected int for argument 'num_partitions' not {num_partitions!r}.")
    if num_partitions < 1:
        raise ValueError(f"Attr 'num_partitions' of 'DynamicPartition' Op passed {num_partitions}"
                         " less than minimum 1.")
    with OpScope(name, "DynamicPartition", [data, partitions]) as scope:
        data = convert_to_tensor(data, name="data")
        partitions = convert_to_tensor(partitions, name="partitions")
        if partitions.dtype.base_dtype is not dtypes.int32:
            raise TypeError("Input 'partitions' of 'DynamicPartition' Op has type "
                            f"{partitions.dtype.base_dtype.name} that does not match expected "
                            "type of int32.")
        op = make_op("DynamicPartition", [data, partitions], scope,
                     {"T": data.dtype.base_dtype, "num_partitions": int(num_partitions)})
        return list(op.outputs)


# -- DynamicStitch ---------------------------------------------------------------------------------
def _infer_stitch(op):
    count = len(op._inputs) // 2
    indices, data = op._inputs[:count], op._inputs[count:]
    inner = None
    for index, value in zip(indices, data):
        if index._shape is None or value._shape is None:
            continue
        rank = len(index._shape)
        if len(value._shape) < rank:
            raise ShapeError(f"Shape must be at least rank {rank} but is rank "
                             f"{len(value._shape)}")
        for a, b in zip(index._shape, value._shape):
            if a is not None and b is not None and a != b:
                raise ShapeError(f"Dimensions must be equal, but are {b} and {a}")
        rest = tuple(value._shape[rank:])
        inner = rest if inner is None else _merge_dims(inner, rest)
    values = [static_value(t) for t in indices]
    rows = None
    if all(v is not None for v in values):
        rows = max([int(np.max(v)) for v in values if np.size(v)], default=-1) + 1
    return [(data[0].dtype.base_dtype, None if inner is None else (rows,) + inner)]


def _merge_dims(a, b):
    if len(a) != len(b):
        raise ShapeError(f"Shapes must be equal rank, but are {len(a)} and {len(b)}")
    merged = []
    for x, y in zip(a, b):
        if x is not None and y is not None and x != y:
            raise ShapeError(f"Dimension {len(merged)} in both shapes must be equal, but are "
                             f"{x} and {y}.")
        merged.append(x if x is not None else y)
    return tuple(merged)


def _stitch(*inputs):
    count = len(inputs) // 2
    indices = [np.asarray(i) for i in inputs[:count]]
    data = [np.asarray(d) for d in inputs[count:]]
    inner = None
    for k, (index, value) in enumerate(zip(indices, data)):
        if value.shape[:index.ndim] != index.shape:
            raise InvalidArgumentError(
                None, None, f"data[{k}].shape = {shape_str(value.shape)} does not start with "
                f"indices[{k}].shape = {shape_str(index.shape)}")
        rest = value.shape[index.ndim:]
        if inner is None:
            inner = rest
        elif rest != inner:
            raise InvalidArgumentError(
                None, None, f"Need data[0].shape[{indices[0].ndim}:] = {shape_str(inner)} to "
                f"match data[{k}].shape[{index.ndim}:] = {shape_str(rest)}")
    rows = max([int(i.max()) for i in indices if i.size], default=-1) + 1
    check_output((rows,) + inner, data[0].dtype)
    out = np.zeros((rows,) + inner, data[0].dtype)
    for index, value in zip(indices, data):
        if (index < 0).any():
            raise InvalidArgumentError(None, None, f"indices[{int(index.min())}] is out of range")
        out[index.reshape(-1)] = value.reshape((index.size,) + inner)
    return out


def _stitch_grad(op, grad):
    """Each data input's gradient: the rows of grad at its indices."""
    count = len(op._inputs) // 2
    indices = [t if t.dtype.base_dtype is dtypes.int32 else math_ops.cast(t, dtypes.int32)
               for t in op._inputs[:count]]
    if isinstance(grad, IndexedSlices):
        rows = array_ops.shape(op.outputs[0])[0]
        grad = index_ops.unsorted_segment_sum(grad.values, grad.indices, rows)
    return [None] * count + [index_ops.gather(grad, index) for index in indices]


# DynamicStitch itself is defined in reduction_grads (the reduction gradients run it); it
# shares these rules once the two definitions are merged.
define("ParallelDynamicStitch", infer=_infer_stitch, kernel=_stitch, grad=_stitch_grad)


def _stitch_builder(op_type: str, indices, data, name):
    if not isinstance(indices, (list, tuple)) or not isinstance(data, (list, tuple)):
        raise TypeError(f"Expected list for 'indices' argument to '{op_type}' Op, not "
                        f"{indices!r}.")
    if len(indices) != len(data):
        raise ValueError(f"List argument 'data' to '{op_type}' Op with length {len(data)} must "
                         f"match length {len(indices)} of argument 'indices'.")
    if not indices:
        raise ValueError(f"List argument 'indices' to '{op_type}' Op with length 0 shorter than "
                         "minimum length 1.")
    with OpScope(name, op_type, list(indices) + list(data)) as scope:
        index_tensors = [convert_to_tensor(i, dtype=dtypes.int32, name=f"indices_{k}")
                         for k, i in enumerate(indices)]
        first = convert_to_tensor(data[0], name="data_0")
        data_tensors = [first] + [convert_to_tensor(d, dtype=first.dtype.base_dtype,
                                                    name=f"data_{k}")
                                  for k, d in enumerate(data[1:], start=1)]
        return make_tensor(op_type, index_tensors + data_tensors, scope,
                           {"N": len(indices), "T": first.dtype.base_dtype})


def dynamic_stitch(indices, data, name=None):
    """tf.dynamic_stitch: merged[indices[m][i]] = data[m][i], later entries winning."""
    return _stitch_builder("DynamicStitch", indices, data, name)


def parallel_dynamic_stitch(indices, data, name=None):
    """tf.raw_ops.ParallelDynamicStitch, as embedding lookups use it."""
    return _stitch_builder("ParallelDynamicStitch", indices, data, name)


__all__ = ["dynamic_partition", "dynamic_stitch", "parallel_dynamic_stitch"]
