"""Training ops: the Apply* updates optimizers build, each changing a variable and its slots.

Every Apply op takes the variable and its slots as references (ref inputs), hyperparameters as
scalars and the gradient as a tensor of the variable's shape; it computes every new value from
the old ones, then writes them into the references' buffers in place, and outputs the
variable's reference. Kernels compute in the variable's dtype in the
order TF's CPU kernels (training_ops.cc) do, so float32 results round as TF's do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..graph import errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.shapes import merge_all_same
from . import rules, state_ops

_ALLOWED = rules.FLOATS_AND_COMPLEX


@dataclass(frozen=True)
class ApplySpec:
    """One Apply op type: its inputs in TF's order, which are references and which scalars."""

    op_type: str
    inputs: tuple[str, ...]
    refs: tuple[str, ...]  # the variable first, then its slots
    scalars: tuple[str, ...]
    update: Callable  # (values by input name, op attrs) -> new values by ref name
    flags: tuple[tuple[str, bool], ...] = ()  # bool attrs besides use_locking, with defaults
    sparse_update: Callable | None = None  # the SparseApply kernel's order, where it differs


def _infer_apply(spec: ApplySpec):
    def infer(op):
        var = op._inputs[0]
        shape = var._shape
        for name, tensor in zip(spec.inputs, op._inputs):
            if name in spec.refs and not tensor.dtype.is_ref:
                raise TypeError(f"Input '{name}' of '{spec.op_type}' Op requires l-value input")
            if tensor.dtype.base_dtype is not var.dtype.base_dtype:
                raise TypeError(f"Input '{name}' of '{spec.op_type}' Op has type "
                                f"{tensor.dtype.base_dtype.name} that does not match type "
                                f"{var.dtype.base_dtype.name} of argument 'var'.")
            if name in spec.scalars:
                if tensor._shape is not None and len(tensor._shape) != 0:
                    raise ShapeError(f"Shape must be rank 0 but is rank {len(tensor._shape)}")
            else:
                shape = merge_all_same([shape, tensor._shape])
        rules.check_dtype(op, var, _ALLOWED, arg="var")
        return [(var.dtype, shape)]
    return infer


def _shape_text(value) -> str:
    return "[" + ",".join(str(d) for d in np.shape(value)) + "]"


def _make_apply_kernel(spec: ApplySpec):
    def make_kernel(op, runtime):
        np_type = op.attrs["T"].as_numpy_dtype
        input_names = [t.op.name if t.value_index == 0 else t.name for t in op._inputs]

        def apply(*given):
            values = {}
            for index, (name, value) in enumerate(zip(spec.inputs, given)):
                if name in spec.refs:
                    if not value.is_initialized():
                        raise errors.FailedPreconditionError(
                            None, op, "Attempting to use uninitialized variables: "
                            f"{input_names[index]}")
                    value = value.get()
                values[name] = np.asarray(value, dtype=np_type)
            _check_values(spec, values)
            scalars = {name: values[name][()] for name in spec.scalars}
            values.update(scalars)
            for name, new_value in spec.update(values, op.attrs).items():
                write_in_place(given[spec.inputs.index(name)], np.asarray(new_value, np_type))
            return given[0]
        return apply
    return make_kernel


def write_in_place(ref, value) -> None:
    """Copies `value` into the variable's buffer, as TF's kernels update it: reads of the
    variable that ran earlier in the step see the new value too."""
    buffer = ref.writable()
    try:
        np.copyto(buffer, value)
    finally:
        ref.seal()


def _check_values(spec: ApplySpec, values) -> None:
    """TF's run-time checks: scalars are scalars, slots and gradient match the variable."""
    for name in spec.scalars:
        if np.ndim(values[name]) != 0:
            raise errors.InvalidArgumentError(
                None, None, f"{name} is not a scalar: {_shape_text(values[name])}")
    var = values["var"]
    for name in spec.inputs[1:]:
        if name not in spec.scalars and np.shape(values[name]) != np.shape(var):
            raise errors.InvalidArgumentError(
                None, None, f"var and {name} do not have the same shape"
                f"{_shape_text(var)} {_shape_text(values[name])}")


def define_apply(spec: ApplySpec) -> ApplySpec:
    ref_positions = [spec.inputs.index(name) for name in spec.refs]
    define(spec.op_type, infer=_infer_apply(spec), make_kernel=_make_apply_kernel(spec),
           stateful=True, ref_inputs=ref_positions, grad=NOT_DIFFERENTIABLE)
    return spec


def one_like(x):
    """1 in the dtype of `x` (the kernels never let Python floats widen a float32 step)."""
    return x.dtype.type(1)


# -- the update formulas, each in TF's order of operations --------------------------------------
def _gradient_descent(v, attrs):
    return {"var": v["var"] - v["delta"] * v["alpha"]}


