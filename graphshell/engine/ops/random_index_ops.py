"""Random ops that pick indices from TF's Philox streams: RandomShuffle (TF's Fisher-Yates over
one word per element), Multinomial (tf.multinomial / tf.random.categorical: one double per
sample against each row's running sum of exp(logit - max)), and tf.random_crop composed as TF
composes it from RandomUniformInt."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import (
    array_ops,
    control_ops,
    logging_ops,
    logic_ops,
    random_ops,
    reduce_ops,
    rules,
    slicing_ops,
)
from .philox import PhiloxStream, philox_words
from .random_distributions import uint64_to_double
from .static import static_value

# -- RandomShuffle --------------------------------------------------------------------------------


def fisher_yates(words: np.ndarray, size: int) -> np.ndarray:
    """TF's ShuffleRange of 0..size-1: position i swaps with i + words[i] % (size - i)."""
    permutation = list(range(size))
    spans = np.arange(size, 1, -1, dtype=np.uint64)
    partners = (words[:size - 1].astype(np.uint64) % spans).tolist()
    for i, step in enumerate(partners):
        j = i + step
        permutation[i], permutation[j] = permutation[j], permutation[i]
    return np.array(permutation, np.int64)


def _make_shuffle(op, runtime):
    def shuffle(value):
        value = np.asarray(value)
        if value.size <= 1 or value.shape[0] <= 1:
            return value.copy()  # TF draws nothing then
        size = value.shape[0]
        stream = runtime.random_state(op, PhiloxStream)
        # ReserveSamples32(size - 1): whole blocks of four words, no per-output reserve
        counter = stream.reserve((size - 1 + 3) // 4)
        return value[fisher_yates(philox_words(stream.key, counter, size - 1), size)]
    return shuffle


define("RandomShuffle", infer=rules.same_as_input, make_kernel=_make_shuffle, stateful=True,
       grad=NOT_DIFFERENTIABLE)


def random_shuffle(value, seed=None, name=None):
    """`value` with its first dimension shuffled (one Fisher-Yates draw per row)."""
    seed1, seed2 = random_ops.get_seed(seed)
    with OpScope(name, "RandomShuffle", [value]) as scope:
        value = convert_to_tensor(value, name="value")
        attrs = {"T": value.dtype.base_dtype, "seed": seed1 or 0, "seed2": seed2 or 0}
        return make_tensor("RandomShuffle", [value], scope, attrs)


# -- Multinomial ----------------------------------------------------------------------------------


def _shape_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _infer_multinomial(op):
    logits = op._inputs[0]
    samples = static_value(op._inputs[1])
    batch = None if logits._shape is None else logits._shape[0]
    return [(op.attrs["output_dtype"], (batch, None if samples is None else int(samples)))]


def _check_multinomial(op, logits, num_samples) -> int:
    if logits.ndim != 2:
        raise InvalidArgumentError(None, op, "logits should be a matrix, got shape "
                                             f"{_shape_text(logits.shape)}")
    if np.ndim(num_samples) != 0:
        raise InvalidArgumentError(None, op, "num_samples should be a scalar, got shape "
                                             f"{_shape_text(np.shape(num_samples))}")
    count = int(num_samples)
    if count < 0:
        raise InvalidArgumentError(None, op, f"num_samples should be non-negative, got {count}")
    if logits.shape[1] == 0:
        raise InvalidArgumentError(None, op, "num_classes should be positive, got 0")
    return count


def categorical_samples(logits: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Per row, the first class whose running sum of exp(logit - max) (finite logits only,
    in double) exceeds uniform * the row's total: TF's CPU inverse-CDF search."""
    finite = np.isfinite(logits)
    lowest = np.finfo(logits.dtype).min if logits.dtype.kind == "f" else np.iinfo(logits.dtype).min
    row_max = np.where(finite, logits, lowest).max(axis=1).astype(np.float64)
    weights = np.exp(logits.astype(np.float64) - row_max[:, None])
    cdf = np.cumsum(np.where(finite, weights, 0.0), axis=1)  # sequential sums, as TF's loop
    targets = uniforms * cdf[:, -1:]
    return np.stack([np.searchsorted(row, target, side="right")
                     for row, target in zip(cdf, targets)])


def _make_multinomial(op, runtime):
    out_type = op.attrs["output_dtype"].as_numpy_dtype

    def sample(logits, num_samples):
        logits = np.asarray(logits)
        count = _check_multinomial(op, logits, num_samples)
        batch = logits.shape[0]
        if batch * count == 0:
            return np.zeros((batch, count), out_type)
        stream = runtime.random_state(op, PhiloxStream)
        # TF reserves two outputs per sample, rounded up to fours, per row
        counter = stream.reserve_outputs(batch * ((count + 3) // 4 * 4) * 2)
        # one shard (TF splits only large batches across threads): rows continue the stream,
        # two words per double
        words = philox_words(stream.key, counter, 2 * batch * count)
        uniforms = uint64_to_double(words[0::2], words[1::2]).reshape(batch, count)
        return categorical_samples(logits, uniforms).astype(out_type)
    return sample


define("Multinomial", infer=_infer_multinomial, make_kernel=_make_multinomial, stateful=True,
       grad=NOT_DIFFERENTIABLE)


def _multinomial(default_name, logits, num_samples, dtype, seed, name):
    with OpScope(name, default_name, [logits]):
        logits = convert_to_tensor(logits, name="logits")
        dtype = dtypes.as_dtype(dtype) if dtype else dtypes.int64
        accepted = (dtypes.int32, dtypes.int64)
        if dtype not in accepted:
            raise ValueError(f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are "
                             f"{accepted}.")
        seed1, seed2 = random_ops.get_seed(seed)
        with OpScope(None, "Multinomial", [logits]) as scope:
            samples = convert_to_tensor(num_samples, dtype=dtypes.int32, name="num_samples")
            attrs = {"T": logits.dtype.base_dtype, "seed": seed1 or 0, "seed2": seed2 or 0,
                     "output_dtype": dtype}
            return make_tensor("Multinomial", [logits, samples], scope, attrs)


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """num_samples class indices per row of logits (unnormalized log-probabilities)."""
    return _multinomial("multinomial", logits, num_samples, output_dtype, seed, name)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """num_samples class indices per row of logits (unnormalized log-probabilities)."""
    return _multinomial("categorical", logits, num_samples, dtype, seed, name)


# -- random_crop ----------------------------------------------------------------------------------


def random_crop(value, size, seed=None, name=None):
    """A `size` slice of `value` at a uniformly drawn offset (TF's composite: an Assert that
    the shape is large enough, RandomUniformInt over int32, FloorMod, Slice)."""
    with OpScope(name, "random_crop", [value, size]) as scope:
        value = convert_to_tensor(value, name="value")
        size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        shape = array_ops.shape(value)
        check = logging_ops.Assert(reduce_ops.reduce_all(logic_ops.greater_equal(shape, size)),
                                   ["Need value.shape >= size, got ", shape, size],
                                   summarize=1000)
        shape = control_ops.with_dependencies([check], shape)
        limit = shape - size + 1
        offset = random_ops.random_uniform(array_ops.shape(shape), dtype=size.dtype,
                                           maxval=size.dtype.max, seed=seed)
        crop = slicing_ops.slice(value, offset % limit, size, name=scope)
        # TF's Slice shape function knows each dim a constant size gives (-1 aside)
        sizes = static_value(size)
        if sizes is not None and np.ndim(sizes) == 1:
            crop.set_shape([int(d) if d >= 0 else None for d in sizes])
        return crop


__all__ = ["random_shuffle", "multinomial", "categorical", "random_crop"]
