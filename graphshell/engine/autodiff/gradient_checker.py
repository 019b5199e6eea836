"""TF1's gradient checker (`tf.test.compute_gradient`): symbolic against numeric Jacobians.

Both Jacobians have TF1's layout, one row per element of x and one column per element of y:
the symbolic one is built column by column by back-propagating a one-hot `dy` through
`tf.gradients`, the numeric one row by row from central differences of y.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import stacks
from ..graph.convert import constant
from ..ops.array_ops import identity
from .gradients import gradients


def compute_gradient(x: Any, x_shape: Any, y: Any, y_shape: Any, x_init_value: Any = None,
                     delta: float = 1e-3, init_targets: Any = None,
                     extra_feed_dict: dict | None = None) -> Any:
    """(symbolic, numeric) Jacobians of y with respect to x, each of shape
    (x size, y size); for a list of x, a list of such pairs. Runs in the default session."""
    session = _default_session()
    if init_targets is not None:
        session.run(init_targets)
    if isinstance(x, list):
        inits = x_init_value if x_init_value is not None else [None] * len(x)
        return [_jacobians(session, xi, si, y, y_shape, init, delta, extra_feed_dict)
                for xi, si, init in zip(x, x_shape, inits)]
    return _jacobians(session, x, x_shape, y, y_shape, x_init_value, delta, extra_feed_dict)


def compute_gradient_error(x: Any, x_shape: Any, y: Any, y_shape: Any, x_init_value: Any = None,
                           delta: float = 1e-3, init_targets: Any = None,
                           extra_feed_dict: dict | None = None) -> float:
    """The largest absolute difference between the symbolic and numeric Jacobians."""
    pairs = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets,
                             extra_feed_dict)
    if isinstance(pairs, tuple):
        pairs = [pairs]
    error = 0
    for symbolic, numeric in pairs:
        if symbolic.size or numeric.size:
            error = np.maximum(error, np.fabs(symbolic - numeric).max())
    return error


def _default_session():
    session = stacks.get_default_session()
    if session is None:
        raise ValueError("compute_gradient needs a default session: call it inside "
                         "`with tf.Session():` (or a TestCase's cached_session()).")
    return session


def _jacobians(session, x, x_shape, y, y_shape, x_init_value, delta, extra_feed_dict):
    for tensor in (x, y):
        if tensor.dtype.base_dtype.is_complex:
            raise NotImplementedError(f"compute_gradient: complex tensors are not supported "
                                      f"({tensor.name} is {tensor.dtype.base_dtype.name})")
    x_shape = tuple(int(d) for d in x_shape)
    y_shape = tuple(int(d) for d in y_shape)
    if x_init_value is not None:
        x_data = np.asarray(x_init_value)
        if list(x_data.shape) != list(x_shape):
            raise AssertionError(f"x_shape = {list(x_shape)}, init_data shape = "
                                 f"{list(x_data.shape)}")
    else:
        x_data = np.random.random_sample(x_shape).astype(x.dtype.base_dtype.as_numpy_dtype)
    feeds = dict(extra_feed_dict or {})
    symbolic = _symbolic_jacobian(session, x, x_shape, x_data, y, y_shape, feeds)
    numeric = _numeric_jacobian(session, x, x_data, y, y_shape, delta, feeds)
    return symbolic, numeric


def _symbolic_jacobian(session, x, x_shape, x_data, y, y_shape, feeds):
    with x.graph.as_default():
        dy = identity(constant(1.0, shape=y_shape, dtype=y.dtype.base_dtype))
        dx = gradients(y, x, dy)[0]
    x_size, y_size = int(np.prod(x_shape)), int(np.prod(y_shape))
    jacobian = np.zeros((x_size, y_size), dtype=x.dtype.base_dtype.as_numpy_dtype)
    dy_data = np.zeros(y_shape, dtype=y.dtype.base_dtype.as_numpy_dtype)
    if x_size == 0 or y_size == 0 or dx is None:
        return jacobian  # no path from x to y: a zero Jacobian, as TF's checker returns
    dy_flat = dy_data.ravel()
    for column in range(y_size):
        dy_flat[column] = 1
        backprop = session.run(dx, {**feeds, x: x_data, dy: dy_data})
        jacobian[:, column] = np.asarray(_dense(backprop)).reshape(x_size)
        dy_flat[column] = 0
    return jacobian


def _dense(value):
    """A fetched gradient as a dense array (gather's gradient comes back as IndexedSlices)."""
    if hasattr(value, "indices") and hasattr(value, "dense_shape"):
        dense = np.zeros(tuple(value.dense_shape), dtype=np.asarray(value.values).dtype)
        np.add.at(dense, np.asarray(value.indices), value.values)
        return dense
    return value


def _numeric_jacobian(session, x, x_data, y, y_shape, delta, feeds):
    x_dtype = x.dtype.base_dtype.as_numpy_dtype
    y_dtype = y.dtype.base_dtype.as_numpy_dtype
    scale = np.asarray(2 * delta, dtype=y_dtype)[()]
    x_size, y_size = int(np.prod(x_data.shape)), int(np.prod(y_shape))
    jacobian = np.zeros((x_size, y_size), dtype=x_dtype)
    for row in range(x_size):
        above, below = x_data.copy(), x_data.copy()
        above.ravel()[row] += delta
        below.ravel()[row] -= delta
        y_plus = session.run(y, {**feeds, x: above})
        y_minus = session.run(y, {**feeds, x: below})
        jacobian[row, :] = (np.asarray(y_plus) - np.asarray(y_minus)).ravel() / scale
    return jacobian
