"""PyFunc and PyFuncStateless: a Python function over numpy values, run when the step runs.

As in TF1 (`tf.py_func`, `tf.numpy_function`): each op carries a `token` attr naming the
function ("pyfunc_N", numbered once per process as TF's function registry numbers them), the
outputs have unknown shapes, they are not differentiable (tf.gradients gives None), and an
exception raised by the function becomes the op's error with the class TF's kernel picks.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, define

_TOKENS = itertools.count()  # TF's registry numbers functions once per process


def _error_class(exception: BaseException):
    """The TF error class TF's PyFunc kernel raises for an exception of the function."""
    if isinstance(exception, (ValueError, TypeError)):
        return errors.InvalidArgumentError
    if isinstance(exception, (StopIteration, IndexError)):
        return errors.OutOfRangeError
    if isinstance(exception, MemoryError):
        return errors.ResourceExhaustedError
    if isinstance(exception, NotImplementedError):
        return errors.UnimplementedError
    return errors.UnknownError


def _infer_py_func(op):
    return [(dtype, None) for dtype in op.attrs["Tout"]]


def _as_output(value, dtype, index: int, token: str, op):
    """One returned value as an array of the declared dtype, or TF's error."""
    array = np.asarray(value)
    if dtype is dtypes.string:
        if array.dtype.kind in "SUO":
            return array.astype(object)
    elif array.dtype == dtype.as_numpy_dtype:
        return array
    try:
        got = dtypes.type_name_for_messages(dtypes.as_dtype(array.dtype))
    except TypeError:
        got = array.dtype.name
    raise errors.InvalidArgumentError(
        None, op, f"{index}-th value returned by {token} is {got}, but expects "
                  f"{dtypes.type_name_for_messages(dtype)}")


def _make_py_func(op, runtime):
    function, outputs = op.attrs["_func"], op.attrs["Tout"]
    token = op.attrs["token"].decode()

    def run(*values):
        try:
            result = function(*values)
        except Exception as exception:  # the function's error becomes the op's, as in TF
            raise _error_class(exception)(
                None, op, f"{type(exception).__name__}: {exception}") from exception
        results = list(result) if isinstance(result, (list, tuple)) else [result]
        if not outputs and result is None:
            results = []
        if len(results) != len(outputs):
            raise errors.InvalidArgumentError(
                None, op, f"{token} returns {len(results)} values, but expects to see "
                          f"{len(outputs)} values.")
        return tuple(_as_output(value, dtype, index, token, op)
                     for index, (value, dtype) in enumerate(zip(results, outputs)))
    return run


for _type in ("PyFunc", "PyFuncStateless"):
    define(_type, infer=_infer_py_func, make_kernel=_make_py_func,
           stateful=_type == "PyFunc", multi_output=True,
           grad=NOT_DIFFERENTIABLE)


def py_func(func, inp, Tout, stateful=True, name=None):
    """Wraps `func` (numpy arrays in, numpy values out) as an op run at step time."""
    if not callable(func):
        raise TypeError(f"Expected func to be callable, got func of type {type(func)}")
    is_sequence = isinstance(Tout, (list, tuple))
    out_dtypes = [dtypes.as_dtype(d).base_dtype for d in (Tout if is_sequence else [Tout])]
    op_type = "PyFunc" if stateful else "PyFuncStateless"
    with OpScope(name, op_type, list(inp or [])) as scope:
        inputs = [convert_to_tensor(value) for value in (inp or [])]
        attrs = {"token": f"pyfunc_{next(_TOKENS)}".encode(),
                 "Tin": [t.dtype.base_dtype for t in inputs], "Tout": out_dtypes,
                 "_func": func}
        op = make_op(op_type, inputs, scope, attrs)
    if not out_dtypes:
        return op
    return list(op.outputs) if is_sequence else op.outputs[0]


def numpy_function(func, inp, Tout, stateful=True, name=None):
    """`tf.numpy_function`: the same op as `py_func` (TF1's compat form)."""
    return py_func(func, inp, Tout, stateful=stateful, name=name)
