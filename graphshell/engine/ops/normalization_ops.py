"""Normalization: moments, batch_normalization, FusedBatchNormV3 (and its gradient op),
l2_normalize, LRN (and LRNGrad)."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import constant, convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.registry import ShapeError, define
from . import array_ops, index_ops, math_ops, reduce_ops, rules, unary_ops

# -- moments and batch_normalization (composites) -------------------------------------------------


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """Mean and variance of `x` over `axes` (the variance about the mean, stopped for gradients).

    `shift` is accepted and unused, as in TF.
    """
    keep = _lookup_keepdims(keepdims, keep_dims)
    with OpScope(name, "moments", [x, axes]):
        x = convert_to_tensor(x, name="x")
        wide = math_ops.cast(x, dtypes.float32) if x.dtype.base_dtype is dtypes.float16 else x
        mean = reduce_ops.reduce_mean(wide, axes, keepdims=True, name="mean")
        deviation = math_ops.squared_difference(wide, array_ops.stop_gradient(mean))
        variance = reduce_ops.reduce_mean(deviation, axes, keepdims=True, name="variance")
        if not keep:
            mean = array_ops.squeeze(mean, axes)
            variance = array_ops.squeeze(variance, axes)
        if x.dtype.base_dtype is dtypes.float16:
            return math_ops.cast(mean, dtypes.float16), math_ops.cast(variance, dtypes.float16)
        return mean, variance


def _lookup_keepdims(keepdims, keep_dims) -> bool:
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keepdims' and 'keep_dims'.")
    return bool(keepdims if keepdims is not None else keep_dims)


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """(count, sum of x - shift, sum of squares of x - shift, shift) over `axes`."""
    keep = _lookup_keepdims(keepdims, keep_dims)
    axes = list(axes)
    with OpScope(name, "sufficient_statistics", [x, shift]):
        x = convert_to_tensor(x, name="x")
        dims = x.get_shape().as_list() if x._shape is not None else None
        if dims is not None and all(dims[axis] is not None for axis in axes):
            count = constant(float(np.prod([dims[axis] for axis in axes])),
                             dtype=x.dtype.base_dtype)
        else:
            sizes = index_ops.gather(math_ops.cast(array_ops.shape(x), x.dtype.base_dtype), axes)
            count = reduce_ops.reduce_prod(sizes, name="count")
        if shift is not None:
            shift = convert_to_tensor(shift, name="shift")
            m_ss = math_ops.subtract(x, shift)
            v_ss = math_ops.squared_difference(x, shift)
        else:
            m_ss, v_ss = x, unary_ops.square(x)
        m_ss = reduce_ops.reduce_sum(m_ss, axes, keepdims=keep, name="mean_ss")
        v_ss = reduce_ops.reduce_sum(v_ss, axes, keepdims=keep, name="var_ss")
        return count, m_ss, v_ss, shift


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """Mean and variance from sufficient statistics."""
    with OpScope(name, "normalize", [counts, mean_ss, variance_ss, shift]):
        divisor = unary_ops.reciprocal(counts, name="divisor")
        if shift is not None:
            shifted_mean = math_ops.multiply(mean_ss, divisor, name="shifted_mean")
            mean = math_ops.add(shifted_mean, shift, name="mean")
        else:
            shifted_mean = math_ops.multiply(mean_ss, divisor, name="mean")
            mean = shifted_mean
        variance = math_ops.subtract(math_ops.multiply(variance_ss, divisor),
                                     unary_ops.square(shifted_mean), name="variance")
        return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) * scale / sqrt(variance + epsilon) + offset, in TF's x * a + b form."""
    with OpScope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = convert_to_tensor(x, name="x")
        inv = unary_ops.rsqrt(variance + variance_epsilon)
        if scale is not None:
            inv *= scale
        x_dtype = x.dtype.base_dtype
        scaled = x * math_ops.cast(inv, x_dtype)  # built before the shift, as TF orders them
        shift = offset - mean * inv if offset is not None else -mean * inv
        return scaled + math_ops.cast(shift, x_dtype)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x**2, axis), epsilon))."""
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'.")
        axis = dim
    with OpScope(name, "l2_normalize", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        square_sum = reduce_ops.reduce_sum(unary_ops.square(x), axis, keepdims=True)
        inverse_norm = unary_ops.rsqrt(math_ops.maximum(square_sum, epsilon))
        return math_ops.multiply(x, inverse_norm, name=scope)


# -- FusedBatchNormV3 -----------------------------------------------------------------------------

_CHANNEL_AXIS = {b"NHWC": -1, b"NDHWC": -1, b"NCHW": 1, b"NCDHW": 1}
_RANK = {b"NHWC": 4, b"NCHW": 4, b"NDHWC": 5, b"NCDHW": 5}


def _data_format(op) -> bytes:
    value = op.attrs["data_format"]
    return value.encode() if isinstance(value, str) else value


def _channels(op, x_shape):
    data_format = _data_format(op)
    rank = _RANK[data_format]
    if x_shape is not None and len(x_shape) != rank:
        raise ShapeError(f"Shape must be rank {rank} but is rank {len(x_shape)}")
    return None if x_shape is None else x_shape[_CHANNEL_AXIS[data_format]]


def _check_vector(tensor, channels):
    shape = tensor._shape
    if shape is None:
        return channels
    if len(shape) != 1:
        raise ShapeError(f"Shape must be rank 1 but is rank {len(shape)}")
    if channels is not None and shape[0] is not None and shape[0] != channels:
        raise ShapeError(f"Dimensions must be equal, but are {channels} and {shape[0]}")
    return channels if channels is not None else shape[0]


def _infer_fused_batch_norm(op):
    x, scale, offset, mean, variance = op._inputs
    rules.check_dtype(op, x, (dtypes.float16, dtypes.float32), "x",
                      words="float16, bfloat16, float32")
    rules.check_exact_dtype(op, scale, dtypes.float32, "scale")
    channels = _channels(op, x._shape)
    channels = _check_vector(scale, channels)
    channels = _check_vector(offset, channels)
    if not op.attrs["is_training"] or op.attrs["exponential_avg_factor"] != 1.0:
        channels = _check_vector(mean, channels)
        channels = _check_vector(variance, channels)
    vector = (dtypes.float32, (channels,))
    return [(x.dtype.base_dtype, _with_channels(op, x._shape, channels))] + [vector] * 4 + \
        [(dtypes.float32, None)]


def _with_channels(op, x_shape, channels):
    """x's shape with the channel size learnt from scale, offset, mean or variance."""
    if x_shape is None:
        return None
    dims = list(x_shape)
    dims[_CHANNEL_AXIS[_data_format(op)]] = channels
    return tuple(dims)


