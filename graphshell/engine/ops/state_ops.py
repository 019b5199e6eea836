"""Variable state ops: VariableV2 (a reference to per-session state) and the assigns.

A VariableV2 op outputs a `VariableRef`; ops that take a ref input (the assigns,
IsVariableInitialized) receive it as is, and every other consumer receives the current value,
read when that consumer runs (the executor dereferences it).
"""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.registry import NOT_DIFFERENTIABLE, define
from ..graph.shapes import shapes_compatible
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


def _assign_kernel(op, runtime):
    validate = op.attrs.get("validate_shape", True)
    np_type = op._inputs[0].dtype.base_dtype.as_numpy_dtype

    def assign(ref, value):
        new = np.array(value, dtype=np_type)
        if validate and ref.is_initialized():
            old = np.shape(ref.get())
            if old != new.shape:
                raise errors.InvalidArgumentError(
                    None, None, f"Assign requires shapes of both tensors to match. lhs shape= "
                    f"{list(old)} rhs shape= {list(new.shape)}")
        ref.set(new)
        return ref
    return assign


def _update_kernel(numpy_function):
    def make(op, runtime):
        def update(ref, delta):
            old = ref.get()
            if np.shape(old) != np.shape(delta):
                raise errors.InvalidArgumentError(
                    None, None, f"Must have updates.shape = ref.shape: {list(np.shape(delta))} vs "
                    f"{list(np.shape(old))}")
            ref.set(np.asarray(numpy_function(old, delta)))
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
        if hasattr(value, "dtype") and value.dtype.base_dtype is not ref.dtype.base_dtype:
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
    return _state_update("Assign", "Assign", ref, value, use_locking, name,
                         True if validate_shape is None else validate_shape)


def assign_add(ref, value, use_locking=None, name=None):
    return _state_update("AssignAdd", "AssignAdd", ref, value, use_locking, name)


def assign_sub(ref, value, use_locking=None, name=None):
    return _state_update("AssignSub", "AssignSub", ref, value, use_locking, name)


def is_variable_initialized(variable, name=None):
    ref = _ref_of(variable)
    with OpScope(name, "IsVariableInitialized", [ref]) as scope:
        return make_tensor("IsVariableInitialized", [ref], scope, {"dtype": ref.dtype.base_dtype})


def variable_op(shape, dtype, name):
    """The VariableV2 op itself (its output is the ref tensor `name:0`)."""
    graph = get_default_graph()
    attrs = {"shape": shape, "dtype": dtypes.as_dtype(dtype).base_dtype, "container": "",
             "shared_name": ""}
    return make_tensor("VariableV2", [], name, attrs, graph)


__all__ = ["assign", "assign_add", "assign_sub", "is_variable_initialized", "variable_op"]
