"""Print, Assert, StringFormat and PrintV2 (tf.print): ops that report on values while a step
runs, with TF's text formats."""

from __future__ import annotations

import logging
import sys
import weakref

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, ShapeError, define
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


# -- StringFormat and PrintV2 (tf.print) ------------------------------------------------------
_C_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"',
              ord("'"): "\\'", ord("\\"): "\\\\"}


def _c_escape(value: bytes) -> str:
    """absl's CEscape: C escapes for quotes and controls, octal for other unprintable bytes."""
    parts = []
    for byte in value:
        if byte in _C_ESCAPES:
            parts.append(_C_ESCAPES[byte])
        elif byte < 0x20 or byte >= 0x7F:
            parts.append(f"\\{byte:03o}")
        else:
            parts.append(chr(byte))
    return "".join(parts)


def _element_text_v2(value) -> str:
    if isinstance(value, (bytes, np.bytes_)):
        return '"' + _c_escape(bytes(value)) + '"'
    if isinstance(value, str):
        return '"' + _c_escape(value.encode("utf-8")) + '"'
    return _element_text(value)


def summarize_value_v2(value, summarize: int) -> str:
    """TF's print_v2 summary: numpy-like nesting, `summarize` entries at each end of every
    dimension with '...' between (all when negative), strings quoted and escaped."""
    value = np.asarray(value)
    if value.ndim == 0:
        return _element_text_v2(value[()])
    at_ends = value.size if summarize < 0 else min(summarize, value.size)
    parts: list[str] = []
    # an explicit stack of (dimension, index prefix) frames or text to emit, innermost last
    stack: list = [(0, ())]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        dim, prefix = item
        if dim == value.ndim:
            parts.append(_element_text_v2(value[prefix]))
            continue
        stack.extend(reversed(_dimension_items(dim, prefix, value.shape[dim], value.ndim,
                                               at_ends)))
    return "".join(parts)


def _dimension_items(dim, prefix, count, ndim, at_ends) -> list:
    """One dimension's brackets, separators and sub-frames, in printing order."""
    spacing = " " if dim == ndim - 1 else "\n" * (ndim - dim - 1) + " " * (dim + 1)
    end_start = max(at_ends, count - at_ends)
    items: list = ["["]
    for i in range(min(at_ends, count)):
        if i:
            items.append(spacing)
        items.append((dim + 1, prefix + (i,)))
    if count > 2 * at_ends:
        items.extend([spacing, "..."])
    for i in range(end_start, count):
        items.extend([spacing, (dim + 1, prefix + (i,))])
    items.append("]")
    return items


def _string_format_kernel(op, runtime):
    template = op.attrs["template"].decode("utf-8")
    placeholder = op.attrs["placeholder"].decode("utf-8")
    summarize = op.attrs["summarize"]
    pieces = template.split(placeholder)

    def run(*values):
        text = [pieces[0]]
        for value, piece in zip(values, pieces[1:]):
            text.append(summarize_value_v2(value, summarize))
            text.append(piece)
        return np.array("".join(text).encode("utf-8"), dtype=object)
    return run


define("StringFormat", infer=lambda op: [(dtypes.string, ())],
       make_kernel=_string_format_kernel, grad=NOT_DIFFERENTIABLE)


def string_format(template: str, inputs, placeholder="{}", summarize=3, name=None) -> Tensor:
    """A scalar string: `template` with each placeholder replaced by a summary of the next
    input (tf.strings.format)."""
    if isinstance(inputs, Tensor):
        inputs = [inputs]
    if template.count(placeholder) != len(inputs):
        raise ValueError(f"The template expects {template.count(placeholder)} tensors, but the "
                         f"inputs only has {len(inputs)}. Please ensure the number of "
                         "placeholders in template matches inputs length.")
    with OpScope(name, "StringFormat", inputs) as scope:
        tensors = [convert_to_tensor(t, name=f"inputs_{i}") for i, t in enumerate(inputs)]
        attrs = {"template": template.encode("utf-8"), "placeholder": placeholder.encode("utf-8"),
                 "summarize": int(summarize), "T": [t.dtype.base_dtype for t in tensors]}
        return make_op("StringFormat", tensors, scope, attrs)._outputs[0]


def _print_v2_kernel(op, runtime):
    stream = op.attrs["output_stream"].decode("utf-8")
    end = op.attrs["end"].decode("utf-8")

    def run(text):
        if np.ndim(text) != 0:
            raise errors.InvalidArgumentError(
                None, op, "Input is expected to be scalar, but got shape: "
                f"[{','.join(map(str, np.shape(text)))}]")
        message = _element_text(np.asarray(text)[()]) + end
        if stream.startswith("file://"):
            with open(stream[len("file://"):], "a", encoding="utf-8") as output:
                output.write(message)
        elif stream == "stdout":
            sys.stdout.write(message)  # looked up at run time, like Print's stderr
        elif stream.startswith("log("):
            logging.getLogger("tensorflow").log(_LOG_LEVELS[stream], message.rstrip("\n"))
        else:
            sys.stderr.write(message)
        return ()
    return run


_LOG_LEVELS = {"log(info)": logging.INFO, "log(warning)": logging.WARNING,
               "log(error)": logging.ERROR}


def _infer_print_v2(op):
    text = op._inputs[0]
    if text._shape is not None and len(text._shape) != 0:
        raise ShapeError(f"Shape must be rank 0 but is rank {len(text._shape)}")
    return []


define("PrintV2", infer=_infer_print_v2, make_kernel=_print_v2_kernel, stateful=True,
       grad=NOT_DIFFERENTIABLE, multi_output=True)

