"""Contractions and norms: einsum (the Einsum op), tensordot (TF's Transpose/Reshape/MatMul
form), norm and reduce_euclidean_norm (EuclideanNorm)."""

from __future__ import annotations

import numbers

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import ShapeError, define
from ..graph.shapes import is_fully_defined
from . import (
    allocation,
    array_ops,
    index_ops,
    linalg_ops,
    math_ops,
    reduce_ops,
    rules,
    slicing_ops,
    unary_ops,
)
from .grad_util import sum_to_shape_of
from .static import static_value

_ELLIPSIS = "."  # '...' is one symbol once the equation is parsed


# -- einsum equations ------------------------------------------------------------------------------
def _split_terms(equation: str):
    """(input terms, output term) with '...' as one '.', the implicit output made explicit."""
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = [term.replace("...", _ELLIPSIS) for term in inputs.split(",")]
    for term in terms:
        if any(not (c.isalpha() or c == _ELLIPSIS) for c in term) or term.count(_ELLIPSIS) > 1:
            raise ValueError(f"Invalid einsum equation '{equation}'")
    if arrow:
        return terms, output.replace("...", _ELLIPSIS)
    letters = "".join(terms)
    once = sorted(c for c in set(letters) if c != _ELLIPSIS and letters.count(c) == 1)
    return terms, (_ELLIPSIS if _ELLIPSIS in letters else "") + "".join(once)


def _resolved(terms, output) -> str:
    return ",".join(terms).replace(_ELLIPSIS, "...") + "->" + output.replace(_ELLIPSIS, "...")


def _infer_einsum(op):
    shape = _einsum_shape(_equation(op), [tensor._shape for tensor in op._inputs])
    return [(op._inputs[0].dtype.base_dtype, shape)]


def _einsum_shape(equation, shapes):
    """The output's raw shape for inputs of `shapes` (None if one is unknown)."""
    terms, output = _split_terms(equation)
    sizes, batch = {}, ()
    for term, shape in zip(terms, shapes):
        if shape is None:
            return None
        named = len(term) - (1 if _ELLIPSIS in term else 0)
        if len(shape) < named or (_ELLIPSIS not in term and len(shape) != named):
            raise ShapeError(f"Input of rank {len(shape)} does not match the {named} labels of "
                             f"'{term.replace(_ELLIPSIS, '...')}'")
        cut = term.find(_ELLIPSIS)
        if cut >= 0:
            extra = len(shape) - named
            batch = rules.broadcast_shapes(batch, shape[cut:cut + extra])
            dims = list(zip(term[:cut], shape[:cut])) + list(zip(term[cut + 1:],
                                                                 shape[cut + extra:]))
        else:
            dims = list(zip(term, shape))
        for label, size in dims:
            known = sizes.get(label)
            if known is not None and size is not None and known != size and 1 not in (known,
                                                                                    size):
                raise ShapeError(f"Dimensions must be equal, but are {known} and {size}")
            sizes[label] = size if known in (None, 1) else known
    shape = []
    for label in output:
        shape.extend(batch if label == _ELLIPSIS else [sizes.get(label)])
    return tuple(shape)


def _einsum_kernel(op, runtime):
    equation = _equation(op)
    if allocation.static_shape_known(op._outputs[0]._shape):  # the plan checks it
        return lambda *values: np.asarray(np.einsum(equation, *values))

    def run(*values):
        try:
            shape = _einsum_shape(equation, [np.shape(value) for value in values])
        except (ShapeError, ValueError):
            shape = None  # np.einsum says what is wrong
        if allocation.static_shape_known(shape):
            allocation.check_output(shape, np.result_type(*values))
        return np.asarray(np.einsum(equation, *values))
    return run


def _equation(op) -> str:
    return op.attrs["equation"].decode()


