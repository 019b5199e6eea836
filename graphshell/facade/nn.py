"""tf.nn: activations, softmax and cross entropies, dropout, normalization, embeddings."""

from __future__ import annotations

from ..engine.ops import nn_impl, nn_ops, normalization_ops, ranking_ops, sampling_ops, unary_ops
from . import rnn as rnn_api

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
    # dropout, losses and small layers
    dropout=nn_impl.dropout,
    weighted_cross_entropy_with_logits=nn_impl.weighted_cross_entropy_with_logits,
    log_poisson_loss=nn_impl.log_poisson_loss, selu=nn_impl.selu, swish=nn_impl.swish,
    silu=nn_impl.swish, crelu=nn_impl.crelu, xw_plus_b=nn_impl.xw_plus_b,
    relu_layer=nn_impl.relu_layer, zero_fraction=nn_impl.zero_fraction,
    # normalization
    moments=normalization_ops.moments,
    sufficient_statistics=normalization_ops.sufficient_statistics,
    normalize_moments=normalization_ops.normalize_moments,
    batch_normalization=normalization_ops.batch_normalization,
    fused_batch_norm=normalization_ops.fused_batch_norm,
    l2_normalize=normalization_ops.l2_normalize,
    local_response_normalization=normalization_ops.local_response_normalization,
    lrn=normalization_ops.lrn,
    # ranking
    top_k=ranking_ops.top_k, in_top_k=ranking_ops.in_top_k,
    # sampled losses and their candidate samplers
    nce_loss=sampling_ops.nce_loss, sampled_softmax_loss=sampling_ops.sampled_softmax_loss,
    log_uniform_candidate_sampler=sampling_ops.log_uniform_candidate_sampler,
    uniform_candidate_sampler=sampling_ops.uniform_candidate_sampler,
    compute_accidental_hits=sampling_ops.compute_accidental_hits,
    **rnn_api.NN_MEMBERS,  # rnn_cell, dynamic_rnn, static_rnn, the bidirectional ones
)
