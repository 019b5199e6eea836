"""Turn what a scenario prints into JSON-able records, and exceptions into comparable text.

Every JSON object in a record is a tagged node (`{"nd": ...}`, `{"tuple": [...]}`, ...); every
JSON array is a Python list; JSON scalars are Python None/bool/int/float/str. So a golden file
keeps container types, numpy dtypes and the int/float distinction, and reads back unambiguously.
This module imports neither TensorFlow nor graphshell.
"""

from __future__ import annotations

import collections.abc
import json
import math
import re

import numpy as np

FLOAT_DTYPES = ("float16", "float32", "float64")
MESSAGE_CHECKS = ("message", "class")  # plus "prefix:N"

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
# TF 2.x run-time errors wrap the kernel's sentence in a traceback of where the op was built.
_DETECTED_AT = re.compile(
    r"Detected at node .*? defined at \(most recent call last\):.*?Node: '[^']*'", re.DOTALL)
_NODE_SUFFIX = re.compile(r"\[\[\{\{node [^}]*\}\}\]\]")
# Shape-inference errors quote the NodeDef ('{{node mul}} = Mul[T=DT_FLOAT, ...](a, b)'); its
# attribute list is TF's internals, so only the node name is kept.
_NODE_DEF = re.compile(r"'\{\{node ([^}]*)\}\} = [^']*'")
_ORIGINAL_TRACE = re.compile(r"\n\s*Original stack trace for .*", re.DOTALL)
_PREAMBLE = "Graph execution error:"


# -- values ----------------------------------------------------------------------------------------
def encode(value):
    """Encode one printed value as a JSON-able, type-preserving structure."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    if isinstance(value, np.generic):  # before int/float/str/bytes: numpy scalars may subclass them
        return {"np": str(value.dtype), "v": _encode_element(value)}
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return {"bytes": _bytes_text(value)}
    return _encode_container(value)


def _encode_container(value):
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        items = [[field, encode(item)] for field, item in zip(value._fields, value)]
        return {"namedtuple": type(value).__name__, "items": items}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, tuple):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, collections.abc.Mapping):
        items = [[encode(key), encode(item)] for key, item in value.items()]
        return {"mapping": type(value).__name__, "items": items}
    if isinstance(value, (set, frozenset)):
        encoded = [encode(item) for item in value]
        return {"set": sorted(encoded, key=lambda item: json.dumps(item, sort_keys=True))}
    return {"str": _ADDRESS.sub("0x?", str(value))}


def _encode_float(value: float):
    if math.isfinite(value):
        return value
    return {"float": _non_finite_text(value)}


def _non_finite_text(value) -> str:
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def _encode_array(array: np.ndarray):
    return {"nd": str(array.dtype), "shape": list(array.shape), "v": _nested(array)}


def _nested(array: np.ndarray):
    if array.ndim == 0:
        return _encode_element(array[()])
    if array.ndim == 1:  # iterating yields numpy scalars, or the objects of an object array
        return [_encode_element(element) for element in array]
    return [_nested(sub_array) for sub_array in array]


def _encode_element(element):
    """Encode one array element or numpy scalar; floats keep their dtype's shortest repr."""
    if isinstance(element, np.floating):
        if not np.isfinite(element):
            return _non_finite_text(float(element))
        return float(str(element))  # '0.3' for float32(0.3), not 0.30000001192092896
    if isinstance(element, np.bool_):
        return bool(element)
    if isinstance(element, np.integer):
        return int(element)
    if isinstance(element, np.bytes_):
        return {"bytes": _bytes_text(bytes(element))}
    if isinstance(element, np.str_):
        return str(element)
    if isinstance(element, np.complexfloating):
        return {"complex": [_encode_element(element.real), _encode_element(element.imag)]}
    return encode(element)  # object arrays hold Python objects: bytes, str, ...


def _bytes_text(value: bytes) -> str:
    return value.decode("utf-8", "backslashreplace")


# -- errors ----------------------------------------------------------------------------------------
def error_record(error: BaseException, check: str = "message") -> dict:
    """The record of an exception: its class, and its message as far as `check` asks."""
    record = {"raises": type(error).__name__}
    if check == "class":
        return record
    message = normalise_message(error_text(error))
    if check == "message":
        record["msg"] = message
    elif check.startswith("prefix:"):
        record["msg_prefix"] = message[: int(check.split(":", 1)[1])]
    else:
        raise ValueError(f"unknown check {check!r}; use 'message', 'class' or 'prefix:N'")
    return record


def scenario_error_record(error: BaseException) -> dict:
    """The record of an exception that escaped the scenario (outside any E)."""
    return {"scenario_error": type(error).__name__,
            "msg": normalise_message(error_text(error))}


def error_text(error: BaseException) -> str:
    """The exception's own words: KeyError's str() adds quotes around its message, so undo it."""
    if isinstance(error, KeyError) and len(error.args) == 1 and isinstance(error.args[0], str):
        return error.args[0]
    return str(error)


def normalise_message(message: str) -> str:
    """Keep the core sentence of an error message; drop TF's tracebacks and node suffixes."""
    message = _ORIGINAL_TRACE.sub("", message)
    message = _DETECTED_AT.sub("", message)
    message = _NODE_SUFFIX.sub("", message)
    message = _NODE_DEF.sub(r"node '\1'", message)
    message = " ".join(message.split())
    if message.startswith(_PREAMBLE):
        message = message[len(_PREAMBLE):].strip()
    return _ADDRESS.sub("0x?", message)
