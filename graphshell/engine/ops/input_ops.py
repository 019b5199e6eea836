"""Where values come from: placeholders (fed), and generated tensors (fill, zeros, ones, range)."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import constant, convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.shapes import as_raw_shape, is_fully_defined, shape_list_str, shapes_compatible
from ..graph.tensor import Tensor
from ..run.runtime import check_allocation
from . import array_ops, math_ops, reduce_ops
from .allocation import check_elements
from .static import static_shape_value, static_value

_SMALL_CONSTANT = 1000  # zeros/ones below this many elements become a Const, as in TF


# -- placeholders ----------------------------------------------------------------------------------
def _unfed_placeholder_kernel(op, runtime):
    dtype_word = dtypes.type_name_for_messages(op.attrs["dtype"])
    shape = op.attrs["shape"]
    # TF leaves the shape out for unknown rank and for scalars
    shape_text = "" if not shape else f" and shape {shape_list_str(shape)}"

    def unfed():
        raise errors.InvalidArgumentError(
            None, op, f"You must feed a value for placeholder tensor '{op.name}' with dtype "
            f"{dtype_word}{shape_text}")
    return unfed


define("Placeholder", infer=lambda op: [(op.attrs["dtype"], op.attrs["shape"])],
       make_kernel=_unfed_placeholder_kernel, grad=NOT_DIFFERENTIABLE)


def placeholder(dtype, shape=None, name=None):
    """A tensor whose value must be fed at each step that needs it."""
    try:
        dtype = dtypes.as_dtype(dtype).base_dtype
    except TypeError:
        raise TypeError(f"Expected DataType for argument 'dtype' not {dtype!r}.") from None
    graph = get_default_graph()
    attrs = {"dtype": dtype, "shape": as_raw_shape(shape)}
    return make_tensor("Placeholder", [], name, attrs, graph)


def _infer_with_default(op):
    default = op._inputs[0]
    shape = op.attrs["shape"]
    if not shapes_compatible(shape, default._shape):
        raise ShapeError(f"Shapes {shape_list_str(default._shape)} and "
                         f"{shape_list_str(shape)} are incompatible")
    return [(default.dtype.base_dtype, shape)]


define("PlaceholderWithDefault", infer=_infer_with_default, kernel=lambda x: x,
       grad=lambda op, g: [g])


def placeholder_with_default(input, shape, name=None):  # noqa: A002 - TF's name
    """A placeholder that passes `input` through when it is not fed."""
    with OpScope(name, "PlaceholderWithDefault", [input]) as scope:
        default = convert_to_tensor(input, name="input")
        attrs = {"dtype": default.dtype.base_dtype, "shape": as_raw_shape(shape)}
        return make_tensor("PlaceholderWithDefault", [default], scope, attrs)


# -- fill, zeros, ones -----------------------------------------------------------------------------
def _fill_kernel(op, runtime):
    def run(dims, value):
        dims = tuple(int(d) for d in np.ravel(dims))
        if any(d < 0 for d in dims):
            raise errors.InvalidArgumentError(None, None, f"dims must be non-negative, got {dims}")
        check_allocation(dims, np.asarray(value).dtype, op.name)
        return np.full(dims, value)
    return run


def _infer_fill(op):
    """TF's Fill shape function: dims a vector without negative entries, value a scalar."""
    dims, value = op._inputs
    if dims._shape is not None and len(dims._shape) != 1:
        raise ShapeError(f"Shape must be rank 1 but is rank {len(dims._shape)}")
    if value._shape is not None and len(value._shape) != 0:
        raise ShapeError(f"Shape must be rank 0 but is rank {len(value._shape)}")
    known = static_value(dims)
    if known is not None and (np.asarray(known) < 0).any():
        raise ShapeError("Fill dimensions must be >= 0")
    return [(value.dtype.base_dtype, _shape_of_dims(dims))]


def _shape_of_dims(dims):
    """The static shape a dims tensor stands for; a Pack of scalars (`ones([h, 3])`) gives the
    entries known while building, as TF's constant_value_as_shape does."""
    if dims.op.type == "Pack" and dims._shape is not None:
        entries = [static_value(part) for part in dims.op._inputs]
        return tuple(None if entry is None or int(entry) < 0 else int(entry)
                     for entry in entries)
    return static_shape_value(dims)


define("Fill", infer=_infer_fill,
       make_kernel=_fill_kernel,
       grad=lambda op, g: [None, reduce_ops.reduce_sum(g)])


def fill(dims, value, name=None):
    with OpScope(name, "Fill", [dims, value]) as scope:
        dims = array_ops.index_tensor(dims, "dims")
        value = convert_to_tensor(value, name="value")
        return make_tensor("Fill", [dims, value], scope)


