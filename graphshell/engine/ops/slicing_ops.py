"""Ops that select or assemble parts of tensors: concat, split, slice, pad and indexing (t[...])."""

from __future__ import annotations

import builtins

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import ShapeError, define
from ..graph.tensor import OPERATORS, Tensor
from . import array_ops, rules
from .allocation import check_elements, check_output
from .split_ops import split
from .static import static_shape_value, static_value


# -- concat and split -----------------------------------------------------------------------------
def _infer_concat(op):
    values, axis_tensor = op._inputs[:-1], op._inputs[-1]
    dtype = values[0].dtype.base_dtype
    axis = static_value(axis_tensor)
    known = [t._shape for t in values if t._shape is not None]
    _check_concat_ranks(known, axis)
    if axis is None or not known:
        return [(dtype, None if not known else (None,) * len(known[0]))]
    rank = len(known[0])
    axis = rules.normalize_axis(int(axis), rank)
    # TF merges the dims before and after the axis as two shapes, input by input
    before, after = known[0][:axis], known[0][axis + 1:]
    for shape in known[1:]:
        before = rules.merge_all_same([before, shape[:axis]])
        after = rules.merge_all_same([after, shape[axis + 1:]])
    sizes = [s[axis] for s in known]
    total = None if None in sizes or len(known) < len(values) else sum(sizes)
    return [(dtype, before + (total,) + after)]


def _check_concat_ranks(known, axis) -> None:
    """TF's ConcatV2 shape checks: no scalars, every input of rank at least what the axis
    needs (the last input checked first, as TF does), and all ranks equal."""
    if any(len(shape) == 0 for shape in known):
        raise ShapeError("Can't concatenate scalars (use tf.stack instead)")
    if axis is not None:
        axis = int(np.reshape(axis, -1)[0])
        needed = -axis if axis < 0 else axis + 1
        for shape in reversed(known):
            if len(shape) < needed:
                raise ShapeError(f"Shape must be at least rank {needed} but is rank "
                                 f"{len(shape)}")
    for shape in known[1:]:
        if len(shape) != len(known[0]):
            raise ShapeError(f"Shape must be rank {len(known[0])} but is rank {len(shape)}")


def _concat_grad(op, g):
    values, axis_tensor = op._inputs[:-1], op._inputs[-1]
    axis = int(static_value(axis_tensor))
    if all(t._shape is not None and t._shape[axis] is not None for t in values):
        sizes = [t._shape[axis] for t in values]
    else:
        sizes = array_ops.stack([array_ops.shape(t)[axis] for t in values])
    return split(g, sizes, axis=axis) + [None]


def _concat_kernel(*values):
    parts, axis = values[:-1], int(values[-1])
    check_elements(sum(np.size(part) for part in parts), np.result_type(parts[0]))
    try:
        return np.concatenate(parts, axis=axis)
    except ValueError:
        raise errors.InvalidArgumentError(None, None, _concat_clash(parts, axis)) from None


def _concat_clash(parts, axis) -> str:
    """TF's words for parts whose other dimensions differ."""
    first = np.shape(parts[0])
    for k, part in enumerate(parts[1:], 1):
        shape = np.shape(part)
        if len(shape) != len(first):
            return (f"ConcatOp : Ranks of all input tensors should match: shape[0] = "
                    f"{_dims(first)} vs. shape[{k}] = {_dims(shape)}")
        for d, (a, b) in enumerate(zip(first, shape)):
            if d != axis % len(first) and a != b:
                return (f"ConcatOp : Dimension {d} in both shapes must be equal: shape[0] = "
                        f"{_dims(first)} vs. shape[{k}] = {_dims(shape)}")
    return f"ConcatOp : cannot concatenate along axis {axis}"