def _momentum(v, attrs):
    accum = v["accum"] * v["momentum"] + v["grad"]
    if attrs.get("use_nesterov"):
        step = v["grad"] * v["lr"] + accum * v["momentum"] * v["lr"]
    else:
        step = accum * v["lr"]
    return {"var": v["var"] - step, "accum": accum}


def _sparse_momentum(v, attrs):
    accum = v["accum"] * v["momentum"] + v["grad"]
    if attrs.get("use_nesterov"):
        step = v["lr"] * v["grad"] + (v["lr"] * v["momentum"]) * accum
    else:
        step = v["lr"] * accum
    return {"var": v["var"] - step, "accum": accum}


def _adam(v, attrs):
    one = one_like(v["lr"])
    # TF's "epsilon hat" form: the bias corrections fold into the step size
    alpha = v["lr"] * np.sqrt(one - v["beta2_power"]) / (one - v["beta1_power"])
    grad = v["grad"]
    m = v["m"] + (grad - v["m"]) * (one - v["beta1"])
    second = v["v"] + (grad * grad - v["v"]) * (one - v["beta2"])
    if attrs.get("use_nesterov"):
        step = ((grad * (one - v["beta1"]) + v["beta1"] * m) * alpha) / (np.sqrt(second)
                                                                         + v["epsilon"])
    else:
        step = (m * alpha) / (np.sqrt(second) + v["epsilon"])
    return {"var": v["var"] - step, "m": m, "v": second}


def _adagrad(v, attrs):
    accum = v["accum"] + v["grad"] * v["grad"] if attrs.get("update_slots", True) else v["accum"]
    rsqrt = one_like(v["lr"]) / np.sqrt(accum)
    return {"var": v["var"] - v["grad"] * v["lr"] * rsqrt, "accum": accum}


def _rmsprop(v, attrs):
    grad = v["grad"]
    ms = v["ms"] + (grad * grad - v["ms"]) * (one_like(v["rho"]) - v["rho"])
    mom = v["mom"] * v["momentum"] + (grad * v["lr"]) / np.sqrt(ms + v["epsilon"])
    return {"var": v["var"] - mom, "ms": ms, "mom": mom}


def _centered_rmsprop(v, attrs):
    grad, keep = v["grad"], one_like(v["rho"]) - v["rho"]
    ms = v["ms"] + (grad * grad - v["ms"]) * keep
    mg = v["mg"] + (grad - v["mg"]) * keep
    denominator = (ms - mg * mg) + v["epsilon"]
    mom = v["mom"] * v["momentum"] + (grad * v["lr"]) / np.sqrt(denominator)
    return {"var": v["var"] - mom, "mg": mg, "ms": ms, "mom": mom}


def _sparse_rmsprop(v, attrs):
    grad, rho = v["grad"], v["rho"]
    ms = v["ms"] * rho + grad * grad * (one_like(rho) - rho)
    rsqrt = one_like(rho) / np.sqrt(ms + v["epsilon"])
    mom = v["mom"] * v["momentum"] + rsqrt * v["lr"] * grad
    return {"var": v["var"] - mom, "ms": ms, "mom": mom}


def _sparse_centered_rmsprop(v, attrs):
    grad, rho = v["grad"], v["rho"]
    keep = one_like(rho) - rho
    ms = v["ms"] * rho + grad * grad * keep
    mg = v["mg"] * rho + grad * keep
    rsqrt = one_like(rho) / np.sqrt(ms + v["epsilon"] - mg * mg)
    mom = v["mom"] * v["momentum"] + rsqrt * v["lr"] * grad
    return {"var": v["var"] - mom, "mg": mg, "ms": ms, "mom": mom}


def _adadelta(v, attrs):
    grad, rho = v["grad"], v["rho"]
    accum = v["accum"] * rho + grad * grad * (one_like(rho) - rho)
    rsqrt = one_like(rho) / np.sqrt(accum + v["epsilon"])
    update = np.sqrt(v["accum_update"] + v["epsilon"]) * rsqrt * grad
    accum_update = v["accum_update"] * rho + update * update * (one_like(rho) - rho)
    return {"var": v["var"] - update * v["lr"], "accum": accum, "accum_update": accum_update}


def _sparse_adagrad(v, attrs):
    if not attrs.get("rows_are_scalars"):
        return _adagrad(v, attrs)
    # TF's loop over single elements divides by the root instead of multiplying by rsqrt
    accum = v["accum"] + v["grad"] * v["grad"] if attrs.get("update_slots", True) else v["accum"]
    return {"var": v["var"] - v["lr"] * v["grad"] / np.sqrt(accum), "accum": accum}


GRADIENT_DESCENT = define_apply(ApplySpec(
    "ApplyGradientDescent", ("var", "alpha", "delta"), ("var",), ("alpha",), _gradient_descent))
