"""Ops that move data around without arithmetic: identity, shapes, reshape, transpose, concat,
split, stack, unstack, squeeze and expand_dims."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import (
    constant,
    convert_to_tensor,
)
from ..graph.errors import InvalidArgumentError
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.shapes import is_fully_defined, num_elements, shape_list_str
from ..graph.tensor import Tensor
from . import allocation, input_ops, rules, shape_conversion  # noqa: F401 - registers conversions
from .pack_ops import list_input, pack_nested, stack, unstack  # noqa: F401 - re-exported
from .static import static_value

# -- identity ------------------------------------------------------------------------------------
define("Identity", infer=rules.same_as_input, kernel=lambda x: x, grad=lambda op, g: [g])
define("StopGradient", infer=rules.same_as_input, kernel=lambda x: x, grad=NOT_DIFFERENTIABLE)


def identity(x, name=None):
    """A new op with the value of `x` (a variable gives its current value)."""
    with OpScope(name, "Identity", [x]) as scope:
        x = convert_to_tensor(x, name="input")
        return make_tensor("Identity", [x], scope)


def stop_gradient(x, name=None):
    with OpScope(name, "StopGradient", [x]) as scope:
        x = convert_to_tensor(x, name="input")
        return make_tensor("StopGradient", [x], scope)


# -- shape, size, rank -----------------------------------------------------------------------------
def _infer_shape_op(op):
    shape = op._inputs[0]._shape
    return [(op.attrs["out_type"], (None if shape is None else len(shape),))]


def _int_output(op, rank):
    return [(op.attrs["out_type"], ())]


define("Shape", infer=_infer_shape_op, grad=NOT_DIFFERENTIABLE,
       make_kernel=lambda op, rt: _typed(lambda x: np.shape(x), op.attrs["out_type"]))
define("Size", infer=lambda op: _int_output(op, 0), grad=NOT_DIFFERENTIABLE,
       make_kernel=lambda op, rt: _typed(np.size, op.attrs["out_type"], scalar=True))
define("Rank", infer=lambda op: [(dtypes.int32, ())], kernel=lambda x: np.int32(np.ndim(x)),
       grad=NOT_DIFFERENTIABLE)


def _typed(function, dtype, scalar=False):
    np_type = dtype.as_numpy_dtype
    if scalar:
        return lambda x: np_type(function(x))
    return lambda x: np.array(function(x), dtype=np_type)


def shape(x, name=None, out_type=dtypes.int32, optimize=True):
    """The dynamic shape of x; a Const when the static shape is fully known (as TF does)."""
    out_type = dtypes.as_dtype(out_type)
    with OpScope(name, "Shape", [x]) as scope:
        x = convert_to_tensor(x, name="input")
        if optimize and is_fully_defined(x._shape):
            return constant(np.array(x._shape, dtype=out_type.as_numpy_dtype), name=scope)
        return make_tensor("Shape", [x], scope, {"out_type": out_type})


def size(x, name=None, out_type=dtypes.int32, optimize=True):
    out_type = dtypes.as_dtype(out_type)
    with OpScope(name, "Size", [x]) as scope:
        x = convert_to_tensor(x, name="input")
        count = num_elements(x._shape)
        if optimize and count is not None:
            return constant(np.array(count, dtype=out_type.as_numpy_dtype), name=scope)
        return make_tensor("Size", [x], scope, {"out_type": out_type})


def rank(x, name=None, optimize=True):
    with OpScope(name, "Rank", [x]) as scope:
        x = convert_to_tensor(x, name="input")
        if optimize and x._shape is not None:
            return constant(np.int32(len(x._shape)), name=scope)
        return make_tensor("Rank", [x], scope)


# -- reshape ---------------------------------------------------------------------------------------
def _infer_reshape(op):
    x, target = op._inputs
    wanted = static_value(target)
    if wanted is None:
        length = target._shape[0] if target._shape else None
        return [(x.dtype.base_dtype, None if length is None else (None,) * length)]
    return [(x.dtype.base_dtype, _reshaped(x._shape, [int(d) for d in np.ravel(wanted)]))]


def _reshaped(source, wanted):
    if wanted.count(-1) > 1:
        raise ShapeError("Cannot infer multiple unknown dimensions in shape "
                         f"{shape_list_str(tuple(wanted))}")
    count = num_elements(source)
    known = int(np.prod([d for d in wanted if d != -1], dtype=np.int64))
    if -1 in wanted:
        if count is None:
            return tuple(None if d == -1 else d for d in wanted)
        if known == 0:
            raise ShapeError("Reshape cannot infer the missing input size for an empty tensor "
                             "unless all specified input sizes are non-zero")
        if count % known:
            raise ShapeError(f"Dimension size must be evenly divisible by {known} but is {count}")
        return tuple(count // known if d == -1 else d for d in wanted)
    if count is not None and count != known:
        raise ShapeError(f"Cannot reshape a tensor with {count} elements to shape "
                         f"{shape_list_str(tuple(wanted))} ({known} elements)")
    return tuple(wanted)


def _reshape_kernel(x, target):
    try:
        return np.reshape(x, target)
    except ValueError:
        raise InvalidArgumentError(
            None, None, f"Input to reshape is a tensor with {np.size(x)} values, but the "
            f"requested shape has {int(np.prod(target))}") from None


def _reshape_grad(op, g):
    return [reshape(g, shape(op._inputs[0])), None]  # a Const named Shape when static (TF)


define("Reshape", infer=_infer_reshape, kernel=_reshape_kernel, grad=_reshape_grad)


def reshape(tensor, shape, name=None):
    with OpScope(name, "Reshape", [tensor, shape]) as scope:
        tensor = convert_to_tensor(tensor, name="tensor")
        target = _shape_tensor(shape, "shape")
        return make_tensor("Reshape", [tensor, target], scope)


def _shape_tensor(value, name):
    """A shape argument as an int32 tensor; None or unknown dimensions become -1."""
    if isinstance(value, (tuple, list)) and any(d is None or hasattr(d, "value")
                                                for d in value):
        value = [-1 if getattr(d, "value", d) is None else int(getattr(d, "value", d))
                 for d in value]
    elif hasattr(value, "as_list"):
        value = [-1 if d is None else d for d in value.as_list()]
    tensor = convert_to_tensor(value, preferred_dtype=dtypes.int32, name=name)
    if tensor.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter '{name}' has DataType "
                        f"{tensor.dtype.base_dtype.name} not in list of allowed values: int32, "
                        "int64")
    return tensor


def index_tensor(value, name):
    """An index argument (axis, perm, multiples, dims): an int32 or int64 tensor passes as it is
    (TF's Tidx/Tperm/Tmultiples attrs take both), anything else becomes an int32 tensor."""
    if isinstance(value, Tensor) and value.dtype.base_dtype in (dtypes.int32, dtypes.int64):
        return value
    return convert_to_tensor(value, dtype=_index_dtype(value), name=name)


def _index_dtype(value) -> dtypes.DType:
    """int32, unless Python ints too big for it make it int64 (TF infers the same)."""
    if isinstance(value, Tensor):
        return dtypes.int32
    try:
        array = np.asarray(value)
    except Exception:  # anything numpy cannot hold: let conversion say what is wrong
        return dtypes.int32
    if array.dtype.kind in "iu" and array.size and (
            array.max() > np.iinfo(np.int32).max or array.min() < np.iinfo(np.int32).min):
        return dtypes.int64
    return dtypes.int32


# -- transpose -------------------------------------------------------------------------------------
def _infer_transpose(op):
    x, perm = op._inputs
    order = static_value(perm)
    if order is None or x._shape is None:
        rank = x._shape and len(x._shape)
        return [(x.dtype.base_dtype, None if rank is None else (None,) * rank)]
    order = [int(p) for p in order]
    if len(order) != len(x._shape) or any(not 0 <= p < len(order) for p in order):
        raise ShapeError(f"Dimension must be {len(x._shape)} but is {len(order)}"
                         if len(order) != len(x._shape) else
                         f"perm dim {max(order)} is out of range of input rank {len(order)}")
    return [(x.dtype.base_dtype, tuple(x._shape[p] for p in order))]


def _transpose_grad(op, g):
    order = static_value(op._inputs[1])
    if order is not None:
        return [transpose(g, np.argsort(order).astype(np.int32)), None]
    return [transpose(g, invert_permutation(op._inputs[1])), None]


def _transpose_kernel(x, perm):
    order = [int(p) for p in perm]
    missing = [i for i in range(len(order)) if i not in order]
    if missing:
        raise InvalidArgumentError(None, None, f"{missing[0]} is missing from "
                                               f"{{{','.join(map(str, order))}}}.")
    return np.transpose(x, order)


define("Transpose", infer=_infer_transpose, kernel=_transpose_kernel, grad=_transpose_grad)
define("InvertPermutation", infer=rules.same_as_input,
       kernel=lambda p: np.argsort(p).astype(p.dtype), grad=NOT_DIFFERENTIABLE)


def invert_permutation(x, name=None):
    with OpScope(name, "InvertPermutation", [x]) as scope:
        return make_tensor("InvertPermutation", [convert_to_tensor(x, name="x")], scope)


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permutes dimensions; without `perm` it reverses them."""
    with OpScope(name, "transpose", [a]) as scope:
        a = convert_to_tensor(a, name="a")
        if perm is None:
            if a._shape is None:
                rank_tensor = rank(a)
                perm = (rank_tensor - 1) - input_ops.range_(0, rank_tensor, 1)
            else:
                perm = np.arange(len(a._shape) - 1, -1, -1, dtype=np.int32)
        perm = index_tensor(perm, "perm")
        return make_tensor("Transpose", [a, perm], scope)


# -- stack / unstack live in pack_ops (re-exported: callers write array_ops.stack) ------------
def zeros_like_output(tensor):
    return input_ops.zeros_like(tensor)


# -- squeeze / expand_dims -------------------------------------------------------------------------
def _infer_squeeze(op):
    x = op._inputs[0]
    axes = op.attrs["squeeze_dims"]
    if x._shape is None:
        return [(x.dtype.base_dtype, None)]
    if not axes and None in x._shape:  # an unknown dimension may or may not be squeezed
        return [(x.dtype.base_dtype, None)]
    rank = len(x._shape)
    for k, a in enumerate(axes):
        if not -rank <= a < rank:
            raise ShapeError(f"squeeze_dims[{k}] not in [{-rank},{rank}).")
    axes = {a % rank for a in axes}
    for a in sorted(axes):
        if x._shape[a] not in (1, None):
            raise ShapeError(f"Can not squeeze dim[{a}], expected a dimension of 1, got "
                             f"{x._shape[a]}")
    keep = [d for i, d in enumerate(x._shape) if (axes and i not in axes) or (not axes and d != 1)]
    return [(x.dtype.base_dtype, tuple(keep))]


def _squeeze_kernel(op, runtime):
    axes = tuple(op.attrs["squeeze_dims"]) or None

    def squeeze(x):
        if axes is not None:
            _check_squeeze_axes(axes, np.shape(x))
        return np.squeeze(x, axis=axes)
    return squeeze


def _check_squeeze_axes(axes, shape) -> None:
    """TF's run-time checks, naming each axis normalised to [0, rank)."""
    rank = len(shape)
    for axis in axes:
        if not -rank <= axis < rank:
            raise errors.InvalidArgumentError(
                None, None, f"Tried to squeeze dim index {axis} for tensor with {rank} "
                            "dimensions.")
        if shape[axis] != 1:
            raise errors.InvalidArgumentError(
                None, None, f"Can not squeeze dim[{axis % rank}], expected a dimension of 1, "
                            f"got {shape[axis]}")


def _reshape_back_grad(op, g):
    return [_reshape_like(g, op._inputs[0])] + [None] * (len(op._inputs) - 1)


def _reshape_like(g, x):
    return reshape(g, x._shape if is_fully_defined(x._shape) else shape(x))


define("Squeeze", infer=_infer_squeeze, make_kernel=_squeeze_kernel, grad=_reshape_back_grad)


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002 - TF's name
    axis = squeeze_dims if axis is None else axis
    axes = [] if axis is None else ([axis] if isinstance(axis, int) else list(axis))
    with OpScope(name, "Squeeze", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return make_tensor("Squeeze", [x], scope, {"squeeze_dims": axes})


def _infer_expand_dims(op):
    x, dim = op._inputs
    where = static_value(dim)
    if x._shape is None or where is None:  # TF: unknown rank too when the axis is unknown
        return [(x.dtype.base_dtype, None)]
    # TF takes dim as a scalar or a one-element vector
    axis = rules.normalize_axis(int(np.reshape(where, -1)[0]), len(x._shape) + 1, "dim")
    return [(x.dtype.base_dtype, x._shape[:axis] + (1,) + x._shape[axis:])]


define("ExpandDims", infer=_infer_expand_dims,
       kernel=lambda x, dim: np.expand_dims(x, int(np.reshape(dim, -1)[0])),
       grad=_reshape_back_grad)


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    axis = dim if axis is None else axis
    with OpScope(name, "ExpandDims", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return make_tensor("ExpandDims", [x, index_tensor(axis, "dim")], scope)


# -- gradient helper op ----------------------------------------------------------------------------
def _broadcast_gradient_args(s0, s1):
    s0, s1 = [int(d) for d in s0], [int(d) for d in s1]
    rank = max(len(s0), len(s1))
    a, b = [1] * (rank - len(s0)) + s0, [1] * (rank - len(s1)) + s1
    r0 = [i for i in range(rank) if a[i] == 1 and b[i] != 1 or i < rank - len(s0)]
    r1 = [i for i in range(rank) if b[i] == 1 and a[i] != 1 or i < rank - len(s1)]
    return np.array(r0, dtype=np.int32), np.array(r1, dtype=np.int32)


define("BroadcastGradientArgs", infer=lambda op: [(dtypes.int32, (None,))] * 2,
       kernel=_broadcast_gradient_args, grad=NOT_DIFFERENTIABLE, multi_output=True)


def broadcast_gradient_args(s0, s1, name=None):
    with OpScope(name, "BroadcastGradientArgs", [s0, s1]) as scope:
        return make_op("BroadcastGradientArgs", [s0, s1], scope).outputs
