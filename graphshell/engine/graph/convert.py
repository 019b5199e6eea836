"""Turning Python and numpy values into tensors: `tf.constant`, `convert_to_tensor`, and the
dtype rules TF applies to op inputs (TF's `make_tensor_proto` and `op_def_library`)."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes, registry, shapes
from .graph import get_default_graph
from .operation import Operation
from .tensor import Tensor

_CONVERSION_FUNCTIONS: list[tuple[Any, Callable, int]] = []  # (base_type, function, priority)


def _infer_const(op):
    return [(op.attrs["dtype"], op.attrs["value"].shape)]


def _const_value(op):
    value = op.attrs["value"]
    return value[()] if value.ndim == 0 else value


CONST = registry.define("Const", infer=_infer_const,
                        make_kernel=lambda op, runtime: (lambda: _const_value(op)),
                        grad=registry.NOT_DIFFERENTIABLE,
                        inline_value=lambda op, runtime: _const_value(op))


# -- numpy values with TF's inference rules ----------------------------------------------------
def numpy_value(value, dtype=None) -> np.ndarray:
    """A fresh, read-only numpy array for `value` (float64 -> float32, int64 -> int32 when no
    dtype is given and the value is plain Python, as TF does)."""
    if isinstance(value, (np.ndarray, np.generic)):
        array = _cast_numpy(np.array(value), dtype)
    else:
        if value is None:
            raise ValueError("None values not supported.")
        if dtype is not None:
            _assert_compatible(value, dtype)
        array = _python_to_numpy(value, dtype)
    array.flags.writeable = False
    return array


def _cast_numpy(array: np.ndarray, dtype):
    if array.dtype.kind in "SU" or (array.dtype.kind == "O" and dtype in (None, dtypes.string)):
        return _as_bytes_array(array)
    if dtype is None:
        dtypes.as_dtype(array.dtype)  # TypeError for types TF has no DType for
        return array
    return array.astype(dtype.base_dtype.as_numpy_dtype)


def _python_to_numpy(value, dtype):
    np_type = None if dtype is None or dtype.base_dtype is dtypes.string else \
        dtype.base_dtype.as_numpy_dtype
    try:
        array = np.array(value, dtype=np_type)
    except ValueError as error:
        raise ValueError(f"Argument must be a dense tensor: {value!r} - {error}") from None
    except OverflowError:
        array = _wrapped_integers(value, np_type)
    if array.dtype.kind in "SU" or (dtype is not None and dtype.base_dtype is dtypes.string):
        if array.dtype.kind == "S":  # numpy's bytes type drops trailing NULs: keep the objects
            array = np.array(value, dtype=object)
        return _as_bytes_array(array)
    if array.dtype.kind == "O":
        raise TypeError(f"Failed to convert object of type {type(value)} to Tensor. Contents: "
                        f"{value!r}. Consider casting elements to a supported type.")
    if dtype is None:
        array = _narrow_python_defaults(array)
    return array


def _wrapped_integers(value, np_type):
    """Python ints too big for the dtype wrap around, as they do in TF (2**40 -> int32 0)."""
    try:
        wide = np.array(value, dtype=np.int64)
    except OverflowError:
        raise OverflowError("Python int too large to convert to C long") from None
    with np.errstate(over="ignore"):
        return wide.astype(np_type)


def _narrow_python_defaults(array):
    if array.dtype == np.float64:
        return array.astype(np.float32)
    if array.dtype == np.int64:
        narrowed = array.astype(np.int32)
        if np.array_equal(narrowed, array):
            return narrowed
    return array


def _as_bytes_array(array):
    result = np.empty(array.shape, dtype=object)
    flat = result.reshape(-1)
    for i, item in enumerate(array.reshape(-1).tolist()):
        flat[i] = item.encode() if isinstance(item, str) else item
        if not isinstance(flat[i], bytes):
            raise TypeError(f"Failed to convert object of type {type(item)} to Tensor. Contents: "
                            f"{item!r}. Consider casting elements to a supported type.")
    return result


def _leaf_ok(leaf, dtype) -> bool:
    if isinstance(leaf, np.ndarray):
        return True
    base = dtype.base_dtype
    if base.is_floating:
        return isinstance(leaf, numbers.Real) and not isinstance(leaf, (str, bytes))
    if base.is_integer:
        return isinstance(leaf, numbers.Integral)
    if base.is_bool:
        return isinstance(leaf, (bool, np.bool_))
    if base.is_complex:
        return isinstance(leaf, numbers.Complex)
    if base is dtypes.string:
        return isinstance(leaf, (str, bytes))
    return True


def _assert_compatible(value, dtype) -> None:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, (list, tuple)):
            pending.extend(item)
        elif not _leaf_ok(item, dtype):
            raise TypeError(f"Expected {dtype.base_dtype.name}, but got {item!r} of type "
                            f"'{type(item).__name__}'.")


def _fit_shape(array, shape, verify_shape):
    """TF1 constant shapes: a scalar fills, fewer values repeat the last one, too many is an
    error."""
    target = tuple(int(d) for d in shapes.as_raw_shape(shape))
    size = int(np.prod(target, dtype=np.int64))
    if verify_shape and array.shape != target:
        raise TypeError(f"Expected Tensor's shape: {target}, but got {array.shape}.")
    if array.ndim == 0:  # a scalar fills any shape, including an empty one
        result = np.array(np.full(target, array, dtype=array.dtype))
        result.flags.writeable = False
        return result
    if array.size > size:
        raise ValueError(f"Too many elements provided. Takes at most {size:d}, but got "
                         f"{array.size:d}.")
    if array.size == size:
        result = array.reshape(target)
    elif array.size == 0:
        result = np.zeros(target, dtype=array.dtype)
    else:
        flat = array.reshape(-1)
        padded = np.concatenate([flat, np.repeat(flat[-1:], size - flat.size)])
        result = padded.reshape(target)
    result = np.array(result)
    result.flags.writeable = False
    return result


# -- constants and conversion ----------------------------------------------------------------
def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A Const op holding `value` (TF1's `tf.constant`)."""
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    array = given = numpy_value(value, dtype)
    if shape is not None:
        array = _fit_shape(array, shape, verify_shape)
    graph = get_default_graph()
    attrs = {"value": array, "dtype": dtype.base_dtype if dtype else dtypes.as_dtype(array.dtype)}
    if array.size != given.size:  # TF's TensorProto keeps the given values (graph_def.py)
        attrs["_tensor_values"] = given
    return graph._create_op(CONST, (), graph._op_name(name, "Const"), attrs)._outputs[0]


