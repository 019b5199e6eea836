"""RandomGamma and RandomPoissonV2 on TF's streams (Marsaglia and Tsang's transformation-
rejection; Knuth's products and Hormann's PTRS) as TF's CPU kernels run them, and
tf.random_gamma / tf.random_poisson composed as TF composes them.

Each output owns 256 blocks from its own start (output index parameter-major), so it can be
drawn alone: its blocks are taken in the order the kernel asks, each one two double normals or
two double uniforms, consumed from the last. Gamma's first blocks for every output come from
one vectorised pass; the rejection loops run per output in double precision, as the kernels'
do for every dtype, with the C library's log, pow and lgamma."""

from __future__ import annotations

import math

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.registry import NOT_DIFFERENTIABLE, define
from ..graph.shapes import is_fully_defined
from . import array_ops, linspace_ops, math_ops, random_ops, reduce_ops
from .float32_libm import host_float_function
from .philox import PhiloxStream, philox_blocks
from .random_distributions import box_muller_double, uint64_to_double
from .static import static_value

_RESERVED_BLOCKS = 256
_PREDRAWN_BLOCKS = 3  # a sample needs two or three blocks nearly always


class _Blocks:
    """Per output, its blocks read as two double normals or two double uniforms."""

    def __init__(self, key: int, counter: int, outputs: int):
        self._key, self._counter = key, counter
        offsets = (np.arange(outputs, dtype=np.uint64)[:, None] * np.uint64(_RESERVED_BLOCKS)
                   + np.arange(_PREDRAWN_BLOCKS, dtype=np.uint64)).reshape(-1)
        normals, uniforms = self._convert(philox_blocks(key, counter, offsets))
        self._normals = normals.reshape(outputs, _PREDRAWN_BLOCKS, 2).tolist()
        self._uniforms = uniforms.reshape(outputs, _PREDRAWN_BLOCKS, 2).tolist()

    @staticmethod
    def _convert(words: np.ndarray):
        normals = np.stack(box_muller_double(*words.T), axis=1)
        return normals, np.stack([uint64_to_double(words[:, 0], words[:, 1]),
                                  uint64_to_double(words[:, 2], words[:, 3])], axis=1)

    def get(self, output: int, block: int, normal: bool) -> list[float]:
        if block < _PREDRAWN_BLOCKS:
            return list((self._normals if normal else self._uniforms)[output][block])
        offset = np.array([output * _RESERVED_BLOCKS + block], np.uint64)
        normals, uniforms = self._convert(philox_blocks(self._key, self._counter, offset))
        return (normals if normal else uniforms)[0].tolist()


class _Draws:
    """One output's generator: normal() and uniform() each take the next value of their own
    current block (the last first), starting the output's next block when it runs out."""

    def __init__(self, blocks: _Blocks, output: int):
        self._blocks, self._output, self._next_block = blocks, output, 0
        self._pending: dict[bool, list[float]] = {True: [], False: []}

    def _take(self, normal: bool) -> float:
        values = self._pending[normal]
        if not values:
            values.extend(self._blocks.get(self._output, self._next_block, normal))
            self._next_block += 1
        return values.pop()

    def normal(self) -> float:
        return self._take(True)

    def uniform(self) -> float:
        return self._take(False)


def _gamma_sample(draws: _Draws, alpha: float) -> float:
    """One sample as TF's kernel computes it: alpha 1 is an exponential, -log(1 - u); else
    Marsaglia-Tsang with d = alpha - 1/3 (alpha + 2/3 and a uniform^(1/alpha) factor below
    one), a squeeze test before the logs."""
    if alpha == 1.0:
        return -math.log(1.0 - draws.uniform())
    below_one = alpha < 1
    d = alpha + (2.0 / 3 if below_one else -1.0 / 3)
    c = 1.0 / 3 / math.sqrt(d)
    while True:
        x = draws.normal()
        v = 1 + c * x
        if v <= 0:
            continue
        v = v * v * v
        u = draws.uniform()
        if u < 1 - 0.0331 * (x * x) * (x * x) or \
                math.log(u) < 0.5 * x * x + d * (1 - v + math.log(v)):
            result = d * v
            if below_one:
                result *= math.pow(draws.uniform(), 1 / alpha)
            return result


