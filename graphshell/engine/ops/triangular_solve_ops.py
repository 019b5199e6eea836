"""MatrixTriangularSolve (tf.linalg.triangular_solve): x with a @ x = b for triangular a.

Only the triangle `lower` names is read; `adjoint` solves adjoint(a) @ x = b instead. The
batch dimensions of the matrix and the right-hand sides broadcast, as in TF 2.x.
"""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import ShapeError, define
from . import grad_util, linalg_ops, matrix_ops, rules

_SOLVE_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.complex64,
                 dtypes.complex128)


def _infer_triangular_solve(op):
    matrix, rhs = op._inputs
    rules.check_dtype(op, matrix, _SOLVE_DTYPES, "matrix")
    if matrix.dtype.base_dtype != rhs.dtype.base_dtype:
        raise ShapeError(f"Input 'rhs' of type {rhs.dtype.base_dtype.name} does not match "
                         f"type {matrix.dtype.base_dtype.name} of argument 'matrix'")
    if matrix._shape is None or rhs._shape is None:
        return [(matrix.dtype.base_dtype, None)]
    for tensor in (matrix, rhs):
        if len(tensor._shape) < 2:
            raise ShapeError(f"Shape must be at least rank 2 but is rank {len(tensor._shape)}")
    rows, cols = matrix._shape[-2:]
    if rows is not None and cols is not None and rows != cols:
        raise ShapeError(f"Dimensions must be equal, but are {rows} and {cols}")
    size = rows if rows is not None else cols
    if size is not None and rhs._shape[-2] not in (None, size):
        raise ShapeError(f"Dimensions must be equal, but are {size} and {rhs._shape[-2]}")
    batch = rules.broadcast_shapes(matrix._shape[:-2], rhs._shape[:-2])
    return [(matrix.dtype.base_dtype, batch + (rhs._shape[-2], rhs._shape[-1]))]


def triangular_solve_values(matrix, rhs, lower: bool, adjoint: bool) -> np.ndarray:
    """Substitution row by row (forward for a lower system, backward for an upper one)."""
    matrix, rhs = np.asarray(matrix), np.asarray(rhs)
    batch = np.broadcast_shapes(matrix.shape[:-2], rhs.shape[:-2])
    a = np.broadcast_to(matrix, batch + matrix.shape[-2:])
    b = np.broadcast_to(rhs, batch + rhs.shape[-2:])
    a = np.tril(a) if lower else np.triu(a)
    if adjoint:
        a = np.conj(np.swapaxes(a, -1, -2))
        lower = not lower
    n = a.shape[-1]
    x = np.zeros(b.shape, dtype=matrix.dtype)
    order = range(n) if lower else range(n - 1, -1, -1)
    for i in order:
        known = slice(0, i) if lower else slice(i + 1, n)
        partial = np.einsum("...k,...kj->...j", a[..., i, known], x[..., known, :])
        with np.errstate(divide="ignore", invalid="ignore"):
            x[..., i, :] = (b[..., i, :] - partial) / a[..., i, i][..., None]
    return x


def _triangular_solve_kernel(op, runtime):
    lower, adjoint = op.attrs["lower"], op.attrs["adjoint"]
    return lambda matrix, rhs: triangular_solve_values(matrix, rhs, lower, adjoint)


def _triangular_solve_grad(op, grad):
    """TF's _MatrixTriangularSolveGrad: solve against the adjoint, keep a's triangle."""
    a, b = op._inputs
    adjoint_a, lower_a = op.attrs["adjoint"], op.attrs["lower"]
    c = op._outputs[0]
    grad_b = matrix_triangular_solve(a, grad, lower=lower_a, adjoint=not adjoint_a)
    if adjoint_a:
        grad_a = -linalg_ops.matmul(c, grad_b, adjoint_b=True)
    else:
        grad_a = -linalg_ops.matmul(grad_b, c, adjoint_b=True)
    grad_a = matrix_ops.matrix_band_part(grad_a, -1, 0) if lower_a else \
        matrix_ops.matrix_band_part(grad_a, 0, -1)
    if (a._shape is not None and b._shape is not None and None not in a._shape
            and None not in b._shape and a._shape[:-2] == b._shape[:-2]):
        return [grad_a, grad_b]
    return [grad_util.sum_to_shape_of(grad_a, a), grad_util.sum_to_shape_of(grad_b, b)]


define("MatrixTriangularSolve", infer=_infer_triangular_solve,
       make_kernel=_triangular_solve_kernel, grad=_triangular_solve_grad)


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """x with matrix @ x = rhs (adjoint(matrix) @ x = rhs when `adjoint`), matrix triangular."""
    with OpScope(name, "triangular_solve", [matrix, rhs]), \
            OpScope(None, "MatrixTriangularSolve", [matrix, rhs]) as scope:
        matrix = convert_to_tensor(matrix, name="matrix")
        rhs = convert_to_tensor(rhs, name="rhs")
        return make_tensor("MatrixTriangularSolve", [matrix, rhs], scope,
                           {"lower": bool(lower), "adjoint": bool(adjoint),
                            "T": matrix.dtype.base_dtype})


def adjoint(matrix, name=None):
    """The transpose of each inner matrix of a real `matrix` (tf.linalg.adjoint)."""
    with OpScope(name, "adjoint", [matrix]):
        matrix = convert_to_tensor(matrix, name="matrix")
        if matrix.dtype.base_dtype.is_complex:
            raise NotImplementedError("graphshell's adjoint has no ConjugateTranspose op: "
                                      "use real matrices")
        return matrix_ops.matrix_transpose(matrix)


__all__ = ["matrix_triangular_solve", "adjoint"]
