"""SparseTensor ops: SparseToDense (tf.sparse.to_dense) with TF's index checks and gradient,
tf.sparse_placeholder (three placeholders standing for one SparseTensor), and tf.sparse_add
(SparseAdd with its SparseAddGrad, SparseTensorDenseAdd)."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.shapes import TensorShape
from ..graph.sparse_tensor import SparseTensor, SparseTensorValue
from . import input_ops, mask_ops, math_ops, reduce_ops
from .allocation import check_output
from .static import static_shape_value


def _infer_sparse_to_dense(op):
    indices, output_shape, values, default = op._inputs
    for tensor, most in ((indices, 2), (output_shape, 1), (values, 1)):
        if tensor._shape is not None and len(tensor._shape) > most:
            raise ShapeError(f"Shape must be at most rank {most} but is rank "
                             f"{len(tensor._shape)}")
    if default._shape is not None and len(default._shape) != 0:
        raise ShapeError(f"Shape must be rank 0 but is rank {len(default._shape)}")
    return [(values.dtype.base_dtype, static_shape_value(output_shape))]


def _sparse_to_dense_kernel(op, runtime):
    validate = op.attrs["validate_indices"]

    def run(indices, output_shape, values, default):
        shape = tuple(int(d) for d in np.ravel(output_shape))
        indices = np.asarray(indices)
        count = indices.shape[0] if indices.ndim > 0 else 1
        rank = indices.shape[1] if indices.ndim > 1 else 1
        positions = indices.reshape(count, rank)
        values = np.asarray(values)
        if values.ndim != 0 and values.shape != (count,):
            raise errors.InvalidArgumentError(
                None, None, f"sparse_values has incorrect shape {list(values.shape)}, should be "
                f"[] or [{count}]")
        if rank != len(shape):
            raise errors.InvalidArgumentError(
                None, None, f"output_shape has incorrect number of elements: {len(shape)} "
                f"should be: {rank}")
        if validate:
            _check_indices(positions, shape)
        check_output(shape, values.dtype)
        dense = np.full(shape, default, dtype=values.dtype)
        if count:
            in_bounds = np.all((positions >= 0) & (positions < np.array(shape)), axis=1)
            chosen = positions[in_bounds]
            dense[tuple(chosen.T)] = values if values.ndim == 0 else values[in_bounds]
        return dense
    return run


def _check_indices(positions, shape) -> None:
    """TF's SparseTensor validity check: in bounds, in row-major order, no repeats."""
    bounds = "[" + ",".join(str(d) for d in shape) + "]"
    previous = None
    for i, position in enumerate(positions.tolist()):
        text = "[" + ",".join(str(p) for p in position) + "]"
        if any(p < 0 or p >= d for p, d in zip(position, shape)):
            raise errors.InvalidArgumentError(
                None, None, f"indices[{i}] = {text} is out of bounds: need 0 <= index < {bounds}")
        if previous is not None:
            if position < previous:
                raise errors.InvalidArgumentError(
                    None, None, f"indices[{i}] = {text} is out of order. Many sparse ops "
                    "require sorted indices.\n    Use `tf.sparse.reorder` to create a correctly "
                    "ordered copy.\n\n")
            if position == previous:
                raise errors.InvalidArgumentError(
                    None, None, f"indices[{i}] = {text} is repeated")
        previous = position


def _sparse_to_dense_grad(op, grad):
    indices, output_shape = op._inputs[0], op._inputs[1]
    values_grad = mask_ops.gather_nd(grad, indices)
    default_grad = math_ops.subtract(reduce_ops.reduce_sum(grad),
                                     reduce_ops.reduce_sum(values_grad))
    return [input_ops.zeros_like(indices), input_ops.zeros_like(output_shape), values_grad,
            default_grad]


define("SparseToDense", infer=_infer_sparse_to_dense, make_kernel=_sparse_to_dense_kernel,
       grad=_sparse_to_dense_grad)


def _as_sparse_tensor(sp_input) -> SparseTensor:
    if isinstance(sp_input, SparseTensorValue):
        return SparseTensor.from_value(sp_input)
    if not isinstance(sp_input, SparseTensor):
        raise TypeError("Input must be a SparseTensor.")
    return sp_input


