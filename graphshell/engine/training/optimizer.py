"""tf.train.Optimizer: gradients of a loss, and the ops applying them to variables.

`minimize` is `compute_gradients` (tf.gradients, gated per op by default) then
`apply_gradients`: slots are made once per variable (outside any control dependencies), then
inside the optimizer's name scope each variable gets `update_<var>/Apply...`, `_finish` groups
them (Adam also advances its beta powers there), and a global step is incremented after all.
"""

from __future__ import annotations

from ..autodiff.gradients import gradients
from ..graph import dtypes
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..graph.indexed_slices import IndexedSlices
from ..graph.tensor import Tensor
from ..ops import array_ops, control_ops, index_ops, mask_ops, math_ops, state_ops
from ..ops.variables import Variable, trainable_variables
from . import slots


def _var_key(var):
    return (var.op.graph, var.op.name)


def call_if_callable(value):
    """Hyperparameters may be given as callables returning the value."""
    return value() if callable(value) else value


def _flatten(values) -> list:
    """TF's nest.flatten: nested lists and tuples in order, dicts by sorted key."""
    flat, pending = [], [values]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item[key] for key in sorted(item, reverse=True))
        elif isinstance(item, (list, tuple)):
            pending.extend(reversed(item))
        else:
            flat.append(item)
    return flat


def _target(var):
    """What tf.gradients differentiates with respect to: a variable's ref, or a tensor."""
    if isinstance(var, Variable):
        return var._ref()
    if isinstance(var, Tensor):
        return var
    raise NotImplementedError("Trying to optimize unsupported type ", var)


