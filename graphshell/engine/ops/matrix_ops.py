"""Matrix structure and algebra: diagonals, band parts, trace, inverse, determinant, matrix
transpose and the cross product."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import ShapeError, define
from ..graph.shapes import is_fully_defined, merge_shapes, shapes_compatible
from . import array_ops, input_ops, linalg_ops, reduce_ops, rules, slicing_ops
from .allocation import check_output
from .static import static_value


def _dtype(op, index=0):
    return op._inputs[index].dtype.base_dtype


def _static_int(tensor) -> int:
    value = static_value(tensor)
    if value is None:
        raise ShapeError(f"{tensor.op.name} must be known while building the graph")
    if np.ndim(value) != 0:
        raise ShapeError("graphshell supports a single diagonal (a scalar k) only")
    return int(value)


# -- Diag / DiagPart: a tensor of rank k to a rank 2k diagonal and back --------------------------
def _infer_diag(op):
    shape = op._inputs[0]._shape
    if shape is not None and len(shape) < 1:
        raise ShapeError(f"Shape must be at least rank 1 but is rank {len(shape)}")
    return [(_dtype(op), None if shape is None else shape + shape)]


def _diag_kernel(x):
    x = np.asarray(x)
    count = x.size
    check_output((count, count), x.dtype)
    result = np.zeros((count, count), dtype=x.dtype)
    result[np.arange(count), np.arange(count)] = x.ravel()
    return result.reshape(x.shape + x.shape)


def _infer_diag_part(op):
    shape = op._inputs[0]._shape
    if shape is None:
        return [(_dtype(op), None)]
    if len(shape) % 2 or not shape:
        raise ShapeError(f"Input must have even and non-zero rank, input rank is {len(shape)}")
    half = len(shape) // 2
    for first, second in zip(shape[:half], shape[half:]):
        if first is not None and second is not None and first != second:
            raise ShapeError(f"Dimensions must be equal, but are {first} and {second}")
    return [(_dtype(op), merge_shapes(shape[:half], shape[half:]))]


def _diag_part_kernel(x):
    x = np.asarray(x)
    half = x.shape[:x.ndim // 2]
    if half != x.shape[x.ndim // 2:]:
        raise errors.InvalidArgumentError(
            None, None, "Invalid shape " + str(list(x.shape)).replace(" ", "") +
            ": dimensions must match")
    count = int(np.prod(half, dtype=np.int64))
    return x.reshape(count, count).diagonal().reshape(half).copy()


define("Diag", infer=_infer_diag, kernel=_diag_kernel, grad=lambda op, g: [diag_part(g)])
define("DiagPart", infer=_infer_diag_part, kernel=_diag_part_kernel,
       grad=lambda op, g: [diag(g)])


def diag(diagonal, name=None):
    """A tensor of rank 2k with `diagonal` (rank k) on its diagonal and zeros elsewhere."""
    with OpScope(name, "Diag", [diagonal]) as scope:
        return make_tensor("Diag", [convert_to_tensor(diagonal, name="diagonal")], scope)


def diag_part(input, name=None):  # noqa: A002 - TF's name
    """The diagonal of a rank 2k tensor (the inverse of diag)."""
    with OpScope(name, "DiagPart", [input]) as scope:
        return make_tensor("DiagPart", [convert_to_tensor(input, name="input")], scope)


# -- the batched matrix forms (V3 ops, one diagonal k) --------------------------------------------
def _diagonal_length(rows, cols, k):
    if rows is None or cols is None:
        return None
    return max(0, min(rows + min(k, 0), cols - max(k, 0)))


def _diagonal_index(rows, cols, k):
    length = _diagonal_length(rows, cols, k)
    steps = np.arange(length)
    return steps - min(k, 0), steps + max(k, 0)


def _infer_matrix_diag(op):
    diagonal = op._inputs[0]._shape
    k = _static_int(op._inputs[1])
    if diagonal is None:
        return [(_dtype(op), None)]
    if not diagonal:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    size = None if diagonal[-1] is None else diagonal[-1] + abs(k)
    return [(_dtype(op), diagonal[:-1] + (size, size))]


def _matrix_diag_kernel(diagonal, k, num_rows, num_cols, padding):
    diagonal = np.asarray(diagonal)
    k, size = int(k), diagonal.shape[-1] + abs(int(k))
    check_output(diagonal.shape[:-1] + (size, size), diagonal.dtype)
    result = np.full(diagonal.shape[:-1] + (size, size), padding, dtype=diagonal.dtype)
    rows, cols = _diagonal_index(size, size, k)
    result[..., rows, cols] = diagonal
    return result


def _infer_matrix_diag_part(op):
    shape = op._inputs[0]._shape
    k = _static_int(op._inputs[1])
    if shape is None:
        return [(_dtype(op), None)]
    if len(shape) < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {len(shape)}")
    return [(_dtype(op), shape[:-2] + (_diagonal_length(shape[-2], shape[-1], k),))]


def _matrix_diag_part_kernel(x, k, padding):
    x = np.asarray(x)
    rows, cols = _diagonal_index(x.shape[-2], x.shape[-1], int(k))
    return x[..., rows, cols]


def _infer_set_diag(op):
    shape = op._inputs[0]._shape
    if shape is not None and len(shape) < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {len(shape)}")
    return rules.same_as_input(op)


def _set_diag_kernel(x, diagonal, k):
    result = np.array(x, copy=True)
    rows, cols = _diagonal_index(result.shape[-2], result.shape[-1], int(k))
    if np.shape(diagonal)[-1] != len(rows):
        raise errors.InvalidArgumentError(
            None, None, f"diagonal must be at least 1-dim, and the last dimension of diagonal "
                        f"must be {len(rows)}")
    result[..., rows, cols] = diagonal
    return result


def _k_of(op):
    return static_value(op._inputs[1 if op.type != "MatrixSetDiagV3" else 2])


define("MatrixDiagV3", infer=_infer_matrix_diag, kernel=_matrix_diag_kernel,
       grad=lambda op, g: [matrix_diag_part(g, k=int(_k_of(op)))] + [None] * 4)
define("MatrixDiagPartV3", infer=_infer_matrix_diag_part, kernel=_matrix_diag_part_kernel,
       grad=lambda op, g: [matrix_set_diag(input_ops.zeros_like(op._inputs[0]), g,
                                           k=int(_k_of(op))), None, None])
define("MatrixSetDiagV3", infer=_infer_set_diag, kernel=_set_diag_kernel,
       grad=lambda op, g: [matrix_set_diag(g, input_ops.zeros_like(op._inputs[1]),
                                           k=int(_k_of(op))),
                           matrix_diag_part(g, k=int(_k_of(op))), None])

_ALIGN = {"align": "RIGHT_LEFT"}


def _index_constant(value, name):
    return convert_to_tensor(value, dtype=dtypes.int32, name=name)


def matrix_diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
                align="RIGHT_LEFT"):
    """Batched square matrices with `diagonal`'s last axis on diagonal k."""
    with OpScope(name, "diag", [diagonal]) as scope:
        diagonal = convert_to_tensor(diagonal, name="diagonal")
        inputs = [diagonal, _index_constant(k, "k"), _index_constant(num_rows, "num_rows"),
                  _index_constant(num_cols, "num_cols"),
                  convert_to_tensor(padding_value, dtype=diagonal.dtype.base_dtype,
                                    name="padding_value")]
        if int(static_value(inputs[2])) != -1 or int(static_value(inputs[3])) != -1:
            raise ValueError("graphshell's matrix_diag builds square matrices only "
                             "(num_rows and num_cols -1)")
        return make_tensor("MatrixDiagV3", inputs, scope, {"align": align})


