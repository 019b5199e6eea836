"""The SparseApply* training ops: an Apply update on the rows `indices` of a variable only.

Each takes the dense op's inputs with `indices` right after `grad`, whose first dimension
counts rows instead of matching the variable's. The rows' update is the dense op's formula;
repeated indices are applied one after another, as TF's kernels loop over them.
"""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
from ..graph.shapes import merge_all_same
from . import regularized_training_ops, rules, training_ops
from .training_ops import ApplySpec

_INDEX_TYPES = (dtypes.int32, dtypes.int64)


def _inputs_of(spec: ApplySpec) -> tuple[str, ...]:
    position = spec.inputs.index("grad") + 1
    return spec.inputs[:position] + ("indices",) + spec.inputs[position:]


def _infer_sparse(spec: ApplySpec, op_type: str, names: tuple[str, ...]):
    def infer(op):
        given = dict(zip(names, op._inputs))
        var = given["var"]
        for name in spec.refs:
            if not given[name].dtype.is_ref:
                raise TypeError(f"Input '{name}' of '{op_type}' Op requires l-value input")
        for name in names:
            if name != "indices" and given[name].dtype.base_dtype is not var.dtype.base_dtype:
                raise TypeError(f"Input '{name}' of '{op_type}' Op has type "
                                f"{given[name].dtype.base_dtype.name} that does not match type "
                                f"{var.dtype.base_dtype.name} of argument 'var'.")
        rules.check_dtype(op, var, rules.FLOATS_AND_COMPLEX, arg="var")
        rules.check_dtype(op, given["indices"], _INDEX_TYPES, arg="Tindices")
        shape = merge_all_same([given[name]._shape for name in spec.refs])
        for name in spec.scalars:
            if given[name]._shape is not None and len(given[name]._shape) != 0:
                raise ShapeError(f"Shape must be rank 0 but is rank {len(given[name]._shape)}")
        _check_rows(given["grad"]._shape, given["indices"]._shape, shape)
        return [(var.dtype, shape)]
    return infer


def _check_rows(grad_shape, indices_shape, var_shape) -> None:
    """grad is [len(indices)] + var.shape[1:]; indices is a vector."""
    if indices_shape is not None and len(indices_shape) != 1:
        raise ShapeError(f"Shape must be rank 1 but is rank {len(indices_shape)}")
    if grad_shape is None:
        return
    if indices_shape is not None:
        merge_all_same([grad_shape[:1], indices_shape])
    if var_shape is not None:
        merge_all_same([(None,) + tuple(var_shape[1:]), (None,) + tuple(grad_shape[1:])])


def _make_sparse_kernel(spec: ApplySpec, names: tuple[str, ...]):
    def make_kernel(op, runtime):
        np_type = op.attrs["T"].as_numpy_dtype

        def apply(*given):
            values = dict(zip(names, given))
            refs = {name: values[name] for name in spec.refs}
            for position, name in enumerate(names):
                if name in spec.refs and not values[name].is_initialized():
                    raise errors.FailedPreconditionError(
                        None, op, "Attempting to use uninitialized variables: "
                        f"{op._inputs[position].op.name}")
            indices = np.asarray(values["indices"]).astype(np.int64)
            grad = np.array(values["grad"], dtype=np_type)  # a copy: it may view a slot
            _check_indices(indices, grad, refs["var"].get())
            scalars = {name: np.asarray(values[name], dtype=np_type)[()]
                       for name in spec.scalars}
            update = spec.sparse_update or spec.update
            attrs = dict(op.attrs, rows_are_scalars=refs["var"].get().ndim == 1)
            # row by row in the variables' own buffers, as TF's kernels update them
            arrays = {name: ref.writable() for name, ref in refs.items()}
            try:
                for row, index in _row_groups(indices):
                    state = {name: array[index] for name, array in arrays.items()}
                    state.update(scalars, grad=grad[row])
                    for name, new in update(state, attrs).items():
                        arrays[name][index] = new
            finally:
                for ref in refs.values():
                    ref.seal()
            return refs["var"]
        return apply
    return make_kernel


def _check_indices(indices, grad, var) -> None:
    if indices.ndim != 1:
        raise errors.InvalidArgumentError(None, None, "indices must be one-dimensional")
    if var.ndim < 1:
        raise errors.InvalidArgumentError(None, None, "var must be at least 1 dimensional")
    if grad.shape[:1] != indices.shape:
        raise errors.InvalidArgumentError(
            None, None, "grad must be the same size as indices in the first dimension.")
    for offset, index in enumerate(indices):
        if not 0 <= index < var.shape[0]:
            raise errors.InvalidArgumentError(
                None, None, f"Index {index} at offset {offset} in indices is out of range")