def _dims(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


define("ConcatV2", infer=_infer_concat, kernel=_concat_kernel, grad=_concat_grad)


def concat(values, axis, name="concat"):
    """Joins tensors along an existing axis."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) == 1:
        with OpScope(name, "concat", values):
            convert_to_tensor(axis, dtype=dtypes.int32, name="concat_dim")
            return array_ops.identity(values[0], name="concat")
    with OpScope(name, "concat", values) as scope:
        tensors = array_ops.list_input(values, "values", "ConcatV2")
        axis = array_ops.index_tensor(axis, "axis")
        return make_tensor("ConcatV2", tensors + [axis], scope, {"N": len(tensors)})


# -- slice and pad ---------------------------------------------------------------------------------
def _infer_slice(op):
    x, begin, size = op._inputs
    begin, size = static_value(begin), static_value(size)
    if x._shape is None or begin is None or size is None:
        return [(x.dtype.base_dtype, None if x._shape is None else (None,) * len(x._shape))]
    dims = tuple(d - int(b) if (int(s) == -1 and d is not None)
                 else (None if int(s) == -1 else int(s))
                 for d, b, s in zip(x._shape, begin, size))
    return [(x.dtype.base_dtype, dims)]


def _slice_kernel(x, begin, size):
    shape = np.shape(x)
    for i, (b, s, d) in enumerate(zip(begin, size, shape)):
        b, s = int(b), int(s)
        if not 0 <= b <= d:
            raise errors.InvalidArgumentError(None, None,
                                              f"Expected begin[{i}] in [0, {d}], but got {b}")
        if s != -1 and not 0 <= s <= d - b:
            raise errors.InvalidArgumentError(None, None,
                                              f"Expected size[{i}] in [0, {d - b}], but got {s}")
    index = tuple(builtins.slice(int(b), None if int(s) == -1 else int(b) + int(s))
                  for b, s in zip(begin, size))
    return np.asarray(x)[index]


def _slice_grad(op, g):
    x, begin, _ = op._inputs
    after = array_ops.shape(x) - begin - array_ops.shape(op._outputs[0])
    paddings = array_ops.stack([begin, after], axis=1)
    return [pad(g, paddings), None, None]


define("Slice", infer=_infer_slice, kernel=_slice_kernel, grad=_slice_grad)


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's name
    with OpScope(name, "Slice", [input_, begin, size]) as scope:
        x = convert_to_tensor(input_, name="input")
        begin = convert_to_tensor(begin, dtype=dtypes.int32, name="begin")
        size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        return make_tensor("Slice", [x, begin, size], scope)


def _check_paddings_shape(x, paddings) -> None:
    """TF's Pad shape checks: paddings is [rank, 2] for the input's rank."""
    if paddings._shape is None:
        return
    if len(paddings._shape) != 2:
        raise ShapeError(f"Shape must be rank 2 but is rank {len(paddings._shape)}")
    rows, columns = paddings._shape
    if columns is not None and columns != 2:
        raise ShapeError(f"Dimension must be 2 but is {columns}")
    if rows is not None and x._shape is not None and rows != len(x._shape):
        raise ShapeError(f"Shape must be rank {rows} but is rank {len(x._shape)}")


def _infer_pad(op):
    x, paddings = op._inputs
    _check_paddings_shape(x, paddings)
    amounts = static_value(paddings)
    if x._shape is None or amounts is None:
        return [(x.dtype.base_dtype, None if x._shape is None else (None,) * len(x._shape))]
    return [(x.dtype.base_dtype, tuple(None if d is None else d + int(a) + int(b)
                                       for d, (a, b) in zip(x._shape, amounts)))]


def _pad_grad(op, g):
    x, paddings = op._inputs
    begin = slice(paddings, [0, 0], array_ops.stack([array_ops.rank(x), 1]))
    return [slice(g, array_ops.reshape(begin, [-1]), array_ops.shape(x)), None]


def _pad_kernel(x, paddings):
    paddings = np.asarray(paddings).tolist()
    check_output([d + sum(p) for d, p in zip(np.shape(x), paddings)], np.asarray(x).dtype)
    return np.pad(x, paddings)


define("Pad", infer=_infer_pad, kernel=_pad_kernel, grad=_pad_grad)


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    if str(mode).upper() != "CONSTANT" or constant_values != 0:
        raise NotImplementedError("only zero padding (mode='CONSTANT') is supported")
    with OpScope(name, "Pad", [tensor, paddings]) as scope:
        x = convert_to_tensor(tensor, name="input")
        paddings = convert_to_tensor(paddings, dtype=dtypes.int32, name="paddings")
        return make_tensor("Pad", [x, paddings], scope)


# -- t[...]: StridedSlice --------------------------------------------------------------------------
_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def _index_of(attrs, begin, end, strides):
    """The numpy index a StridedSlice's begin/end/strides and masks stand for."""
    index = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        bit = 1 << i
        if attrs["ellipsis_mask"] & bit:
            index.append(Ellipsis)
        elif attrs["new_axis_mask"] & bit:
            index.append(None)
        elif attrs["shrink_axis_mask"] & bit:
            index.append(int(b))
        else:
            index.append(builtins.slice(None if attrs["begin_mask"] & bit else int(b),
                                               None if attrs["end_mask"] & bit else int(e), int(s)))
    return tuple(index)


def _sliced_shape(shape, index):
    if shape is None or index is None:
        return None
    probe = np.broadcast_to(np.empty((), dtype=bool), tuple(1 if d is None else d for d in shape))
    result = probe[index].shape
    unknown = {i for i, d in enumerate(shape) if d is None}
    if not unknown:
        return result
    return _mark_unknown(shape, index, result)


def _mark_unknown(shape, index, result):
    """Dims sliced from unknown input dims are unknown (unless picked by an integer)."""
    dims, source = [], 0
    expanded = list(index)
    if Ellipsis in expanded:
        at = expanded.index(Ellipsis)
        used = sum(1 for item in expanded if item is not None and item is not Ellipsis)
        expanded[at:at + 1] = [builtins.slice(None)] * (len(shape) - used)
    expanded += [builtins.slice(None)] * (len(shape) - sum(
        1 for item in expanded if item is not None))
    for item in expanded:
        if item is None:
            dims.append(1)
        elif isinstance(item, int):
            source += 1
        else:
            dims.append(None if shape[source] is None else result[len(dims)])
            source += 1
    return tuple(dims)


def _static_index(op, offset):
    parts = [static_value(t) for t in op._inputs[offset:offset + 3]]
    if any(p is None for p in parts):
        return None
    return _index_of(op.attrs, *parts)


def _infer_strided_slice(op):
    x = op._inputs[0]
    index = _static_index(op, 1)
    try:
        return [(x.dtype.base_dtype, _sliced_shape(x._shape, index))]
    except IndexError as error:
        raise ShapeError(_out_of_bounds(x._shape, index) or str(error)) from None


def _out_of_bounds(shape, index):
    """TF's words for an integer index outside its dimension, or None."""
    if shape is None or index is None or Ellipsis in index:
        return None
    dimension = 0
    for item in index:
        if item is None:
            continue
        size = shape[dimension] if dimension < len(shape) else None
        if isinstance(item, int) and size is not None and not -size <= item < size:
            return f"slice index {item} of dimension {dimension} out of bounds."
        dimension += 1
    return None


def _strided_slice_kernel(op, runtime):
    attrs = op.attrs

    def run(x, begin, end, strides):
        index = _index_of(attrs, begin, end, strides)
        try:
            result = np.asarray(x)[index]
        except IndexError as error:
            raise errors.InvalidArgumentError(
                None, None, _out_of_bounds(np.shape(x), index) or f"slice index out of bounds: "
                                                                    f"{error}") from None
        return result[()] if result.ndim == 0 else result
    return run


def _strided_slice_grad(op, g):
    """TF's rule: the input's Shape, begin, end and strides, each replaced by a new Const in
    the StridedSliceGrad scope when its value is known while building."""
    x, begin, end, strides = op._inputs
    index_dtype = begin.dtype.base_dtype
    parts = [array_ops.shape(x, out_type=index_dtype), begin, end, strides]
    parts = [_known_or_tensor(part) for part in parts]
    with OpScope(None, "StridedSliceGrad", [g]) as scope:
        parts = [convert_to_tensor(part, dtype=index_dtype, name=part_name)
                 for part, part_name in zip(parts, ("shape", "begin", "end", "strides"))]
        attrs = {key: op.attrs[key] for key in _MASKS}
        attrs.update(T=g.dtype.base_dtype, Index=index_dtype)
        grad = make_tensor("StridedSliceGrad", parts + [g], scope, attrs)
    return [grad, None, None, None]


def _known_or_tensor(tensor):
    value = static_value(tensor)
    return tensor if value is None else value


def _infer_strided_slice_grad(op):
    return [(op._inputs[4].dtype.base_dtype, static_shape_value(op._inputs[0]))]


def _strided_slice_grad_kernel(op, runtime):
    attrs = op.attrs

    def run(shape, begin, end, strides, dy):
        check_output(np.ravel(shape), np.asarray(dy).dtype)
        result = np.zeros(tuple(int(d) for d in shape), dtype=np.asarray(dy).dtype)
        result[_index_of(attrs, begin, end, strides)] = dy
        return result
    return run


define("StridedSlice", infer=_infer_strided_slice, make_kernel=_strided_slice_kernel,
       grad=_strided_slice_grad)
define("StridedSliceGrad", infer=_infer_strided_slice_grad,
       make_kernel=_strided_slice_grad_kernel,
       grad=lambda op, g: [None, None, None, None, _strided_slice_like(op, g)])


def _strided_slice_like(op, g):
    with OpScope(None, "strided_slice", [g]) as scope:
        return make_tensor("StridedSlice", [g] + list(op._inputs[1:4]), scope, dict(op.attrs))


def getitem(tensor, key):
    """`t[key]` for ints, slices, None (new axis), Ellipsis and scalar tensors."""
    key = key if isinstance(key, tuple) else (key,)
    begin, end, strides, attrs = [], [], [], dict.fromkeys(_MASKS, 0)
    for i, item in enumerate(key):
        _add_index_item(item, i, begin, end, strides, attrs)
    with OpScope(None, "strided_slice", [tensor]) as scope:
        parts = [_index_vector(part, f"stack{'' if k == 0 else '_' + str(k)}")
                 for k, part in enumerate((begin, end, strides))]
        return make_tensor("StridedSlice", [tensor] + parts, scope, attrs)


def _add_index_item(item, i, begin, end, strides, attrs):
    bit = 1 << i
    if isinstance(item, builtins.slice):
        begin.append(0 if item.start is None else item.start)
        end.append(0 if item.stop is None else item.stop)
        strides.append(1 if item.step is None else item.step)
        attrs["begin_mask"] |= bit if item.start is None else 0
        attrs["end_mask"] |= bit if item.stop is None else 0
    elif item is Ellipsis or item is None:
        begin.append(0), end.append(0), strides.append(1)
        attrs["ellipsis_mask" if item is Ellipsis else "new_axis_mask"] |= bit
    elif isinstance(item, (int, np.integer, Tensor)):
        begin.append(item)
        end.append(item + 1)
        strides.append(1)
        attrs["shrink_axis_mask"] |= bit
    else:
        raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                        f"scalar tf.int32/tf.int64 tensors are valid indices, got {item!r}")


def _index_vector(values, name):
    if any(isinstance(v, Tensor) for v in values):
        return array_ops.stack([convert_to_tensor(v, dtype=dtypes.int32) for v in values],
                               name=name)
    return convert_to_tensor(np.array(values, dtype=np.int32), name=name)


OPERATORS["getitem"] = getitem
