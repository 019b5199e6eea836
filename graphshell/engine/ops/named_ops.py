"""Builders TF exposes by name for ops the tree builds elsewhere: tf.strided_slice (what
`t[...]` makes), tf.scalar_mul (a Mul checked to have a scalar factor) and tf.shape_n (the
ShapeN that conv gradients use, with TF's check that its inputs share one type)."""

from __future__ import annotations

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_n_to_tensor, convert_to_tensor
from ..graph.indexed_slices import IndexedSlices
from . import conv_ops, input_ops


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """input_[begin:end:strides] per axis with TF's bit masks (one StridedSlice op)."""
    if strides is None:
        strides = input_ops.ones_like(begin)
    with OpScope(name, "StridedSlice", [input_, begin, end, strides]) as scope:
        tensor = convert_to_tensor(input_, name="input")
        begin = convert_to_tensor(begin, name="begin")
        end = convert_to_tensor(end, name="end")
        strides = convert_to_tensor(strides, name="strides")
        attrs = {"begin_mask": int(begin_mask), "end_mask": int(end_mask),
                 "ellipsis_mask": int(ellipsis_mask), "new_axis_mask": int(new_axis_mask),
                 "shrink_axis_mask": int(shrink_axis_mask)}
        return make_tensor("StridedSlice", [tensor, begin, end, strides], scope, attrs)


def scalar_mul(scalar, x, name=None):
    """`scalar * x` as one Mul; IndexedSlices stay sparse. ValueError for a non-scalar."""
    base_dtype = dtypes.as_dtype(x.dtype).base_dtype
    scalar = convert_to_tensor(scalar, dtype=base_dtype, name="scalar")
    if scalar._shape is None or len(scalar._shape) != 0:
        raise ValueError(f"The input scalar must be a 0-D value. Received shape "
                         f"{scalar.shape}.")
    with OpScope(name, "Mul", [x]) as scope:
        if isinstance(x, IndexedSlices):
            values = make_tensor("Mul", [scalar, x.values], scope)
            return IndexedSlices(values, x.indices, x.dense_shape)
        return make_tensor("Mul", [scalar, convert_to_tensor(x)], scope)


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002 - TF's argument name
    """The shapes of several tensors of one element type, from one ShapeN op."""
    tensors = convert_n_to_tensor(list(input))
    kinds = [t.dtype.base_dtype for t in tensors]
    if len(set(kinds)) > 1:
        raise TypeError(f"Tensors in list passed to 'input' of 'ShapeN' Op have types "
                        f"[{', '.join(k.name for k in kinds)}] that don't all match.")
    return conv_ops.shape_n(tensors, out_type=out_type, name=name)
