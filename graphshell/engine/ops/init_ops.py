"""TF1's initializer classes (`tf.zeros_initializer`, `tf.glorot_uniform_initializer`...).

An initializer is a callable `(shape, dtype=None, partition_info=None) -> Tensor` that builds
the ops computing a starting value; `tf.get_variable` calls it inside `name/Initializer/`, so
the ops it makes are named `v/Initializer/random_uniform/...`, `v/Initializer/zeros`, as in TF.
"""

from __future__ import annotations

import math

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope
from ..graph.convert import constant
from . import array_ops, input_ops, matrix_ops, qr_ops, random_ops, unary_ops

# The standard deviation of a unit normal truncated to [-2, 2], which VarianceScaling divides
# by so that its truncated samples keep the variance asked for.
TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


class Initializer:
    """The base of every initializer: a callable building a Tensor of a given shape."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def _float_dtype(dtype) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Argument `dtype` is expected to be floating point. Received: {dtype}.")
    return dtype


class Zeros(Initializer):
    """All zeros (`tf.zeros_initializer`)."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return input_ops.zeros(shape, self.dtype if dtype is None else dtype)

    def get_config(self) -> dict:
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """All ones (`tf.ones_initializer`)."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return input_ops.ones(shape, self.dtype if dtype is None else dtype)

    def get_config(self) -> dict:
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """A given value, reshaped (and padded with its last element) to the shape asked for."""

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(f"Invalid type for initial value={value} of type: "
                            f"{type(value).__name__}. Expected Python scalar, list or tuple of "
                            "values, or numpy.ndarray.")
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        verify = self._verify_shape if verify_shape is None else verify_shape
        return constant(self.value, dtype=self.dtype if dtype is None else dtype, shape=shape,
                        verify_shape=verify)

    def get_config(self) -> dict:
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """Uniform samples in [minval, maxval) (`tf.random_uniform_initializer`)."""

    def __init__(self, minval=0.0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_uniform(shape, self.minval, self.maxval,
                                         self.dtype if dtype is None else dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class _Normal(Initializer):
    """What the two normal initializers share: a mean, a standard deviation, a seed."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomNormal(_Normal):
    """Normal samples (`tf.random_normal_initializer`)."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_normal(shape, self.mean, self.stddev,
                                        self.dtype if dtype is None else dtype, seed=self.seed)


class TruncatedNormal(_Normal):
    """Normal samples redrawn until within two standard deviations of the mean."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.truncated_normal(shape, self.mean, self.stddev,
                                           self.dtype if dtype is None else dtype,
                                           seed=self.seed)


