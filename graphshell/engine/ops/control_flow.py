"""tf.cond with TF1's structure: Switch routes each value into a branch, Merge takes the branch
that ran. At run time the branch not taken receives dead values, so none of its ops execute
(and the step record shows them as not executed), exactly as in TF's executor."""

from __future__ import annotations

from collections.abc import Iterable

from ..graph import dtypes
from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.frames import CondBranch, enclosing_contexts
from ..graph.graph import get_default_graph
from ..graph.indexed_slices import IndexedSlices
from ..graph.operation import Operation
from ..graph.registry import define
from ..graph.sparse_tensor import SparseTensor
from ..graph.tensor import Tensor
from ..run.runtime import VariableRef
from . import array_ops, control_ops, rules


# -- Switch and Merge ------------------------------------------------------------------------------
def _infer_switch(op):
    data, pred = op._inputs
    if pred.dtype.base_dtype != dtypes.bool_:
        raise TypeError(f"Input 'pred' of '{op.type}' Op has type {pred.dtype.base_dtype.name} "
                        "that does not match expected type of bool.")
    if pred._shape not in (None, ()):
        raise rules.ShapeError(f"Shape must be rank 0 but is rank {len(pred._shape)}")
    return [(data.dtype, data._shape)] * 2


def _switch(data, pred):
    if data is None or pred is None:
        return None, None
    return (None, data) if pred else (data, None)


def _switch_grad(op, grad_false, grad_true):
    if grad_false is None and grad_true is None:
        return [None, None]
    return [merge([grad_false, grad_true], name="cond_grad")[0], None]


def _merged_shape(shapes):
    """TF's Merge shape: the dims all inputs agree on, unknown where they differ; an unknown
    rank if any input's rank is unknown or the ranks differ."""
    if any(shape is None for shape in shapes) or len({len(shape) for shape in shapes}) > 1:
        return None
    return tuple(dims[0] if all(d == dims[0] for d in dims) else None for dims in zip(*shapes))


def _infer_merge(op):
    first = op._inputs[0]
    shape = _merged_shape([t._shape for t in op._inputs])
    all_refs = all(t.dtype.is_ref for t in op._inputs)
    return [(first.dtype if all_refs else first.dtype.base_dtype, shape), (dtypes.int32, ())]


def _merge(*inputs):
    for index, value in enumerate(inputs):
        if value is not None:
            return value, index
    return None, None


def _make_merge_kernel(op, runtime):
    """A Merge with a value output reads a live variable reference (an assign's result)."""
    if op._outputs[0].dtype.is_ref:
        return _merge

    def merge_values(*inputs):
        value, index = _merge(*inputs)
        return (value.get() if isinstance(value, VariableRef) else value), index
    return merge_values


def _merge_grad(op, grad, _index_grad):
    pred = op.attrs.get("_pred")
    if pred is None:
        raise LookupError(f"cannot differentiate through Merge '{op.name}' built outside tf.cond")
    with grad.graph.colocate_with(grad.op, ignore_existing=True):  # as TF routes a value
        return list(switch(grad, pred, name="cond_grad"))


for _type in ("Switch", "RefSwitch"):
    define(_type, infer=_infer_switch, kernel=_switch, grad=_switch_grad, multi_output=True,
           ref_inputs=(0,), control_flow=True)
define("Merge", infer=_infer_merge, make_kernel=_make_merge_kernel, grad=_merge_grad,
       multi_output=True, ref_inputs=(0, 1), control_flow=True)


def switch(data, pred, name=None):
    """(output_false, output_true): only the side matching `pred` carries a live value."""
    with OpScope(name, "Switch", [data, pred]) as scope:
        data = convert_to_tensor(data, name="data")
        pred = convert_to_tensor(pred, name="pred")
        op_type = "RefSwitch" if data.dtype.is_ref else "Switch"
        return tuple(make_op(op_type, [data, pred], scope).outputs)


def merge(inputs, name=None):
    """(value, index) of whichever input is live."""
    live = [t for t in inputs if t is not None]
    if not live:
        raise ValueError("merge needs at least one input")
    inputs = [t if t is not None else array_ops.zeros_like_output(live[0]) for t in inputs]
    with OpScope(name, "Merge", inputs) as scope:
        return tuple(make_op("Merge", list(inputs), scope).outputs)