def _to_channels_last(value, data_format):
    return np.moveaxis(value, 1, -1) if _CHANNEL_AXIS[data_format] == 1 else value


def _from_channels_last(value, data_format):
    return np.moveaxis(value, -1, 1) if _CHANNEL_AXIS[data_format] == 1 else value


def _make_fused_batch_norm_kernel(op, runtime):
    epsilon = op.attrs["epsilon"]
    factor = op.attrs["exponential_avg_factor"]
    training = op.attrs["is_training"]
    data_format = _data_format(op)

    def fused_batch_norm(x, scale, offset, old_mean, old_variance):
        flat = _to_channels_last(x, data_format).astype(np.float32)
        channels = flat.shape[-1]
        rows = flat.reshape(-1, channels)
        if training:
            mean = rows.mean(axis=0, dtype=np.float64).astype(np.float32)
            variance = np.square(rows - mean).mean(axis=0, dtype=np.float64).astype(np.float32)
        else:
            _check_running(old_mean, old_variance, channels, op)
            mean, variance = old_mean.astype(np.float32), old_variance.astype(np.float32)
        scaling = np.float32(1) / np.sqrt(variance + np.float32(epsilon)) * scale
        y = ((flat - mean) * scaling + offset).astype(x.dtype)
        batch_mean, batch_variance = mean, variance
        if training:
            count = rows.shape[0]
            batch_variance = variance * np.float32(count / max(count - 1, 1))
            if factor != 1.0:
                keep = np.float32(1 - factor)
                batch_mean = keep * old_mean + np.float32(factor) * mean
                batch_variance = keep * old_variance + np.float32(factor) * batch_variance
        return (_from_channels_last(y, data_format), batch_mean, batch_variance, mean, variance,
                np.zeros((0,), np.float32))
    return fused_batch_norm


