"""IndexedSlices, the scatter updates and embedding lookups: the sparse side of the API."""

from __future__ import annotations

from ..engine.graph.indexed_slices import IndexedSlices
from ..engine.ops import partition_ops, state_ops
from ..engine.ops.embedding_ops import embedding_lookup

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
# (TF 1.x has no tf.IndexedSlicesValue: sessions return one, its class is not exported.)
TOP_LEVEL: dict[str, object] = {
    "IndexedSlices": IndexedSlices,
    "scatter_update": state_ops.scatter_update,
    "scatter_add": state_ops.scatter_add,
    "scatter_sub": state_ops.scatter_sub,
    "scatter_mul": state_ops.scatter_mul,
    "scatter_div": state_ops.scatter_div,
    "scatter_min": state_ops.scatter_min,
    "scatter_max": state_ops.scatter_max,
    "scatter_nd_update": state_ops.scatter_nd_update,
    "scatter_nd_add": state_ops.scatter_nd_add,
    "scatter_nd_sub": state_ops.scatter_nd_sub,
    "dynamic_partition": partition_ops.dynamic_partition,
    "dynamic_stitch": partition_ops.dynamic_stitch,
}
# The names it adds to tf.nn.
NN_MEMBERS: dict[str, object] = {"embedding_lookup": embedding_lookup}
