"""TF's candidate samplers (range_sampler.cc) on TF's streams: a SimplePhilox reading words in
order from the counter the kernel reserved, UniformSampler (exact uniform 64-bit integers by
rejection) and LogUniformSampler (exp of a uniform double), unique batches by rejecting
repeats, and the expected counts in float32 as TF's kernel computes them.

The math is the C library's, as TF calls it: double exp and log through Python's math module
(numpy's vectorised ones differ in the last bit), float32 log1pf and expm1f through the host's
libm."""

from __future__ import annotations

import math

import numpy as np

from .float32_libm import host_float_function
from .philox import philox_words

_BLOCKS_PER_REFILL = 64
_UINT64_MAX = 2**64 - 1


class SimplePhilox:
    """TF's SimplePhilox: 32-bit words one at a time from consecutive blocks at `counter`;
    reading past the kernel's reservation just continues the stream, as TF's does."""

    def __init__(self, key: int, counter: int):
        self._key, self._counter = key, counter
        self._words: list[int] = []
        self._position = 0

    def rand32(self) -> int:
        if self._position == len(self._words):
            words = philox_words(self._key, self._counter, 4 * _BLOCKS_PER_REFILL)
            self._words = words.tolist()
            self._counter = (self._counter + _BLOCKS_PER_REFILL) % 2**128
            self._position = 0
        word = self._words[self._position]
        self._position += 1
        return word

    def rand64(self) -> int:
        low = self.rand32()
        return low | self.rand32() << 32

    def rand_double(self) -> float:
        """[0, 1) from 20 bits of one word and all of the next (TF's Uint64ToDouble)."""
        high = self.rand32() & 0xFFFFF
        return (high << 32 | self.rand32()) / 2.0**52

    def uniform64(self, n: int) -> int:
        """TF's ExactUniformInt over 64-bit draws: masked for powers of two, else rejecting
        the draws below (2^64 - 1) % n + 1."""
        if n & (n - 1) == 0:
            return self.rand64() & (n - 1)
        reject_below = _UINT64_MAX % n + 1
        while True:
            value = self.rand64()
            if value >= reject_below:
                return value % n


class UniformSampler:
    """Classes uniform in [0, range_max)."""

    def __init__(self, range_max: int):
        self.range_max = range_max
        self._probability = np.float32(1.0 / range_max)

    def sample(self, rnd: SimplePhilox) -> int:
        return rnd.uniform64(self.range_max)

    def probabilities(self, classes: np.ndarray) -> np.ndarray:
        return np.full(np.shape(classes), self._probability, np.float32)


class LogUniformSampler:
    """Classes with P(c) = log((c + 2) / (c + 1)) / log(range_max + 1) (Zipfian)."""

    def __init__(self, range_max: int):
        self.range_max = range_max
        self._log_range = math.log1p(range_max)

    def sample(self, rnd: SimplePhilox) -> int:
        value = int(math.exp(rnd.rand_double() * self._log_range)) - 1
        return value % self.range_max  # roundoff guard, as TF's

    def probabilities(self, classes: np.ndarray) -> np.ndarray:
        flat = np.asarray(classes, np.int64).reshape(-1).tolist()
        values = [math.log((c + 2.0) / (c + 1.0)) / self._log_range for c in flat]
        return np.array(values, np.float64).astype(np.float32).reshape(np.shape(classes))


SAMPLERS = {"UniformCandidateSampler": UniformSampler,
            "LogUniformCandidateSampler": LogUniformSampler}


def sample_batch(sampler, rnd: SimplePhilox, count: int, unique: bool) -> tuple[list[int], int]:
    """`count` classes and the number of draws they took: with `unique`, repeats are drawn
    again (TF's SampleBatchGetExpectedCount)."""
    if not unique:
        return [sampler.sample(rnd) for _ in range(count)], count
    picked: list[int] = []
    seen: set[int] = set()
    tries = 0
    while len(picked) < count:
        tries += 1
        value = sampler.sample(rnd)
        if value not in seen:
            seen.add(value)
            picked.append(value)
    return picked, tries


def expected_counts(probabilities: np.ndarray, count: int, tries: int) -> np.ndarray:
    """TF's ExpectedCountHelper in float32: p * count, or 1 - (1 - p)^tries as
    -expm1f(tries * log1pf(-p)) when unique sampling took more draws than `count`."""
    probabilities = np.asarray(probabilities, np.float32)
    if tries == count:
        return probabilities * np.float32(count)
    log1pf, expm1f = host_float_function("log1pf"), host_float_function("expm1f")
    tries32 = np.float32(tries)
    values = [-expm1f(float(tries32 * np.float32(log1pf(float(-p)))))
              for p in probabilities.reshape(-1).tolist()]
    return np.array(values, np.float32).reshape(probabilities.shape)
