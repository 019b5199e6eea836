"""float32 logf and sincosf as glibc (2.28 on) computes them, vectorised in numpy.

TF's Box-Muller calls the C library's logf and sincosf; a correctly rounded float32 result
(float64 math, rounded) differs from glibc's in about one case in a hundred, so the normals
would too. glibc's float32 functions are Arm's optimized-routines (MIT licence): a table and a
short polynomial evaluated in double precision, which numpy can follow step by step. The
constants below are those published tables and coefficients.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

# logf: x = 2^k * z with z in [OFF, 2*OFF); log(x) = log1p(z/c - 1) + log(c) + k*ln2, for
# c near the centre of z's sixteenth of that range (1/c and log(c) tabulated).
_LOG_OFFSET = np.uint32(0x3F330000)
_LOG_INV_C = np.array([float.fromhex(h) for h in (
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0",
    "0x1.3c995b0b80385p+0", "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0",
    "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0", "0x1.0953f419900a7p+0", "0x1p+0",
    "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1", "0x1.b2036576afce6p-1",
    "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1", "0x1.767dcf5534862p-1")])
_LOG_C = np.array([float.fromhex(h) for h in (
    "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2",
    "-0x1.b31d8a68224e9p-3", "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3",
    "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4", "-0x1.252f438e10c1ep-5", "0x0p+0",
    "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4", "0x1.526e57720db08p-3",
    "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2", "0x1.4043057b6ee09p-2")])
_LN2 = float.fromhex("0x1.62e42fefa39efp-1")
# log(c) + k*ln2 for every table entry and power of two k in [-24, 0], each sum rounded as
# glibc's double arithmetic rounds it, indexed by 16 * k + i + bias
_LOG_K_RANGE = np.arange(-25, 1)
_LOG_SLOT_BIAS = 16 * 25
_LOG_C_PLUS_K_LN2 = (_LOG_C[None, :] + (_LOG_K_RANGE * _LN2)[:, None]).reshape(-1)
_LOG_POLY = [float.fromhex(h) for h in (
    "-0x1.00ea348b88334p-2", "0x1.5575b0be00b6ap-2", "-0x1.ffffef20a4123p-2")]

# sincosf: reduce by multiples of pi/2 (one multiply-subtract below 120), then polynomials
# for cos (c0..c4) and sin (s1..s3) in the reduced argument.
_HALF_PI_INV_2_24 = float.fromhex("0x1.45F306DC9C883p+23")  # 2/pi * 2^24
_HALF_PI = float.fromhex("0x1.921FB54442D18p0")
_COS_POLY = [float.fromhex(h) for h in (
    "0x1p0", "-0x1.ffffffd0c621cp-2", "0x1.55553e1068f19p-5", "-0x1.6c087e89a359dp-10",
    "0x1.99343027bf8c3p-16")]
_SIN_POLY = [float.fromhex(h) for h in (
    "-0x1.555545995a603p-3", "0x1.1107605230bc4p-7", "-0x1.994eb3774cf24p-13")]


_SCALED_LOG_TABLES: dict[float, tuple[np.ndarray, list[float]]] = {}


def _scaled_log_tables(scale: float) -> tuple[np.ndarray, list[float]]:
    """Rows (1/c, scale * (log(c) + k ln2)) indexed by slot 16 * k + i plus 400, and the
    polynomial's coefficients times scale: scaling by a power of two scales every rounding
    step of the polynomial exactly."""
    tables = _SCALED_LOG_TABLES.get(scale)
    if tables is None:
        rows = np.stack([np.tile(_LOG_INV_C, len(_LOG_K_RANGE)), _LOG_C_PLUS_K_LN2 * scale], 1)
        tables = _SCALED_LOG_TABLES[scale] = (rows, [c * scale for c in _LOG_POLY])
    return tables


def scaled_logf(x: np.ndarray, scale: float = 1.0, scratch=None) -> np.ndarray:
    """glibc's logf(x) times `scale` (a power of two, so exactly), as float64 values whose
    float32 rounding is that product; x: float32 values in [2^-24, 1).

    `scratch(name, dtype)` gives arrays of x's size to compute in (the result is one)."""
    shape = np.shape(x)
    scratch = scratch or (lambda name, dtype: np.empty(shape, dtype))
    rows, (a0, a1, a2) = _scaled_log_tables(scale)
    bits = np.ascontiguousarray(x, np.float32).view(np.uint32)
    offset = np.subtract(bits, _LOG_OFFSET, out=scratch("log_offset", np.uint32))
    # offset >> 19 (arithmetic) is 16 * k + i: x's power of two k and its sixteenth i
    slot = np.right_shift(offset.view(np.int32), 19, out=scratch("log_slot", np.intp))
    slot += _LOG_SLOT_BIAS
    # one take for both columns: np.take is fastest with intp indices and clipping
    table = np.take(rows, slot, axis=0, out=scratch("log_rows", (np.float64, (2,))),
                    mode="clip")
    inv_c, y0 = table[..., 0], table[..., 1]
    offset &= np.uint32(0x1FF << 23)
    np.subtract(bits, offset, out=offset)  # z: x with its power of two taken out
    r = np.multiply(inv_c, offset.view(np.float32), out=scratch("log_r", np.float64))
    r -= 1.0
    r2 = np.multiply(r, r, out=scratch("log_r2", np.float64))
    y = np.multiply(r, a1, out=scratch("log_y", np.float64))
    y += a2
    r *= scale  # y0 + r, scaled
    y0 += r
    np.multiply(r2, a0, out=r)
    y += r
    y *= r2
    y += y0
    return y