def _check_running(mean, variance, channels, op):
    for what, value in (("mean", mean), ("variance", variance)):
        if np.shape(value) != (channels,):
            raise InvalidArgumentError(
                None, op, f"{what} must have the same number of elements as the channels of x, "
                          f"got {np.size(value)} and {channels}")


def _fused_batch_norm_grad(op, g_y, *unused_output_grads):
    x, scale = op._inputs[0], op._inputs[1]
    training = op.attrs["is_training"]
    data_format = _data_format(op)
    if training:
        saved_mean, saved_variance = op._outputs[3], op._outputs[4]
    else:
        saved_mean, saved_variance = op._inputs[3], op._inputs[4]
    channels_first = _CHANNEL_AXIS[data_format] == 1
    if channels_first and not training:
        # TF differentiates inference in channels-last form
        to_last = [0] + list(range(2, _RANK[data_format])) + [1]
        x, g_y = array_ops.transpose(x, to_last), array_ops.transpose(g_y, to_last)
        data_format = b"NHWC" if _RANK[data_format] == 4 else b"NDHWC"
    attrs = {"epsilon": op.attrs["epsilon"], "data_format": data_format,
             "is_training": training}
    grad_op = make_op("FusedBatchNormGradV3",
                      [g_y, x, scale, saved_mean, saved_variance, op._outputs[5]], None, attrs)
    dx, dscale, doffset = grad_op._outputs[:3]
    if channels_first and not training:
        rank = len(to_last)
        dx = array_ops.transpose(dx, [0, rank - 1] + list(range(1, rank - 1)))
    return [dx, dscale, doffset, None, None]


define("FusedBatchNormV3", infer=_infer_fused_batch_norm,
       make_kernel=_make_fused_batch_norm_kernel, grad=_fused_batch_norm_grad, multi_output=True)


def _infer_fused_batch_norm_grad(op):
    g_y, x, scale = op._inputs[:3]
    channels = _check_vector(scale, _channels(op, x._shape))
    vector = (dtypes.float32, (channels,))
    return [(x.dtype.base_dtype, _with_channels(op, x._shape, channels)), vector, vector,
            (dtypes.float32, (0,)), (dtypes.float32, (0,))]


def _make_fused_batch_norm_grad_kernel(op, runtime):
    epsilon = np.float32(op.attrs["epsilon"])
    training = op.attrs["is_training"]
    data_format = _data_format(op)

    def fused_batch_norm_grad(g_y, x, scale, mean, variance, _reserve):
        x_last = _to_channels_last(x, data_format).astype(np.float32)
        g_last = _to_channels_last(g_y, data_format).astype(np.float32)
        channels = x_last.shape[-1]
        rows, grads = x_last.reshape(-1, channels), g_last.reshape(-1, channels)
        inverse_std = np.float32(1) / np.sqrt(variance.astype(np.float32) + epsilon)
        centered = rows - mean
        offset_grad = grads.sum(axis=0, dtype=np.float64).astype(np.float32)
        scale_grad = (grads * centered).sum(axis=0, dtype=np.float64).astype(np.float32) * \
            inverse_std
        if training:
            mean_grad = grads.mean(axis=0, dtype=np.float64).astype(np.float32)
            mean_product = (grads * centered).mean(axis=0, dtype=np.float64).astype(np.float32)
            dx = scale * inverse_std * (grads - mean_grad - centered * mean_product *
                                        np.square(inverse_std))
        else:
            dx = grads * (scale * inverse_std)
        dx = _from_channels_last(dx.reshape(x_last.shape).astype(x.dtype), data_format)
        zero = np.zeros((), np.float32)
        return dx, scale_grad, offset_grad, zero, zero.copy()
    return fused_batch_norm_grad


