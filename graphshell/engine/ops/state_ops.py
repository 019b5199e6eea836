"""Variable state ops: VariableV2 (a reference to per-session state) and the assigns.

A VariableV2 op outputs a `VariableRef`; ops that take a ref input (the assigns,
IsVariableInitialized) receive it as is, and every other consumer receives the variable's live
buffer (the executor dereferences it). Updates write into that buffer in place, as TF's kernels
do, so a read that ran earlier in the step shows a later update to ops that run after it.
"""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.registry import NOT_DIFFERENTIABLE, define
from ..graph.shapes import ShapeError, shape_list_str, shapes_compatible
from . import rules


def _infer_variable(op):
    return [(op.attrs["dtype"]._as_ref, op.attrs["shape"])]


define("VariableV2", infer=_infer_variable, stateful=True, grad=NOT_DIFFERENTIABLE,
       make_kernel=lambda op, runtime: (lambda ref=runtime.ref(op): ref),  # noqa: B008 - the ref is bound once per kernel
       inline_value=lambda op, runtime: runtime.ref(op))


def _require_ref(op):
    ref = op._inputs[0]
    if not ref.dtype.is_ref:
        raise TypeError(f"Input 'ref' of '{op.type}' Op requires l-value input")
    return ref


def _infer_assign(op):
    ref, value = op._inputs[0], op._inputs[1]
    _require_ref(op)
    if value.dtype.base_dtype is not ref.dtype.base_dtype:
        raise TypeError(f"Input 'value' of '{op.type}' Op has type {value.dtype.base_dtype.name} "
                        f"that does not match type {ref.dtype.base_dtype.name} of argument "
                        "'ref'.")
    shape = ref._shape
    if op.attrs.get("validate_shape", True):
        if not shapes_compatible(ref._shape, value._shape):
            rules.merge_all_same([ref._shape, value._shape])  # raises TF's words
    else:
        shape = value._shape
    return [(ref.dtype, shape)]


def _shape_mismatch(lhs_shape, rhs_shape):
    return errors.InvalidArgumentError(
        None, None, f"Assign requires shapes of both tensors to match. lhs shape= "
        f"{list(lhs_shape)} rhs shape= {list(rhs_shape)}")


def _assign_kernel(op, runtime):
    validate = op.attrs.get("validate_shape", True)
    np_type = op._inputs[0].dtype.base_dtype.as_numpy_dtype

    # an uninitialized variable has its declared shape (TF's VariableOp sets it), so a
    # restore into one with another shape fails as TF's does
    declared = op._inputs[0]._shape
    declared = declared if declared is not None and None not in declared else None

    def assign(ref, value):
        value = np.asarray(value, dtype=np_type)
        if not ref.is_initialized():
            if validate and declared is not None and declared != value.shape:
                raise _shape_mismatch(declared, value.shape)
            ref.replace(np.array(value))  # a buffer of its own: the fed value stays the caller's
            return ref
        old = ref.get()
        if validate and old.shape != value.shape:
            raise _shape_mismatch(old.shape, value.shape)
        if old.size != value.size:
            ref.replace(np.array(value))
            return ref
        # as TF's AssignOp: a value that fits is copied into the existing buffer, so every
        # read of the variable in this step (its `read` op, say) sees it
        buffer = ref.writable() if old.shape == value.shape else ref.reshape_in_place(
            value.shape)
        try:
            np.copyto(buffer, value)
        finally:
            ref.seal()
        return ref
    return assign


def _update_kernel(ufunc):
    def make(op, runtime):
        def update(ref, delta):
            old = ref.get()
            if old.shape != np.shape(delta):
                raise errors.InvalidArgumentError(
                    None, None, f"Must have updates.shape = ref.shape: {list(np.shape(delta))} vs "
                    f"{list(old.shape)}")
            buffer = ref.writable()  # in place, as TF's DenseUpdate
            try:
                ufunc(buffer, delta, out=buffer)
            finally:
                ref.seal()
            return ref
        return update
    return make


define("Assign", infer=_infer_assign, make_kernel=_assign_kernel, stateful=True,
       ref_inputs=(0,), grad=NOT_DIFFERENTIABLE)
define("AssignAdd", infer=_infer_assign, make_kernel=_update_kernel(np.add), stateful=True,
       ref_inputs=(0,), grad=NOT_DIFFERENTIABLE)
define("AssignSub", infer=_infer_assign, make_kernel=_update_kernel(np.subtract),
       stateful=True, ref_inputs=(0,), grad=NOT_DIFFERENTIABLE)


def _infer_is_initialized(op):
    _require_ref(op)
    return [(dtypes.bool_, ())]


