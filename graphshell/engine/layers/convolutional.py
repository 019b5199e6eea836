"""Conv2D and Conv2DTranspose (tf.layers.conv2d, tf.layers.conv2d_transpose), TF 1.x layers.

`Conv2D` makes `kernel` [kh, kw, in, filters] and `bias` [filters] and builds
`conv2d/Conv2D`, `conv2d/BiasAdd` and the activation; `Conv2DTranspose` makes `kernel`
[kh, kw, filters, in] and builds the output shape from the input's (`conv2d_transpose/stack`)
before `conv2d_transpose/conv2d_transpose` (Conv2DBackpropInput).
"""

from __future__ import annotations

from ..graph.shapes import TensorShape
from ..ops import array_ops, conv_ops, nn_ops
from . import conv_utils
from .base import Layer
from .core import activation_function


class Conv2D(Layer):
    """A 2-D convolution layer over NHWC inputs."""

    _transposed = False

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=None,
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if filters is not None and not isinstance(filters, int):
            filters = int(filters)
        if filters is not None and filters <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly "
                             f"positive value. Received filters={filters}.")
        self.filters = filters
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, 2, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, 2, "strides")
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, 2, "dilation_rate")
        self.activation = activation_function(activation)
        self._keep_kernel_and_bias_options(use_bias, kernel_initializer, bias_initializer,
                                           kernel_regularizer, bias_regularizer,
                                           kernel_constraint, bias_constraint)

    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape) -> None:
        input_shape = TensorShape(input_shape)
        if input_shape.ndims is not None and input_shape.ndims != 4:
            raise ValueError(f'Input 0 of layer "{self._name}" is incompatible with the layer: '
                             f"expected min_ndim=4, found ndim={input_shape.ndims}. Full shape "
                             f"received: {tuple(input_shape.as_list())}")
        channels = input_shape[self._channel_axis()].value if input_shape.ndims else None
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. The "
                             f"input_shape received is {input_shape}, where axis "
                             f"{self._channel_axis()} (0-based) is the channel dimension, which "
                             "found to be `None`.")
        self._add_kernel_and_bias(self._kernel_shape(channels), (self.filters,))
        self.built = True

    def _kernel_shape(self, channels: int) -> tuple:
        return self.kernel_size + (channels, self.filters)

    def _four(self, pair) -> list:
        if self.data_format == "channels_last":
            return [1, *pair, 1]
        return [1, 1, *pair]

    def _convolve(self, inputs):
        return conv_ops.conv2d(inputs, self.kernel, strides=self._four(self.strides),
                               padding=self.padding.upper(),
                               data_format=conv_utils.tf_data_format(self.data_format),
                               dilations=self._four(self.dilation_rate), name="Conv2D")

    def call(self, inputs):
        outputs = self._convolve(inputs)
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias,
                                      data_format=conv_utils.tf_data_format(self.data_format))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


class Conv2DTranspose(Conv2D):
    """The transpose (gradient) of a 2-D convolution, often called deconvolution."""

    def _kernel_shape(self, channels: int) -> tuple:
        return self.kernel_size + (self.filters, channels)

    def _convolve(self, inputs):
        dynamic_shape = array_ops.shape(inputs)
        batch_size = dynamic_shape[0]
        h_axis, w_axis = (1, 2) if self.data_format == "channels_last" else (2, 3)
        dims = list(inputs._shape) if inputs._shape is not None else [None] * 4
        height = dims[h_axis] if dims[h_axis] is not None else dynamic_shape[h_axis]
        width = dims[w_axis] if dims[w_axis] is not None else dynamic_shape[w_axis]
        out_height = self._output_length(height, 0)
        out_width = self._output_length(width, 1)
        if self.data_format == "channels_last":
            output_shape = (batch_size, out_height, out_width, self.filters)
        else:
            output_shape = (batch_size, self.filters, out_height, out_width)
        output_shape = array_ops.stack(list(output_shape))
        output_shape[0]
        outputs = conv_ops.conv2d_transpose(
            inputs, self.kernel, output_shape, strides=self._four(self.strides),
            padding=self.padding.upper(),
            data_format=conv_utils.tf_data_format(self.data_format))
        if inputs._shape is not None:
            static = [d if isinstance(d, int) else None
                      for d in (dims[0], out_height, out_width, self.filters)]
            outputs.set_shape(static if self.data_format == "channels_last"
                              else [static[0], static[3], static[1], static[2]])
        return outputs

    def _output_length(self, length, axis: int):
        kernel, stride = self.kernel_size[axis], self.strides[axis]
        dilation = self.dilation_rate[axis]
        if isinstance(length, int):
            return conv_utils.deconv_output_length(length, kernel, self.padding, stride,
                                                   dilation)
        dilated = kernel + (kernel - 1) * (dilation - 1)
        if self.padding == "valid":
            return length * stride + max(dilated - stride, 0)
        return length * stride


def _functional(layer_class):
    def build(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
              data_format="channels_last", dilation_rate=(1, 1), activation=None,
              use_bias=True, kernel_initializer=None, bias_initializer=None,
              kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
              kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
              reuse=None):
        extra = {} if layer_class is Conv2DTranspose else {"dilation_rate": dilation_rate}
        layer = layer_class(
            filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, trainable=trainable, name=name, _reuse=reuse,
            _scope=name, **extra)
        return layer(inputs)
    return build


conv2d = _functional(Conv2D)
conv2d.__name__ = "conv2d"
conv2d.__doc__ = "The functional form of `Conv2D`: builds one layer and calls it on `inputs`."
conv2d_transpose = _functional(Conv2DTranspose)
conv2d_transpose.__name__ = "conv2d_transpose"
conv2d_transpose.__doc__ = "The functional form of `Conv2DTranspose`."