def gamma_samples(key: int, counter: int, num_samples: int, alphas: np.ndarray,
                  np_type) -> np.ndarray:
    """TF's RandomGamma values, shape (num_samples, alphas.size), in `np_type`."""
    alphas = alphas.reshape(-1).astype(np.float64).tolist()
    blocks = _Blocks(key, counter, num_samples * len(alphas))
    result = np.empty((num_samples, len(alphas)), np.float64)
    for alpha_index, alpha in enumerate(alphas):
        for sample in range(num_samples):
            draws = _Draws(blocks, alpha_index * num_samples + sample)
            result[sample, alpha_index] = _gamma_sample(draws, alpha)
    return result.astype(np_type)


def _infer_samples(dtype_attr: str):
    """Samples shaped `shape` + the parameter's shape, in the dtype of attr `dtype_attr`."""
    def infer(op):
        dtype = op.attrs[dtype_attr]
        shape = static_value(op._inputs[0])
        params = op._inputs[1]._shape
        if shape is None or params is None:
            return [(dtype, None)]
        return [(dtype, tuple(int(d) for d in np.ravel(shape)) + tuple(params))]
    return infer


def _make_gamma(op, runtime):
    np_type = op.attrs["T"].as_numpy_dtype

    def sample(shape, alpha):
        if np.ndim(shape) != 1:
            raise InvalidArgumentError(None, op, "shape must be a vector of {int32,int64}, got "
                                                 f"shape: {np.shape(shape)}")
        return _draw(op, runtime, np_type, tuple(int(d) for d in shape), alpha, "alpha",
                     gamma_samples)
    return sample


def _draw(op, runtime, np_type, shape: tuple, parameter, what: str, samples):
    """`shape` samples for each element of `parameter` (an alpha or a rate), from the op's
    Philox stream: `samples(key, counter, count, parameter, np_type)` draws them."""
    parameter = np.asarray(parameter)
    num_samples = int(np.prod(shape, dtype=np.int64))
    if num_samples == 0:
        return np.zeros(shape + parameter.shape, np_type)
    if parameter.size == 0:
        raise InvalidArgumentError(None, op, f"Input {what} should have non-zero element "
                                             "count, got: 0")
    stream = runtime.random_state(op, PhiloxStream)
    counter = stream.reserve_outputs(num_samples * parameter.size, _RESERVED_BLOCKS)
    values = samples(stream.key, counter, num_samples, parameter, np_type)
    return values.reshape(shape + parameter.shape)


define("RandomGamma", infer=_infer_samples("T"), make_kernel=_make_gamma, stateful=True,
       grad=NOT_DIFFERENTIABLE)


def random_gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """Gamma(alpha, beta) samples of shape `shape + broadcast(alpha, beta).shape`, kept at
    least the dtype's smallest normal number (as TF does)."""
    dtype = dtypes.as_dtype(dtype)
    with OpScope(name, "random_gamma", [shape, alpha, beta]):
        shape = convert_to_tensor(shape, name="shape", dtype=dtypes.int32)
        alpha = convert_to_tensor(alpha, name="alpha", dtype=dtype)
        beta = convert_to_tensor(beta if beta is not None else 1, name="beta", dtype=dtype)
        broadcast = linspace_ops.broadcast_dynamic_shape(array_ops.shape(alpha),
                                                         array_ops.shape(beta))
        alpha_broadcast = reduce_ops.broadcast_to(alpha, broadcast)
        if is_fully_defined(alpha._shape) and is_fully_defined(beta._shape):
            # TF's shape inference folds BroadcastArgs of two constant shapes
            alpha_broadcast.set_shape(np.broadcast_shapes(alpha._shape, beta._shape))
        seed1, seed2 = random_ops.get_seed(seed)
        with OpScope(None, "RandomGamma", [shape, alpha_broadcast]) as scope:
            samples = make_tensor("RandomGamma", [shape, alpha_broadcast], scope,
                                  {"S": dtypes.int32, "T": dtype.base_dtype, "seed": seed1 or 0,
                                   "seed2": seed2 or 0})
        tiny = np.finfo(dtype.as_numpy_dtype).tiny
        return math_ops.maximum(tiny, samples / beta)




