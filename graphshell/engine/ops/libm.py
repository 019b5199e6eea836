"""The C library's float32 sin and cos, which TF's kernels use for single values.

numpy's float32 trig is vectorised and differs from libm in the last bit for ~15% of inputs; TF
evaluates one-element tensors with libm, so using it here keeps results bit-identical to TF.
Falls back to numpy where no C math library can be loaded.
"""

from __future__ import annotations

import ctypes
import ctypes.util

import numpy as np


def _load(names):
    path = ctypes.util.find_library("m")
    try:
        library = ctypes.CDLL(path or "libm.so.6")
    except OSError:
        return {}
    functions = {}
    for name in names:
        function = getattr(library, name, None)
        if function is not None:
            function.restype = ctypes.c_float
            function.argtypes = [ctypes.c_float]
            functions[name] = function
    return functions


_FUNCTIONS = _load(("sinf", "cosf"))
# TF's kernels use SIMD code for whole packets of 8 float32s and libm for tensors smaller than
# a packet; numpy's SIMD code differs from TF's, so only small tensors can match bit for bit.
SIMD_WIDTH = 8


def float32_function(c_name: str, numpy_function):
    """A kernel: libm's `c_name` for float32 scalars (as TF's scalar path), numpy otherwise."""
    scalar = _FUNCTIONS.get(c_name)
    if scalar is None:
        return numpy_function
    f32 = np.float32
    ndarray = np.ndarray

    def kernel(x):
        kind = x.__class__
        if kind is f32:
            return f32(scalar(x))
        if kind is ndarray and x.dtype == f32 and x.size < SIMD_WIDTH:
            result = np.array([scalar(v) for v in x.ravel().tolist()], dtype=f32)
            return result.reshape(x.shape)[()] if x.ndim == 0 else result.reshape(x.shape)
        return numpy_function(x)
    kernel.c_scalar = scalar  # compiled plans call it directly for float32 scalars
    return kernel
