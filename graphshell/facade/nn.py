"""tf.nn: activations, softmax and cross entropies, dropout, normalization, embeddings."""

from __future__ import annotations

from ..engine.ops import nn_ops, unary_ops

MEMBERS: dict[str, object] = dict(
    relu=unary_ops.relu, relu6=unary_ops.relu6, elu=unary_ops.elu,
    leaky_relu=unary_ops.leaky_relu, softplus=unary_ops.softplus,
    softsign=unary_ops.softsign, sigmoid=unary_ops.sigmoid, tanh=unary_ops.tanh,
    softmax=nn_ops.softmax, log_softmax=nn_ops.log_softmax, l2_loss=nn_ops.l2_loss,
    bias_add=nn_ops.bias_add,
    softmax_cross_entropy_with_logits=nn_ops.softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2=nn_ops.softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits=nn_ops.sparse_softmax_cross_entropy_with_logits,
    sigmoid_cross_entropy_with_logits=nn_ops.sigmoid_cross_entropy_with_logits,
)
