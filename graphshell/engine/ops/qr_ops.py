"""The QR decomposition (`tf.linalg.qr`, op Qr), which the orthogonal initializer builds on."""

from __future__ import annotations

import numpy as np

from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.registry import ShapeError, define


def _infer_qr(op):
    dtype = op._inputs[0].dtype.base_dtype
    shape = op._inputs[0]._shape
    if shape is None:
        return [(dtype, None), (dtype, None)]
    if len(shape) < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {len(shape)}")
    *batch, rows, cols = shape
    if op.attrs["full_matrices"]:
        inner = rows
    else:
        inner = None if rows is None or cols is None else min(rows, cols)
    return [(dtype, (*batch, rows, inner)), (dtype, (*batch, inner, cols))]


def _qr_kernel(op, runtime):
    mode = "complete" if op.attrs["full_matrices"] else "reduced"

    def qr(a):
        q, r = np.linalg.qr(np.asarray(a), mode=mode)
        return q.astype(a.dtype, copy=False), r.astype(a.dtype, copy=False)
    return qr


define("Qr", infer=_infer_qr, make_kernel=_qr_kernel, multi_output=True)


def qr(input, full_matrices=False, name=None):  # noqa: A002 - TF's name
    """(q, r) with q's columns orthonormal and r upper triangular, for each inner matrix."""
    with OpScope(name, "Qr", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        op = make_op("Qr", [x], scope, {"full_matrices": bool(full_matrices)})
        return op._outputs[0], op._outputs[1]