# -- the branch context ----------------------------------------------------------------------------
class CondContext(CondBranch):
    """One branch of a tf.cond as it is built: routes outside values through Switch ops, and
    makes ops without inputs depend on the branch's pivot, so they too die with the branch."""

    def _route_in(self, tensor: Tensor) -> Tensor:
        source = self._as_outer_sees(tensor)
        with self._building_outside(), self.graph.colocate_with(source.op, ignore_existing=True):
            switched = switch(source, self.pred)[self.branch]  # TF colocates it with its data
        self.graph.prevent_fetching(switched.op)
        # the Switch belongs to the branch (TF's CondContext), whose values may be fed even in a
        # while loop, which marked it unfeedable when it was built at the branch's edge
        self.graph._unfeedable.difference_update(switched.op._outputs)
        switched.op.attrs["_pred"] = self.pred
        switched.op.attrs["_branch"] = self.branch
        self._add_to_enclosing_values([switched])
        return switched

    def record(self, op: Operation) -> None:
        super().record(op)
        self.graph.prevent_fetching(op)  # a branch's values live only in some steps
        self._add_to_enclosing_values(op._outputs)
        if not op._inputs:
            self._wait_for_pivot(op, self.pivot.op)

    def _add_to_enclosing_values(self, tensors: Iterable[Tensor]) -> None:
        """A branch's values are usable as they are in every context around it: the branch
        only runs where they do."""
        for context in enclosing_contexts(self):
            context.values.update(tensors)


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """Runs true_fn's ops if `pred` is true at run time, else false_fn's; returns their results."""
    true_fn, false_fn = true_fn or fn1, false_fn or fn2
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("true_fn and false_fn must be callable.")
    if isinstance(pred, bool):
        raise TypeError("'pred' must not be a Python bool.")
    with OpScope(name, "cond", [pred]) as scope:
        graph = get_default_graph()
        pred = convert_to_tensor(pred, name="pred")
        switch_false, switch_true = switch(pred, pred)
        pivot_true = array_ops.identity(switch_true, name="switch_t")
        pivot_false = array_ops.identity(switch_false, name="switch_f")
        pred_id = array_ops.identity(pred, name="pred_id")
        for tensor in (switch_true, pivot_true, pivot_false, pred_id):
            graph.prevent_fetching(tensor.op)
        true_results = _build_branch(CondContext(graph, scope, pred_id, pivot_true, 1), true_fn)
        false_results = _build_branch(CondContext(graph, scope, pred_id, pivot_false, 0), false_fn)
        return _merge_results(true_results, false_results, pred_id, strict, scope)


def _build_branch(context, function):
    context.values.add(context.pivot)  # the pivot lives in its branch (TF's CondContext)
    with context.as_current():
        return _flatten_branch_result(function(), context)


def _flatten_branch_result(result, context):
    """The branch's results as tensors available inside the branch, with the structure."""
    if result is None:
        raise ValueError("true_fn and false_fn must return at least one result.")
    leaves, rebuild = _flatten(result)
    tensors = []
    for leaf in leaves:
        if hasattr(leaf, "type") and hasattr(leaf, "_control_inputs"):  # an Operation
            tensor = control_ops.with_dependencies([leaf], context.pivot)
        else:
            tensor = context.add_value(convert_to_tensor(leaf))
        tensors.append(tensor)
    return tensors, rebuild


def _flatten(structure):
    if isinstance(structure, (list, tuple)):
        parts = [_flatten(item) for item in structure]
        leaves = [leaf for part_leaves, _ in parts for leaf in part_leaves]

        def rebuild(values):
            built, start = [], 0
            for part_leaves, part_rebuild in parts:
                built.append(part_rebuild(values[start:start + len(part_leaves)]))
                start += len(part_leaves)
            return type(structure)(built) if not hasattr(structure, "_fields") \
                else type(structure)(*built)
        return leaves, rebuild
    if isinstance(structure, dict):
        keys = list(structure)
        leaves, inner = _flatten([structure[k] for k in keys])
        return leaves, lambda values: type(structure)(zip(keys, inner(values)))
    if isinstance(structure, IndexedSlices):  # merged part by part, as TF's cond does
        parts = [structure.values, structure.indices]
        if structure.dense_shape is not None:
            parts.append(structure.dense_shape)
        return parts, lambda values: IndexedSlices(*values)
    if isinstance(structure, SparseTensor):
        parts = [structure.indices, structure.values, structure.dense_shape]
        return parts, lambda values: SparseTensor(*values)
    return [structure], lambda values: values[0]


def _merge_results(true_results, false_results, pred, strict, scope):
    (true_tensors, rebuild), (false_tensors, _) = true_results, false_results
    if len(true_tensors) != len(false_tensors):
        raise ValueError("The two structures don't have the same nested structure. true_fn "
                         f"returned {len(true_tensors)} values and false_fn "
                         f"{len(false_tensors)}; make both branches return the same structure.")
    merged = []
    for false_tensor, true_tensor in zip(false_tensors, true_tensors):
        true_dtype, false_dtype = true_tensor.dtype.base_dtype, false_tensor.dtype.base_dtype
        if false_dtype is not true_dtype:
            raise ValueError("Outputs of 'true_fn' and 'false_fn' must have the same type(s). "
                             f"Received {true_dtype.name} from 'true_fn' and "
                             f"{false_dtype.name} from 'false_fn'.")
        value = merge([false_tensor, true_tensor])[0]
        value.op.attrs["_pred"] = pred
        merged.append(value)
    result = rebuild(merged)
    if not strict and isinstance(result, (list, tuple)) and len(result) == 1 \
            and not hasattr(result, "_fields"):
        return result[0]
    return result


__all__ = ["cond", "switch", "merge", "CondContext", "Tensor"]
