"""tf.print as TF 2's compat.v1 builds it: Python values and nested structures rendered by
pprint into one StringFormat template (tensors as placeholders), printed by a PrintV2 op each
time it runs."""

from __future__ import annotations

import logging
import os
import pprint
import random
import sys
from collections.abc import Iterator

from ..graph import dtypes
from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.tensor import Tensor
from . import logging_ops


def _is_tensor(value) -> bool:
    return isinstance(value, Tensor) or hasattr(value, "_graphshell_tensor")


def _flatten(structure) -> list:
    """The leaves of nested lists, tuples and dicts (dict values by sorted key), as TF's nest."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _pack_like(structure, leaves: Iterator):
    """`structure` with its leaves replaced, in `_flatten`'s order, by the next of `leaves`."""
    if isinstance(structure, dict):
        packed = {key: _pack_like(structure[key], leaves) for key in sorted(structure)}
        return type(structure)((key, packed[key]) for key in structure)
    if isinstance(structure, (list, tuple)):
        items = [_pack_like(item, leaves) for item in structure]
        if hasattr(structure, "_fields"):  # a namedtuple
            return type(structure)(*items)
        return type(structure)(items)
    return next(leaves)


def _placeholder_for(text: str) -> str:
    """'{}', lengthened with digits from TF's seeded generator until `text` lacks it."""
    placeholder = "{}"
    generator = random.Random(5)
    while placeholder in text:
        placeholder += str(generator.randint(0, 9))
    return placeholder


def _stream_name(output_stream) -> str:
    """The PrintV2 output_stream for a stream, a logging level or function, or file://path."""
    if isinstance(output_stream, str) and output_stream.startswith("file://"):
        return output_stream
    if output_stream is sys.stdout:
        return "stdout"
    if output_stream is sys.stderr:
        return "stderr"
    level_names = {logging.INFO: "log(info)", logging.WARNING: "log(warning)",
                   logging.ERROR: "log(error)"}
    if isinstance(output_stream, int) and output_stream in level_names:
        return level_names[output_stream]
    function_names = {"info": "log(info)", "warning": "log(warning)", "warn": "log(warning)",
                      "error": "log(error)"}
    if callable(output_stream) and getattr(output_stream, "__name__", None) in function_names:
        return function_names[output_stream.__name__]
    raise ValueError(f"Unsupported output stream, logging level, or file.{output_stream}. "
                     "Supported streams are sys.stdout, sys.stderr, tf.logging.info, "
                     "tf.logging.warning, tf.logging.error. File needs to be in the form of "
                     "'file://<filepath>'.")


def print_v2(*inputs, **kwargs):
    """tf.print: an op that writes the inputs (tensors summarized, Python values as pprint
    shows them) joined by `sep`, then `end`, to `output_stream` each time it runs."""
    output_stream = kwargs.pop("output_stream", sys.stderr)
    name = kwargs.pop("name", None)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", os.linesep)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {kwargs}")
    stream = _stream_name(output_stream)
    if (len(inputs) == 1 and _is_tensor(inputs[0])
            and convert_to_tensor(inputs[0])._shape == ()
            and convert_to_tensor(inputs[0]).dtype.base_dtype is dtypes.string):
        formatted = convert_to_tensor(inputs[0])
    else:
        formatted = _formatted_inputs(inputs, sep, summarize,
                                      None if not name else name + "_format")
    with OpScope(name, "PrintV2", [formatted]) as scope:
        return make_op("PrintV2", [formatted], scope,
                       {"output_stream": stream.encode("utf-8"), "end": end.encode("utf-8")})


def _formatted_inputs(inputs, sep, summarize, format_name) -> Tensor:
    """The StringFormat op tf.print builds: one template, the tensors in order."""
    tensor_free = [_pack_like(x, iter(["" if _is_tensor(leaf) else leaf
                                        for leaf in _flatten(x)])) for x in inputs]
    placeholder = _placeholder_for(" ".join(pprint.pformat(x) for x in tensor_free))
    templates, tensors = [], []
    for item in inputs:
        slots = []
        for leaf in _flatten(item):
            if _is_tensor(leaf):
                tensors.append(leaf)
                slots.append(placeholder)
            else:
                slots.append(leaf)
        templates.append(item if isinstance(item, str) else
                         pprint.pformat(_pack_like(item, iter(slots))))
    template = sep.join(templates).replace("'" + placeholder + "'", placeholder)
    return logging_ops.string_format(template, tensors, placeholder=placeholder,
                                     summarize=summarize, name=format_name)
