"""Matrix products: MatMul for matrices, BatchMatMulV2 for stacks of them."""

from __future__ import annotations

import numpy as np

from ..graph import errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_same_type
from ..graph.registry import ShapeError, define
from . import allocation, grad_util, rules


def _infer_matmul(op):
    a, b = op._inputs
    rules.check_dtype(op, a, rules.NUMBERS, "a")
    for tensor in (a, b):
        if tensor._shape is not None and len(tensor._shape) != 2:
            raise ShapeError(f"Shape must be rank 2 but is rank {len(tensor._shape)}")
    rows, inner_a = _matrix_dims(a._shape, op.attrs["transpose_a"])
    inner_b, cols = _matrix_dims(b._shape, op.attrs["transpose_b"])
    _check_inner(inner_a, inner_b)
    return [(a.dtype.base_dtype, (rows, cols))]


def _matrix_dims(shape, transposed):
    if shape is None:
        return None, None
    rows, cols = shape[-2], shape[-1]
    return (cols, rows) if transposed else (rows, cols)


def _check_inner(inner_a, inner_b):
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        raise ShapeError(f"Dimensions must be equal, but are {inner_a} and {inner_b}")


def _matmul_kernel(op, runtime):
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    check = not allocation.static_shape_known(op._outputs[0]._shape)  # else the plan checks

    def run(a, b):
        left = np.swapaxes(a, -1, -2) if ta else a
        right = np.swapaxes(b, -1, -2) if tb else b
        if check:
            allocation.check_matmul(left, right)
        try:
            return np.matmul(left, right)
        except ValueError:
            raise errors.InvalidArgumentError(
                None, None, f"Matrix size-incompatible: In[0]: {_dims(a)}, In[1]: {_dims(b)}"
            ) from None
    return run


def _dims(value) -> str:
    return "[" + ",".join(str(d) for d in np.shape(value)) + "]"


def _product_grads(op, g):
    """The four transpose cases of d(a @ b): TF's _MatMulGrad."""
    a, b = op._inputs
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    if not ta and not tb:
        return matmul(g, b, transpose_b=True), matmul(a, g, transpose_a=True)
    if not ta and tb:
        return matmul(g, b), matmul(g, a, transpose_a=True)
    if ta and not tb:
        return matmul(b, g, transpose_b=True), matmul(a, g)
    return matmul(b, g, transpose_a=True, transpose_b=True), \
        matmul(g, a, transpose_a=True, transpose_b=True)


define("MatMul", infer=_infer_matmul, make_kernel=_matmul_kernel,
       grad=lambda op, g: list(_product_grads(op, g)))


def _infer_batch_matmul(op):
    a, b = op._inputs
    rules.check_dtype(op, a, rules.NUMBERS, "x")
    if a._shape is None or b._shape is None:
        return [(a.dtype.base_dtype, None)]
    for tensor in (a, b):
        if len(tensor._shape) < 2:
            raise ShapeError(f"Shape must be at least rank 2 but is rank {len(tensor._shape)}")
    rows, inner_a = _matrix_dims(a._shape, op.attrs["transpose_a"])
    inner_b, cols = _matrix_dims(b._shape, op.attrs["transpose_b"])
    _check_inner(inner_a, inner_b)
    batch = rules.broadcast_shapes(a._shape[:-2], b._shape[:-2])
    return [(a.dtype.base_dtype, batch + (rows, cols))]


def _batch_matmul_grad(op, g):
    grad_a, grad_b = _product_grads(op, g)
    a, b = op._inputs
    return [grad_util.sum_to_shape_of(grad_a, a), grad_util.sum_to_shape_of(grad_b, b)]


define("BatchMatMulV2", infer=_infer_batch_matmul, make_kernel=_matmul_kernel,
       grad=_batch_matmul_grad)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """a @ b for matrices (MatMul) or batches of matrices (BatchMatMulV2)."""
    with OpScope(name, "MatMul", [a, b]) as scope:
        a, b = convert_same_type("MatMul", ("a", a), ("b", b))
        attrs = {"transpose_a": bool(transpose_a or adjoint_a),
                 "transpose_b": bool(transpose_b or adjoint_b)}
        batched = any(t._shape is not None and len(t._shape) > 2 for t in (a, b))
        return make_tensor("BatchMatMulV2" if batched else "MatMul", [a, b], scope, attrs)