define("IsVariableInitialized", infer=_infer_is_initialized, stateful=True, ref_inputs=(0,),
       kernel=lambda ref: np.bool_(ref.is_initialized()), grad=NOT_DIFFERENTIABLE)


def _ref_of(ref):
    """The ref tensor behind a Variable (or a ref tensor given directly)."""
    if hasattr(type(ref), "_graphshell_tensor"):
        return ref._graphshell_tensor(as_ref=True)
    return ref


def _state_update(op_type, default_name, ref, value, use_locking, name, validate_shape=True):
    ref = _ref_of(ref)
    if not getattr(ref, "dtype", None) or not ref.dtype.is_ref:
        raise AttributeError(f"{type(ref).__name__!r} object has no attribute 'assign': "
                             f"{op_type} needs a variable, not a {ref!r}")
    with OpScope(name, default_name, [ref, value]) as scope:
        given = getattr(value, "dtype", None)  # a tensor's, not a numpy array's
        if isinstance(given, dtypes.DType) and given.base_dtype is not ref.dtype.base_dtype:
            raise TypeError(f"Input 'value' of '{op_type}' Op has type "
                            f"{value.dtype.base_dtype.name} that does not match type "
                            f"{ref.dtype.base_dtype.name} of argument 'ref'.")
        value = convert_to_tensor(value, dtype=ref.dtype.base_dtype, name="value")
        attrs = {"T": ref.dtype.base_dtype, "use_locking": bool(use_locking)}
        if op_type == "Assign":
            attrs["validate_shape"] = bool(validate_shape)
        return make_tensor(op_type, [ref, value], scope, attrs)


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """Stores `value` in a variable; the result reads the stored value."""
    return _state_update("Assign", "Assign", ref, value,  # TF's default use_locking: true
                         True if use_locking is None else use_locking, name,
                         True if validate_shape is None else validate_shape)


def assign_add(ref, value, use_locking=None, name=None):
    return _state_update("AssignAdd", "AssignAdd", ref, value, use_locking, name)


def assign_sub(ref, value, use_locking=None, name=None):
    return _state_update("AssignSub", "AssignSub", ref, value, use_locking, name)


def is_variable_initialized(variable, name=None):
    ref = _ref_of(variable)
    with OpScope(name, "IsVariableInitialized", [ref]) as scope:
        return make_tensor("IsVariableInitialized", [ref], scope, {"dtype": ref.dtype.base_dtype})


# -- scatter updates -------------------------------------------------------------------------------
def _infer_scatter(op):
    """The ref's shape; updates must be shaped indices.shape + ref.shape[1:] (or a scalar)."""
    ref, indices, updates = _require_ref(op), op._inputs[1], op._inputs[2]
    if ref._shape is not None and len(ref._shape) > 0 and indices._shape is not None \
            and updates._shape != ():
        rules.merge_all_same([updates._shape, indices._shape + ref._shape[1:]])
    return [(ref.dtype, ref._shape)]


def _slice_text(shape, flat_index: int) -> str:
    """TF's SliceDebugString: '' for a scalar, else '[i,j]' for the flat position's index."""
    if not shape:
        return ""
    return "[" + ",".join(str(int(i)) for i in np.unravel_index(flat_index, shape)) + "]"


def _first_bad_row(rows, limit: int):
    outside = np.flatnonzero((rows < 0) | (rows >= limit))
    return int(outside[0]) if outside.size else None


def _bad_row_error(indices, rows, position: int, limit: int):
    return errors.InvalidArgumentError(
        None, None, f"indices{_slice_text(np.shape(indices), position)} = {rows[position]} is "
        f"not in [0, {limit})")


def _truncating_divide(into, rows, updates):
    """Integer ScatterDiv rounds toward zero, as C++ does; one row at a time for duplicates."""
    for row, update in zip(rows, updates):
        into[row] = np.trunc(into[row] / update).astype(into.dtype)


def _scatter_combiner(ufunc):
    """Applies `ufunc` at each row in order, so duplicate rows accumulate (TF's CPU kernel)."""
    def combine(into, rows, updates):
        if ufunc is None:
            into[rows] = updates
        elif ufunc is np.divide and into.dtype.kind in "iu":
            _truncating_divide(into, rows, updates)
        else:
            ufunc.at(into, rows, updates)
    return combine


