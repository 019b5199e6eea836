"""Top-level names of the remaining array and math builders: linspace, broadcast shapes,
space/batch block moves, divide_no_nan and qr (added to tf.math / tf.linalg by tf.py)."""

from __future__ import annotations

from ..engine.ops import linspace_ops, math_ops, qr_ops, space_batch_ops

TOP_LEVEL: dict[str, object] = {
    "linspace": linspace_ops.linspace,
    "lin_space": linspace_ops.linspace,
    "broadcast_dynamic_shape": linspace_ops.broadcast_dynamic_shape,
    "space_to_batch_nd": space_batch_ops.space_to_batch_nd,
    "batch_to_space_nd": space_batch_ops.batch_to_space_nd,
    "div_no_nan": math_ops.div_no_nan,
    "qr": qr_ops.qr,
}
# The names tf.py adds to tf.math and tf.linalg.
MATH_MEMBERS: dict[str, object] = {"divide_no_nan": math_ops.div_no_nan}
LINALG_MEMBERS: dict[str, object] = {"qr": qr_ops.qr}
