"""tf.train.FtrlOptimizer: follow-the-regularized-leader (McMahan et al.), slots accum/linear."""

from __future__ import annotations

from ..graph.convert import convert_to_tensor
from ..ops import input_ops, math_ops, regularized_training_ops, sparse_training_ops
from .optimizer import Optimizer


def _at_least_zero(value, what: str) -> None:
    if value < 0.0:
        raise ValueError(f"{what} {value:f} needs to be positive or zero")


class FtrlOptimizer(Optimizer):
    """FTRL-proximal with L1/L2 (and optional L2-shrinkage) regularization."""

    def __init__(self, learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="Ftrl", accum_name=None, linear_name=None,
                 l2_shrinkage_regularization_strength=0.0, beta=None):
        super().__init__(use_locking, name)
        _at_least_zero(initial_accumulator_value, "initial_accumulator_value")
        if learning_rate_power > 0.0:
            raise ValueError(f"learning_rate_power {learning_rate_power:f} needs to be "
                             "negative or zero")
        _at_least_zero(l1_regularization_strength, "l1_regularization_strength")
        _at_least_zero(l2_regularization_strength, "l2_regularization_strength")
        _at_least_zero(l2_shrinkage_regularization_strength,
                       "l2_shrinkage_regularization_strength")
        self._learning_rate = learning_rate
        self._learning_rate_power = learning_rate_power
        self._initial_accumulator_value = initial_accumulator_value
        self._l1 = l1_regularization_strength
        self._l2 = l2_regularization_strength
        self._l2_shrinkage = l2_shrinkage_regularization_strength
        self._beta = 0.0 if beta is None else beta
        self._accum_name = accum_name
        self._linear_name = linear_name

    def _create_slots(self, var_list) -> None:
        def accum_initializer(shape, dtype=None, partition_info=None):
            return input_ops.ones(shape, dtype=dtype) * self._initial_accumulator_value
        for var in var_list:
            self._get_or_make_slot_with_initializer(
                var, accum_initializer, var.shape, var.dtype.base_dtype, "accum",
                self._accum_name or self._name)
            self._zeros_slot(var, "linear", self._linear_name or self._name)

    def _prepare(self) -> None:
        self._lr_tensor = convert_to_tensor(self._learning_rate, name="learning_rate")
        self._l1_tensor = convert_to_tensor(self._l1, name="l1_regularization_strength")
        # beta folds into L2, so the kernels need no parameter of their own for it
        adjusted = self._l2 + self._beta / (2.0 * math_ops.maximum(self._learning_rate, 1e-36))
        self._l2_tensor = convert_to_tensor(adjusted, name="adjusted_l2_regularization_strength")
        self._beta_tensor = convert_to_tensor(self._beta, name="beta")
        self._shrinkage_tensor = convert_to_tensor(self._l2_shrinkage,
                                                   name="l2_shrinkage_regularization_strength")
        self._power_tensor = convert_to_tensor(self._learning_rate_power,
                                               name="learning_rate_power")

    def _apply_dense(self, grad, var):
        return self._apply(var, (grad,), regularized_training_ops.apply_ftrl,
                           regularized_training_ops.apply_ftrl_v2)

    def _apply_sparse(self, grad, var):
        return self._apply(var, (grad.values, grad.indices), sparse_training_ops.sparse_apply_ftrl,
                           sparse_training_ops.sparse_apply_ftrl_v2)

    def _apply(self, var, gradient, plain, with_shrinkage):
        """`plain` (or, with L2 shrinkage, `with_shrinkage`) over var, slots and `gradient`."""
        cast = self._cast
        slots = (var, self.get_slot(var, "accum"), self.get_slot(var, "linear"))
        rates = (cast(self._lr_tensor, var), cast(self._l1_tensor, var),
                 cast(self._l2_tensor, var))
        if self._l2_shrinkage <= 0.0:
            return plain(*slots, *gradient, *rates, cast(self._power_tensor, var),
                         use_locking=self._use_locking).op
        return with_shrinkage(*slots, *gradient, *rates, cast(self._shrinkage_tensor, var),
                              cast(self._power_tensor, var), use_locking=self._use_locking).op


__all__ = ["FtrlOptimizer"]