def constant_value(tensor):
    """The value of `tensor` if it is known while building (a Const), else None."""
    if isinstance(tensor, Tensor) and tensor.op.type == "Const":
        return tensor.op.attrs["value"]
    return None


def register_tensor_conversion_function(base_type, conversion_func, priority=100) -> None:
    """Converts values of `base_type` with `conversion_func(value, dtype, name, as_ref)`, which
    may return NotImplemented to decline; lower priorities are tried first."""
    _CONVERSION_FUNCTIONS.append((base_type, conversion_func, priority))
    _CONVERSION_FUNCTIONS.sort(key=lambda entry: entry[2])


def convert_to_tensor(value, dtype=None, name=None, as_ref=False, preferred_dtype=None,
                      dtype_hint=None):
    """A Tensor for `value`: tensors pass through, variables give their value, Python and numpy
    values become constants, lists holding tensors are stacked."""
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        return _checked_tensor(value, dtype)
    hook = getattr(type(value), "_graphshell_tensor", None)
    if hook is not None:
        return _checked_tensor(hook(value, dtype=dtype, name=name, as_ref=as_ref), dtype)
    for base_type, function, _ in _CONVERSION_FUNCTIONS:
        if isinstance(value, base_type):
            converted = function(value, dtype=dtype, name=name, as_ref=as_ref)
            if converted is not NotImplemented:  # a function may decline, as in TF
                return _checked_tensor(converted, dtype)
    if isinstance(value, Operation):
        raise TypeError(f"Can't convert Operation '{value.name}' to Tensor (target dtype={dtype}, "
                        f"name={name!r}, as_ref={as_ref})")
    preferred = preferred_dtype or dtype_hint
    if dtype is None and preferred is not None:
        try:
            return constant(value, dtypes.as_dtype(preferred), name=name or "Const")
        except (TypeError, ValueError):
            pass
    return constant(value, dtype, name=name or "Const")


def _checked_tensor(tensor, dtype):
    if dtype is not None and not dtype.is_compatible_with(tensor.dtype):
        raise ValueError(f"Tensor conversion requested dtype {dtype.base_dtype.name} for Tensor "
                         f"with dtype {tensor.dtype.name}: {tensor!r}")
    return tensor


def holds_tensor(value) -> bool:
    """Whether a (nested) list or tuple holds a tensor or a variable anywhere."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, (list, tuple)):
            pending.extend(item)
        elif isinstance(item, Tensor) or hasattr(type(item), "_graphshell_tensor"):
            return True
    return False


def convert_n_to_tensor(values, dtype=None, name=None):
    return [convert_to_tensor(v, dtype, name=None if name is None else f"{name}_{i}")
            for i, v in enumerate(values)]


# -- op inputs sharing one type (op_def_library's rule) ---------------------------------------
def convert_same_type(op_type: str, *named_values, dtype=None):
    """Converts op inputs that share a type attr: the first input fixes the dtype (unless
    `dtype` is given) and later inputs are converted to it, with TF's error messages."""
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    first_name = None
    results = []
    for arg_name, value in named_values:
        tensor = _convert_input(op_type, arg_name, value, dtype, first_name)
        if dtype is None:
            dtype, first_name = tensor.dtype.base_dtype, arg_name
        results.append(tensor)
    return results


def _convert_input(op_type, arg_name, value, dtype, inferred_from):
    try:
        return convert_to_tensor(value, dtype=dtype, name=arg_name)
    except TypeError as error:
        if dtype is None:
            raise
        raise TypeError(f"Expected {dtype.name} passed to parameter '{arg_name}' of op "
                        f"'{op_type}', got {value!r} of type '{type(value).__name__}' instead. "
                        f"Error: {error}") from None
    except ValueError:
        if dtype is None:
            raise
        observed = convert_to_tensor(value).dtype.base_dtype.name
        source = f"argument '{inferred_from}'" if inferred_from else "the op's type"
        raise TypeError(f"Input '{arg_name}' of '{op_type}' Op has type {observed} that does not "
                        f"match type {dtype.name} of {source}.") from None