def _scatter_kernel(combine):
    def make(op, runtime):
        def scatter(ref, indices, updates):
            params = np.asarray(ref.get())
            indices, updates = np.asarray(indices), np.asarray(updates)
            if params.ndim == 0:
                raise errors.InvalidArgumentError(
                    None, None, f"params must be at least 1-D, got shape {list(params.shape)}")
            expected = indices.shape + params.shape[1:]
            if updates.ndim != 0 and updates.shape != expected:
                raise errors.InvalidArgumentError(
                    None, None, "Must have updates.shape = indices.shape + params.shape[1:] or "
                    f"updates.shape = [], got updates.shape {_dims(updates)}, indices.shape "
                    f"{_dims(indices)}, params.shape {_dims(params)}")
            rows = indices.reshape(-1)
            flat_updates = np.broadcast_to(updates, expected).reshape(
                (rows.size,) + params.shape[1:]).astype(params.dtype, copy=False)
            bad = _first_bad_row(rows, params.shape[0])
            # TF's kernel updates row by row in place: the rows before a bad index stay updated
            done = rows.size if bad is None else bad
            buffer = ref.writable()
            try:
                combine(buffer, rows[:done], _not_sharing(flat_updates[:done], buffer))
            finally:
                ref.seal()
            if bad is not None:
                raise _bad_row_error(indices, rows, bad, params.shape[0])
            return ref
        return scatter
    return make


def _not_sharing(updates, buffer):
    """`updates`, copied if it is a view of the buffer being updated row by row."""
    return updates.copy() if np.may_share_memory(updates, buffer) else updates


def _dims(array) -> str:
    return "[" + ",".join(str(d) for d in np.shape(array)) + "]"


_SCATTER_UFUNCS = {"ScatterUpdate": None, "ScatterAdd": np.add, "ScatterSub": np.subtract,
                   "ScatterMul": np.multiply, "ScatterDiv": np.divide,
                   "ScatterMin": np.minimum, "ScatterMax": np.maximum}
for _type, _ufunc in _SCATTER_UFUNCS.items():
    define(_type, infer=_infer_scatter, make_kernel=_scatter_kernel(_scatter_combiner(_ufunc)),
           stateful=True, ref_inputs=(0,), grad=NOT_DIFFERENTIABLE)


def _infer_scatter_nd(op):
    """TF's ScatterNd shape rule: indices[:-1] + ref[indices[-1]:] is the shape of updates."""
    ref, indices, updates = _require_ref(op), op._inputs[1], op._inputs[2]
    if indices._shape is not None and len(indices._shape) == 0:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    known = ref._shape is not None and indices._shape is not None and updates._shape is not None
    if known and indices._shape[-1] is not None:
        outer = len(indices._shape) - 1
        _match_dims("indices", indices._shape, 0, outer, updates._shape, 0)
        depth = indices._shape[-1]
        if depth <= len(ref._shape):
            _match_dims("input", ref._shape, depth, len(ref._shape), updates._shape, outer)
    return [(ref.dtype, ref._shape)]


def _match_dims(what, shape, start, end, updates_shape, updates_start) -> None:
    part = shape[start:end]
    updates_part = updates_shape[updates_start:updates_start + (end - start)]
    try:
        rules.merge_all_same([part, updates_part])
    except ShapeError as clash:
        raise ShapeError(
            f"Dimensions [{start},{end}) of {what}[shape={shape_list_str(shape)}] = "
            f"{shape_list_str(part)} must match dimensions [{updates_start},"
            f"{updates_start + end - start}) of updates[shape={shape_list_str(updates_shape)}] = "
            f"{shape_list_str(updates_part)}: {clash}") from None


def _scatter_nd_kernel(combine):
    def make(op, runtime):
        def scatter(ref, indices, updates):
            params = np.asarray(ref.get())
            indices, updates = np.asarray(indices), np.asarray(updates)
            depth = indices.shape[-1]
            points = indices.reshape(-1, depth)
            bounds = np.asarray(params.shape[:depth])
            for i, point in enumerate(points):
                if depth > params.ndim or np.any((point < 0) | (point >= bounds)):
                    raise errors.InvalidArgumentError(
                        None, None, f"indices{_slice_text(indices.shape[:-1], i)} = "
                        f"[{', '.join(str(int(p)) for p in point)}] does not index into shape "
                        f"{_dims(params)}")
            where = tuple(points.T)
            slices = updates.reshape((len(points),) + params.shape[depth:])
            slices = slices.astype(params.dtype, copy=False)
            buffer = ref.writable()
            try:
                combine(buffer, where, _not_sharing(slices, buffer))
            finally:
                ref.seal()
            return ref
        return scatter
    return make


define("ScatterNdUpdate", infer=_infer_scatter_nd,
       make_kernel=_scatter_nd_kernel(_scatter_combiner(None)), stateful=True, ref_inputs=(0,),
       grad=NOT_DIFFERENTIABLE)
define("ScatterNdAdd", infer=_infer_scatter_nd,
       make_kernel=_scatter_nd_kernel(_scatter_combiner(np.add)), stateful=True,
       ref_inputs=(0,), grad=NOT_DIFFERENTIABLE)
