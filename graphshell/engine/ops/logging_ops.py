"""Print and Assert: ops that report on values while a step runs, with TF's text formats."""

from __future__ import annotations

import sys
import weakref

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, define
from ..graph.tensor import Tensor
from . import control_flow, control_ops, rules

DEFAULT_SUMMARIZE = 3


# -- TF's summary of a tensor's value (Tensor::SummarizeValue) -------------------------------------
def _element_text(value) -> str:
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", "replace")
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, np.floating):
        return _float_text(value)
    return str(value)


def _float_text(value) -> str:
    """The shortest of %.{d}g and %.{d+3}g that reads back as the same value (TF's StrCat)."""
    digits = 6 if value.dtype == np.float32 or value.dtype == np.float16 else 15
    text = f"{float(value):.{digits}g}"
    if type(value)(text) != value and not np.isnan(value):
        text = f"{float(value):.{digits + 3}g}"
    return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(text, text)


def summarize_value(value, limit: int) -> str:
    """The first `limit` elements (all when negative) in nested brackets, '...' where cut."""
    value = np.asarray(value)
    if value.ndim == 0:
        return _element_text(value[()])
    flat = value.ravel()
    limit = flat.size if limit < 0 else min(limit, flat.size)
    parts: list[str] = []
    _summarize_dim(value.shape, 0, flat, [0], limit, parts)
    if limit < flat.size:
        parts.append("...")
    return "".join(parts)


def _summarize_dim(shape, dim, flat, cursor, limit, parts) -> None:
    """One dimension of the summary; the nesting is bounded by the tensor's rank."""
    if dim == len(shape) - 1:
        for i in range(shape[dim]):
            if cursor[0] >= limit:
                if dim:
                    parts.append("...")
                return
            if i:
                parts.append(" ")
            parts.append(_element_text(flat[cursor[0]]))
            cursor[0] += 1
        return
    for _ in range(shape[dim]):
        if cursor[0] >= limit:
            return
        parts.append("[")
        _summarize_dim(shape, dim + 1, flat, cursor, limit, parts)
        parts.append("]")


def _summaries(values, summarize: int) -> str:
    return "".join(f"[{summarize_value(v, summarize)}]" for v in values)


# -- Print ----------------------------------------------------------------------------------------
_PRINT_COUNTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # runtime -> {op: count}


def _print_kernel(op, runtime):
    message = op.attrs["message"]
    first_n, summarize = op.attrs["first_n"], op.attrs["summarize"]
    counts = _PRINT_COUNTS.setdefault(runtime, {}) if runtime is not None else {}

    def run(value, *data):
        done = counts.get(op, 0)
        if first_n < 0 or done < first_n:
            counts[op] = done + 1
            # looked up at run time, so a shell that captures stderr shows it with the step
            print(message + _summaries(data, summarize), file=sys.stderr)
        return value
    return run


define("Print", infer=rules.same_as_input, make_kernel=_print_kernel, stateful=True,
       grad=lambda op, g: [g] + [None] * (len(op._inputs) - 1))


def print_v1(input_, data, message=None, first_n=None, summarize=None, name=None):
    """input_ unchanged; each time it runs (the first first_n times) it prints message and
    the summarized values of `data` to stderr."""
    with OpScope(name, "Print", [input_]) as scope:
        value = convert_to_tensor(input_, name="input")
        tensors = [convert_to_tensor(d, name=f"data_{i}") for i, d in enumerate(data)]
        attrs = {"message": message or "", "first_n": -1 if first_n is None else int(first_n),
                 "summarize": DEFAULT_SUMMARIZE if summarize is None else int(summarize),
                 "U": [t.dtype.base_dtype for t in tensors]}
        return make_op("Print", [value] + tensors, scope, attrs)._outputs[0]


# -- Assert ---------------------------------------------------------------------------------------
def _assert_kernel(op, runtime):
    summarize = op.attrs["summarize"]

    def run(condition, *data):
        if not np.all(condition):
            raise errors.InvalidArgumentError(
                None, None, "assertion failed: " + " ".join(
                    f"[{summarize_value(v, summarize)}]" for v in data))
        return ()
    return run


define("Assert", infer=rules.no_outputs, make_kernel=_assert_kernel, stateful=True,
       grad=NOT_DIFFERENTIABLE, multi_output=True)


def _assert_op(condition, data, summarize):
    with OpScope(None, "Assert", [condition]) as scope:
        condition = convert_to_tensor(condition, dtype=dtypes.bool_, name="condition")
        tensors = [convert_to_tensor(d, name=f"data_{i}") for i, d in enumerate(data)]
        attrs = {"summarize": DEFAULT_SUMMARIZE if summarize is None else int(summarize),
                 "T": [t.dtype.base_dtype for t in tensors]}
        return make_op("Assert", [condition] + tensors, scope, attrs)


def Assert(condition, data, summarize=None, name=None):
    """An op that fails the step with InvalidArgumentError "assertion failed: [...]" when
    condition is false; guarded by a cond unless all data are strings or int32 (as TF does)."""
    with OpScope(name, "Assert", [condition, data]):
        tensors = [convert_to_tensor(d) if not isinstance(d, Tensor) else d for d in data]
        if all(t.dtype.base_dtype in (dtypes.string, dtypes.int32) for t in tensors):
            return _assert_op(condition, data, summarize)
        condition = convert_to_tensor(condition, name="Condition")
        guarded = control_flow.cond(condition, control_ops.no_op,
                                    lambda: _assert_op(condition, data, summarize),
                                    name="AssertGuard")
        return guarded.op
