"""IdentityN: several tensors passed through one op (what tf.custom_gradient wraps)."""

from __future__ import annotations

from ..graph.build import OpScope, make_op
from ..graph.convert import convert_n_to_tensor
from ..graph.registry import define


def _infer_identity_n(op):
    return [(t.dtype.base_dtype, t._shape) for t in op._inputs]


define("IdentityN", infer=_infer_identity_n, kernel=lambda *values: values,
       grad=lambda op, *grads: list(grads), multi_output=True)


def identity_n(input, name=None):  # noqa: A002 - TF's argument name
    """One IdentityN op returning each of `input`'s tensors unchanged."""
    with OpScope(name, "IdentityN", input) as scope:
        tensors = convert_n_to_tensor(list(input))
        attrs = {"T": [t.dtype.base_dtype for t in tensors]}
        return list(make_op("IdentityN", tensors, scope, attrs).outputs)