define("FusedBatchNormGradV3", infer=_infer_fused_batch_norm_grad,
       make_kernel=_make_fused_batch_norm_grad_kernel, multi_output=True)


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None,
                     exponential_avg_factor=1.0):
    """FusedBatchNormV3: (y, running or batch mean, running or Bessel-corrected batch variance)."""
    if (not is_training or exponential_avg_factor != 1.0) and (mean is None or variance is None):
        raise ValueError("Both `mean` and `variance` must be a 1D tensor when `is_training` is "
                         "False or `exponential_avg_factor` != 1.0. Received: `mean` "
                         f"{mean!r} and `variance` {variance!r}")
    if data_format not in ("NHWC", "NCHW", "NDHWC", "NCDHW"):
        raise ValueError(f"Invalid data format: {data_format}")
    x = convert_to_tensor(x, name="input")
    scale = convert_to_tensor(scale, name="scale")
    offset = convert_to_tensor(offset, name="offset")
    mean = constant([]) if mean is None else mean
    variance = constant([]) if variance is None else variance
    with OpScope(name, "FusedBatchNormV3", [x, scale, offset, mean, variance]) as scope:
        mean = convert_to_tensor(mean, dtype=dtypes.float32, name="mean")
        variance = convert_to_tensor(variance, dtype=dtypes.float32, name="variance")
        # float attributes are float32 in the NodeDef
        attrs = {"T": x.dtype.base_dtype, "U": dtypes.float32,
                 "epsilon": float(np.float32(epsilon)),
                 "exponential_avg_factor": float(np.float32(exponential_avg_factor)),
                 "data_format": data_format.encode(), "is_training": bool(is_training)}
        op = make_op("FusedBatchNormV3", [x, scale, offset, mean, variance], scope, attrs)
        return op._outputs[0], op._outputs[1], op._outputs[2]


# -- LRN ------------------------------------------------------------------------------------------


def _window_sum(values, radius):
    """Sums over the last axis of each window [d - radius, d + radius], clipped at the edges."""
    depth = values.shape[-1]
    padded = np.zeros(values.shape[:-1] + (depth + 1,), values.dtype)
    np.cumsum(values, axis=-1, out=padded[..., 1:])
    high = np.minimum(np.arange(depth) + radius + 1, depth)
    low = np.maximum(np.arange(depth) - radius, 0)
    return padded[..., high] - padded[..., low]


def _lrn_norm(op, x):
    alpha, bias = op.attrs["alpha"], op.attrs["bias"]
    squares = _window_sum(np.square(x.astype(np.float64)), op.attrs["depth_radius"])
    return bias + alpha * squares


def _infer_lrn(op):
    x = op._inputs[0]
    rules.check_dtype(op, x, (dtypes.float16, dtypes.float32), "input",
                      words="half, bfloat16, float")
    if x._shape is not None and len(x._shape) != 4:
        raise ShapeError(f"Shape must be rank 4 but is rank {len(x._shape)}")
    return rules.same_as_input(op)


def _make_lrn_kernel(op, runtime):
    beta = op.attrs["beta"]

    def lrn(x):
        return (x / np.power(_lrn_norm(op, x), beta)).astype(x.dtype)
    return lrn


def _make_lrn_grad_kernel(op, runtime):
    alpha, beta = op.attrs["alpha"], op.attrs["beta"]
    radius = op.attrs["depth_radius"]

    def lrn_grad(grads, inputs, outputs):
        grads64, inputs64 = grads.astype(np.float64), inputs.astype(np.float64)
        norm = _lrn_norm(op, inputs)
        spread = _window_sum(outputs.astype(np.float64) * grads64 / norm, radius)
        result = grads64 * np.power(norm, -beta) - 2 * alpha * beta * inputs64 * spread
        return result.astype(grads.dtype)
    return lrn_grad


_LRN_ATTRS = ("depth_radius", "bias", "alpha", "beta")
define("LRN", infer=_infer_lrn, make_kernel=_make_lrn_kernel,
       grad=lambda op, g: [make_tensor("LRNGrad", [g, op._inputs[0], op._outputs[0]], None,
                                       {k: op.attrs[k] for k in _LRN_ATTRS})])
define("LRNGrad", infer=lambda op: rules.same_as_input(op), make_kernel=_make_lrn_grad_kernel)


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5,  # noqa: A002
                                 name=None):
    """x / (bias + alpha * sum of squares over a depth window) ** beta."""
    with OpScope(name, "LRN", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        attrs = {"depth_radius": int(depth_radius), "bias": float(np.float32(bias)),
                 "alpha": float(np.float32(alpha)), "beta": float(np.float32(beta))}
        return make_tensor("LRN", [x], scope, attrs)


lrn = local_response_normalization

__all__ = ["moments", "sufficient_statistics", "normalize_moments", "batch_normalization",
           "l2_normalize", "fused_batch_norm", "local_response_normalization", "lrn"]
