"""tf.train.ExponentialMovingAverage and assign_moving_average.

`apply(var_list)` gives each variable (or tensor) a shadow slot `v/ExponentialMovingAverage`
starting at the variable's value (zeros for a tensor), and returns one op that moves every
shadow toward its variable: shadow -= (shadow - value) * (1 - decay).
"""

from __future__ import annotations

from ..graph import dtypes
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..ops import control_flow, control_ops, init_ops, math_ops, state_ops, variable_scope
from ..ops.variables import Variable, global_variables, trainable_variables
from . import slots

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def assign_moving_average(variable, value, decay, zero_debias=True, name=None):
    """variable -= (variable - value) * (1 - decay), as an op named after the scope; with
    `zero_debias`, a zero-started average divided by 1 - decay^t (Adam's correction)."""
    graph = get_default_graph()
    with graph.name_scope(name or "AssignMovingAvg") as scope:
        decay = convert_to_tensor(1.0 - decay, name="decay")
        if decay.dtype.base_dtype is not variable.dtype.base_dtype:
            decay = math_ops.cast(decay, variable.dtype.base_dtype)
        if zero_debias:
            return _zero_debias(variable, value, decay, scope)
        return state_ops.assign_sub(variable, (variable - value) * decay, name=scope)


def _zero_debias(unbiased, value, keep, scope):
    """Tracks the biased average in `<var>/biased` and the update count in `<var>/local_step`,
    and assigns their quotient by the bias factor; `keep` is 1 - decay."""
    with variable_scope.variable_scope(unbiased.op.name, values=[unbiased, value, keep]):
        biased = variable_scope.get_variable(
            _unused_name("biased"), initializer=init_ops.Zeros(), shape=unbiased.get_shape(),
            dtype=unbiased.dtype.base_dtype, trainable=False)
        local_step = variable_scope.get_variable(
            _unused_name("local_step"), shape=[], dtype=unbiased.dtype.base_dtype,
            initializer=init_ops.Zeros(), trainable=False)
    update_biased = state_ops.assign_sub(biased, (biased - value) * keep)
    update_local_step = local_step.assign_add(1)
    bias_factor = 1 - math_ops.pow(1.0 - keep, update_local_step)
    return state_ops.assign(unbiased, update_biased / bias_factor, name=scope)


def _unused_name(name: str) -> str:
    """`name`, or `name_N` when the current variable scope already has that variable."""
    scope = variable_scope.get_variable_scope()
    if scope.reuse:
        return name
    taken = {v.op.name for v in get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES,
                                                                     scope.name)}
    full_name = scope.name + "/" + name
    if full_name not in taken:
        return name
    index = 1
    while f"{full_name}_{index}" in taken:
        index += 1
    return f"{name}_{index}"


class ExponentialMovingAverage:
    """Shadow variables tracking moving averages of variables or tensors."""

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages: dict = {}
        self._zero_debiased: set = set()  # the shadows of tensors, when zero_debias is asked

    @property
    def name(self) -> str:
        return self._name

    def apply(self, var_list=None):
        """One op updating the shadows of `var_list` (by default the trainable variables)."""
        if var_list is None:
            var_list = trainable_variables()
        for var in var_list:
            if var.dtype.base_dtype not in _FLOATS:
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
            if var not in self._averages:
                self._averages[var] = self._shadow_of(var)
                if self._zero_debias and not isinstance(var, Variable):
                    self._zero_debiased.add(self._averages[var])
        graph = get_default_graph()
        with graph.name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, name="decay")
            if self._num_updates is not None:
                updates = math_ops.cast(self._num_updates, dtypes.float32, name="num_updates")
                decay = math_ops.minimum(decay, (1.0 + updates) / (10.0 + updates))
            assigns = [assign_moving_average(self._averages[var], var, decay,
                                             self._averages[var] in self._zero_debiased)
                       for var in var_list]
            return control_ops.group(*assigns, name=scope)

    def _shadow_of(self, var):
        graph = get_default_graph()
        with graph.control_dependencies(None):
            if isinstance(var, Variable):
                start = control_flow.cond(state_ops.is_variable_initialized(var),
                                          var.read_value, lambda: var.initial_value)
                shadow = slots.create_slot(var, start, self._name)
                graph.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
                return shadow
            return slots.create_zeros_slot(var, self._name)

    def average(self, var):
        """The shadow variable of `var`, or None."""
        return self._averages.get(var)

    def average_name(self, var) -> str:
        """The name of `var`'s shadow (what it would be called if not yet made)."""
        if var in self._averages:
            return self._averages[var].op.name
        return get_default_graph().unique_name(var.op.name + "/" + self._name,
                                               mark_as_used=False)

    def variables_to_restore(self, moving_avg_variables=None) -> dict:
        """{checkpoint name: variable}: shadows' names map to the variables they average."""
        if moving_avg_variables is None:
            moving_avg_variables = trainable_variables() + get_default_graph().get_collection(
                GraphKeys.MOVING_AVERAGE_VARIABLES)
        averaged = list(dict.fromkeys(moving_avg_variables))
        name_map = {self.average_name(v): v for v in averaged}
        averaged_names = {v.name for v in averaged}
        for var in global_variables():
            if var.name not in averaged_names and var.op.name not in name_map:
                name_map[var.op.name] = var
        return name_map


__all__ = ["ExponentialMovingAverage", "assign_moving_average"]
