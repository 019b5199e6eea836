"""CountUpTo: a scalar integer variable as a counter that fails once it reaches its limit,
and TF1's `assert_variables_initialized` (a Rank of every variable: reading fails if unset)."""

from __future__ import annotations

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.graph import get_default_graph
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from . import array_ops, state_ops, variables


def _infer_count_up_to(op):
    ref = op._inputs[0]
    if not ref.dtype.is_ref:
        raise TypeError("Input 'ref' of 'CountUpTo' Op requires l-value input")
    if ref._shape is not None and len(ref._shape) != 0:
        raise ShapeError(f"Shape must be rank 0 but is rank {len(ref._shape)}")
    return [(ref.dtype.base_dtype, ())]


def _count_up_to_kernel(op, runtime):
    limit = op.attrs["limit"]

    def count(ref):
        before = ref.get()
        if before >= limit:
            raise errors.OutOfRangeError(None, None, f"Reached limit of {limit}")
        result = before.copy()
        buffer = ref.writable()  # in place, as TF's CountUpToOp
        try:
            buffer += 1
        finally:
            ref.seal()
        return result
    return count


define("CountUpTo", infer=_infer_count_up_to, make_kernel=_count_up_to_kernel, stateful=True,
       ref_inputs=(0,), grad=NOT_DIFFERENTIABLE)


def count_up_to(ref, limit, name=None):
    """The variable's value, then the variable incremented; OutOfRangeError once at `limit`."""
    ref = state_ops._ref_of(ref)
    if ref.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'ref' has DataType "
                        f"{ref.dtype.base_dtype.name} not in list of allowed values: int32, int64")
    with OpScope(name, "CountUpTo", [ref]) as scope:
        attrs = {"limit": int(limit), "T": ref.dtype.base_dtype}
        return make_tensor("CountUpTo", [ref], scope, attrs)


_VARIABLE_OP_TYPES = ("Variable", "VariableV2", "AutoReloadVariable")


def assert_variables_initialized(var_list=None):
    """An op that fails (FailedPreconditionError) if a variable of `var_list` (default: all
    global and local ones) is uninitialised; None if there are none."""
    if var_list is None:
        var_list = variables.global_variables() + variables.local_variables()
    if not var_list:
        var_list = [op.outputs[0] for op in get_default_graph().get_operations()
                    if op.type in _VARIABLE_OP_TYPES]
    if not var_list:
        return None
    ranks = []
    for variable in var_list:
        with get_default_graph().colocate_with(variable.op):
            ranks.append(array_ops.rank(variable, optimize=False))
    return ranks[0] if len(ranks) == 1 else array_ops.stack(ranks)