def sparse_tensor_to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense tensor a SparseTensor stands for (`default_value`, else 0, elsewhere)."""
    sp_input = _as_sparse_tensor(sp_input)
    if default_value is None:
        default_value = input_ops.zeros([], dtype=sp_input.dtype.base_dtype)
    with OpScope(name, "SparseToDense", [sp_input.indices, sp_input.values]) as scope:
        default = convert_to_tensor(default_value, dtype=sp_input.dtype.base_dtype,
                                    name="default_value")
        attrs = {"validate_indices": bool(validate_indices), "T": sp_input.dtype.base_dtype,
                 "Tindices": sp_input.indices.dtype.base_dtype}
        inputs = [sp_input.indices, sp_input.dense_shape, sp_input.values, default]
        return make_tensor("SparseToDense", inputs, scope, attrs)


def sparse_placeholder(dtype, shape=None, name=None) -> SparseTensor:
    """A SparseTensor of three placeholders (values, indices, and a dense_shape that defaults
    to `shape` with -1 for unknown dimensions); feed it a SparseTensorValue."""
    shape_name = None if name is None else name + "/shape"
    if shape is None:
        dense_shape = input_ops.placeholder(dtypes.int64, shape=[None], name=shape_name)
        rank, static_shape = None, TensorShape(None)
    else:
        dims = [None if d is None or d == -1 else int(d) for d in TensorShape(shape).as_list()]
        rank, static_shape = len(dims), TensorShape(dims)
        default = convert_to_tensor([-1 if d is None else d for d in dims], dtype=dtypes.int64,
                                    name=None if name is None else name + "/shape_default")
        dense_shape = input_ops.placeholder_with_default(default, shape=[rank], name=shape_name)
    values = input_ops.placeholder(dtype, shape=[None],
                                   name=None if name is None else name + "/values")
    indices = input_ops.placeholder(dtypes.int64, shape=[None, rank],
                                    name=None if name is None else name + "/indices")
    result = SparseTensor(indices=indices, values=values, dense_shape=dense_shape)
    result._dense_shape_default = static_shape
    return result


# -- sparse_add ---------------------------------------------------------------------------------
def _infer_sparse_dense_add(op):
    values, dense = op._inputs[1], op._inputs[3]
    return [(values.dtype.base_dtype, dense._shape)]


def _sparse_dense_add(indices, values, shape, dense):
    shape = tuple(int(d) for d in np.ravel(shape))
    dense = np.asarray(dense)
    if dense.shape != shape:
        raise errors.InvalidArgumentError(
            None, None, f"Dimension mismatch: a_shape={list(shape)}, b.shape="
            f"{list(dense.shape)}")
    result = dense.copy()
    if len(values):
        np.add.at(result, tuple(np.asarray(indices).T), values)
    return result


define("SparseTensorDenseAdd", infer=_infer_sparse_dense_add, kernel=_sparse_dense_add,
       grad=lambda op, g: [None, mask_ops.gather_nd(g, op._inputs[0]), None, g])


def _infer_sparse_add(op):
    a_indices, a_values = op._inputs[0], op._inputs[1]
    rank = None if a_indices._shape is None else a_indices._shape[1]
    return [(dtypes.int64, (None, rank)), (a_values.dtype.base_dtype, (None,)),
            (dtypes.int64, (rank,))]


def _sparse_add(a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
    """TF's SparseAdd: both index lists in row-major order are merged; equal positions add
    up and are kept when thresh <= |sum|."""
    if len(a_shape) != len(b_shape):
        raise errors.InvalidArgumentError(
            None, None, f"Operands do not have the same ranks; got shapes: {list(a_shape)} and "
            f"{list(b_shape)}")
    for dim, (left, right) in enumerate(zip(a_shape.tolist(), b_shape.tolist())):
        if left != right:
            raise errors.InvalidArgumentError(
                None, None, f"Operands' shapes do not match: got {left} and {right} for "
                f"dimension {dim}")
    a_rows, b_rows = a_indices.tolist(), b_indices.tolist()
    indices, values = [], []
    i = j = 0
    while i < len(a_rows) and j < len(b_rows):
        if a_rows[i] == b_rows[j]:
            total = a_values[i] + b_values[j]
            if thresh <= np.abs(total):
                indices.append(a_rows[i])
                values.append(total)
            i, j = i + 1, j + 1
        elif a_rows[i] < b_rows[j]:
            indices.append(a_rows[i])
            values.append(a_values[i])
            i += 1
        else:
            indices.append(b_rows[j])
            values.append(b_values[j])
            j += 1
    indices += a_rows[i:] + b_rows[j:]
    values += list(a_values[i:]) + list(b_values[j:])
    rank = len(a_shape)
    return (np.array(indices, np.int64).reshape(len(indices), rank),
            np.array(values, dtype=a_values.dtype), np.array(a_shape, np.int64))


def _sparse_add_grad_kernel(grad, a_indices, b_indices, sum_indices):
    """Each input value's gradient: the output gradient where its position survived, else 0."""
    position = {tuple(row): k for k, row in enumerate(sum_indices.tolist())}

    def gathered(indices):
        rows = [position.get(tuple(row)) for row in indices.tolist()]
        return np.array([grad[k] if k is not None else 0 for k in rows], dtype=grad.dtype)
    return gathered(a_indices), gathered(b_indices)