def _filled(shape, value, dtype, name, default_name):
    dtype = dtypes.as_dtype(dtype).base_dtype
    scalar = _fill_scalar(value, dtype)
    with OpScope(name, default_name, [shape]) as scope:
        if isinstance(shape, (int, np.integer)):
            shape = constant(np.array([int(shape)], dtype=np.int32), name="shape")
        elif isinstance(shape, (list, tuple)) and any(isinstance(d, Tensor) for d in shape):
            shape = convert_to_tensor(shape, dtype=dtypes.int32)  # packed, as TF packs it
        elif not hasattr(shape, "op") and not hasattr(type(shape), "_graphshell_tensor"):
            dims = as_raw_shape(shape)
            if None in dims:
                raise ValueError(f"Cannot create a tensor of unknown shape {list(dims)}")
            if int(np.prod(dims, dtype=np.int64)) < _SMALL_CONSTANT:
                return constant(scalar, dtype=dtype, shape=dims, name=scope)
            shape = constant(np.array(dims, dtype=np.int32), name="shape_as_tensor")
        else:
            shape = convert_to_tensor(shape, dtype=dtypes.int32, name="shape")
        fill_value = constant(scalar, dtype=dtype, name="Const")
        return make_tensor("Fill", [shape, fill_value], scope)


def _fill_scalar(value, dtype):
    if dtype is dtypes.bool_:
        return bool(value)
    if dtype is dtypes.string:
        if value != 0:
            raise TypeError("ones() is not defined for strings")
        return b""
    return value


def zeros(shape, dtype=dtypes.float32, name=None):
    return _filled(shape, 0, dtype, name, "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    return _filled(shape, 1, dtype, name, "ones")


define("ZerosLike", infer=lambda op: [(op._inputs[0].dtype.base_dtype, op._inputs[0]._shape)],
       kernel=np.zeros_like, grad=NOT_DIFFERENTIABLE)
define("OnesLike", infer=lambda op: [(op._inputs[0].dtype.base_dtype, op._inputs[0]._shape)],
       kernel=np.ones_like, grad=NOT_DIFFERENTIABLE)


def _like(tensor, dtype, name, default_name, value):
    with OpScope(name, default_name, [tensor]) as scope:
        tensor = convert_to_tensor(tensor, name="tensor")
        dtype = dtypes.as_dtype(dtype).base_dtype if dtype else tensor.dtype.base_dtype
        if is_fully_defined(tensor._shape) and value == 0:
            return _filled(list(tensor._shape), value, dtype, scope, default_name)
        if is_fully_defined(tensor._shape):
            with OpScope(None, "Shape", []):
                dims = constant(np.array(tensor._shape, dtype=np.int32), name="shape_as_tensor")
            fill_value = constant(_fill_scalar(value, dtype), dtype=dtype, name="Const")
            return make_tensor("Fill", [dims, fill_value], scope)
        if value == 0 and dtype is tensor.dtype.base_dtype:
            return make_tensor("ZerosLike", [tensor], scope)
        # TF fills the dynamic shape for ones_like, and for zeros_like of another dtype
        dims = array_ops.shape(tensor, name="Shape")
        fill_value = constant(_fill_scalar(value, dtype), dtype=dtype, name="Const")
        return make_tensor("Fill", [dims, fill_value], scope)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    return _like(tensor, dtype, name, "zeros_like", 0)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    return _like(tensor, dtype, name, "ones_like", 1)


# -- range -----------------------------------------------------------------------------------------
def _infer_range(op):
    start, limit, delta = (static_value(t) for t in op._inputs)
    dtype = op._inputs[0].dtype.base_dtype
    if start is None or limit is None or delta is None:
        return [(dtype, (None,))]
    _check_range(start, limit, delta, ShapeError)
    return [(dtype, (max(0, int(np.ceil((limit - start) / delta))),))]


def _check_range(start, limit, delta, error_class) -> None:
    """TF's rules: a zero step never ends, and the step must point from start to limit."""
    def fail(message):
        raise error_class(message) if error_class is ShapeError else \
            error_class(None, None, message)
    if delta == 0:
        fail(f"Requires delta != 0: {delta}")
    if delta > 0 and start > limit:
        fail(f"Requires start <= limit when delta > 0: {start}/{limit}")
    if delta < 0 and start < limit:
        fail(f"Requires start >= limit when delta < 0: {start}/{limit}")


def _range_kernel(op, runtime):
    np_type = op._inputs[0].dtype.base_dtype.as_numpy_dtype

    def run(start, limit, delta):
        _check_range(start, limit, delta, errors.InvalidArgumentError)
        check_elements(int(np.ceil((float(limit) - float(start)) / float(delta))), np_type)
        return np.arange(start, limit, delta, dtype=np_type)
    return run


define("Range", infer=_infer_range, make_kernel=_range_kernel, grad=NOT_DIFFERENTIABLE)


def range_(start, limit=None, delta=1, dtype=None, name="range"):
    """Numbers from `start` up to (not including) `limit` by `delta`."""
    if limit is None:
        start, limit = 0, start
    with OpScope(name, "Range", [start, limit, delta]) as scope:
        values = [convert_to_tensor(v, dtype=dtype, name=n)
                  for v, n in ((start, "start"), (limit, "limit"), (delta, "delta"))]
        widest = max((v.dtype.base_dtype for v in values), key=_range_rank)
        values = [math_ops.cast(v, widest) for v in values]
        return make_tensor("Range", values, scope)


def _range_rank(dtype):
    return [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64].index(dtype)
