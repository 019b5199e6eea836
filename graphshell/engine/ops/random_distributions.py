"""TF's conversions of Philox words into samples (random_distributions.h), vectorised.

Each function takes a key and the counter a kernel call reserved, and returns `count` values
in TF's order: element i of a fixed-cost distribution comes from the words of block
i // group_size, so the values depend on the element index only (TF shards whole groups and
skips the generator to each group's block). The float math follows TF's formulas operation by
operation, with the C library's log, sin and cos as TF's kernels call them (float32_libm.py).
"""

from __future__ import annotations

import math

import numpy as np

from .float32_libm import quadrants, scaled_logf, sincos_parts
from .philox import Workspace, philox_columns, philox_rounds, philox_words

_EXPONENT_FLOAT = np.uint32(0x3F800000)
_MANTISSA_FLOAT = np.uint32(0x7FFFFF)
_EXPONENT_DOUBLE = np.uint64(0x3FF0000000000000)
_MANTISSA_DOUBLE_HIGH = np.uint64(0xFFFFF)
_EXPONENT_HALF = np.uint16(0x3C00)
_MANTISSA_HALF = np.uint16(0x3FF)
_TWO_PI = 2 * np.pi  # a double in TF's formulas too (M_PI)
_EPSILON_FLOAT = np.float32(1.0e-7)
_EPSILON_DOUBLE = 1.0e-7
_TRUNCATE_AT = 2.0
# TF reserves 256 samples per output of a variable-cost distribution: a group of outputs owns
# group_size * 256 / 4 blocks from its start.
RESERVED_SAMPLES_PER_OUTPUT = 256
# Blocks per chunk: a chunk's dozen scratch arrays stay in a core's L2 cache.
CHUNK_BLOCKS = 16384
_MANTISSA_SCALE_FLOAT = np.float32(2.0**-23)
_TWO_PI_ULP = _TWO_PI * 2.0**-23  # 2pi times a mantissa's last place: exact scaling by 2^-23


def uint32_to_float(words: np.ndarray) -> np.ndarray:
    """[0, 1) floats from the low 23 bits of each word: 1.mantissa minus one."""
    return ((words & _MANTISSA_FLOAT) | _EXPONENT_FLOAT).view(np.float32) - np.float32(1)