class UniformUnitScaling(Initializer):
    """Uniform in +-sqrt(3 / input size) * factor, input size being all but the last
    dimension (TF1's deprecated `tf.uniform_unit_scaling_initializer`)."""

    def __init__(self, factor=1.0, seed=None, dtype=dtypes.float32):
        self.factor = factor
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        input_size = 1.0
        for dim in _full_shape(shape, partition_info)[:-1]:
            input_size *= float(dim)
        limit = math.sqrt(3 / max(input_size, 1.0)) * self.factor
        return random_ops.random_uniform(shape, -limit, limit,
                                         self.dtype if dtype is None else dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("normal", "uniform", "truncated_normal", "untruncated_normal")


class VarianceScaling(Initializer):
    """Samples whose variance is `scale` divided by the fan-in, fan-out or their average."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be a positive float. Received: {scale}")
        if mode not in _MODES:
            raise ValueError("Argument `mode` should be one of ('fan_in', 'fan_out', "
                             f"'fan_avg'). Received: {mode}")
        distribution = distribution.lower()
        if distribution not in _DISTRIBUTIONS:
            raise ValueError("Argument `distribution` should be one of ('normal', uniform', "
                             f"'truncated_normal', 'untruncated_normal'). Received: "
                             f"{distribution}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        scale = self.scale / max(1.0, self._fan(_full_shape(shape, partition_info)))
        if self.distribution in ("normal", "truncated_normal"):
            stddev = math.sqrt(scale) / TRUNCATED_NORMAL_STDDEV
            return random_ops.truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def _fan(self, shape) -> float:
        fan_in, fan_out = compute_fans(shape)
        if self.mode == "fan_in":
            return fan_in
        if self.mode == "fan_out":
            return fan_out
        return (fan_in + fan_out) / 2.0

    def get_config(self) -> dict:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Uniform in +-sqrt(6 / (fan_in + fan_out)): `tf.get_variable`'s default for floats."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        # As TF: the dtype is not passed on, so these stay float32 whatever is given.
        super().__init__(scale=1.0, mode="fan_avg", distribution="uniform", seed=seed)

    def get_config(self) -> dict:
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Truncated normal with variance 2 / (fan_in + fan_out)."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        # As TF: the dtype is not passed on, so these stay float32 whatever is given.
        super().__init__(scale=1.0, mode="fan_avg", distribution="truncated_normal", seed=seed)

    def get_config(self) -> dict:
        return {"seed": self.seed, "dtype": self.dtype.name}


def lecun_normal(seed=None) -> VarianceScaling:
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None) -> VarianceScaling:
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


def he_normal(seed=None) -> VarianceScaling:
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed=None) -> VarianceScaling:
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


def compute_fans(shape) -> tuple[int, int]:
    """(fan_in, fan_out) as TF counts them: a conv kernel's receptive field multiplies both."""
    shape = list(shape)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = 1
    for dim in shape[:-2]:
        receptive_field *= dim
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


def _full_shape(shape, partition_info):
    return shape if partition_info is None else partition_info.full_shape


class Orthogonal(Initializer):
    """A (gain-scaled) matrix with orthonormal rows or columns, from the QR decomposition of
    normal samples; higher ranks are the flattened matrix reshaped."""

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = _float_dtype(dtype)
        self.seed = seed

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        if len(shape) < 2:
            raise ValueError("The tensor to initialize, specified by argument `shape` must be "
                             f"at least two-dimensional. Received shape={shape}")
        rows = int(np.prod([int(d) for d in shape[:-1]]))
        cols = int(shape[-1])
        flat_shape = (cols, rows) if rows < cols else (rows, cols)
        samples = random_ops.random_normal(flat_shape, dtype=dtype, seed=self.seed)
        q, r = qr_ops.qr(samples, full_matrices=False)
        # Fixing the signs by r's diagonal makes the decomposition unique (uniformly random q).
        q *= unary_ops.sign(matrix_ops.diag_part(r))
        if rows < cols:
            q = matrix_ops.matrix_transpose(q)
        return self.gain * array_ops.reshape(q, shape)

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


class Identity(Initializer):
    """The (gain-scaled) identity matrix, rectangular ones included; only for 2-D shapes."""

    def __init__(self, gain=1.0, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        full_shape = _full_shape(shape, partition_info)
        if len(full_shape) != 2:
            raise ValueError("The tensor to initialize, specified by argument `shape` must be "
                             f"at least two-dimensional. Received shape={shape}")
        return self.gain * eye(*[int(d) for d in full_shape],
                               dtype=self.dtype if dtype is None else dtype)

    def get_config(self) -> dict:
        return {"gain": self.gain, "dtype": self.dtype.name}


def eye(num_rows: int, num_columns: int | None = None, dtype=dtypes.float32, name=None):
    """The identity matrix as TF builds it: ones on the diagonal of a zero matrix (`eye/`)."""
    num_columns = num_rows if num_columns is None else num_columns
    with OpScope(name, "eye"):
        ones = input_ops.ones([min(num_rows, num_columns)], dtype=dtype)
        if num_rows == num_columns:
            return matrix_ops.matrix_diag(ones)
        zeros = input_ops.zeros([num_rows, num_columns], dtype=dtype)
        return matrix_ops.matrix_set_diag(zeros, ones)
