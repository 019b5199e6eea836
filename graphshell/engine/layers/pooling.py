"""MaxPooling2D and AveragePooling2D (tf.layers.max_pooling2d...), TF 1.x layers: one MaxPool
or AvgPool op under the layer's scope (`max_pooling2d/MaxPool`)."""

from __future__ import annotations

from ..ops import pool_ops
from . import conv_utils
from .base import Layer


class _Pooling2D(Layer):
    _pool_function = staticmethod(pool_ops.max_pool)

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = conv_utils.normalize_tuple(pool_size, 2, "pool_size")
        self.strides = conv_utils.normalize_tuple(
            pool_size if strides is None else strides, 2, "strides")
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = conv_utils.normalize_data_format(data_format)

    def call(self, inputs):
        if self.data_format == "channels_last":
            ksize, strides = [1, *self.pool_size, 1], [1, *self.strides, 1]
        else:
            ksize, strides = [1, 1, *self.pool_size], [1, 1, *self.strides]
        return self._pool_function(inputs, ksize=ksize, strides=strides,
                                   padding=self.padding.upper(),
                                   data_format=conv_utils.tf_data_format(self.data_format))


class MaxPooling2D(_Pooling2D):
    """The maximum over each pool_size window, moving by strides."""


class AveragePooling2D(_Pooling2D):
    """The mean over each pool_size window (padding cells not counted), moving by strides."""

    _pool_function = staticmethod(pool_ops.avg_pool)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """The functional form of `MaxPooling2D`."""
    layer = MaxPooling2D(pool_size=pool_size, strides=strides, padding=padding,
                         data_format=data_format, name=name)
    return layer(inputs)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """The functional form of `AveragePooling2D`."""
    layer = AveragePooling2D(pool_size=pool_size, strides=strides, padding=padding,
                             data_format=data_format, name=name)
    return layer(inputs)
