"""Numeric gradients for the engine tests: central differences, element by element."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numeric_gradient(function: Callable[[np.ndarray], float], values, eps: float = 1e-6):
    """d function / d values at `values` (made float64), by central differences."""
    values = np.array(values, dtype=np.float64)
    grad = np.zeros_like(values)
    for index in np.ndindex(values.shape):
        up, down = values.copy(), values.copy()
        up[index] += eps
        down[index] -= eps
        grad[index] = (function(up) - function(down)) / (2 * eps)
    return grad