def _einsum_grad(op, g):
    """Each input's gradient is the einsum of the output gradient with the other inputs into
    that input's labels; labels summed away in that input alone are broadcast back."""
    terms, output = _split_terms(_equation(op))
    grads = []
    for index, (term, tensor) in enumerate(zip(terms, op._inputs)):
        if len(set(term)) != len(term):
            raise LookupError("graphshell has no gradient for einsum terms that repeat a label "
                              f"('{term}')")
        others = [t for i, t in enumerate(terms) if i != index]
        available = output + "".join(others)
        kept = "".join(c for c in term if c in available)
        equation = _resolved([output] + others, kept)
        operands = [g] + [t for i, t in enumerate(op._inputs) if i != index]
        grad = einsum(equation, *operands)
        if kept != term:
            grad = _restore_summed(grad, kept, term, tensor)
        grads.append(sum_to_shape_of(grad, tensor) if _ELLIPSIS in term else grad)
    return grads


def _restore_summed(grad, kept, term, tensor):
    """Inserts size-1 axes for the labels only `term` had, then broadcasts to its shape."""
    with_ones = [1 if c not in kept else None for c in term]
    if any(c == _ELLIPSIS for c in term) or not is_fully_defined(tensor._shape):
        raise LookupError("graphshell's einsum gradient needs known shapes to restore summed "
                          "labels")
    dims = [d if mark is None else 1 for d, mark in zip(tensor._shape, with_ones)]
    return reduce_ops.broadcast_to(array_ops.reshape(grad, dims), list(tensor._shape))


define("Einsum", infer=_infer_einsum, make_kernel=_einsum_kernel, grad=_einsum_grad)


def einsum(equation, *inputs, **kwargs):
    """Sums of products named by an equation such as 'ij,jk->ik' (one Einsum op)."""
    name = kwargs.pop("name", None)
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(f"Invalid keyword arguments for this function: "
                        f"{', '.join(sorted(kwargs))}. Expected: name.")
    with OpScope(name, "einsum", inputs):  # the op is einsum/Einsum, as in TF
        terms, output = _split_terms(equation)
        if len(terms) != len(inputs):
            raise ValueError(f"Expected {len(terms)} inputs for equation '{equation}', got "
                             f"{len(inputs)}")
        tensors = [convert_to_tensor(x, name="inputs") for x in inputs]
        for tensor in tensors[1:]:
            rules.check_exact_dtype(_Named("Einsum"), tensor, tensors[0].dtype.base_dtype,
                                    "inputs")
        return make_tensor("Einsum", tensors, None,
                           {"equation": _resolved(terms, output).encode(), "N": len(tensors)})


class _Named:
    """What the dtype check needs of an op before it exists: its type."""

    def __init__(self, op_type):
        self.type = op_type


# -- tensordot -------------------------------------------------------------------------------------
def _tensordot_axes(a, axes):
    if isinstance(axes, numbers.Integral):
        if axes < 0:
            raise ValueError(f"`axes` must be at least 0. Received: {axes}.")
        rank = _known_rank(a)
        if axes > rank:
            raise ValueError(f"`axes` must not be larger than the number of dimensions of tensor "
                             f"{a}.  Received {axes}, vs tensor dimensions {rank}.")
        return list(range(rank - axes, rank)), list(range(axes))
    if isinstance(axes, (list, tuple)):
        if len(axes) != 2:
            raise ValueError(f"`axes` must be an integer or have length 2. Received {axes}.")
        a_axes, b_axes = axes
        if isinstance(a_axes, numbers.Integral) and isinstance(b_axes, numbers.Integral):
            a_axes, b_axes = [a_axes], [b_axes]
        a_axes, b_axes = list(a_axes), list(b_axes)
        if len(a_axes) != len(b_axes):
            raise ValueError(f"Different number of contraction axes `a` and `b`, "
                             f"{len(a_axes)} != {len(b_axes)}.")
        return a_axes, b_axes
    value = static_value(convert_to_tensor(axes, dtype=dtypes.int32, name="axes"))
    if value is None:
        raise ValueError("graphshell's tensordot needs `axes` known while building")
    return [int(v) for v in value[0]], [int(v) for v in value[1]]


