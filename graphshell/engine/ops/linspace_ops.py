"""`tf.linspace` as TF 2's compat.v1 builds it (math_ops.linspace_nd: start and stop broadcast,
a Range of steps scaled by the step size, both ends concatenated on and sliced to `num`), and
the BroadcastArgs op (`tf.broadcast_dynamic_shape`) it starts with."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import constant, convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from . import (
    array_ops,
    input_ops,
    logic_ops,
    math_ops,
    nn_impl,
    reduce_ops,
    slice_helper,
    slicing_ops,
)
from .static import static_value


# -- BroadcastArgs ---------------------------------------------------------------------------------
def _broadcast_shapes(a, b) -> list[int]:
    a, b = [int(d) for d in np.ravel(a)], [int(d) for d in np.ravel(b)]
    rank = max(len(a), len(b))
    out = []
    for x, y in zip([1] * (rank - len(a)) + a, [1] * (rank - len(b)) + b):
        if x != y and 1 not in (x, y):
            raise InvalidArgumentError(None, None, f"Incompatible shapes: [{','.join(map(str, a))}]"
                                       f" vs. [{','.join(map(str, b))}]")
        out.append(y if x == 1 else x)
    return out


def _infer_broadcast_args(op):
    a, b = op._inputs
    for t in (a, b):
        if t._shape is not None and len(t._shape) != 1:
            raise ShapeError(f"Shape must be rank 1 but is rank {len(t._shape)}")
    values = [static_value(t) for t in (a, b)]
    if all(v is not None for v in values):
        try:
            return [(a.dtype.base_dtype, (len(_broadcast_shapes(*values)),))]
        except InvalidArgumentError as error:
            raise ShapeError(error.message) from None
    lengths = [None if t._shape is None else t._shape[0] for t in (a, b)]
    known = None if None in lengths else max(lengths)
    return [(a.dtype.base_dtype, (known,))]


define("BroadcastArgs", infer=_infer_broadcast_args,
       make_kernel=lambda op, rt: lambda a, b: np.array(_broadcast_shapes(a, b),
                                                        a.dtype),
       grad=NOT_DIFFERENTIABLE)


def broadcast_dynamic_shape(shape_x, shape_y, name=None):
    """tf.broadcast_dynamic_shape: the shape two shapes broadcast to (one BroadcastArgs op)."""
    with OpScope(name, "BroadcastArgs", [shape_x, shape_y]) as scope:
        x = convert_to_tensor(shape_x, name="s0")
        y = convert_to_tensor(shape_y, dtype=x.dtype.base_dtype, name="s1")
        return make_tensor("BroadcastArgs", [x, y], scope, {"T": x.dtype.base_dtype})


# -- linspace --------------------------------------------------------------------------------------
def _raw_cast(x, dtype, name="Cast"):
    """A Cast op even when the dtype does not change (TF's gen_math_ops.cast)."""
    return make_tensor("Cast", [x], name, {"SrcT": x.dtype.base_dtype, "DstT": dtype,
                                           "Truncate": False})


def _int_tensor(num):
    """TF's convert_to_int_tensor: an int32 preferred, cast (always) to int32."""
    tensor = convert_to_tensor(num, dtype=dtypes.int32 if not hasattr(num, "dtype") else None,
                               name="num")
    if not tensor.dtype.is_integer:
        raise TypeError(f"Input must be integer, got {tensor.dtype.name}")
    return _raw_cast(tensor, dtypes.int32)


def _range_int64(limit):
    with OpScope(None, "range", [limit]) as scope:
        start = constant(np.int64(1), name="start")
        delta = constant(np.int64(1), name="delta")
        return make_tensor("Range", [start, _raw_cast(limit, dtypes.int64), delta], scope)


def linspace(start, stop, num, name=None, axis=0):
    """tf.linspace / tf.lin_space (TF 2's linspace_nd): `num` evenly spaced values from start to
    stop along `axis`, start and stop broadcast against each other."""
    with OpScope(name, "linspace", [start, stop]):
        start = convert_to_tensor(start, name="start")
        stop = convert_to_tensor(stop, dtype=start.dtype.base_dtype, name="stop")
        num_int = _int_tensor(num)
        math_ops.cast(num_int, start.dtype.base_dtype)  # unused, as in TF
        known = _static_broadcast(start._shape, stop._shape)
        shape = broadcast_dynamic_shape(array_ops.shape(start), array_ops.shape(stop))
        start = reduce_ops.broadcast_to(start, shape)
        stop = reduce_ops.broadcast_to(stop, shape)
        first = array_ops.expand_dims(start, axis=axis)
        last = array_ops.expand_dims(stop, axis=axis)
        shape = array_ops.shape(first)
        ndims = slice_helper.index_first_axis(array_ops.shape(shape), 0)
        python_axis = axis
        axis = nn_impl.where_v2(axis >= 0, axis, ndims + axis)
        num_fill = math_ops.maximum(num_int - 2, 0)
        n_steps = math_ops.maximum(num_int - 1, 1)
        delta = (last - first) / math_ops.cast(n_steps, last.dtype.base_dtype)
        range_end = nn_impl.where_v2(logic_ops.greater_equal(num_int, 0), n_steps, -1)
        steps = math_ops.cast(_range_int64(range_end), delta.dtype.base_dtype)
        mask = logic_ops.equal(axis, input_ops.range_(ndims))
        steps = array_ops.reshape(steps, nn_impl.where_v2(mask, num_fill, 1))
        middle = first + delta * steps
        joined = slicing_ops.concat([first, middle, last], axis=axis)
        begin = input_ops.zeros_like(shape)
        head = slice_helper.index_first_axis(shape, slice(0, axis))
        count = array_ops.reshape(num_int, [1])
        tail_start = axis + 1
        tail = slice_helper.index_first_axis(shape, slice(tail_start, None))
        end = slicing_ops.concat([head, count, tail], axis=0)
        result = slicing_ops.slice(joined, begin, end)
        result.set_shape(_static_result_shape(known, num_int, python_axis))
        return result


def _static_broadcast(a, b):
    """The broadcast of two fully known raw shapes, else None."""
    if a is None or b is None or None in a or None in b:
        return None
    try:
        return tuple(_broadcast_shapes(a, b))
    except InvalidArgumentError:
        return None


def _static_result_shape(broadcast, num_int, axis):
    """What TF's shape inference (which evaluates the constant parts) knows of the result:
    the broadcast shape with `num` inserted at `axis`."""
    rank = None if broadcast is None else len(broadcast) + 1
    if rank is None or not isinstance(axis, int) or not -rank <= axis < rank:
        return None
    axis %= rank
    value = static_value(num_int)
    dims = list(broadcast)
    dims.insert(axis, None if value is None else int(value))
    return dims


__all__ = ["linspace", "broadcast_dynamic_shape"]