def matrix_diag_part(input, name="diag_part", k=0, padding_value=0,  # noqa: A002
                     align="RIGHT_LEFT"):
    """Diagonal k of each matrix in the batch."""
    with OpScope(name, "diag_part", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        k = _index_constant(k, "k")
        padding = convert_to_tensor(padding_value, dtype=x.dtype.base_dtype,
                                    name="padding_value")
        return make_tensor("MatrixDiagPartV3", [x, k, padding], scope, {"align": align})


def matrix_set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """`input` with diagonal k of each matrix replaced by `diagonal`."""
    with OpScope(name, "set_diag", [input, diagonal]) as scope:
        x = convert_to_tensor(input, name="input")
        diagonal = convert_to_tensor(diagonal, dtype=x.dtype.base_dtype, name="diagonal")
        return make_tensor("MatrixSetDiagV3", [x, diagonal, _index_constant(k, "k")], scope,
                           {"align": align})


# -- band part ------------------------------------------------------------------------------------
def _infer_band_part(op):
    shape = op._inputs[0]._shape
    if shape is not None and len(shape) < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {len(shape)}")
    return rules.same_as_input(op)


def _band_part_kernel(x, lower, upper):
    x = np.asarray(x)
    rows, cols = x.shape[-2:]
    lower, upper = int(lower), int(upper)
    if lower > rows:
        raise errors.InvalidArgumentError(
            None, None, f"num_lower must be negative or less or equal to number of rows "
                        f"({rows}) got: {lower}")
    if upper > cols:
        raise errors.InvalidArgumentError(
            None, None, f"num_upper must be negative or less or equal to number of columns "
                        f"({cols}) got: {upper}")
    offset = np.arange(cols)[None, :] - np.arange(rows)[:, None]  # column minus row
    keep = ((lower < 0) | (-offset <= lower)) & ((upper < 0) | (offset <= upper))
    return np.where(keep, x, np.zeros((), dtype=x.dtype))


define("MatrixBandPart", infer=_infer_band_part, kernel=_band_part_kernel,
       grad=lambda op, g: [matrix_band_part(g, op._inputs[1], op._inputs[2]), None, None])


def matrix_band_part(input, num_lower, num_upper, name=None):  # noqa: A002 - TF's name
    """Each matrix with everything outside the central band set to zero (negative: keep all)."""
    with OpScope(name, "MatrixBandPart", [input, num_lower, num_upper]) as scope:
        x = convert_to_tensor(input, name="input")
        lower = convert_to_tensor(num_lower, name="num_lower")
        upper = convert_to_tensor(num_upper, dtype=lower.dtype.base_dtype, name="num_upper")
        return make_tensor("MatrixBandPart", [x, lower, upper], scope)


def trace(x, name=None):
    """The sum of each matrix's diagonal."""
    with OpScope(name, "Trace", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return reduce_ops.reduce_sum(matrix_diag_part(x), [-1], name=scope)


# -- inverse and determinant ----------------------------------------------------------------------
def _infer_square(op, drop_matrix=False):
    x = op._inputs[0]
    rules.check_dtype(op, x, rules.FLOATS_AND_COMPLEX, "input")
    shape = x._shape
    if shape is None:
        return [(_dtype(op), None)]
    if len(shape) < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {len(shape)}")
    rows, cols = shape[-2:]
    if rows is not None and cols is not None and rows != cols:
        raise ShapeError(f"Dimensions must be equal, but are {rows} and {cols}")
    return [(_dtype(op), shape[:-2] if drop_matrix else shape)]


def _check_square(x):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise errors.InvalidArgumentError(
            None, None, "Input matrix must be square." if x.ndim >= 2 else
            f"Input tensor 0 must have rank >= 2, got {x.ndim}")


def _inverse_kernel(op, runtime):
    adjoint = op.attrs["adjoint"]

    def run(x):
        x = np.asarray(x)
        _check_square(x)
        if adjoint:
            x = np.conj(np.swapaxes(x, -1, -2))
        try:
            return np.linalg.inv(x).astype(x.dtype)
        except np.linalg.LinAlgError:
            raise errors.InvalidArgumentError(None, None, "Input is not invertible.") from None
    return run


def _inverse_grad(op, g):
    """d(A^-1) = -A^-1 dA A^-1, with the adjoint flag carried through (TF's form)."""
    inverse = op._outputs[0]
    adjoint = op.attrs["adjoint"]
    inner = linalg_ops.matmul(g, inverse, adjoint_a=adjoint, adjoint_b=not adjoint)
    return [-linalg_ops.matmul(inverse, inner, adjoint_a=not adjoint)]


def _determinant_kernel(x):
    x = np.asarray(x)
    _check_square(x)
    return np.asarray(np.linalg.det(x), dtype=x.dtype)[()]


def _determinant_grad(op, g):
    """d det(A) / dA = det(A) * A^-T, broadcast over the batch."""
    a, determinant = op._inputs[0], op._outputs[0]
    inverse_t = matrix_inverse(a, adjoint=True)
    dims = (list(determinant._shape) + [1, 1]) if is_fully_defined(determinant._shape) else \
        slicing_ops.concat([array_ops.shape(determinant), [1, 1]], 0)
    return [array_ops.reshape(g * determinant, dims) * inverse_t]


define("MatrixInverse", infer=_infer_square, make_kernel=_inverse_kernel, grad=_inverse_grad)
define("MatrixDeterminant", infer=lambda op: _infer_square(op, drop_matrix=True),
       kernel=_determinant_kernel, grad=_determinant_grad)


def matrix_inverse(input, adjoint=False, name=None):  # noqa: A002 - TF's name
    """The inverse of each square matrix (of its adjoint with adjoint=True)."""
    with OpScope(name, "MatrixInverse", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return make_tensor("MatrixInverse", [x], scope, {"adjoint": bool(adjoint)})


def matrix_determinant(input, name=None):  # noqa: A002 - TF's name
    """The determinant of each square matrix."""
    with OpScope(name, "MatrixDeterminant", [input]) as scope:
        return make_tensor("MatrixDeterminant", [convert_to_tensor(input, name="input")], scope)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swaps the last two axes."""
    with OpScope(name, "matrix_transpose", [a]):
        a = convert_to_tensor(a, name="a")
        if a._shape is None:
            raise ValueError("graphshell's matrix_transpose needs the rank known while building")
        rank = len(a._shape)
        if rank < 2:
            raise ValueError(f"Argument `a` should be a (batch) matrix with rank >= 2.  "
                             f"Received `a` = {a} with shape: {a.get_shape()}")
        perm = list(range(rank - 2)) + [rank - 1, rank - 2]
        return array_ops.transpose(a, perm=perm)


# -- cross product --------------------------------------------------------------------------------
def _infer_cross(op):
    a, b = op._inputs
    rules.check_dtype(op, a, rules.FLOATS + rules.INTEGERS, "a")
    if not shapes_compatible(a._shape, b._shape):
        raise ShapeError(f"Dimension {len(a._shape) - 1} in both shapes must be equal, but are "
                         f"{a._shape[-1]} and {b._shape[-1]}" if a._shape and b._shape
                         and len(a._shape) == len(b._shape) else
                         "Shapes must be equal rank, but are "
                         f"{len(a._shape)} and {len(b._shape)}")
    shape = merge_shapes(a._shape, b._shape)
    if shape is not None and (not shape or shape[-1] not in (3, None)):
        raise ShapeError("Dimension must be 3 but is " +
                         (str(shape[-1]) if shape else "rank 0"))
    return [(_dtype(op), shape)]


define("Cross", infer=_infer_cross, kernel=lambda a, b: np.cross(a, b).astype(a.dtype),
       grad=lambda op, g: [cross(op._inputs[1], g), cross(g, op._inputs[0])])


def cross(a, b, name=None):
    """The cross product of 3-vectors along the last axis."""
    with OpScope(name, "Cross", [a, b]) as scope:
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, dtype=a.dtype.base_dtype, name="b")
        return make_tensor("Cross", [a, b], scope)