# -- RandomPoissonV2 ------------------------------------------------------------------------------


class _UniformDraws:
    """One output's double uniforms: two per block of the output's own region, each block
    taken from its last value."""

    def __init__(self, key: int, counter: int, output: int):
        self._key, self._counter = key, counter
        self._block, self._output = 0, output
        self._pending: list[float] = []

    def __call__(self) -> float:
        if not self._pending:
            offset = np.array([self._output * _RESERVED_BLOCKS + self._block], np.uint64)
            words = philox_blocks(self._key, self._counter, offset)[0]
            self._pending = [uint64_to_double(words[0:1], words[1:2])[0],
                             uint64_to_double(words[2:3], words[3:4])[0]]
            self._block += 1
        return float(self._pending.pop())


def _poisson_sample(uniform, rate: float) -> float:
    """One sample as TF's kernel computes it, in double: Knuth's product of uniforms below
    rate 10, else Hormann's transformed rejection (PTRS)."""
    if rate < 10:
        limit, product, count = math.exp(-rate), 1.0, 0.0
        while True:
            product *= uniform()
            if product <= limit:
                return count
            count += 1
    log_rate = math.log(rate)
    b = 0.931 + 2.53 * math.sqrt(rate)
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    while True:
        u = uniform() - 0.5
        v = uniform()
        u_shifted = 0.5 - abs(u)
        k = math.floor((2 * a / u_shifted + b) * u + rate + 0.43)
        if u_shifted >= 0.07 and v <= 0.9277 - 3.6224 / (b - 2):
            return k
        if k < 0 or (u_shifted < 0.013 and v > u_shifted):
            continue
        s = math.log(v * inv_alpha / (a / (u_shifted * u_shifted) + b))
        t = -rate + k * log_rate - _lgamma(k + 1.0)
        if s <= t:
            return k


def _lgamma(x: float) -> float:
    # the C library's (CPython's math.lgamma is its own)
    return host_float_function("lgamma", double=True)(x)


def poisson_samples(key: int, counter: int, num_samples: int, rates: np.ndarray,
                    np_type) -> np.ndarray:
    """TF's RandomPoissonV2 values, shape (num_samples, rates.size), in `np_type`."""
    rates = rates.reshape(-1).astype(np.float64).tolist()
    result = np.empty((num_samples, len(rates)), np.float64)
    for rate_index, rate in enumerate(rates):
        for sample in range(num_samples):
            uniform = _UniformDraws(key, counter, rate_index * num_samples + sample)
            result[sample, rate_index] = _poisson_sample(uniform, rate)
    return result.astype(np_type)




def _make_poisson(op, runtime):
    np_type = op.attrs["dtype"].as_numpy_dtype

    def sample(shape, rate):
        return _draw(op, runtime, np_type, tuple(int(d) for d in np.ravel(shape)), rate,
                     "rate", poisson_samples)
    return sample


define("RandomPoissonV2", infer=_infer_samples("dtype"), make_kernel=_make_poisson, stateful=True,
       grad=NOT_DIFFERENTIABLE)


def random_poisson(lam, shape, dtype=dtypes.float32, seed=None, name=None):
    """Poisson(lam) samples of shape `shape + lam.shape` (TF 1.x argument order)."""
    dtype = dtypes.as_dtype(dtype)
    with OpScope(name, "random_poisson", [lam, shape]):
        shape = convert_to_tensor(shape, name="shape", dtype=dtypes.int32)
        seed1, seed2 = random_ops.get_seed(seed)
        with OpScope(None, "RandomPoissonV2", [shape, lam]) as scope:
            rate = convert_to_tensor(lam, name="rate")
            return make_tensor("RandomPoissonV2", [shape, rate], scope,
                               {"S": dtypes.int32, "R": rate.dtype.base_dtype, "dtype": dtype,
                                "seed": seed1 or 0, "seed2": seed2 or 0})


__all__ = ["random_gamma", "random_poisson"]
