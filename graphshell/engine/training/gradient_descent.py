"""Plain and momentum gradient descent (tf.train.GradientDescentOptimizer, MomentumOptimizer)."""

from __future__ import annotations

from ..graph.convert import convert_to_tensor
from ..ops import sparse_training_ops, state_ops, training_ops
from .optimizer import Optimizer, call_if_callable


class GradientDescentOptimizer(Optimizer):
    """var -= learning_rate * gradient."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self) -> None:
        self._learning_rate_tensor = convert_to_tensor(
            call_if_callable(self._learning_rate), name="learning_rate")

    def _apply_dense(self, grad, var):
        return training_ops.apply_gradient_descent(
            var, self._cast(self._learning_rate_tensor, var), grad,
            use_locking=self._use_locking).op

    def _apply_sparse_duplicate_indices(self, grad, var):
        # ScatterSub adds repeated rows up itself, so no de-duplication first (as in TF)
        delta = grad.values * self._cast(self._learning_rate_tensor, var)
        return state_ops.scatter_sub(var, grad.indices, delta, use_locking=self._use_locking)


class MomentumOptimizer(Optimizer):
    """accum = momentum * accum + gradient; var -= learning_rate * accum (or Nesterov's step)."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list) -> None:
        for var in var_list:
            self._zeros_slot(var, "momentum", self._name)

    def _prepare(self) -> None:
        self._learning_rate_tensor = convert_to_tensor(
            call_if_callable(self._learning_rate), name="learning_rate")
        self._momentum_tensor = convert_to_tensor(call_if_callable(self._momentum),
                                                  name="momentum")

    def _apply_dense(self, grad, var):
        return training_ops.apply_momentum(
            var, self.get_slot(var, "momentum"), self._cast(self._learning_rate_tensor, var),
            grad, self._cast(self._momentum_tensor, var), use_locking=self._use_locking,
            use_nesterov=self._use_nesterov).op

    def _apply_sparse(self, grad, var):
        return sparse_training_ops.sparse_apply_momentum(
            var, self.get_slot(var, "momentum"), self._cast(self._learning_rate_tensor, var),
            grad.values, grad.indices, self._cast(self._momentum_tensor, var),
            use_locking=self._use_locking, use_nesterov=self._use_nesterov).op


__all__ = ["GradientDescentOptimizer", "MomentumOptimizer"]
