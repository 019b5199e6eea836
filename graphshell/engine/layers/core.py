"""Dense, Dropout and Flatten (tf.layers.Dense, tf.layers.dense...), TF 1.x layers.

`Dense` makes `kernel` [in, units] and `bias` [units] in its scope and computes
`activation(inputs @ kernel + bias)` as `dense/MatMul`, `dense/BiasAdd`, `dense/Relu`; inputs of
rank > 2 contract their last axis through `dense/Tensordot`. `Dropout` drops only when
`training` says so: a Python bool picks the branch while building, a tensor builds a cond.
"""

from __future__ import annotations

import functools
import numbers
import operator

from ..graph import dtypes
from ..graph.convert import constant
from ..graph.shapes import TensorShape
from ..ops import array_ops, contract_ops, control_flow, linalg_ops, nn_ops, unary_ops
from ..ops.nn_impl import dropout as nn_dropout
from ..ops.static import static_value
from .base import InputSpec, Layer

_ACTIVATIONS = {"relu": unary_ops.relu, "sigmoid": unary_ops.sigmoid, "tanh": unary_ops.tanh,
                "softmax": nn_ops.softmax, "elu": unary_ops.elu, "softplus": unary_ops.softplus,
                "linear": None}


def activation_function(activation):
    """A callable activation (or None) from a callable, a Keras name, or None."""
    if activation is None or callable(activation):
        return activation
    if activation in _ACTIVATIONS:
        return _ACTIVATIONS[activation]
    raise ValueError(f"Unknown activation function: '{activation}'. Please ensure you are "
                     "using a `keras.utils.custom_object_scope` and that this object is "
                     "included in the scope.")


class Dense(Layer):
    """A densely connected layer: activation(inputs @ kernel + bias)."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.units = int(units) if not isinstance(units, int) else units
        if self.units < 0:
            raise ValueError("Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units}")
        self.activation = activation_function(activation)
        self._keep_kernel_and_bias_options(use_bias, kernel_initializer, bias_initializer,
                                           kernel_regularizer, bias_regularizer,
                                           kernel_constraint, bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape) -> None:
        input_shape = TensorShape(input_shape)
        if self._dtype is not None and not (self._dtype.is_floating or self._dtype.is_complex):
            raise TypeError("A Dense layer can only be built with a floating-point dtype. "
                            f"Received: dtype={self._dtype.name}")
        last_dim = input_shape[-1].value if input_shape.ndims else None
        if last_dim is None:
            raise ValueError("The last dimension of the inputs to a Dense layer should be "
                             f"defined. Found None. Full input shape received: {input_shape}")
        self._add_kernel_and_bias([last_dim, self.units], [self.units])
        self.built = True

    def call(self, inputs):
        rank = None if inputs._shape is None else len(inputs._shape)
        if rank is None or rank == 2:
            outputs = linalg_ops.matmul(inputs, self.kernel)
        else:
            outputs = _tensordot_last_axis(inputs, self.kernel)
            outputs.set_shape(list(inputs._shape[:-1]) + [self.units])
        if self.bias is not None:
            outputs = nn_ops.bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape) -> TensorShape:
        return TensorShape(input_shape)[:-1].concatenate([self.units])


def _tensordot_last_axis(inputs, kernel):
    """inputs contracted on their last axis with the kernel's first (tf.tensordot)."""
    return contract_ops.tensordot(inputs, kernel, [[len(inputs._shape) - 1], [0]])


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          trainable=True, name=None, reuse=None):
    """The functional form of `Dense`: builds one layer and calls it on `inputs`."""
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer,
                  kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                  trainable=trainable, name=name, _scope=name, _reuse=reuse)
    return layer(inputs)


# -- Dropout ---------------------------------------------------------------------------------
def smart_cond(pred, true_fn, false_fn):
    """true_fn() or false_fn() when `pred` is known while building, else tf.cond."""
    if isinstance(pred, (bool, int)) and not hasattr(pred, "op"):
        return true_fn() if pred else false_fn()
    known = static_value(pred) if hasattr(pred, "op") else None
    if known is not None:
        return true_fn() if bool(known) else false_fn()
    return control_flow.cond(pred, true_fn, false_fn)


class Dropout(Layer):
    """Drops each input with probability `rate` while training, scaling the rest up."""

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
            raise ValueError(f"Invalid value {rate} received for `rate`, expected a value "
                             "between 0 and 1.")
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs, training=False):
        if isinstance(self.rate, numbers.Real) and self.rate == 0:
            return array_ops.identity(inputs)

        def dropped():
            return nn_dropout(inputs, rate=self.rate, noise_shape=self.noise_shape,
                              seed=self.seed)
        return smart_cond(training, dropped, lambda: array_ops.identity(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """The functional form of `Dropout` (dropping only when `training`)."""
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer(inputs, training=training)


# -- Flatten -----------------------------------------------------------------------------------
class Flatten(Layer):
    """Flattens every axis but the first (the batch)."""

    def __init__(self, data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.data_format = data_format or "channels_last"

    def call(self, inputs):
        shape = inputs._shape
        if shape is not None and len(shape) == 1:
            return array_ops.expand_dims(inputs, axis=1)
        if self.data_format == "channels_first" and shape is not None and len(shape) > 1:
            inputs = array_ops.transpose(inputs, [0] + list(range(2, len(shape))) + [1])
            shape = inputs._shape
        batch = shape[0] if shape is not None else None
        rest = shape[1:] if shape is not None else None
        if rest is not None and None not in rest:
            target = constant([-1, int(functools.reduce(operator.mul, rest, 1))],
                              dtype=dtypes.int32)
        elif batch is not None:
            target = constant([int(batch), -1], dtype=dtypes.int32)
        else:
            target = [array_ops.shape(inputs)[0], -1]
        return array_ops.reshape(inputs, target)


def flatten(inputs, name=None, data_format="channels_last"):
    """The functional form of `Flatten`."""
    return Flatten(name=name, data_format=data_format)(inputs)
