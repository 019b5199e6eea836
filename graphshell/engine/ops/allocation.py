"""Allocation pre-checks: a kernel refuses an output over the tensor size limit before making it.

TF allocates an op's output when the op runs and fails that op with ResourceExhaustedError
("OOM when allocating tensor with shape[...]") if it cannot. graphshell checks in two places
so that no kernel fills gigabytes first:

- an op whose output shape is known when the graph is built is checked once, when a plan is
  built (`run/plan.py` binds a kernel that raises in place of one that would be too big);
- a kernel whose output shape depends on its input values or on shapes unknown when the plan
  is built computes that shape from its inputs and calls `check_output` first (one line
  each); `broadcasting` does it for the elementwise ops, only where the plan cannot.

The limit is `runtime.MAX_TENSOR_BYTES`, read at each check, so a test can lower it.
"""

from __future__ import annotations

import numpy as np

from ..run import runtime


def check_output(shape, dtype) -> None:
    """Raises TF's OOM error if a tensor of `shape` (ints) and `dtype` is over the limit.

    A shape with a negative dimension is left for the kernel to refuse in its own words."""
    count = 1
    for dim in shape:
        count *= int(dim)
    too_big = count * np.dtype(dtype).itemsize > runtime.MAX_TENSOR_BYTES
    if too_big and all(int(dim) >= 0 for dim in shape):
        runtime.check_allocation(tuple(int(dim) for dim in shape), dtype, "")


def check_elements(count: int, dtype) -> None:
    """`check_output` for a flat tensor of `count` elements (a bound where the exact shape
    costs more to compute than the op's output weighs)."""
    if count * np.dtype(dtype).itemsize > runtime.MAX_TENSOR_BYTES:
        check_output((count,), dtype)


def check_matmul(left, right) -> None:
    """Checks the product of two stacks of matrices (already transposed as the op asks)."""
    left_shape, right_shape = np.shape(left), np.shape(right)
    if len(left_shape) < 2 or len(right_shape) < 2:
        return  # the kernel refuses them
    try:
        batch = np.broadcast_shapes(left_shape[:-2], right_shape[:-2])
    except ValueError:
        return
    check_output(batch + (left_shape[-2], right_shape[-1]), np.result_type(left, right))


def static_shape_known(shape) -> bool:
    """Whether a raw static shape has every dimension: the plan checks those ops itself."""
    return shape is not None and None not in shape


def broadcasting(kernel) -> dict:
    """`define` arguments for an elementwise op whose inputs broadcast: `kernel` itself for
    ops whose output shape is known when the plan is built (the plan checks those once, and
    the compiled tier keeps writing `+ - *` as operators), and for the others a kernel that
    checks the broadcast shape first (plans ask `make_kernel` for those)."""

    def make_kernel(op, session_runtime):
        output = op._outputs[0].dtype.base_dtype
        itemsize = output.size

        def run_checked(*values):
            bound = 1  # the broadcast has at most the product of the inputs' sizes
            for value in values:
                bound *= getattr(value, "size", 1)
            if bound * itemsize > runtime.MAX_TENSOR_BYTES:
                _check_broadcast(values, output.as_numpy_dtype)
            return kernel(*values)
        return run_checked
    return {"kernel": kernel, "make_kernel": make_kernel}


def _check_broadcast(values, dtype) -> None:
    try:
        shape = np.broadcast_shapes(*(np.shape(value) for value in values))
    except ValueError:
        return  # incompatible shapes: the kernel raises TF's error for them
    check_output(shape, dtype)