def _known_rank(tensor) -> int:
    if tensor._shape is None:
        raise ValueError("graphshell's tensordot needs the ranks of `a` and `b` known while "
                         "building")
    return len(tensor._shape)


def _tensordot_reshape(a, axes, flipped=False):
    """a transposed and reshaped to a matrix with the contracted axes on one side; also the
    free dimensions (ints when known while building, else a tensor) and their static form."""
    shape = a._shape
    rank = _known_rank(a)
    axes = [i + rank if i < 0 else i for i in axes]
    free = [i for i in range(rank) if i not in axes]
    free_static = [shape[i] for i in free]
    perm = axes + free if flipped else free + axes
    if is_fully_defined(shape):
        free_size = int(np.prod(free_static, dtype=np.int64))
        axes_size = int(np.prod([shape[i] for i in axes], dtype=np.int64))
        target = [axes_size, free_size] if flipped else [free_size, axes_size]
        moved = array_ops.transpose(a, perm) if perm != list(range(rank)) else a
        flat = moved if list(moved._shape) == target else array_ops.reshape(moved, target)
        return flat, free_static, free_static
    axes_t = convert_to_tensor(axes, dtype=dtypes.int32, name="axes")
    free_t = convert_to_tensor(free, dtype=dtypes.int32, name="free")
    dims = array_ops.shape(a)
    free_dims = index_ops.gather(dims, free_t)
    axes_dims = index_ops.gather(dims, axes_t)
    free_size, axes_size = reduce_ops.reduce_prod(free_dims), reduce_ops.reduce_prod(axes_dims)
    if flipped:
        order = slicing_ops.concat([axes_t, free_t], 0)
        target = array_ops.stack([axes_size, free_size])
    else:
        order = slicing_ops.concat([free_t, axes_t], 0)
        target = array_ops.stack([free_size, axes_size])
    return array_ops.reshape(array_ops.transpose(a, order), target), free_dims, free_static


def tensordot(a, b, axes, name=None):
    """Sums products over the given axes of a and b (numpy's tensordot) via one MatMul."""
    with OpScope(name, "Tensordot", [a, b, axes]) as scope:
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b")
        a_axes, b_axes = _tensordot_axes(a, axes)
        a_flat, a_free, a_static = _tensordot_reshape(a, a_axes)
        b_flat, b_free, b_static = _tensordot_reshape(b, b_axes, True)
        product = linalg_ops.matmul(a_flat, b_flat)
        if isinstance(a_free, list) and isinstance(b_free, list):
            if is_fully_defined(product._shape) and list(product._shape) == a_free + b_free:
                return product
            return array_ops.reshape(product, a_free + b_free, name=scope)
        a_free = convert_to_tensor(a_free, dtype=dtypes.int32)
        b_free = convert_to_tensor(b_free, dtype=dtypes.int32)
        result = array_ops.reshape(product, slicing_ops.concat([a_free, b_free], 0), name=scope)
        result.set_shape(tuple(a_static) + tuple(b_static))
        return result


# -- norms -----------------------------------------------------------------------------------------
_MATRIX_ORDS = ("euclidean", "fro", 1, 2, np.inf)
_VECTOR_ORDS = ("euclidean", 1, 2, np.inf)


