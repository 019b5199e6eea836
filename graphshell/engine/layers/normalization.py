"""BatchNormalization (tf.layers.batch_normalization), the TF 1.x layer.

It makes `gamma`, `beta` (trainable), `moving_mean` and `moving_variance` (global, not
trainable). While training it normalizes by the batch's moments and adds two update ops,
`AssignMovingAvg` and `AssignMovingAvg_1` (moving -= (moving - batch) * (1 - momentum)), to the
layer's updates and UPDATE_OPS: run them with the train op, as TF 1.x programs do. 4-D inputs
normalized on their channel axis use one FusedBatchNormV3 op, others `moments` and
`batchnorm/`. A `training` tensor builds conds choosing batch or moving statistics.
"""

from __future__ import annotations

from ..graph import dtypes
from ..graph.convert import constant, convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.shapes import TensorShape
from ..ops import array_ops, init_ops, math_ops, normalization_ops, state_ops
from ..ops.static import static_value
from .base import Layer
from .core import smart_cond


def _constant_training(training):
    """True/False when `training` is known while building, None for a tensor fed later."""
    if isinstance(training, bool):
        return training
    if hasattr(training, "op"):
        value = static_value(training)
        return None if value is None else bool(value)
    return bool(training)


class BatchNormalization(Layer):
    """Normalizes each channel by the batch's (training) or the moving (inference) moments."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=None, gamma_initializer=None,
                 moving_mean_initializer=None, moving_variance_initializer=None,
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, fused=None, trainable=True, virtual_batch_size=None,
                 adjustment=None, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError("graphshell's BatchNormalization has no renorm, "
                                      "virtual_batch_size or adjustment")
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = beta_initializer or init_ops.Zeros()
        self.gamma_initializer = gamma_initializer or init_ops.Ones()
        self.moving_mean_initializer = moving_mean_initializer or init_ops.Zeros()
        self.moving_variance_initializer = moving_variance_initializer or init_ops.Ones()
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.fused = fused

    def build(self, input_shape) -> None:
        input_shape = TensorShape(input_shape)
        if input_shape.ndims is None:
            raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}.")
        ndims = input_shape.ndims
        self.axis = [a + ndims if a < 0 else a for a in self.axis]
        for axis in self.axis:
            if not 0 <= axis < ndims:
                raise ValueError(f"Invalid axis: {axis}")
        if self.fused is None:
            self.fused = ndims == 4 and self.axis in ([1], [3])
        if self.fused and (ndims != 4 or self.axis not in ([1], [3])):
            raise ValueError("Passing `fused=True` is only supported when axis is 1 or 3 for "
                             f"input rank 4. Got axis={self.axis}, rank={ndims}")
        self._data_format = "NCHW" if self.axis == [1] else "NHWC"
        dims = [input_shape[a].value for a in self.axis]
        if None in dims:
            raise ValueError(f"Input has undefined `axis` dimension. Received input with shape "
                             f"{input_shape} and axis={self.axis}")
        param_shape = dims if len(dims) > 1 else [dims[0]]
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight("gamma", shape=param_shape, dtype=dtypes.float32,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", shape=param_shape, dtype=dtypes.float32,
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.moving_mean = self.add_weight("moving_mean", shape=param_shape,
                                           dtype=dtypes.float32,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape=param_shape,
                                               dtype=dtypes.float32,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.built = True

    # -- the moving averages -------------------------------------------------------------------
    def _assign_moving_average(self, variable, value, momentum):
        """variable -= (variable - value) * (1 - momentum), named AssignMovingAvg."""
        with get_default_graph().name_scope("AssignMovingAvg") as scope:
            decay = convert_to_tensor(1.0 - momentum, name="decay")
            if decay.dtype.base_dtype is not variable.dtype.base_dtype:
                decay = math_ops.cast(decay, variable.dtype.base_dtype)
            delta = (variable - math_ops.cast(value, variable.dtype.base_dtype)) * decay
            return state_ops.assign_sub(variable, delta, name=scope)

    def _add_update(self, update) -> None:
        self.add_update(update.op if hasattr(update, "op") else update)

    # -- calling -------------------------------------------------------------------------------
    def call(self, inputs, training=False):
        if self.fused:
            return self._fused_call(inputs, training)
        ndims = len(inputs._shape)
        reduction_axes = [i for i in range(ndims) if i not in self.axis]
        broadcast_shape = [1] * ndims
        broadcast_shape[self.axis[0]] = inputs._shape[self.axis[0]]

        def broadcast(v):
            if v is not None and len(v.shape) != ndims and reduction_axes != list(range(ndims - 1)):
                return array_ops.reshape(v, broadcast_shape)
            return v

        scale, offset = broadcast(self.gamma), broadcast(self.beta)
        training_value = _constant_training(training)
        if training_value is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            keep_dims = len(self.axis) > 1
            batch_mean, batch_variance = normalization_ops.moments(
                math_ops.cast(inputs, dtypes.float32), reduction_axes, keep_dims=keep_dims)
            moving_mean, moving_variance = self.moving_mean, self.moving_variance
            mean = smart_cond(training, lambda: batch_mean,
                              lambda: convert_to_tensor(moving_mean))
            variance = smart_cond(training, lambda: batch_variance,
                                  lambda: convert_to_tensor(moving_variance))
            new_mean, new_variance = mean, variance
            self._add_update(smart_cond(
                training, lambda: self._assign_moving_average(moving_mean, new_mean,
                                                              self.momentum),
                lambda: moving_mean))
            self._add_update(smart_cond(
                training, lambda: self._assign_moving_average(moving_variance, new_variance,
                                                              self.momentum),
                lambda: moving_variance))
        dtype = inputs.dtype.base_dtype
        mean, variance = math_ops.cast(mean, dtype), math_ops.cast(variance, dtype)
        offset = None if offset is None else math_ops.cast(offset, dtype)
        scale = None if scale is None else math_ops.cast(scale, dtype)
        outputs = normalization_ops.batch_normalization(
            inputs, broadcast(mean), broadcast(variance), offset, scale, self.epsilon)
        outputs.set_shape(inputs._shape)
        return outputs

    def _fused_call(self, inputs, training):
        channels = inputs._shape[self.axis[0]]
        beta = self.beta if self.center else _channel_constant(0.0, channels)
        gamma = self.gamma if self.scale else _channel_constant(1.0, channels)

        def fused(is_training):
            return lambda: normalization_ops.fused_batch_norm(
                inputs, gamma, beta, mean=self.moving_mean, variance=self.moving_variance,
                epsilon=self.epsilon, is_training=is_training, data_format=self._data_format)

        output, mean, variance = smart_cond(training, fused(True), fused(False))
        training_value = _constant_training(training)
        if training_value or training_value is None:
            if training_value is None:
                momentum = smart_cond(training, lambda: self.momentum, lambda: 1.0)
            else:
                momentum = convert_to_tensor(self.momentum)
            self._add_update(self._assign_moving_average(self.moving_mean, mean, momentum))
            self._add_update(self._assign_moving_average(self.moving_variance, variance,
                                                         momentum))
        return output


def _channel_constant(value, channels):
    """A constant channel vector (gamma or beta of a layer built without them)."""
    return constant(value, dtype=dtypes.float32, shape=[channels])


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=None, gamma_initializer=None,
                        moving_mean_initializer=None, moving_variance_initializer=None,
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None):
    """The functional form of `BatchNormalization`; remember to run UPDATE_OPS while training."""
    layer = BatchNormalization(
        axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
        beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
        moving_mean_initializer=moving_mean_initializer,
        moving_variance_initializer=moving_variance_initializer,
        beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
        beta_constraint=beta_constraint, gamma_constraint=gamma_constraint, renorm=renorm,
        renorm_clipping=renorm_clipping, renorm_momentum=renorm_momentum, fused=fused,
        trainable=trainable, virtual_batch_size=virtual_batch_size, adjustment=adjustment,
        name=name, _reuse=reuse, _scope=name)
    return layer(inputs, training=training)
