"""SparseTensor and its ops: tf.SparseTensor, tf.SparseTensorValue, tf.sparse_placeholder,
tf.sparse_tensor_to_dense, tf.sparse_add and the tf.sparse namespace."""

from __future__ import annotations

from ..engine.graph.sparse_tensor import SparseTensor, SparseTensorValue
from ..engine.ops.sparse_ops import sparse_add, sparse_placeholder, sparse_tensor_to_dense
from . import namespace

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
TOP_LEVEL: dict[str, object] = {
    "SparseTensor": SparseTensor,
    "SparseTensorValue": SparseTensorValue,
    "sparse_placeholder": sparse_placeholder,
    "sparse_tensor_to_dense": sparse_tensor_to_dense,
    "sparse_add": sparse_add,
    "sparse": namespace("sparse", "Sparse tensors (tf.sparse).", SparseTensor=SparseTensor,
                        to_dense=sparse_tensor_to_dense, placeholder=sparse_placeholder,
                        add=sparse_add),
}