def _sparse_add_grad(op, *grads):
    a_indices, b_indices, sum_indices = op._inputs[0], op._inputs[3], op._outputs[0]
    with OpScope(None, "SparseAddGrad", [grads[1]]) as scope:
        grad_op = make_op("SparseAddGrad", [grads[1], a_indices, b_indices, sum_indices], scope,
                          {"T": grads[1].dtype.base_dtype})
    return [None, grad_op._outputs[0], None, None, grad_op._outputs[1], None, None]


define("SparseAdd", infer=_infer_sparse_add, kernel=_sparse_add, grad=_sparse_add_grad,
       multi_output=True)
def _infer_sparse_add_grad(op):
    grad, a_indices, b_indices = op._inputs[0], op._inputs[1], op._inputs[2]
    return [(grad.dtype.base_dtype, (None,) if indices._shape is None else indices._shape[:1])
            for indices in (a_indices, b_indices)]


define("SparseAddGrad", infer=_infer_sparse_add_grad, kernel=_sparse_add_grad_kernel,
       grad=NOT_DIFFERENTIABLE, multi_output=True)


def sparse_add(a, b, threshold=None, thresh=None):
    """a + b where at least one is sparse: a SparseTensor if both are, else a dense tensor."""
    threshold = thresh if threshold is None else threshold
    threshold = 0 if threshold is None else threshold
    sparse_kinds = (SparseTensor, SparseTensorValue)
    if not any(isinstance(x, sparse_kinds) for x in (a, b)):
        raise TypeError("At least one input should be SparseTensor; do you mean to use tf.add()?")
    if not all(isinstance(x, sparse_kinds) for x in (a, b)):
        if isinstance(b, sparse_kinds):
            a, b = b, a
        a = _as_sparse_tensor(a)
        with OpScope(None, "SparseTensorDenseAdd", [a.values, b]) as scope:
            dense = convert_to_tensor(b, dtype=a.dtype.base_dtype, name="b")
            attrs = {"T": a.dtype.base_dtype, "Tindices": dtypes.int64}
            return make_tensor("SparseTensorDenseAdd",
                               [a.indices, a.values, a.dense_shape, dense], scope, attrs)
    a, b = _as_sparse_tensor(a), _as_sparse_tensor(b)
    threshold = convert_to_tensor(threshold, dtype=a.dtype.base_dtype, name="threshold")
    with OpScope(None, "SparseAdd", [a.values, b.values]) as scope:
        attrs = {"T": a.dtype.base_dtype, "Treal": a.dtype.base_dtype}
        op = make_op("SparseAdd", [a.indices, a.values, a.dense_shape, b.indices, b.values,
                                   b.dense_shape, threshold], scope, attrs)
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError(f"Shapes {a.shape} and {b.shape} are incompatible")
    static = a.shape.merge_with(b.shape)
    shape = static.as_list() if static.is_fully_defined() else op._outputs[2]
    return SparseTensor(op._outputs[0], op._outputs[1], shape)
