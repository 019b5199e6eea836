"""tf.nn's convolutions and pooling."""

from __future__ import annotations

from ..engine.ops import conv_ops, depthwise_ops, pool_ops

MEMBERS: dict[str, object] = dict(
    conv2d=conv_ops.conv2d, conv1d=conv_ops.conv1d, conv2d_transpose=conv_ops.conv2d_transpose,
    max_pool=pool_ops.max_pool, max_pool2d=pool_ops.max_pool2d, avg_pool=pool_ops.avg_pool,
    avg_pool2d=pool_ops.avg_pool,
    depthwise_conv2d=depthwise_ops.depthwise_conv2d,
    depthwise_conv2d_native=depthwise_ops.depthwise_conv2d_native,
    depthwise_conv2d_native_backprop_input=depthwise_ops.depthwise_conv2d_native_backprop_input,
    depthwise_conv2d_native_backprop_filter=depthwise_ops.depthwise_conv2d_native_backprop_filter,
    separable_conv2d=depthwise_ops.separable_conv2d,
)
