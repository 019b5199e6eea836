"""Embedding lookups (`tf.nn.embedding_lookup`): rows of a parameter tensor gathered by id, with
TF's op structure (a GatherV2 named after the lookup, then an Identity) and max_norm clipping;
over a list of partitioned params, DynamicPartition / gathers / ParallelDynamicStitch."""

from __future__ import annotations

from ..graph import dtypes
from ..graph.build import OpScope
from ..graph.convert import constant, convert_to_tensor
from ..graph.indexed_slices import IndexedSlices
from ..graph.shapes import TensorShape
from . import (
    array_ops,
    clip_ops,
    index_ops,
    input_ops,
    logic_ops,
    math_ops,
    partition_ops,
    reduce_ops,
    slice_helper,
)


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """The rows `ids` of `params` (a tensor, a variable, or a list of one), shaped
    ids.shape + params.shape[1:]; rows longer than `max_norm` are scaled down to it."""
    del validate_indices  # TF ignores it too: ids are always checked
    params = _as_param_list(params)
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"Unrecognized partition strategy: {partition_strategy}."
                         "Must be one of either `mod` or `div`.")
    with OpScope(name, "embedding_lookup", params + [ids]) as scope:
        params = [_as_param_tensor(p, f"params_{i}") for i, p in enumerate(params)]
        ids = convert_to_tensor(ids, name="ids")
        if len(params) > 1:
            return _partitioned_lookup(params, ids, partition_strategy, max_norm, scope)
        result = _clip(index_ops.gather(params[0], ids, name=scope), ids, max_norm)
        return array_ops.identity(result)


def _partitioned_lookup(params, ids, strategy, max_norm, scope):
    """TF's lookup over several params: ids assigned to partitions ('mod': id % n, 'div':
    contiguous ranges), one gather per partition, stitched back in the ids' order."""
    count = len(params)
    flat_ids = array_ops.reshape(ids, [-1])
    original_indices = input_ops.range_(array_ops.size(flat_ids))
    if strategy == "mod":
        assignments, new_ids = flat_ids % count, flat_ids // count
    else:
        assignments, new_ids = _div_assignments(params, flat_ids, count)
    assignments = math_ops.cast(assignments, dtypes.int32)
    gather_ids = partition_ops.dynamic_partition(new_ids, assignments, count)
    positions = partition_ops.dynamic_partition(original_indices, assignments, count)
    parts = [index_ops.gather(param, part_ids) for param, part_ids in zip(params, gather_ids)]
    stitched = partition_ops.parallel_dynamic_stitch(positions, parts, name=scope)
    element = TensorShape(params[0]._shape)[1:]
    for param in params[1:]:
        element = element.merge_with(TensorShape(param._shape)[1:])
    # Every position appears once: TF's shape inference evaluates that to the ids' count.
    stitched.set_shape(TensorShape([TensorShape(ids._shape).num_elements()]).concatenate(element))
    if element.is_fully_defined():
        element_dims = element.as_list()
    else:
        element_dims = array_ops.shape(params[0])[1:]
    result = array_ops.reshape(stitched, slice_helper.concat([array_ops.shape(ids),
                                                              element_dims], 0))
    result.set_shape(TensorShape(ids._shape).concatenate(element))
    return _clip(result, ids, max_norm)


def _div_assignments(params, flat_ids, count):
    """'div': the first (total % n) partitions hold one id more than the others."""
    sizes = [p._shape[0] if p._shape is not None else None for p in params]
    if None not in sizes:
        total = constant(sum(sizes), dtype=flat_ids.dtype.base_dtype)
    else:
        dims = [size if size is not None else array_ops.shape(p)[0]
                for size, p in zip(sizes, params)]
        total = reduce_ops.reduce_sum(math_ops.cast(array_ops.stack(dims),
                                                    flat_ids.dtype.base_dtype))
    per_partition = total // count
    extras = total % count
    assignments = math_ops.maximum(flat_ids // (per_partition + 1),
                                   (flat_ids - extras) // per_partition)
    new_ids = logic_ops.where(assignments < extras, flat_ids % (per_partition + 1),
                              (flat_ids - extras) % per_partition)
    return assignments, new_ids


def _as_param_list(params) -> list:
    if params is None:
        raise ValueError("params must be specified")
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("Length of params is currently 0. Need at least one param.")
        return list(params)
    return [params]


def _as_param_tensor(param, name):
    """A tensor, variable or IndexedSlices as it is; other values become constants."""
    if isinstance(param, IndexedSlices):
        return param
    return convert_to_tensor(param, name=name)


def _clip(embeddings, ids, max_norm):
    """Embeddings whose L2 norm over the non-id axes exceeds `max_norm` scaled down to it."""
    if max_norm is None:
        return embeddings
    ids_rank, params_rank = ids._rank(), embeddings._rank()
    if ids_rank and params_rank is not None:
        axes = list(range(ids_rank, params_rank))
    else:
        axes = input_ops.range_(_rank_tensor(ids), _rank_tensor(embeddings))
    return clip_ops.clip_by_norm(embeddings, max_norm, axes)


def _rank_tensor(tensor):
    rank = tensor._rank()
    return rank if rank else array_ops.rank(tensor)


__all__ = ["embedding_lookup"]
