"""Optimizers that scale each coordinate by its gradient history: Adagrad, Adadelta, RMSProp."""

from __future__ import annotations

from ..graph.convert import convert_to_tensor
from ..ops import array_ops, init_ops, input_ops, math_ops, sparse_training_ops, training_ops
from .optimizer import Optimizer, call_if_callable


class _Hyperparameters(Optimizer):
    """An optimizer whose hyperparameters become tensors named as TF names them."""

    _TENSOR_NAMES: tuple[tuple[str, str], ...] = ()  # (attribute, tensor name)

    def _prepare(self) -> None:
        for attribute, tensor_name in self._TENSOR_NAMES:
            value = call_if_callable(getattr(self, attribute))
            setattr(self, attribute + "_tensor", convert_to_tensor(value, name=tensor_name))

    def _hyper(self, attribute, var):
        return self._cast(getattr(self, attribute + "_tensor"), var)


class AdagradOptimizer(_Hyperparameters):
    """accum += gradient^2; var -= learning_rate * gradient / sqrt(accum)."""

    _TENSOR_NAMES = (("_learning_rate", "learning_rate"),)

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list) -> None:
        for var in var_list:
            dtype = var.dtype.base_dtype
            if var.get_shape().is_fully_defined():
                initializer = init_ops.Constant(self._initial_accumulator_value, dtype=dtype)
            else:
                initializer = self._filled_like(var, dtype)
            self._get_or_make_slot_with_initializer(var, initializer, var.get_shape(), dtype,
                                                    "accumulator", self._name)

    def _filled_like(self, var, dtype):
        def initializer(*_args, **_kwargs):
            filled = input_ops.fill(array_ops.shape(var), self._initial_accumulator_value)
            return math_ops.cast(filled, dtype)
        return initializer

    def _apply_dense(self, grad, var):
        return training_ops.apply_adagrad(
            var, self.get_slot(var, "accumulator"), self._hyper("_learning_rate", var), grad,
            use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        return sparse_training_ops.sparse_apply_adagrad(
            var, self.get_slot(var, "accumulator"), self._hyper("_learning_rate", var),
            grad.values, grad.indices, use_locking=self._use_locking).op


class AdadeltaOptimizer(_Hyperparameters):
    """Adadelta (Zeiler): steps scaled by accumulated update and gradient magnitudes."""

    _TENSOR_NAMES = (("_lr", "lr"), ("_rho", "rho"), ("_epsilon", "epsilon"))

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon

    def _create_slots(self, var_list) -> None:
        for var in var_list:
            self._zeros_slot(var, "accum", self._name)
            self._zeros_slot(var, "accum_update", self._name)

    def _apply_dense(self, grad, var):
        return training_ops.apply_adadelta(*self._inputs(var), grad,
                                           use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        return sparse_training_ops.sparse_apply_adadelta(
            *self._inputs(var), grad.values, grad.indices, use_locking=self._use_locking).op

    def _inputs(self, var):
        return (var, self.get_slot(var, "accum"), self.get_slot(var, "accum_update"),
                self._hyper("_lr", var), self._hyper("_rho", var), self._hyper("_epsilon", var))


class RMSPropOptimizer(_Hyperparameters):
    """RMSProp: gradients divided by a running root mean square, with optional momentum and
    centering (subtracting the running mean gradient's square)."""

    _TENSOR_NAMES = (("_learning_rate", "learning_rate"), ("_decay", "decay"),
                     ("_momentum", "momentum"), ("_epsilon", "epsilon"))

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list) -> None:
        for var in var_list:
            dtype = var.dtype.base_dtype
            if var.get_shape().is_fully_defined():
                initializer = init_ops.Ones(dtype=dtype)
            else:
                initializer = input_ops.ones_like(var)
            self._get_or_make_slot_with_initializer(var, initializer, var.get_shape(), dtype,
                                                    "rms", self._name)
            if self._centered:
                self._zeros_slot(var, "mg", self._name)
            self._zeros_slot(var, "momentum", self._name)

    def _apply_dense(self, grad, var):
        if self._centered:
            return training_ops.apply_centered_rms_prop(
                *self._inputs(var), grad, use_locking=self._use_locking).op
        return training_ops.apply_rms_prop(*self._inputs(var), grad,
                                           use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        if self._centered:
            return sparse_training_ops.sparse_apply_centered_rms_prop(
                *self._inputs(var), grad.values, grad.indices, use_locking=self._use_locking).op
        return sparse_training_ops.sparse_apply_rms_prop(
            *self._inputs(var), grad.values, grad.indices, use_locking=self._use_locking).op

    def _inputs(self, var):
        """var, its slots (mg first when centered), then the hyperparameters."""
        hyper = [self._hyper(name, var) for name, _ in self._TENSOR_NAMES]
        slots = [self.get_slot(var, "rms"), self.get_slot(var, "momentum")]
        if self._centered:
            slots.insert(0, self.get_slot(var, "mg"))
        return (var, *slots, *hyper)


__all__ = ["AdagradOptimizer", "AdadeltaOptimizer", "RMSPropOptimizer"]
