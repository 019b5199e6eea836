"""tf.layers, tf.losses and tf.metrics."""

from __future__ import annotations

from ..engine.layers import (
    base,
    convolutional,
    core,
    losses,
    metric_auc,
    metric_counts,
    metrics,
    normalization,
    pooling,
    weighted_loss,
)
from . import namespace

_LOSSES = namespace(
    "losses", "Losses weighted and reduced as TF 1.x does (tf.losses).",
    Reduction=weighted_loss.Reduction,
    compute_weighted_loss=weighted_loss.compute_weighted_loss,
    add_loss=weighted_loss.add_loss, get_losses=weighted_loss.get_losses,
    get_regularization_losses=weighted_loss.get_regularization_losses,
    get_regularization_loss=weighted_loss.get_regularization_loss,
    get_total_loss=weighted_loss.get_total_loss,
    absolute_difference=losses.absolute_difference, cosine_distance=losses.cosine_distance,
    hinge_loss=losses.hinge_loss, huber_loss=losses.huber_loss, log_loss=losses.log_loss,
    mean_pairwise_squared_error=losses.mean_pairwise_squared_error,
    mean_squared_error=losses.mean_squared_error,
    sigmoid_cross_entropy=losses.sigmoid_cross_entropy,
    softmax_cross_entropy=losses.softmax_cross_entropy,
    sparse_softmax_cross_entropy=losses.sparse_softmax_cross_entropy,
)

_METRICS = namespace(
    "metrics", "Streaming metrics over local variables (tf.metrics).",
    accuracy=metrics.accuracy, mean=metrics.mean, mean_squared_error=metrics.mean_squared_error,
    mean_absolute_error=metrics.mean_absolute_error,
    root_mean_squared_error=metrics.root_mean_squared_error,
    true_positives=metric_counts.true_positives, false_positives=metric_counts.false_positives,
    true_negatives=metric_counts.true_negatives, false_negatives=metric_counts.false_negatives,
    precision=metric_counts.precision, recall=metric_counts.recall, auc=metric_auc.auc,
    precision_at_thresholds=metric_auc.precision_at_thresholds,
    recall_at_thresholds=metric_auc.recall_at_thresholds,
)

_LAYERS = namespace(
    "layers", "TF 1.x layers over variable scopes (tf.layers).",
    Layer=base.Layer, InputSpec=base.InputSpec,
    Dense=core.Dense, Dropout=core.Dropout, Flatten=core.Flatten,
    dense=core.dense, dropout=core.dropout, flatten=core.flatten,
    Conv2D=convolutional.Conv2D, Convolution2D=convolutional.Conv2D,
    Conv2DTranspose=convolutional.Conv2DTranspose,
    Convolution2DTranspose=convolutional.Conv2DTranspose,
    conv2d=convolutional.conv2d, conv2d_transpose=convolutional.conv2d_transpose,
    MaxPooling2D=pooling.MaxPooling2D, MaxPool2D=pooling.MaxPooling2D,
    AveragePooling2D=pooling.AveragePooling2D, AvgPool2D=pooling.AveragePooling2D,
    max_pooling2d=pooling.max_pooling2d, average_pooling2d=pooling.average_pooling2d,
    BatchNormalization=normalization.BatchNormalization,
    batch_normalization=normalization.batch_normalization,
)

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
TOP_LEVEL: dict[str, object] = {"layers": _LAYERS, "losses": _LOSSES, "metrics": _METRICS}
