"""tf.train.ProximalGradientDescentOptimizer and ProximalAdagradOptimizer (FOBOS): a step,
then the L1/L2 proximal shrink."""

from __future__ import annotations

from ..graph.convert import constant, convert_to_tensor
from ..ops import regularized_training_ops, sparse_training_ops
from .optimizer import Optimizer, call_if_callable


class _Proximal(Optimizer):
    """Holds the rate and the two regularization strengths as TF names their tensors."""

    def __init__(self, learning_rate, l1, l2, use_locking, name):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1 = l1
        self._l2 = l2

    def _prepare(self) -> None:
        self._lr_tensor = convert_to_tensor(call_if_callable(self._learning_rate),
                                            name="learning_rate")
        self._l1_tensor = convert_to_tensor(self._l1, name="l1_regularization_strength")
        self._l2_tensor = convert_to_tensor(self._l2, name="l2_regularization_strength")

    def _rates(self, var):
        # no casts, as in TF: these two optimizers take float32 variables only
        return self._lr_tensor, self._l1_tensor, self._l2_tensor


class ProximalGradientDescentOptimizer(_Proximal):
    """Gradient descent followed by the L1/L2 proximal step."""

    def __init__(self, learning_rate, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False,
                 name="ProximalGradientDescent"):
        super().__init__(learning_rate, l1_regularization_strength, l2_regularization_strength,
                         use_locking, name)

    def _apply_dense(self, grad, var):
        return regularized_training_ops.apply_proximal_gradient_descent(
            var, *self._rates(var), grad, use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        return sparse_training_ops.sparse_apply_proximal_gradient_descent(
            var, *self._rates(var), grad.values, grad.indices,
            use_locking=self._use_locking).op


class ProximalAdagradOptimizer(_Proximal):
    """Adagrad's per-coordinate rate, then the L1/L2 proximal step at that rate."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="ProximalAdagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value}")
        super().__init__(learning_rate, l1_regularization_strength, l2_regularization_strength,
                         use_locking, name)
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list) -> None:
        for var in var_list:
            start = constant(self._initial_accumulator_value, shape=var.get_shape().as_list(),
                             dtype=var.dtype.base_dtype)
            self._get_or_make_slot(var, start, "accumulator", self._name)

    def _apply_dense(self, grad, var):
        return regularized_training_ops.apply_proximal_adagrad(
            var, self.get_slot(var, "accumulator"), *self._rates(var), grad,
            use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        return sparse_training_ops.sparse_apply_proximal_adagrad(
            var, self.get_slot(var, "accumulator"), *self._rates(var), grad.values,
            grad.indices, use_locking=self._use_locking).op


__all__ = ["ProximalGradientDescentOptimizer", "ProximalAdagradOptimizer"]