def _check_norm_arguments(ord, axis):  # noqa: A002 - TF's name
    matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if matrix:
        axis = tuple(axis)
        if not all(isinstance(a, int) for a in axis) or axis[0] == axis[1]:
            raise ValueError("'axis' must be None, an integer, or a tuple of 2 unique integers, "
                             f"got {axis}")
        if ord not in _MATRIX_ORDS:
            raise ValueError(f"'ord' must be a supported matrix norm in "
                             f"{['euclidean', 'fro', 1, 2, np.inf]}, got {ord}")
        return matrix, axis
    if not (isinstance(axis, int) or axis is None):
        raise ValueError("'axis' must be None, an integer, or a tuple of 2 unique integers, got "
                         f"{axis}")
    if ord not in _VECTOR_ORDS and (isinstance(ord, str) or not np.isreal(ord) or ord <= 0):
        raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    return matrix, None if axis is None else (axis,)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None,  # noqa: A002
         keep_dims=None):
    """Vector norms (any ord > 0, inf) and matrix norms (fro, 1, inf) as TF composes them."""
    keepdims = bool(keepdims if keepdims is not None else keep_dims)
    matrix, axis = _check_norm_arguments(ord, axis)
    with OpScope(name, "norm", [tensor]):
        tensor = convert_to_tensor(tensor)
        if ord in ("fro", "euclidean", 2, 2.0):
            if matrix and ord in (2, 2.0):
                raise ValueError("graphshell has no matrix 2-norm (it needs singular values)")
            result = unary_ops.sqrt(reduce_ops.reduce_sum(tensor * tensor, axis, keepdims=True))
        else:
            result = unary_ops.abs(tensor)
            if ord == 1:
                result = reduce_ops.reduce_sum(result, None if axis is None else axis[0],
                                               keepdims=True)
                if matrix:
                    result = reduce_ops.reduce_max(result, axis[-1], keepdims=True)
            elif ord == np.inf:
                if matrix:
                    result = reduce_ops.reduce_sum(result, axis[1], keepdims=True)
                result = reduce_ops.reduce_max(result, None if axis is None else axis[0],
                                               keepdims=True)
            else:
                powered = _power(result, ord)
                result = _power(reduce_ops.reduce_sum(powered, axis, keepdims=True), 1.0 / ord)
        if not keepdims:
            result = array_ops.squeeze(result, axis)
        return result


def _power(x, exponent):
    return math_ops.pow(x, exponent)


# -- EuclideanNorm ---------------------------------------------------------------------------------
def _euclidean_kernel(op, runtime):
    keep = op.attrs["keep_dims"]

    def run(x, axes):
        x = np.asarray(x)
        axes = tuple(int(a) for a in np.ravel(axes))
        squares = np.abs(x) ** 2 if x.dtype.kind == "c" else x * x
        return np.sqrt(np.sum(squares, axis=axes, keepdims=keep)).astype(x.dtype)
    return run


def _euclidean_grad(op, g):
    kept = reduce_ops.kept_shape(op)
    result = op._outputs[0]
    if not op.attrs["keep_dims"]:
        result, g = array_ops.reshape(result, kept), array_ops.reshape(g, kept)
    return [op._inputs[0] / result * g, None]


def _infer_euclidean(op):
    x, axes = op._inputs
    rules.check_dtype(op, x, rules.NUMBERS, "input")
    value = static_value(axes)
    if value is None or x._shape is None:
        return [(x.dtype.base_dtype, None)]
    rank = len(x._shape)
    reduced = {rules.normalize_axis(int(a), rank) for a in np.ravel(value)}
    if op.attrs["keep_dims"]:
        return [(x.dtype.base_dtype, tuple(1 if i in reduced else d
                                           for i, d in enumerate(x._shape)))]
    return [(x.dtype.base_dtype, tuple(d for i, d in enumerate(x._shape) if i not in reduced))]


define("EuclideanNorm", infer=_infer_euclidean, make_kernel=_euclidean_kernel,
       grad=_euclidean_grad)


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x**2)) over axis, as one EuclideanNorm op."""
    x = convert_to_tensor(input_tensor, name="input_tensor")
    if axis is None:  # every axis, as a constant made before the op's scope (TF's order)
        axis = _all_axes(x)
    with OpScope(name, "EuclideanNorm", [x]) as scope:
        axes = convert_to_tensor(axis, dtype=dtypes.int32, name="reduction_indices")
        return make_tensor("EuclideanNorm", [x, axes], scope, {"keep_dims": bool(keepdims)})


def _all_axes(x):
    if x._shape is None:
        raise ValueError("graphshell's reduce_euclidean_norm needs the rank known while building")
    return convert_to_tensor(np.arange(len(x._shape), dtype=np.int32))
