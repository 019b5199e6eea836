"""tf.train.AdamOptimizer: slots `m` and `v` per variable, and the beta powers it advances."""

from __future__ import annotations

from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..ops import control_ops, state_ops, training_ops, unary_ops
from .optimizer import Optimizer, call_if_callable


class AdamOptimizer(Optimizer):
    """Adam (Kingma and Ba) in TF's form: the bias corrections scale the learning rate, and
    epsilon is added to sqrt(v) (the paper's "epsilon hat")."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon

    def _get_beta_accumulators(self):
        graph = get_default_graph()
        return (self._get_non_slot_variable("beta1_power", graph=graph),
                self._get_non_slot_variable("beta2_power", graph=graph))

    def _create_slots(self, var_list) -> None:
        # the beta powers live beside the variable first by name
        first_var = min(var_list, key=lambda x: x.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", first_var)
        for var in var_list:
            self._zeros_slot(var, "m", self._name)
            self._zeros_slot(var, "v", self._name)

    def _prepare(self) -> None:
        self._lr_t = convert_to_tensor(call_if_callable(self._lr), name="learning_rate")
        self._beta1_t = convert_to_tensor(call_if_callable(self._beta1), name="beta1")
        self._beta2_t = convert_to_tensor(call_if_callable(self._beta2), name="beta2")
        self._epsilon_t = convert_to_tensor(call_if_callable(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        beta1_power, beta2_power = self._get_beta_accumulators()
        cast = self._cast
        return training_ops.apply_adam(
            var, self.get_slot(var, "m"), self.get_slot(var, "v"), cast(beta1_power, var),
            cast(beta2_power, var), cast(self._lr_t, var), cast(self._beta1_t, var),
            cast(self._beta2_t, var), cast(self._epsilon_t, var), grad,
            use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        """TF's sparse Adam: decay all of m and v, add the gradient's rows, step all of var."""
        beta1_power, beta2_power = self._get_beta_accumulators()
        cast, graph, locking = self._cast, get_default_graph(), self._use_locking
        beta1_power, beta2_power = cast(beta1_power, var), cast(beta2_power, var)
        lr_t, beta1_t = cast(self._lr_t, var), cast(self._beta1_t, var)
        beta2_t, epsilon_t = cast(self._beta2_t, var), cast(self._epsilon_t, var)
        lr = lr_t * unary_ops.sqrt(1 - beta2_power) / (1 - beta1_power)
        m = self.get_slot(var, "m")
        m_scaled = grad.values * (1 - beta1_t)
        m_t = state_ops.assign(m, m * beta1_t, use_locking=locking)
        with graph.control_dependencies([m_t]):
            m_t = state_ops.scatter_add(m, grad.indices, m_scaled, use_locking=locking)
        v = self.get_slot(var, "v")
        v_scaled = (grad.values * grad.values) * (1 - beta2_t)
        v_t = state_ops.assign(v, v * beta2_t, use_locking=locking)
        with graph.control_dependencies([v_t]):
            v_t = state_ops.scatter_add(v, grad.indices, v_scaled, use_locking=locking)
        v_sqrt = unary_ops.sqrt(v_t)
        var_update = state_ops.assign_sub(var, lr * m_t / (v_sqrt + epsilon_t),
                                          use_locking=locking)
        return control_ops.group(var_update, m_t, v_t)

    def _finish(self, update_ops, name_scope):
        graph = get_default_graph()
        with graph.control_dependencies(update_ops):
            beta1_power, beta2_power = self._get_beta_accumulators()
            with graph.colocate_with(beta1_power):
                update_beta1 = beta1_power.assign(beta1_power * self._beta1_t,
                                                  use_locking=self._use_locking)
                update_beta2 = beta2_power.assign(beta2_power * self._beta2_t,
                                                  use_locking=self._use_locking)
        return control_ops.group(*update_ops, update_beta1, update_beta2, name=name_scope)


__all__ = ["AdamOptimizer"]