MOMENTUM = define_apply(ApplySpec(
    "ApplyMomentum", ("var", "accum", "lr", "grad", "momentum"), ("var", "accum"),
    ("lr", "momentum"), _momentum, (("use_nesterov", False),), _sparse_momentum))
ADAM = define_apply(ApplySpec(
    "ApplyAdam", ("var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2",
                  "epsilon", "grad"), ("var", "m", "v"),
    ("beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon"), _adam,
    (("use_nesterov", False),)))
ADAGRAD = define_apply(ApplySpec(
    "ApplyAdagrad", ("var", "accum", "lr", "grad"), ("var", "accum"), ("lr",), _adagrad,
    (("update_slots", True),), _sparse_adagrad))
RMSPROP = define_apply(ApplySpec(
    "ApplyRMSProp", ("var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"),
    ("var", "ms", "mom"), ("lr", "rho", "momentum", "epsilon"), _rmsprop, (), _sparse_rmsprop))
CENTERED_RMSPROP = define_apply(ApplySpec(
    "ApplyCenteredRMSProp", ("var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon",
                             "grad"), ("var", "mg", "ms", "mom"),
    ("lr", "rho", "momentum", "epsilon"), _centered_rmsprop, (), _sparse_centered_rmsprop))
ADADELTA = define_apply(ApplySpec(
    "ApplyAdadelta", ("var", "accum", "accum_update", "lr", "rho", "epsilon", "grad"),
    ("var", "accum", "accum_update"), ("lr", "rho", "epsilon"), _adadelta))


# -- builders ------------------------------------------------------------------------------------
def build_apply(spec: ApplySpec, given: dict, use_locking, name, flags: dict, op_type=None,
                names=None):
    """The op `op_type` (the spec's own by default) over `given` inputs, in `names` order."""
    op_type, names = op_type or spec.op_type, names or spec.inputs
    var = state_ops._ref_of(given["var"])
    with OpScope(name, op_type, [var]) as scope:
        dtype = var.dtype.base_dtype
        inputs = [_as_input(spec, input_name, given[input_name], dtype) for input_name in names]
        attrs = {"T": dtype, "use_locking": bool(use_locking)}
        if "indices" in names:
            attrs["Tindices"] = inputs[names.index("indices")].dtype.base_dtype
        for flag, default in spec.flags:
            attrs[flag] = bool(flags.get(flag, default))
        return make_tensor(op_type, inputs, scope, attrs)


def _as_input(spec: ApplySpec, input_name: str, value, dtype):
    if input_name in spec.refs:
        return state_ops._ref_of(value)
    if hasattr(value, "dtype") and hasattr(value, "op"):
        return value  # a tensor keeps its dtype: the op checks it
    if input_name == "indices":
        return convert_to_tensor(value, name=input_name)
    return convert_to_tensor(value, dtype=dtype, name=input_name)


def _build(spec: ApplySpec, given: dict, use_locking, name, flags: dict):
    return build_apply(spec, given, use_locking, name, flags)


def apply_gradient_descent(var, alpha, delta, use_locking=False, name=None):
    """var -= alpha * delta."""
    return _build(GRADIENT_DESCENT, locals(), use_locking, name, {})


def apply_momentum(var, accum, lr, grad, momentum, use_locking=False, use_nesterov=False,
                   name=None):
    """accum = accum * momentum + grad; var -= lr * accum (or the Nesterov step)."""
    return _build(MOMENTUM, locals(), use_locking, name, {"use_nesterov": use_nesterov})


def apply_adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
               use_locking=False, use_nesterov=False, name=None):
    """Adam's update with the bias corrections folded into the step size."""
    return _build(ADAM, locals(), use_locking, name, {"use_nesterov": use_nesterov})


def apply_adagrad(var, accum, lr, grad, use_locking=False, update_slots=True, name=None):
    """accum += grad^2; var -= lr * grad / sqrt(accum)."""
    return _build(ADAGRAD, locals(), use_locking, name, {"update_slots": update_slots})


def apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, use_locking=False,
                   name=None):
    """RMSProp with momentum: ms tracks grad^2; mom accumulates lr * grad / sqrt(ms + eps)."""
    return _build(RMSPROP, locals(), use_locking, name, {})


def apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad,
                            use_locking=False, name=None):
    """Centered RMSProp: the second moment minus the squared mean gradient normalises."""
    return _build(CENTERED_RMSPROP, locals(), use_locking, name, {})


def apply_adadelta(var, accum, accum_update, lr, rho, epsilon, grad, use_locking=False,
                   name=None):
    """Adadelta: steps scaled by the ratio of accumulated update and gradient magnitudes."""
    return _build(ADADELTA, locals(), use_locking, name, {})


__all__ = ["ApplySpec", "define_apply", "build_apply", "one_like", "apply_gradient_descent",
           "apply_momentum", "apply_adam", "apply_adagrad", "apply_rms_prop",
           "apply_centered_rms_prop", "apply_adadelta"]
