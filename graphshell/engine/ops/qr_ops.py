"""The QR decomposition (`tf.linalg.qr`, op Qr), which the orthogonal initializer builds on, and
its gradient (TF's _QrGrad, after Roberts & Roberts, arXiv:2009.10071)."""

from __future__ import annotations

import numpy as np

from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.registry import ShapeError, define
from . import input_ops, linalg_ops, matrix_ops, slicing_ops, triangular_solve_ops


def _infer_qr(op):
    dtype = op._inputs[0].dtype.base_dtype
    shape = op._inputs[0]._shape
    if shape is None:
        return [(dtype, None), (dtype, None)]
    if len(shape) < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {len(shape)}")
    *batch, rows, cols = shape
    if op.attrs["full_matrices"]:
        inner = rows
    else:
        inner = None if rows is None or cols is None else min(rows, cols)
    return [(dtype, (*batch, rows, inner)), (dtype, (*batch, inner, cols))]


def _qr_kernel(op, runtime):
    mode = "complete" if op.attrs["full_matrices"] else "reduced"

    def qr(a):
        q, r = np.linalg.qr(np.asarray(a), mode=mode)
        return q.astype(a.dtype, copy=False), r.astype(a.dtype, copy=False)
    return qr


def _solve_with_r(x, r):
    """x @ inverse(r)^H for upper-triangular r (TF's _TriangularSolve)."""
    adjoint = triangular_solve_ops.adjoint
    return adjoint(triangular_solve_ops.matrix_triangular_solve(r, adjoint(x), lower=False,
                                                                adjoint=False))


def _square_or_deep_grad(q, r, dq, dr):
    """The gradient of a from dq, dr when rows >= columns (reduced q)."""
    adjoint = triangular_solve_ops.adjoint
    qdq = linalg_ops.matmul(q, dq, adjoint_a=True)
    qdq_ = qdq - adjoint(qdq)
    rdr = linalg_ops.matmul(r, dr, adjoint_b=True)
    rdr_ = rdr - adjoint(rdr)
    tril = matrix_ops.matrix_band_part(qdq_ + rdr_, -1, 0)
    grad_a = linalg_ops.matmul(q, dr + _solve_with_r(tril, r))
    grad_b = _solve_with_r(dq - linalg_ops.matmul(q, qdq), r)
    return grad_a + grad_b


def _qr_grad(op, dq, dr):
    q, r = op._outputs
    if r._shape is None or r._shape[-2] is None or r._shape[-1] is None:
        raise NotImplementedError(f"QrGrad not implemented with dynamic shapes. Received "
                                  f"r.shape: {r.get_shape()}")
    rows, cols = r._shape[-2:]
    if rows > cols and q._shape[-2] == q._shape[-1]:
        raise NotImplementedError(f"QrGrad not implemented when nrows > ncols and "
                                  f"full_matrices is true. Received r.shape={r.get_shape()} "
                                  f"with nrows={rows}and ncols={cols}.")
    if q.dtype.base_dtype.is_complex:
        raise NotImplementedError("graphshell's QrGrad handles real matrices only")
    dq = dq if dq is not None else input_ops.zeros_like(q)
    dr = dr if dr is not None else input_ops.zeros_like(r)
    num_rows = q._shape[-2]
    if num_rows >= cols:
        return [_square_or_deep_grad(q, r, dq, dr)]
    # a wide matrix: a = [x, y], r = [u, v]; reduce to the square case on x
    a = op._inputs[0]
    y = a[..., :, num_rows:]
    u = r[..., :, :num_rows]
    dv = dr[..., :, num_rows:]
    du = dr[..., :, :num_rows]
    dy = linalg_ops.matmul(q, dv)
    dx = _square_or_deep_grad(q, u, dq + linalg_ops.matmul(y, dv, adjoint_b=True), du)
    return [slicing_ops.concat([dx, dy], axis=-1)]


define("Qr", infer=_infer_qr, make_kernel=_qr_kernel, multi_output=True, grad=_qr_grad)


def qr(input, full_matrices=False, name=None):  # noqa: A002 - TF's name
    """(q, r) with q's columns orthonormal and r upper triangular, for each inner matrix."""
    with OpScope(name, "Qr", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        op = make_op("Qr", [x], scope, {"full_matrices": bool(full_matrices)})
        return op._outputs[0], op._outputs[1]
