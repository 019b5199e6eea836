"""Keras' weight regularizers (`tf.keras.regularizers.l1/l2/l1_l2`), built as tf_keras builds
them: `l2(0.1)(w)` is `0.2 * tf.nn.l2_loss(w)` (ops `L2Loss`, `mul/x`, `mul`)."""

from __future__ import annotations

import math

import numpy as np

from ..graph.convert import constant
from . import nn_ops, reduce_ops, unary_ops


def _check_penalty_number(value) -> None:
    if not isinstance(value, (float, int)):
        raise ValueError(f"Value {value} is not a valid regularization penalty number, "
                         "expected an int or float value.")
    if math.isinf(value) or math.isnan(value):
        raise ValueError(f"Value {value} is not a valid regularization penalty number, an "
                         "infinite number or NaN are not valid values.")


def _floatx(value) -> np.ndarray:
    """The factor as Keras keeps it: a float32 numpy scalar."""
    return np.asarray(value, dtype=np.float32)


class Regularizer:
    """The base: a callable from a weight tensor to a scalar penalty."""

    def __call__(self, x):
        return 0.0

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class L1L2(Regularizer):
    """`l1 * sum(|x|) + l2 * sum(x**2)`, starting from a zero constant as Keras does."""

    def __init__(self, l1=0.0, l2=0.0):
        l1 = 0.0 if l1 is None else l1
        l2 = 0.0 if l2 is None else l2
        _check_penalty_number(l1)
        _check_penalty_number(l2)
        self.l1 = _floatx(l1)
        self.l2 = _floatx(l2)

    def __call__(self, x):
        penalty = constant(0.0, dtype=x.dtype.base_dtype)
        if self.l1:
            penalty += self.l1[()] * reduce_ops.reduce_sum(unary_ops.abs(x))
        if self.l2:
            penalty += 2.0 * self.l2[()] * nn_ops.l2_loss(x)
        return penalty

    def get_config(self) -> dict:
        return {"l1": float(self.l1), "l2": float(self.l2)}


def _single_penalty(value, kwargs: dict):
    """The penalty of an L1 or L2 (given by its name, or as Keras' older keyword `l`; None
    means 0.01), checked and as floatx; any other keyword is TF's TypeError."""
    value = kwargs.pop("l", value)
    if kwargs:
        raise TypeError(f"Argument(s) not recognized: {kwargs}")
    value = 0.01 if value is None else value
    _check_penalty_number(value)
    return _floatx(value)


class L1(Regularizer):
    """`l1 * sum(|x|)`."""

    def __init__(self, l1=0.01, **kwargs):
        self.l1 = _single_penalty(l1, kwargs)

    def __call__(self, x):
        return self.l1[()] * reduce_ops.reduce_sum(unary_ops.abs(x))

    def get_config(self) -> dict:
        return {"l1": float(self.l1)}


class L2(Regularizer):
    """`l2 * sum(x**2)`, computed as `2 * l2 * l2_loss(x)`."""

    def __init__(self, l2=0.01, **kwargs):
        self.l2 = _single_penalty(l2, kwargs)

    def __call__(self, x):
        return 2.0 * self.l2[()] * nn_ops.l2_loss(x)

    def get_config(self) -> dict:
        return {"l2": float(self.l2)}


def l1_l2(l1=0.01, l2=0.01) -> L1L2:
    """Both penalties, each 0.01 unless given."""
    return L1L2(l1=l1, l2=l2)


def get(identifier):
    """A regularizer from None, a name ('l1', 'l2', 'l1_l2'), a config dict or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        makers = {"l1": L1, "l2": L2, "l1_l2": l1_l2, "L1": L1, "L2": L2, "L1L2": L1L2}
        if identifier not in makers:
            raise ValueError(f"Unknown regularizer: '{identifier}'. Please ensure you are "
                             "using a `keras.utils.custom_object_scope` and that this object "
                             "is included in the scope.")
        return makers[identifier]()
    if isinstance(identifier, dict):
        return get(identifier["class_name"]).from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")
