"""The L1/L2-regularized Apply* updates: Ftrl, FtrlV2, ProximalGradientDescent, ProximalAdagrad.

Their kernels shrink coordinates toward zero (exactly zero under a large enough L1); the
formulas follow TF's CPU kernels in the variable's dtype, and, for SparseApply on a vector
(one element per row), the scalar loop TF runs instead, whose denominators are doubles.
"""

from __future__ import annotations

import numpy as np

from .training_ops import ApplySpec, build_apply, define_apply, one_like


def _power(x, exponent):
    # C's pow on doubles, rounded once to the variable's dtype
    return np.power(np.asarray(x, np.float64), np.float64(exponent)).astype(x.dtype)


def _ftrl(v, attrs, shrinkage=False):
    grad, var, accum, lr = v["grad"], v["var"], v["accum"], v["lr"]
    two = var.dtype.type(2)
    shrunk = grad + two * v["l2_shrinkage"] * var if shrinkage else grad
    new_accum = accum + grad * grad
    if v["lr_power"] == var.dtype.type(-0.5):
        root, old_root = np.sqrt(new_accum), np.sqrt(accum)
    else:
        root, old_root = _power(new_accum, -v["lr_power"]), _power(accum, -v["lr_power"])
    if attrs.get("multiply_linear_by_lr"):
        linear = v["linear"] + (shrunk * lr - (root - old_root) * var)
        threshold = v["l1"] * lr
        quadratic = root + two * v["l2"] * lr
    else:
        linear = v["linear"] + (shrunk - (root - old_root) / lr * var)
        threshold = v["l1"]
        quadratic = root / lr + two * v["l2"]
    shrunk_var = (threshold * np.sign(linear) - linear) / quadratic
    new_var = np.where(np.abs(linear) > threshold, shrunk_var, var.dtype.type(0))
    return {"var": new_var, "accum": accum + grad * grad, "linear": linear}


def _sparse_ftrl(v, attrs, shrinkage=False):
    if not attrs.get("rows_are_scalars"):
        return _ftrl(v, attrs, shrinkage)
    # TF's loop over single elements: clamp linear to [-l1, l1] instead of a select
    grad, var, accum, lr = v["grad"], v["var"], v["accum"], v["lr"]
    two, power = var.dtype.type(2), -v["lr_power"]
    shrunk = grad + two * v["l2_shrinkage"] * var if shrinkage else grad
    new_accum = accum + grad * grad
    sigma = _power(new_accum, power) - _power(accum, power)
    by_lr = attrs.get("multiply_linear_by_lr")
    linear = v["linear"] + shrunk * lr - sigma * var if by_lr else (
        v["linear"] + shrunk - sigma / lr * var)
    if v["lr_power"] == var.dtype.type(-0.5):
        root = np.sqrt(new_accum)
    else:
        root = _power(new_accum, power)
    quadratic = root + two * v["l2"] * lr if by_lr else root / lr + two * v["l2"]
    limit = v["l1"] * lr if by_lr else v["l1"]
    clamped = np.maximum(np.minimum(linear, limit), -limit)
    return {"var": (clamped - linear) / quadratic, "accum": new_accum, "linear": linear}


def _proximal_step(prox, rate, l1, l2, scalar_loop: bool):
    """sign(prox) * max(|prox| - rate * l1, 0) / (1 + l2 * rate), or prox / (1 + l2 * rate)
    without L1; TF's scalar loop divides by a double."""
    one = one_like(prox)
    if scalar_loop:
        denominator = 1.0 + np.asarray(l2 * rate, np.float64)  # l2 * rate in T, 1.0 a double
        if l1 > 0:
            shrunk = np.sign(prox) * np.maximum(np.abs(prox) - rate * l1, prox.dtype.type(0))
            return (shrunk / denominator).astype(prox.dtype)
        return (prox / denominator).astype(prox.dtype)
    denominator = one + l2 * rate
    if l1 > 0:
        return np.sign(prox) * np.maximum(np.abs(prox) - rate * l1, prox.dtype.type(0)) / (
            denominator)
    return prox / denominator