def logf(x: np.ndarray) -> np.ndarray:
    """glibc's logf for float32 values in [2^-24, 1) (TF's Box-Muller keeps u1 >= 1e-7)."""
    return scaled_logf(x).astype(np.float32)


def quadrants(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The nearest multiple of pi/2 to each float64 x (int32), rounded as glibc does."""
    quadrant = np.empty(np.shape(x), np.int32) if out is None else out
    np.copyto(quadrant, x * _HALF_PI_INV_2_24, casting="unsafe")  # truncates, as C's cast
    quadrant += 0x800000
    quadrant >>= 24
    return quadrant


# by quadrant: whether sin and cos swap, and their signs after the swap
_SWAPS = np.array([False, True, False, True, False])
_SIN_SIGNS = np.array([1, 1, -1, -1, 1], np.float32)
_COS_SIGNS = np.array([1, -1, -1, 1, 1], np.float32)


def sincos_parts(x: np.ndarray, quadrant: np.ndarray, scratch=None):
    """The float32 sine and cosine polynomials of x reduced by `quadrant` quarter turns, before
    the quadrant's swap and signs; x (float64) is overwritten. Below pi/4 the quadrant is 0 and
    the reduction leaves x as is, which is glibc's unreduced path; below 2^-12, where glibc
    returns (x, 1) directly, the polynomials round to the same."""
    scratch = scratch or (lambda name, dtype: np.empty(np.shape(x), dtype))
    x -= np.multiply(quadrant, _HALF_PI, out=scratch("sincos_turns", np.float64))
    return _sincos_poly(x, scratch)


def sincosf(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """glibc's sincosf for float32 values in [0, 2pi] (TF's angles are in [0, 2pi))."""
    y = np.ascontiguousarray(y, np.float32)
    x = y.astype(np.float64)
    quadrant = quadrants(x)
    sin_value, cos_value = sincos_parts(x, quadrant)
    # negated coefficients (glibc's second table, and its sign table) negate every rounding
    # step exactly, so the quadrant's signs apply to the float32 results
    swap = _SWAPS[quadrant]
    sin_out = np.where(swap, cos_value, sin_value)
    cos_out = np.where(swap, sin_value, cos_value)
    sin_out *= _SIN_SIGNS[quadrant]
    cos_out *= _COS_SIGNS[quadrant]
    return sin_out, cos_out


def _sincos_poly(x, scratch):
    """The sine and cosine polynomials in the reduced argument, in glibc's order of
    operations, rounded to float32."""
    c0, c1, c2, c3, c4 = _COS_POLY
    s1, s2, s3 = _SIN_POLY
    f64 = np.float64
    x2 = np.multiply(x, x, out=scratch("poly_x2", f64))
    x4 = np.multiply(x2, x2, out=scratch("poly_x4", f64))
    x3 = np.multiply(x2, x, out=scratch("poly_x3", f64))
    cos_tail = np.multiply(x2, c4, out=scratch("poly_cos_tail", f64))
    cos_tail += c3
    sin_tail = np.multiply(x2, s3, out=scratch("poly_sin_tail", f64))
    sin_tail += s2
    cos_head = np.multiply(x2, c1, out=scratch("poly_cos_head", f64))
    cos_head += c0
    x5 = np.multiply(x3, x2, out=scratch("poly_x5", f64))
    x2 *= x4  # x6
    x3 *= s1
    x3 += x  # sin: x + x3 * s1
    x4 *= c2
    x4 += cos_head  # cos: c0 + x2 * c1 + x4 * c2
    x5 *= sin_tail
    x3 += x5
    x2 *= cos_tail
    x4 += x2
    sin_value, cos_value = scratch("poly_sin", np.float32), scratch("poly_cos", np.float32)
    np.copyto(sin_value, x3, casting="same_kind")
    np.copyto(cos_value, x4, casting="same_kind")
    return sin_value, cos_value


@cache
def host_float_function(name: str, arity: int = 1, double: bool = False):
    """The host C library's function `name` of `arity` float32 (or, with `double`, float64)
    arguments (e.g. "log1pf", "powf", "lgamma"), for scalar use where a TF kernel calls it
    outside Box-Muller; where no C library loads, Python's float64 function rounded."""
    import ctypes  # here: importing graphshell stays light
    import ctypes.util
    kind = ctypes.c_double if double else ctypes.c_float
    try:
        function = getattr(ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6"), name)
    except (OSError, AttributeError):
        fallback = getattr(math, name if double else name[:-1])
        return fallback if double else lambda *args: float(np.float32(fallback(*args)))
    function.restype, function.argtypes = kind, [kind] * arity
    return function