class Optimizer:
    """The base of TF1's optimizers; subclasses say how one variable is updated."""

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking: bool, name: str):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots: dict[str, dict] = {}
        self._non_slot_dict: dict = {}

    def get_name(self) -> str:
        return self._name

    def _call_if_callable(self, param):
        """What TF's subclasses (and users' own optimizers) call on each hyperparameter."""
        return call_if_callable(param)

    # -- the public steps ---------------------------------------------------------------------
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """An op updating `var_list` to reduce `loss` (and incrementing `global_step`)."""
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        if not [v for g, v in grads_and_vars if g is not None]:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                f"support gradients, between variables {[str(v) for _, v in grads_and_vars]} "
                f"and loss {loss}.")
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """[(gradient or None, variable)] for `var_list` (by default the trainable ones)."""
        if callable(loss):
            loss = loss()
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP,
                                  Optimizer.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             "Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not "
                             f"{gate_gradients}")
        self._assert_valid_dtypes([loss])
        if grad_loss is not None:
            self._assert_valid_dtypes([grad_loss])
        if var_list is None:
            var_list = (trainable_variables()
                        + get_default_graph().get_collection(
                            GraphKeys.TRAINABLE_RESOURCE_VARIABLES))
        else:
            var_list = _flatten(var_list)
        targets = [_target(v) for v in var_list]
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = gradients(loss, targets, grad_ys=grad_loss,
                          gate_gradients=gate_gradients == Optimizer.GATE_OP,
                          aggregation_method=aggregation_method,
                          colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gate_gradients == Optimizer.GATE_GRAPH:
            grads = control_ops.tuple(grads)
        grads_and_vars = list(zip(grads, var_list))
        self._assert_valid_dtypes([v for g, v in grads_and_vars if g is not None])
        return grads_and_vars

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """An op applying the gradients (None ones skipped), then incrementing `global_step`."""
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        converted = tuple((_as_gradient(g), v) for g, v in grads_and_vars)
        var_list = [v for g, v in converted if g is not None]
        if not var_list:
            raise ValueError(f"No gradients provided for any variable: "
                             f"{[str(v) for _, v in converted]}.")
        graph = get_default_graph()
        with graph.control_dependencies(None):  # slots initialise outside any dependencies
            self._create_slots(var_list)
        with graph.name_scope(name or self._name) as scope:
            self._prepare()
            update_ops = []
            for grad, var in converted:
                if grad is None:
                    continue
                # the update's ops join the variable's colocation group (as TF's)
                with graph.name_scope("update_" + var.op.name), graph.colocate_with(var):
                    update_ops.append(self._update_op(grad, var))
            if global_step is None:
                apply_updates = self._finish(update_ops, scope)
            else:
                with graph.control_dependencies([self._finish(update_ops, "update")]):
                    apply_updates = state_ops.assign_add(global_step, 1, name=scope)
            apply_updates = getattr(apply_updates, "op", apply_updates)
            train_ops = graph.get_collection_ref(GraphKeys.TRAIN_OP)
            if apply_updates not in train_ops:
                train_ops.append(apply_updates)
            return apply_updates

    def _update_op(self, grad, var):
        if not isinstance(var, Variable):
            raise NotImplementedError("Trying to update a Tensor ", var)
        if isinstance(grad, IndexedSlices):
            if var.constraint is not None:
                raise RuntimeError("Cannot use a constraint function on a sparse variable.")
            return self._apply_sparse_duplicate_indices(grad, var)
        update = self._apply_dense(grad, var)
        if var.constraint is None:
            return update
        with get_default_graph().control_dependencies([update]):
            return var.assign(var.constraint(var))

    # -- slots and other state ----------------------------------------------------------------
    def get_slot(self, var, name):
        """The slot `name` made for `var`, or None."""
        named_slots = self._slots.get(name)
        return None if not named_slots else named_slots.get(_var_key(var))

    def get_slot_names(self) -> list[str]:
        return sorted(self._slots)

    def variables(self) -> list:
        """The optimizer's variables in the default graph (slots and others), by name."""
        graph = get_default_graph()
        found = [v for v in self._non_slot_dict.values() if v.op.graph is graph]
        for named_slots in self._slots.values():
            found.extend(v for v in named_slots.values() if v.op.graph is graph)
        return sorted(found, key=lambda v: v.name)

    def _slot_dict(self, slot_name):
        return self._slots.setdefault(slot_name, {})

    def _get_or_make_slot(self, var, val, slot_name, op_name):
        named_slots = self._slot_dict(slot_name)
        if _var_key(var) not in named_slots:
            named_slots[_var_key(var)] = slots.create_slot(var, val, op_name)
        return named_slots[_var_key(var)]

    def _get_or_make_slot_with_initializer(self, var, initializer, shape, dtype, slot_name,
                                           op_name):
        named_slots = self._slot_dict(slot_name)
        if _var_key(var) not in named_slots:
            named_slots[_var_key(var)] = slots.create_slot_with_initializer(
                var, initializer, shape, dtype, op_name)
        return named_slots[_var_key(var)]

    def _zeros_slot(self, var, slot_name, op_name):
        named_slots = self._slot_dict(slot_name)
        if _var_key(var) not in named_slots:
            named_slots[_var_key(var)] = slots.create_zeros_slot(var, op_name)
        return named_slots[_var_key(var)]

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """A variable of the optimizer's own, one per graph (Adam's beta powers)."""
        key = (name, colocate_with.graph)
        variable = self._non_slot_dict.get(key)
        if variable is None:
            with colocate_with.graph.colocate_with(colocate_with):
                variable = Variable(initial_value, name=name, trainable=False)
            self._non_slot_dict[key] = variable
        return variable

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot_dict.get((name, graph))

    def _non_slot_variables(self):
        return self._non_slot_dict.values()

    # -- checks ----------------------------------------------------------------------------------
    def _valid_dtypes(self):
        return {dtypes.float16, dtypes.float32, dtypes.float64}

    def _assert_valid_dtypes(self, tensors) -> None:
        valid = self._valid_dtypes()
        for tensor in tensors:
            dtype = tensor.dtype.base_dtype
            if dtype not in valid:
                allowed = ", ".join(repr(d) for d in (dtypes.float16, dtypes.float32,
                                                      dtypes.float64) if d in valid)
                raise ValueError(f"Invalid type {dtype!r} for {tensor.name}, expected: "
                                 f"[{allowed}].")

    # -- what subclasses provide -----------------------------------------------------------------
    def _create_slots(self, var_list) -> None:
        """Makes the slots the variables need (none by default)."""

    def _prepare(self) -> None:
        """Makes the hyperparameter tensors, inside the optimizer's name scope."""

    def _apply_dense(self, grad, var):
        raise NotImplementedError()

    def _apply_sparse_duplicate_indices(self, grad, var):
        """Sums the rows of repeated indices, then applies the sparse gradient."""
        summed, unique = deduplicate_indexed_slices(grad.values, grad.indices)
        return self._apply_sparse(IndexedSlices(summed, unique, grad.dense_shape), var)

    def _apply_sparse(self, grad, var):
        raise NotImplementedError()

    def _finish(self, update_ops, name_scope):
        return control_ops.group(*update_ops, name=name_scope)

    def _cast(self, tensor, var):
        """A hyperparameter in the variable's dtype (a Cast op only when they differ)."""
        return math_ops.cast(tensor, var.dtype.base_dtype)


def _as_gradient(grad):
    if grad is None or isinstance(grad, (Tensor, IndexedSlices)):
        return grad
    try:
        return convert_to_tensor(grad)
    except (TypeError, ValueError):
        raise TypeError(f"Gradient must be convertible to a Tensor or IndexedSlices, or None: "
                        f"{grad}") from None


def deduplicate_indexed_slices(values, indices):
    """(values summed per unique index, the unique indices), as TF's optimizers do."""
    unique_indices, positions = mask_ops.unique(indices)
    summed = index_ops.unsorted_segment_sum(values, positions,
                                            array_ops.shape(unique_indices)[0])
    return summed, unique_indices


__all__ = ["Optimizer", "call_if_callable", "deduplicate_indexed_slices"]