def _row_groups(indices):
    """(grad rows, variable rows) to update together: all at once when the indices are
    distinct, else one at a time in order."""
    if len(np.unique(indices)) == len(indices):
        return [(slice(None), indices)]
    return [(slice(offset, offset + 1), indices[offset:offset + 1])
            for offset in range(len(indices))]


def _define_sparse(spec: ApplySpec) -> tuple[ApplySpec, str, tuple[str, ...]]:
    op_type, names = "Sparse" + spec.op_type, _inputs_of(spec)
    define(op_type, infer=_infer_sparse(spec, op_type, names),
           make_kernel=_make_sparse_kernel(spec, names), stateful=True,
           ref_inputs=[names.index(name) for name in spec.refs], grad=NOT_DIFFERENTIABLE)
    return spec, op_type, names


MOMENTUM = _define_sparse(training_ops.MOMENTUM)
ADAGRAD = _define_sparse(training_ops.ADAGRAD)
RMSPROP = _define_sparse(training_ops.RMSPROP)
CENTERED_RMSPROP = _define_sparse(training_ops.CENTERED_RMSPROP)
ADADELTA = _define_sparse(training_ops.ADADELTA)
FTRL = _define_sparse(regularized_training_ops.FTRL)
FTRL_V2 = _define_sparse(regularized_training_ops.FTRL_V2)
PROXIMAL_GRADIENT_DESCENT = _define_sparse(
    regularized_training_ops.SPARSE_PROXIMAL_GRADIENT_DESCENT_SPEC)
PROXIMAL_ADAGRAD = _define_sparse(regularized_training_ops.PROXIMAL_ADAGRAD)


def _build(sparse, given: dict, use_locking, name, flags: dict):
    spec, op_type, names = sparse
    return training_ops.build_apply(spec, given, use_locking, name, flags, op_type, names)


def sparse_apply_momentum(var, accum, lr, grad, indices, momentum, use_locking=False,
                          use_nesterov=False, name=None):
    """ApplyMomentum on the rows `indices`."""
    return _build(MOMENTUM, locals(), use_locking, name, {"use_nesterov": use_nesterov})


def sparse_apply_adagrad(var, accum, lr, grad, indices, use_locking=False, update_slots=True,
                         name=None):
    """ApplyAdagrad on the rows `indices`."""
    return _build(ADAGRAD, locals(), use_locking, name, {"update_slots": update_slots})


def sparse_apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, indices,
                          use_locking=False, name=None):
    """ApplyRMSProp on the rows `indices`."""
    return _build(RMSPROP, locals(), use_locking, name, {})


def sparse_apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad, indices,
                                   use_locking=False, name=None):
    """ApplyCenteredRMSProp on the rows `indices`."""
    return _build(CENTERED_RMSPROP, locals(), use_locking, name, {})


def sparse_apply_adadelta(var, accum, accum_update, lr, rho, epsilon, grad, indices,
                          use_locking=False, name=None):
    """ApplyAdadelta on the rows `indices`."""
    return _build(ADADELTA, locals(), use_locking, name, {})


def sparse_apply_ftrl(var, accum, linear, grad, indices, lr, l1, l2, lr_power,
                      use_locking=False, multiply_linear_by_lr=False, name=None):
    """ApplyFtrl on the rows `indices`."""
    return _build(FTRL, locals(), use_locking, name,
                  {"multiply_linear_by_lr": multiply_linear_by_lr})


def sparse_apply_ftrl_v2(var, accum, linear, grad, indices, lr, l1, l2, l2_shrinkage, lr_power,
                         use_locking=False, multiply_linear_by_lr=False, name=None):
    """ApplyFtrlV2 on the rows `indices`."""
    return _build(FTRL_V2, locals(), use_locking, name,
                  {"multiply_linear_by_lr": multiply_linear_by_lr})


def sparse_apply_proximal_gradient_descent(var, alpha, l1, l2, grad, indices, use_locking=False,
                                           name=None):
    """ApplyProximalGradientDescent on the rows `indices`."""
    return _build(PROXIMAL_GRADIENT_DESCENT, locals(), use_locking, name, {})


def sparse_apply_proximal_adagrad(var, accum, lr, l1, l2, grad, indices, use_locking=False,
                                  name=None):
    """ApplyProximalAdagrad on the rows `indices`."""
    return _build(PROXIMAL_ADAGRAD, locals(), use_locking, name, {})


__all__ = ["sparse_apply_proximal_gradient_descent", "sparse_apply_proximal_adagrad",
           "sparse_apply_momentum", "sparse_apply_adagrad", "sparse_apply_rms_prop",
           "sparse_apply_centered_rms_prop", "sparse_apply_adadelta", "sparse_apply_ftrl",
           "sparse_apply_ftrl_v2"]