def _proximal_gradient_descent(v, attrs):
    rate = v["lr"] if "lr" in v else v["alpha"]
    grad = v["grad"] if "grad" in v else v["delta"]
    scalar_loop = bool(attrs.get("rows_are_scalars"))
    prox = v["var"] - (rate * grad if scalar_loop else grad * rate)
    return {"var": _proximal_step(prox, rate, v["l1"], v["l2"], scalar_loop)}


def _proximal_adagrad(v, attrs):
    grad = v["grad"]
    accum = v["accum"] + grad * grad
    scalar_loop = bool(attrs.get("rows_are_scalars"))
    rate = v["lr"] / np.sqrt(accum) if scalar_loop else v["lr"] * (one_like(accum)
                                                                   / np.sqrt(accum))
    prox = v["var"] - (rate * grad if scalar_loop else grad * rate)
    return {"var": _proximal_step(prox, rate, v["l1"], v["l2"], scalar_loop), "accum": accum}


FTRL = define_apply(ApplySpec(
    "ApplyFtrl", ("var", "accum", "linear", "grad", "lr", "l1", "l2", "lr_power"),
    ("var", "accum", "linear"), ("lr", "l1", "l2", "lr_power"), _ftrl,
    (("multiply_linear_by_lr", False),), _sparse_ftrl))
FTRL_V2 = define_apply(ApplySpec(
    "ApplyFtrlV2", ("var", "accum", "linear", "grad", "lr", "l1", "l2", "l2_shrinkage",
                    "lr_power"), ("var", "accum", "linear"),
    ("lr", "l1", "l2", "l2_shrinkage", "lr_power"),
    lambda v, attrs: _ftrl(v, attrs, shrinkage=True), (("multiply_linear_by_lr", False),),
    lambda v, attrs: _sparse_ftrl(v, attrs, shrinkage=True)))
PROXIMAL_GRADIENT_DESCENT = define_apply(ApplySpec(
    "ApplyProximalGradientDescent", ("var", "alpha", "l1", "l2", "delta"), ("var",),
    ("alpha", "l1", "l2"), _proximal_gradient_descent))
PROXIMAL_ADAGRAD = define_apply(ApplySpec(
    "ApplyProximalAdagrad", ("var", "accum", "lr", "l1", "l2", "grad"), ("var", "accum"),
    ("lr", "l1", "l2"), _proximal_adagrad))
# the sparse form names its inputs lr and grad, where the dense one says alpha and delta
SPARSE_PROXIMAL_GRADIENT_DESCENT_SPEC = ApplySpec(
    "ApplyProximalGradientDescent", ("var", "alpha", "l1", "l2", "grad"), ("var",),
    ("alpha", "l1", "l2"), _proximal_gradient_descent)


def apply_ftrl(var, accum, linear, grad, lr, l1, l2, lr_power, use_locking=False,
               multiply_linear_by_lr=False, name=None):
    """FTRL-proximal."""
    return build_apply(FTRL, locals(), use_locking, name,
                       {"multiply_linear_by_lr": multiply_linear_by_lr})


def apply_ftrl_v2(var, accum, linear, grad, lr, l1, l2, l2_shrinkage, lr_power,
                  use_locking=False, multiply_linear_by_lr=False, name=None):
    """FTRL-proximal with L2 shrinkage of the gradient."""
    return build_apply(FTRL_V2, locals(), use_locking, name,
                       {"multiply_linear_by_lr": multiply_linear_by_lr})


def apply_proximal_gradient_descent(var, alpha, l1, l2, delta, use_locking=False, name=None):
    """A gradient step, then the L1/L2 proximal shrink (FOBOS)."""
    return build_apply(PROXIMAL_GRADIENT_DESCENT, locals(), use_locking, name, {})


def apply_proximal_adagrad(var, accum, lr, l1, l2, grad, use_locking=False, name=None):
    """An Adagrad step, then the L1/L2 proximal shrink at Adagrad's per-coordinate rate."""
    return build_apply(PROXIMAL_ADAGRAD, locals(), use_locking, name, {})


__all__ = ["apply_ftrl", "apply_ftrl_v2", "apply_proximal_gradient_descent",
           "apply_proximal_adagrad"]
