"""Pack and Unpack: tf.stack, tf.unstack, list inputs of one type (values_<i>) and the
autopacking conversion of (nested) lists that hold tensors."""

from __future__ import annotations

import numpy as np

from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import (
    convert_to_tensor,
    holds_tensor,
    register_tensor_conversion_function,
)
from ..graph.registry import ShapeError, define
from ..graph.shapes import shape_str
from ..graph.tensor import Tensor
from . import allocation, input_ops, rules


def _infer_pack(op):
    axis = op.attrs["axis"]
    common = _merged_pack_shapes([t._shape for t in op._inputs])
    if common is None:
        return [(op._inputs[0].dtype.base_dtype, None)]
    axis = rules.normalize_axis(axis, len(common) + 1)
    return [(op._inputs[0].dtype.base_dtype,
             common[:axis] + (len(op._inputs),) + common[axis:])]


def _merged_pack_shapes(shapes):
    """The inputs' common shape, merged from the last input backwards as TF's Pack rule does
    (so its error names the same pair of shapes)."""
    common = shapes[-1]
    for i in range(len(shapes) - 2, -1, -1):
        try:
            common = rules.merge_all_same([shapes[i], common])
        except ShapeError as clash:
            raise ShapeError(f"{clash}\n\tFrom merging shape {i} with other shapes.") from None
    return common


def _pack_kernel(op, runtime):
    axis = op.attrs["axis"]
    if allocation.static_shape_known(op._outputs[0]._shape):  # the plan checks it
        return lambda *xs: np.stack(xs, axis)

    def run(*xs):
        allocation.check_elements(sum(np.size(x) for x in xs), np.result_type(xs[0]))
        return np.stack(xs, axis)
    return run


define("Pack", infer=_infer_pack, make_kernel=_pack_kernel,
       grad=lambda op, g: unstack(g, num=len(op._inputs), axis=op.attrs["axis"]))


def _infer_unpack(op):
    x = op._inputs[0]
    num, axis = op.attrs["num"], op.attrs["axis"]
    if x._shape is None:
        return [(x.dtype.base_dtype, None)] * num
    axis = rules.normalize_axis(axis, len(x._shape))
    return [(x.dtype.base_dtype, x._shape[:axis] + x._shape[axis + 1:])] * num


def _unpack_kernel(op, runtime):
    axis = op.attrs["axis"]
    return lambda x: tuple(np.moveaxis(np.asarray(x), axis, 0))


def _unpack_grad(op, *grads):
    grads = [g if g is not None else input_ops.zeros_like(out)
             for g, out in zip(grads, op._outputs)]
    return [stack(grads, axis=op.attrs["axis"])]


define("Unpack", infer=_infer_unpack, make_kernel=_unpack_kernel, grad=_unpack_grad,
       multi_output=True)


def stack(values, axis=0, name="stack"):
    """Packs same-shaped tensors along a new axis. Along axis 0 TF first converts the whole
    list: Python values fold into one Const named `stack`, a list holding tensors autopacks."""
    if axis == 0:
        try:
            return convert_to_tensor(values, name=name)
        except (TypeError, ValueError, NotImplementedError):
            pass  # not one value (ragged, or mixed dtypes): a Pack of the elements
    first = convert_to_tensor(values[0], name=name)  # TF converts it to check the axis
    if first._shape is not None:
        expanded = len(first._shape) + 1
        if not -expanded <= axis < expanded:
            raise ValueError(f"Argument `axis` = {axis} not in range [{-expanded}, {expanded})")
    with OpScope(name, "Pack", values) as scope:
        tensors = list_input(values, "values", "Pack")
        return make_tensor("Pack", tensors, scope, {"axis": axis, "N": len(tensors)})


