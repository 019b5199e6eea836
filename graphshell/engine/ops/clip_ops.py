"""Clipping: clip_by_value, clip_by_norm, global_norm, clip_by_global_norm, clip_by_average_norm,
and the ClipByValue op that saturate_cast uses."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import constant, convert_to_tensor
from ..graph.graph_api import colocate_with
from ..graph.registry import ShapeError, define
from ..graph.shapes import shape_str, shapes_compatible
from . import (
    array_ops,
    input_ops,
    logic_ops,
    math_ops,
    nn_ops,
    reduce_ops,
    rules,
    unary_ops,
)
from .grad_util import sum_to_shape_of


def _assert_compatible(values, result) -> None:
    """TF refuses a clip whose bounds would broadcast the clipped tensor to a bigger shape."""
    if not shapes_compatible(values._shape, result._shape):
        raise ValueError(f"Shapes {shape_str(values._shape)} and {shape_str(result._shape)} are "
                         "incompatible")


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """t with every element clipped to [clip_value_min, clip_value_max] (Minimum, Maximum)."""
    with OpScope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        values = convert_to_tensor(t, name="t")
        lowered = math_ops.minimum(values, clip_value_max)
        _assert_compatible(values, lowered)
        result = math_ops.maximum(lowered, clip_value_min, name=scope)
        _assert_compatible(values, result)
        return result


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """t scaled so its L2 norm (over `axes`) is at most clip_norm; NaN-safe where it is 0."""
    with OpScope(name, "clip_by_norm", [t, clip_norm]) as scope:
        values = convert_to_tensor(t, name="t")
        squares = reduce_ops.reduce_sum(values * values, axes, keepdims=True)
        positive = squares > 0
        # two selects keep the gradient finite where the norm is 0 (TF's double-where trick)
        safe = logic_ops.where(positive, squares, input_ops.ones_like(squares))
        norm = logic_ops.where(positive, unary_ops.sqrt(safe), squares)
        scaled = values * clip_norm
        _assert_compatible(values, scaled)
        return array_ops.identity(scaled / math_ops.maximum(norm, clip_norm), name=scope)


def global_norm(t_list, name=None):
    """sqrt(sum of squares of every tensor in t_list); None entries are skipped."""
    if not isinstance(t_list, (list, tuple)) or isinstance(t_list, str):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    tensors = [t for t in t_list if t is not None]
    with OpScope(name, "global_norm", tensors):
        halves = []
        for index, tensor in enumerate(tensors):
            with colocate_with(tensor):
                tensor = convert_to_tensor(tensor, name=f"t_{index}")
                halves.append(nn_ops.l2_loss(tensor))
        half_squares = reduce_ops.reduce_sum(array_ops.stack(halves))
        two = constant(2.0, dtype=half_squares.dtype.base_dtype)
        return unary_ops.sqrt(half_squares * two, name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales every tensor by clip_norm / max(global_norm, clip_norm); returns (list, norm)."""
    if not isinstance(t_list, (list, tuple)) or isinstance(t_list, str):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    t_list = list(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    present = [t for t in t_list if t is not None]
    with OpScope(name, "clip_by_global_norm", present + [clip_norm]) as scope:
        inverse = 1.0 / use_norm
        one = constant(1.0, dtype=use_norm.dtype.base_dtype)
        smaller = math_ops.minimum(inverse, one / clip_norm)
        # adding (norm - norm) makes the scale NaN when the norm is NaN or infinite, as in TF
        scale = clip_norm * smaller + (use_norm - use_norm)
        clipped = []
        for index, tensor in enumerate(t_list):
            if tensor is None:
                clipped.append(None)
                continue
            with colocate_with(tensor):
                tensor = convert_to_tensor(tensor, name=f"t_{index}")
                clipped.append(array_ops.identity(tensor * scale, name=f"{scope}_{index}"))
        return clipped, use_norm


def clip_by_average_norm(t, clip_norm, name=None):
    """t scaled so its L2 norm divided by its number of elements is at most clip_norm."""
    with OpScope(name, "clip_by_average_norm", [t, clip_norm]) as scope:
        values = convert_to_tensor(t, name="t")
        count = math_ops.cast(array_ops.size(values), dtypes.float32)
        squares = values * values
        axes = input_ops.range_(0, array_ops.rank(values))
        inverse_norm = unary_ops.rsqrt(reduce_ops.reduce_sum(squares, axes))
        scaled = values * clip_norm
        scale = math_ops.minimum(inverse_norm * count, constant(1.0) / clip_norm)
        return array_ops.identity(scaled * scale, name=scope)


# -- ClipByValue: the fused op (saturate_cast builds it) -----------------------------------------
def _infer_clip(op):
    x, low, high = op._inputs
    rules.check_dtype(op, x, rules.NUMBERS, "t")
    for bound in (low, high):
        if bound._shape not in ((), None) and not shapes_compatible(bound._shape, x._shape):
            raise ShapeError(f"Shapes must be equal rank, but are {len(bound._shape)} and "
                             f"{len(x._shape)}")
    return rules.same_as_input(op)


def _clip_kernel(x, low, high):
    return np.minimum(np.maximum(x, low), high).astype(np.asarray(x).dtype)


def _clip_grad(op, g):
    """The gradient flows where x is inside the bounds, and to the bound that clipped it."""
    x, low, high = op._inputs
    zeros = input_ops.zeros_like(g)
    below, above = x < low, x > high
    inside = logic_ops.logical_not(logic_ops.logical_or(below, above))
    return [logic_ops.where(inside, g, zeros),
            sum_to_shape_of(logic_ops.where(below, g, zeros), low),
            sum_to_shape_of(logic_ops.where(above, g, zeros), high)]


define("ClipByValue", infer=_infer_clip, kernel=_clip_kernel, grad=_clip_grad)


def clip_by_value_op(t, clip_value_min, clip_value_max, name=None):
    """The fused ClipByValue op (TF's gen_math_ops.clip_by_value)."""
    with OpScope(name, "ClipByValue", [t]) as scope:
        x = convert_to_tensor(t, name="t")
        low = convert_to_tensor(clip_value_min, dtype=x.dtype.base_dtype, name="clip_value_min")
        high = convert_to_tensor(clip_value_max, dtype=x.dtype.base_dtype, name="clip_value_max")
        return make_tensor("ClipByValue", [x, low, high], scope)


def saturate_cast(value, dtype, name=None):
    """value cast to dtype, clamped first to the target's range so it cannot wrap around."""
    with OpScope(name, "saturate_cast", [value]) as scope:
        value = convert_to_tensor(value, name="value")
        dtype = dtypes.as_dtype(dtype).base_dtype
        source = value.dtype.base_dtype
        if source.is_integer or source.is_floating:
            low, high = _clamp_limits(source.as_numpy_dtype, dtype.as_numpy_dtype)
            value = clip_by_value_op(value, constant(low, dtype=source),
                                     constant(high, dtype=source), name="clamp")
        return math_ops.cast(value, dtype, name=scope)


def _limits(np_type):
    return np.finfo(np_type) if np.dtype(np_type).kind == "f" else np.iinfo(np_type)


def _clamp_limits(source, target):
    """The source-typed bounds of the target's range, stepped inwards where rounding to the
    source type would leave them outside it (TF clamps with these even when nothing can
    overflow)."""
    have, want = _limits(source), _limits(target)
    try:
        common = np.promote_types(source, target)
    except TypeError:
        common = np.float64
    with np.errstate(over="ignore", invalid="ignore"):
        low = source(max(float(have.min), float(want.min)))
        if np.array(low, dtype=common) < np.array(want.min, dtype=common):
            low = np.nextafter(low, source(0), dtype=source)
        high = source(min(float(have.max), float(want.max)))
        if np.array(high, dtype=common) > np.array(want.max, dtype=common):
            high = np.nextafter(high, source(0), dtype=source)
    return low, high


__all__ = ["clip_by_value", "clip_by_norm", "global_norm", "clip_by_global_norm",
           "clip_by_average_norm", "saturate_cast"]