def uint64_to_double(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """[0, 1) doubles from 20 bits of the first word and all 32 of the second."""
    mantissa = (high.astype(np.uint64) & _MANTISSA_DOUBLE_HIGH) << np.uint64(32)
    return ((mantissa | low.astype(np.uint64)) | _EXPONENT_DOUBLE).view(np.float64) - 1.0


def uint16_to_half(words: np.ndarray) -> np.ndarray:
    """[0, 1) halfs from the low 10 bits of each word."""
    bits = (words.astype(np.uint16) & _MANTISSA_HALF) | _EXPONENT_HALF
    return bits.view(np.float16) - np.float16(1)


def box_muller_float(x0: np.ndarray, x1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TF's BoxMullerFloat: two float32 normals from each pair of words."""
    x0 = np.ascontiguousarray(x0).reshape(1, -1)
    first, second = np.empty(x0.shape, np.float32), np.empty(x0.shape, np.float32)
    box_muller_float_into(x0, [x1], first, second, Workspace())
    return first[0], second[0]


def box_muller_float_into(x0: np.ndarray, x1_rows, first: np.ndarray, second: np.ndarray,
                          workspace: Workspace) -> None:
    """TF's BoxMullerFloat on words x0 (rows, n) and x1 (a row of n for each) into `first`
    (radius times sin) and `second` (times cos), in few passes: u1 = max(mantissa0 * 2^-23,
    1e-7), radius = sqrt(-2 logf(u1)) in float32, the angle float32(2pi * mantissa1 * 2^-23),
    and glibc's sincosf of it."""
    def scratch(name, dtype):
        return workspace.array(name, x0.shape, dtype)
    mantissa = np.bitwise_and(x0, _MANTISSA_FLOAT, out=scratch("bm_mantissa", np.uint32))
    u1 = np.multiply(mantissa, _MANTISSA_SCALE_FLOAT, out=scratch("bm_u1", np.float32),
                     dtype=np.float32)
    np.maximum(u1, _EPSILON_FLOAT, out=u1)
    # -2 log(u1) is computed exactly scaled, then rounded to float32 as TF's product is
    radius = np.sqrt(scaled_logf(u1, -2.0, scratch), out=scratch("bm_radius", np.float32),
                     dtype=np.float32)
    for row, words in enumerate(x1_rows):
        np.bitwise_and(words, _MANTISSA_FLOAT, out=mantissa[row])
    angle = np.multiply(mantissa, _TWO_PI_ULP, out=scratch("bm_angle", np.float64))
    angle32 = scratch("bm_angle32", np.float32)
    np.copyto(angle32, angle, casting="same_kind")
    np.copyto(angle, angle32)
    quadrant = quadrants(angle, scratch("bm_quadrant", np.int32))
    sin, cos = sincos_parts(angle, quadrant, scratch)
    _select_by_quadrant(sin, cos, quadrant, radius, first, second, scratch)


def _select_by_quadrant(sin, cos, quadrant, radius, first, second, scratch) -> None:
    """first = radius * (sin, or cos where the quadrant swaps them), signed as the quadrant
    says; second likewise. Branch-free, on the bits: odd quadrants swap the two (a masked
    XOR blend), and the sign bits of sin (q & 2) and cos ((q + 1) & 2) go onto the radius,
    exactly, as negation commutes with rounding."""
    u32 = np.uint32
    quadrant = quadrant.view(u32)
    mask = np.bitwise_and(quadrant, 1, out=scratch("select_mask", u32))
    np.negative(mask, out=mask)  # all ones in odd quadrants
    sin_bits, cos_bits = sin.view(u32), cos.view(u32)
    blend = np.bitwise_xor(sin_bits, cos_bits, out=scratch("select_blend", u32))
    blend &= mask
    sin_bits ^= blend
    cos_bits ^= blend
    sign = scratch("select_sign", u32)
    signed_radius = scratch("select_radius", u32)
    for out, value, shift in ((first, sin, 0), (second, cos, 1)):
        np.add(quadrant, shift, out=sign)
        sign &= 2
        sign <<= 30
        np.bitwise_xor(radius.view(u32), sign, out=signed_radius)
        np.multiply(value, signed_radius.view(np.float32), out=out)


def box_muller_double(x0, x1, x2, x3) -> tuple[np.ndarray, np.ndarray]:
    """TF's BoxMullerDouble: two float64 normals from each four words."""
    u1 = np.maximum(uint64_to_double(x0, x1), _EPSILON_DOUBLE)
    angle = _TWO_PI * uint64_to_double(x2, x3)
    # Python's math.log is the C library's log; numpy's vectorised one differs in the last bit
    log_u1 = np.fromiter(map(math.log, u1.tolist()), np.float64, u1.size)
    radius = np.sqrt(-2.0 * log_u1)
    return np.sin(angle) * radius, np.cos(angle) * radius


# -- fixed-cost distributions: a flat stream of words --------------------------------------------


def uniform(key: int, counter: int, count: int, np_type) -> np.ndarray:
    """TF's UniformDistribution for a float type: `count` values in [0, 1)."""
    np_type = np.dtype(np_type)
    if np_type == np.float64:
        words = philox_words(key, counter, 2 * count)
        return uint64_to_double(words[0::2], words[1::2])
    if np_type == np.float16:
        return uint16_to_half(philox_words(key, counter, count))
    values = np.empty((-(-count // 4), 4), np.float32)
    for first, chunk, workspace in _chunks(values):
        # 1.mantissa minus one, built in place in the output's bits
        bits = chunk.view(np.uint32)
        for column, words in enumerate(philox_columns(key, counter, first, workspace)):
            np.bitwise_and(words, _MANTISSA_FLOAT, out=bits[:, column])
        bits |= _EXPONENT_FLOAT
        chunk -= np.float32(1)
    return values.reshape(-1)[:count].astype(np_type, copy=False)


def _chunks(values: np.ndarray):
    """(block offsets, rows of `values`, workspace) for each cache-sized chunk of blocks."""
    workspace = Workspace()
    for start in range(0, values.shape[0], CHUNK_BLOCKS):
        stop = min(start + CHUNK_BLOCKS, values.shape[0])
        yield np.arange(start, stop, dtype=np.uint64), values[start:stop], workspace


def normal(key: int, counter: int, count: int, np_type) -> np.ndarray:
    """TF's NormalDistribution: Box-Muller on consecutive pairs (float) or quads (double)."""
    np_type = np.dtype(np_type)
    if np_type == np.float64:
        pairs = (count + 1) // 2
        words = philox_words(key, counter, 4 * pairs).reshape(-1, 4)
        values = np.empty((pairs, 2), np.float64)
        values[:, 0], values[:, 1] = box_muller_double(*words.T)
        return values.reshape(-1)[:count]
    values = np.empty((-(-count // 4), 4), np.float32)
    for first, chunk, workspace in _chunks(values):
        _block_normals_float(key, counter, first, chunk, workspace)
    return values.reshape(-1)[:count].astype(np_type, copy=False)


def _block_normals_float(key: int, counter: int, offsets: np.ndarray, out: np.ndarray,
                         workspace: Workspace) -> None:
    """The four float32 normals of each block at `counter + offsets`, into out (n, 4): block
    words (0, 1) give the first two, words (2, 3) the last two."""
    even, word1, word3 = philox_rounds(key, counter, offsets, workspace)
    by_pair = out.reshape(-1, 2, 2).transpose(1, 0, 2)  # [pair in block, block, value]
    box_muller_float_into(even, (word1, word3), by_pair[:, :, 0], by_pair[:, :, 1], workspace)


def uniform_int(key: int, counter: int, count: int, np_type, low: int, high: int) -> np.ndarray:
    """TF's UniformDistribution for int32/int64: low + (bits % (high - low)), wrapping."""
    np_type = np.dtype(np_type)
    if np_type == np.int64:
        words = philox_words(key, counter, 2 * count).astype(np.uint64)
        bits = words[0::2] | (words[1::2] << np.uint64(32))
        span = np.uint64((high - low) % 2**64)
        return (bits % span + np.uint64(low % 2**64)).view(np.int64)
    words = philox_words(key, counter, count)
    span = np.uint32((high - low) % 2**32)
    return (words % span + np.uint32(low % 2**32)).view(np.int32).astype(np_type, copy=False)


# -- the truncated normal: a variable number of words per group ----------------------------------


def truncated_normal(key: int, counter: int, count: int, np_type) -> np.ndarray:
    """TF's TruncatedNormalDistribution: per group, normals within two standard deviations
    taken in stream order from the group's own region of blocks, redrawing until it is full."""
    np_type = np.dtype(np_type)
    double = np_type == np.float64
    group_size = 2 if double else 4
    groups = -(-count // group_size)
    region = group_size * RESERVED_SAMPLES_PER_OUTPUT // 4
    if double:
        results = np.zeros((groups, group_size), np.float64)
        filled = np.zeros(groups, np.int64)
        pending = np.arange(groups)
    else:
        results, filled, pending = _first_block_truncated(key, counter, groups, region)
    block = 0 if double else 1
    while pending.size and block < region:
        offsets = pending.astype(np.uint64) * np.uint64(region) + np.uint64(block)
        _take_within_bounds(results, filled, pending,
                            _block_normals(key, counter, offsets, double))
        pending = pending[filled[pending] < group_size]
        block += 1
    return results.reshape(-1)[:count].astype(np_type, copy=False)


def _first_block_truncated(key: int, counter: int, groups: int, region: int):
    """The float groups' results from their first blocks, chunk by chunk: a group whose four
    normals all fall within the bounds is done; the rest (about one in six) start over
    from those normals. Returns (results, how many each group has, the groups not full)."""
    results = np.empty((groups, 4), np.float32)
    complete = np.empty(groups, np.bool_)
    for rows, chunk, workspace in _chunks(results):
        _block_normals_float(key, counter, rows * np.uint64(region), chunk, workspace)
        inside = np.less(np.abs(chunk, out=workspace.array("abs", chunk.shape, np.float32)),
                         _TRUNCATE_AT, out=workspace.array("inside", chunk.shape, np.bool_))
        # a row of four True bytes, read as one uint32
        np.equal(inside.view(np.uint32)[:, 0], 0x01010101, out=complete[rows[0]:rows[-1] + 1])
    pending = np.flatnonzero(~complete)
    candidates = results[pending]
    results[pending] = 0
    filled = np.full(groups, 4, np.int64)
    filled[pending] = 0
    _take_within_bounds(results, filled, pending, candidates)
    return results, filled, pending[filled[pending] < 4]


def _take_within_bounds(results, filled, pending, candidates) -> None:
    """Appends to each pending group's results its candidates (a row each) that fall within
    the bounds, in order, while the group has room."""
    group_size = results.shape[1]
    for column in range(candidates.shape[1]):
        value = candidates[:, column]
        take = (np.abs(value) < _TRUNCATE_AT) & (filled[pending] < group_size)
        rows = pending[take]
        results[rows, filled[rows]] = value[take]
        filled[rows] += 1


def _block_normals(key: int, counter: int, offsets: np.ndarray, double: bool) -> np.ndarray:
    """The normals one block gives, in the order TF's single-sample adapter takes them."""
    if double:
        words = philox_columns(key, counter, offsets)
        return np.stack(box_muller_double(*words), axis=1)
    normals = np.empty((offsets.size, 4), np.float32)
    _block_normals_float(key, counter, offsets, normals, Workspace())
    return normals
