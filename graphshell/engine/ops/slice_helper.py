"""`t[item]` along the first axis built as TF 2's slice helper builds it when the bounds are
tensors: a missing bound becomes a Const (0 with its mask bit, or step 1) made before the
strided_slice scope, and each index vector is a Const when all its parts are Python numbers,
else a Pack. graphshell's `Tensor.__getitem__` covers the all-constant cases."""

from __future__ import annotations

import builtins

import numpy as np

from ..graph.build import OpScope, make_tensor
from ..graph.convert import constant
from ..graph.tensor import Tensor
from . import array_ops


def _vector(parts, name):
    if any(isinstance(p, Tensor) for p in parts):
        return array_ops.stack(parts, name=name)
    return constant(np.array(parts, np.int32), name=name)


def index_first_axis(tensor, item):
    """`tensor[item]` for one slice (bounds ints, None or scalar int32 tensors) or one index."""
    masks = {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0,
             "shrink_axis_mask": 0}
    if isinstance(item, builtins.slice):
        dynamic = isinstance(item.start, Tensor) or isinstance(item.stop, Tensor)
        begin, end, step = item.start, item.stop, item.step
        if begin is None:
            masks["begin_mask"] = 1
            begin = constant(0) if dynamic else 0
        if end is None:
            masks["end_mask"] = 1
            end = constant(0) if dynamic else 0
        if step is None:
            step = constant(1) if dynamic else 1
    else:
        begin, end, step = item, item + 1, 1
        masks["shrink_axis_mask"] = 1
    with OpScope(None, "strided_slice", [tensor]) as scope:
        parts = [_vector([value], "stack" if k == 0 else f"stack_{k}")
                 for k, value in enumerate((begin, end, step))]
        return make_tensor("StridedSlice", [tensor] + parts, scope, masks)





def concat(values, axis, name="concat"):
    """tf.concat of tensors and Python lists, the lists converted as TF's op builder converts
    list inputs: `<scope>/values_<i>` (a Const, or a Pack when the list holds tensors)."""
    with OpScope(name, "concat", []) as scope:
        tensors = []
        for i, value in enumerate(values):
            if isinstance(value, Tensor):
                tensors.append(value)
            elif any(isinstance(v, Tensor) for v in value):
                tensors.append(array_ops.pack_nested(list(value), None, f"values_{i}"))
            else:
                tensors.append(constant(np.array(value, np.int32), name=f"values_{i}"))
        axis = constant(np.int32(axis), name="axis")
        return make_tensor("ConcatV2", tensors + [axis], scope, {"N": len(tensors)})
__all__ = ["index_first_axis", "concat"]
