"""Embedding lookups (`tf.nn.embedding_lookup`): rows of a parameter tensor gathered by id, with
TF's op structure (a GatherV2 named after the lookup, then an Identity) and max_norm clipping."""

from __future__ import annotations

from ..graph.build import OpScope
from ..graph.convert import convert_to_tensor
from ..graph.indexed_slices import IndexedSlices
from . import array_ops, clip_ops, index_ops, input_ops


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
        if len(params) > 1:
            raise NotImplementedError(
                f"embedding_lookup over {len(params)} partitioned params is not supported yet "
                "(DynamicPartition/DynamicStitch): concatenate them into one tensor first")
        ids = convert_to_tensor(ids, name="ids")
        result = _clip(index_ops.gather(params[0], ids, name=scope), ids, max_norm)
        return array_ops.identity(result)


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