def list_input(values, name, op_type):
    """A list input of one type attr converted as TF's op builder does: `<name>_<i>`, and
    Python values take the dtype of the first tensor in the list (one that cannot is reported
    with the types the values have on their own)."""
    dtype = next((v.dtype.base_dtype for v in values if _is_tensor_like(v)), None)
    try:
        tensors = [convert_to_tensor(v, dtype=None if _is_tensor_like(v) else dtype,
                                     name=f"{name}_{i}") for i, v in enumerate(values)]
    except (TypeError, ValueError):
        if dtype is None:
            raise
        raise TypeError(f"Tensors in list passed to '{name}' of '{op_type}' Op have types "
                        f"[{', '.join(_own_type(v) for v in values)}] that don't all "
                        "match.") from None
    _same_dtype(op_type, tensors)
    return tensors


def _own_type(value) -> str:
    try:
        return convert_to_tensor(value).dtype.base_dtype.name
    except (TypeError, ValueError):
        return "<NOT CONVERTIBLE TO TENSOR>"


def _is_tensor_like(value) -> bool:
    return isinstance(value, Tensor) or hasattr(type(value), "_graphshell_tensor")


def pack_nested(values, dtype, name):
    """Converts a (nested) list that holds tensors by stacking it (TF's autopacking)."""
    if dtype is None:  # the first tensor's dtype, depth first, as TF's _get_dtype_from_nested_lists
        dtype = _nested_dtype(values)
    return _autopack_level(values, dtype, name)


def _nested_dtype(values):
    pending = [iter(values)]
    while pending:
        item = next(pending[-1], pending)
        if item is pending:
            pending.pop()
        elif isinstance(item, (list, tuple)):
            pending.append(iter(item))
        elif _is_tensor_like(item):
            return item.dtype.base_dtype
    return None


def _autopack_level(values, dtype, name):
    """One list level: a Pack if the level holds a tensor (directly or in a packed inner list),
    else the list itself, left for the level above to convert whole. Python elements become
    Consts named by their index after the inner levels are built, as TF orders them."""
    with OpScope(name, "packed", []) as scope:
        elements, must_pack = [], False
        for i, value in enumerate(values):
            if _is_tensor_like(value):
                if dtype is not None and value.dtype.base_dtype is not dtype:
                    raise TypeError(f"Cannot convert a list containing a tensor of dtype "
                                    f"{value.dtype.base_dtype} to {dtype} (Tensor is: {value!r})")
                value, must_pack = convert_to_tensor(value), True
            elif isinstance(value, (list, tuple)):
                value = _autopack_level(value, dtype, str(i))
                must_pack = must_pack or isinstance(value, Tensor)
            elements.append(value)
        if not must_pack:
            return elements
        tensors = [e if isinstance(e, Tensor) else convert_to_tensor(e, dtype=dtype, name=str(i))
                   for i, e in enumerate(elements)]
        return make_tensor("Pack", tensors, scope, {"axis": 0, "N": len(tensors)})


def _autopack(value, dtype=None, name=None, as_ref=False):
    if not holds_tensor(value):
        return NotImplemented  # plain Python lists become constants
    return pack_nested(value, dtype, name or "packed")


register_tensor_conversion_function((list, tuple), _autopack, priority=99)


def unstack(value, num=None, axis=0, name="unstack"):
    with OpScope(name, "unstack", [value]) as scope:
        value = convert_to_tensor(value, name="value")
        if num is None:
            if value._shape is None or value._shape[axis] is None:
                raise ValueError(f"Cannot infer argument `num` from shape "
                                 f"{shape_str(value._shape)}")
            num = value._shape[axis]
        return make_op("Unpack", [value], scope, {"num": num, "axis": axis}).outputs


def _same_dtype(op_type, tensors):
    first = tensors[0].dtype.base_dtype
    for tensor in tensors[1:]:
        if tensor.dtype.base_dtype is not first:
            raise TypeError(f"Tensors in list passed to 'values' of '{op_type}' Op have types "
                            f"[{', '.join(t.dtype.base_dtype.name for t in tensors)}] that don't "
                            "all match.")