define("ScatterNdSub", infer=_infer_scatter_nd,
       make_kernel=_scatter_nd_kernel(_scatter_combiner(np.subtract)), stateful=True,
       ref_inputs=(0,), grad=NOT_DIFFERENTIABLE)


def _scatter(op_type, ref, indices, updates, use_locking, name):
    """Builds a scatter op on a variable: `indices` int32/int64, `updates` of the ref's dtype."""
    ref = _ref_of(ref)
    if not getattr(ref, "dtype", None) or not ref.dtype.is_ref:
        raise AttributeError(f"{op_type} needs a variable: {ref!s} is not one ("
                             f"'{type(ref).__name__}' object has no attribute '_lazy_read')")
    with OpScope(name, op_type, [ref, indices, updates]) as scope:
        indices = convert_to_tensor(indices, name="indices")
        rules.check_dtype(None, indices, (dtypes.int32, dtypes.int64), "indices")
        given = getattr(updates, "dtype", None)  # a tensor's, not a numpy array's
        if isinstance(given, dtypes.DType) and given.base_dtype is not ref.dtype.base_dtype:
            raise TypeError(f"Input 'updates' of '{op_type}' Op has type "
                            f"{updates.dtype.base_dtype.name} that does not match type "
                            f"{ref.dtype.base_dtype.name} of argument 'ref'.")
        updates = convert_to_tensor(updates, dtype=ref.dtype.base_dtype, name="updates")
        attrs = {"T": ref.dtype.base_dtype, "Tindices": indices.dtype.base_dtype,
                 "use_locking": bool(use_locking)}
        return make_tensor(op_type, [ref, indices, updates], scope, attrs)


def scatter_update(ref, indices, updates, use_locking=True, name=None):
    """Writes `updates` into the rows `indices` of a variable; returns the variable's ref."""
    return _scatter("ScatterUpdate", ref, indices, updates, use_locking, name)


def scatter_add(ref, indices, updates, use_locking=False, name=None):
    """Adds `updates` to the rows `indices` of a variable (duplicate rows add up)."""
    return _scatter("ScatterAdd", ref, indices, updates, use_locking, name)


def scatter_sub(ref, indices, updates, use_locking=False, name=None):
    """Subtracts `updates` from the rows `indices` of a variable (duplicates accumulate)."""
    return _scatter("ScatterSub", ref, indices, updates, use_locking, name)


def scatter_mul(ref, indices, updates, use_locking=False, name=None):
    """Multiplies the rows `indices` of a variable by `updates`."""
    return _scatter("ScatterMul", ref, indices, updates, use_locking, name)


def scatter_div(ref, indices, updates, use_locking=False, name=None):
    """Divides the rows `indices` of a variable by `updates` (integers round toward zero)."""
    return _scatter("ScatterDiv", ref, indices, updates, use_locking, name)


def scatter_min(ref, indices, updates, use_locking=False, name=None):
    """The element-wise minimum of the rows `indices` of a variable and `updates`."""
    return _scatter("ScatterMin", ref, indices, updates, use_locking, name)


def scatter_max(ref, indices, updates, use_locking=False, name=None):
    """The element-wise maximum of the rows `indices` of a variable and `updates`."""
    return _scatter("ScatterMax", ref, indices, updates, use_locking, name)


def scatter_nd_update(ref, indices, updates, use_locking=True, name=None):
    """Writes `updates` at the N-d points (or slices) `indices` of a variable."""
    return _scatter("ScatterNdUpdate", ref, indices, updates, use_locking, name)


def scatter_nd_add(ref, indices, updates, use_locking=False, name=None):
    """Adds `updates` at the N-d points (or slices) `indices` of a variable."""
    return _scatter("ScatterNdAdd", ref, indices, updates, use_locking, name)


def scatter_nd_sub(ref, indices, updates, use_locking=False, name=None):
    """Subtracts `updates` at the N-d points (or slices) `indices` of a variable."""
    return _scatter("ScatterNdSub", ref, indices, updates, use_locking, name)


def variable_op(shape, dtype, name):
    """The VariableV2 op itself (its output is the ref tensor `name:0`)."""
    graph = get_default_graph()
    attrs = {"shape": shape, "dtype": dtypes.as_dtype(dtype).base_dtype, "container": "",
             "shared_name": ""}
    return make_tensor("VariableV2", [], name, attrs, graph)


__all__ = ["assign", "assign_add", "assign_sub", "is_variable_initialized", "variable_op",
           "scatter_update", "scatter_add", "scatter_sub", "scatter_mul", "scatter_div",
           "scatter_min", "scatter_max", "scatter_nd_update", "scatter_nd_add", "scatter_nd_sub"]
