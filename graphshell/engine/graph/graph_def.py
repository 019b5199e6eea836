"""GraphDef export: a graph's ops as TF's GraphDef / NodeDef protocol buffers; reading GraphDef
files (`read_graph_def`). The import is graph_def_import.py.

The messages are TensorFlow's own, from the `tensorboard` package's compat protos (the optional
`graphshell[tensorboard]` extra), imported on first use only. Which attrs a NodeDef carries (the
`T`, `N`, `Tidx` type and length attrs, defaults) comes from TF's op signatures (the OpDefs of
every TF op type), recorded once from TensorFlow into op_signatures.json by
tools/record_op_signatures.py.
"""

from __future__ import annotations

import functools
import json
import pathlib
from types import SimpleNamespace
from typing import Any

import numpy as np

from . import dtypes, shapes
from .full_types import set_dataset_type

INSTALL_HINT = "pip install 'graphshell[tensorboard]'"
# TF 2.21's GRAPH_DEF_VERSION: the `versions { producer }` its graphs carry
PRODUCER = 2474
_SIGNATURES_PATH = pathlib.Path(__file__).with_name("op_signatures.json")
# private attrs TF itself writes into NodeDefs; graphshell's other `_` attrs are its own
_EXPORTED_PRIVATE_ATTRS = frozenset({"_class", "_has_manual_control_dependencies"})
# op type -> the attr naming the dtype of its shape-tensor output, for the full type TF's
# type inference records on such nodes (NodeDef.experimental_type)
_SHAPE_TENSOR_OPS = {"Shape": "out_type"}
# dtypes whose multi-element constants TF writes as raw bytes (tensor_content)
_CONTENT_DTYPES = frozenset({"float16", "float32", "float64", "int32", "uint8", "int16", "int8",
                             "int64", "uint32", "uint64"})
# dtype -> the repeated TensorProto field TF appends single values to
_VALUE_FIELDS = {"float32": "float_val", "float64": "double_val", "int32": "int_val",
                 "int16": "int_val", "int8": "int_val", "uint8": "int_val", "uint16": "int_val",
                 "int64": "int64_val", "uint32": "uint32_val", "uint64": "uint64_val",
                 "bool": "bool_val", "string": "string_val", "float16": "half_val",
                 "complex64": "scomplex_val", "complex128": "dcomplex_val"}


@functools.cache
def protos() -> SimpleNamespace:
    """TF's protobuf modules (graph, node_def, attr_value, tensor, tensor_shape, op_def)."""
    try:
        from tensorboard.compat.proto import (
            attr_value_pb2,
            full_type_pb2,
            function_pb2,
            graph_pb2,
            node_def_pb2,
            op_def_pb2,
            tensor_pb2,
            tensor_shape_pb2,
            types_pb2,
            versions_pb2,
        )
    except ImportError:
        raise ImportError(f"GraphDef protocol buffers need the tensorboard package: "
                          f"{INSTALL_HINT}") from None
    return SimpleNamespace(graph=graph_pb2, node_def=node_def_pb2, attr_value=attr_value_pb2,
                           tensor=tensor_pb2, tensor_shape=tensor_shape_pb2,
                           versions=versions_pb2, op_def=op_def_pb2, types=types_pb2,
                           full_type=full_type_pb2, function=function_pb2)


@functools.cache
def signature_dicts() -> dict[str, dict]:
    """TF's OpDef of every TF op type, as JSON dicts (op_signatures.json), read once."""
    return json.loads(_SIGNATURES_PATH.read_text())


@functools.cache
def op_signature(op_type: str) -> Any:
    """TF's OpDef for `op_type` (inputs, outputs, attrs), or None for graphshell-only types."""
    from google.protobuf import json_format
    entry = signature_dicts().get(op_type)
    if entry is None:
        return None
    return json_format.ParseDict(entry, protos().op_def.OpDef())


def signature_attrs(op) -> dict[str, Any]:
    """The attrs of `op` its signature supplies: defaults (batch_dims=0, keep_dims=false),
    overridden by those its inputs decide (T, N, Tidx, index_type); no protobuf needed."""
    entry = signature_dicts().get(op.type)
    if entry is None:
        return {}
    attrs = {}
    for attr in entry.get("attr", []):
        default = _plain_default(attr.get("defaultValue"))
        if default is not None:
            attrs[attr["name"]] = default
    attrs.update(input_type_attrs(op))
    return attrs


def _plain_default(value: dict | None) -> Any:
    """A scalar default of an OpDef (as JSON) as graphshell keeps attrs, else None."""
    if not value:
        return None
    if "type" in value:
        return dtypes.as_dtype(value["type"].removeprefix("DT_").lower())
    if "i" in value:
        return int(value["i"])
    if "b" in value:
        return bool(value["b"])
    if "f" in value:
        return float(value["f"])
    return None


def input_type_attrs(op) -> dict[str, Any]:
    """The type and length attrs of `op` that its inputs decide (T, N, Tidx, index_type), read
    from the op's signature without protobuf, for messages written before its outputs exist."""
    entry = signature_dicts().get(op.type)
    if entry is None:
        return {}
    args = entry.get("inputArg", [])
    fixed = sum(1 for arg in args if not arg.get("numberAttr") and not arg.get("typeListAttr"))
    listed = [arg for arg in args if arg.get("numberAttr") or arg.get("typeListAttr")]
    list_size = (len(op._inputs) - fixed) // len(listed) if listed else 0
    derived: dict[str, Any] = {}
    start = 0
    for arg in args:
        size = list_size if arg in listed else 1
        group = op._inputs[start:start + size]
        start += size
        if arg.get("numberAttr"):
            derived.setdefault(arg["numberAttr"], len(group))
        if arg.get("typeAttr") and group:
            derived.setdefault(arg["typeAttr"], group[0].dtype.base_dtype)
    return derived


# -- graphs and nodes ----------------------------------------------------------------------------
def graph_def(ops, add_shapes: bool = False) -> Any:
    """A GraphDef of `ops` (in creation order), versioned as TF 2.21 writes it (the functions
    they name are added by function_library.graph_def)."""
    message = protos().graph.GraphDef()
    message.versions.producer = PRODUCER
    for op in ops:
        node = node_def(op, add_shapes)
        _sort_control_inputs(node)
        message.node.append(node)
    return message


def _sort_control_inputs(node) -> None:
    """A GraphDef lists each node's control inputs by name (TF's graph export sorts them; the
    op's own node_def keeps the order they were added in)."""
    controls = sorted(name for name in node.input if name.startswith("^"))
    if controls:
        data = [name for name in node.input if not name.startswith("^")]
        del node.input[:]
        node.input.extend(data + controls)


def node_def(op, add_shapes: bool = False) -> Any:
    """The NodeDef TF writes for `op`: inputs (`op:1`, `^control`), device and attrs."""
    message = protos().node_def.NodeDef(name=op.name, op=op.type, device=op.device)
    message.input.extend(_input_names(op))
    for name, value in node_attrs(op).items():
        message.attr[name].CopyFrom(value)
    if op.type in _SHAPE_TENSOR_OPS:
        _set_shape_tensor_type(message, message.attr[_SHAPE_TENSOR_OPS[op.type]].type)
    elif "Dataset" in op.type or op.type == "MakeIterator":
        set_dataset_type(message, op, protos())
    if add_shapes and op._outputs:
        shape_list = message.attr["_output_shapes"].list.shape
        shape_list.extend(shape_proto(t._shape) for t in op._outputs)
    return message


def _set_shape_tensor_type(message, datatype: int) -> None:
    full_type = protos().full_type
    element_name = "TFT_" + protos().types.DataType.Name(datatype).removeprefix("DT_")
    shape_tensor = message.experimental_type.args.add(type_id=full_type.TFT_SHAPE_TENSOR)
    shape_tensor.args.add(type_id=full_type.FullTypeId.Value(element_name))
    message.experimental_type.type_id = full_type.TFT_PRODUCT


def _input_names(op) -> list[str]:
    names = []
    for tensor in op._inputs:
        index = tensor.value_index
        names.append(tensor.op.name if index == 0 else f"{tensor.op.name}:{index}")
    return names + ["^" + control.name for control in op._control_inputs]


def node_attrs(op) -> dict[str, Any]:
    """Every attr TF's NodeDef of `op` has, as AttrValue messages."""
    own = {key: value for key, value in op.attrs.items()
           if not key.startswith("_") or key in _EXPORTED_PRIVATE_ATTRS}
    stored_values = op.attrs.get("_tensor_values")
    if stored_values is not None and "value" in own:
        own["value"] = (own["value"], stored_values)  # a constant filled from fewer values
    signature = op_signature(op.type)
    if signature is None:
        return {key: attr_value(value) for key, value in own.items()}
    derived = _derived_attrs(op, signature)
    attrs = {}
    for attr in signature.attr:
        if attr.name in own:
            attrs[attr.name] = attr_value(own.pop(attr.name), attr.type)
        elif attr.name in derived:
            attrs[attr.name] = attr_value(derived[attr.name], attr.type)
        elif attr.HasField("default_value"):
            attrs[attr.name] = attr.default_value
    attrs.update((key, attr_value(value)) for key, value in own.items())
    return attrs


def _derived_attrs(op, signature) -> dict[str, Any]:
    """Type and length attrs read off the op's inputs and outputs (T, N, Tidx, out_type)."""
    derived: dict[str, Any] = {}
    for args, tensors in ((signature.input_arg, op._inputs), (signature.output_arg, op._outputs)):
        for arg, group in zip(args, _split_by_args(op, args, list(tensors))):
            if arg.number_attr:
                derived.setdefault(arg.number_attr, len(group))
            if arg.type_list_attr:
                derived.setdefault(arg.type_list_attr, [t.dtype.base_dtype for t in group])
            elif arg.type_attr and group:
                derived.setdefault(arg.type_attr, group[0].dtype.base_dtype)
    return derived


def _split_by_args(op, args, tensors: list) -> list[list]:
    """`tensors` cut into one group per arg: fixed args take one, list args what is left
    (shared equally between list args, as DynamicStitch's indices and data share N)."""
    sizes: list[int | None] = []
    for arg in args:
        length_attr = arg.number_attr or arg.type_list_attr
        known = op.attrs.get(length_attr) if length_attr else 1
        sizes.append(len(known) if isinstance(known, (list, tuple)) else known)
    unknown = [k for k, size in enumerate(sizes) if size is None]
    if unknown:
        left = len(tensors) - sum(size for size in sizes if size is not None)
        for k in unknown:
            sizes[k] = max(left, 0) // len(unknown)
    groups, start = [], 0
    for size in sizes:
        groups.append(tensors[start:start + int(size or 0)])
        start += int(size or 0)
    return groups


# -- attr values ---------------------------------------------------------------------------------
def attr_value(value, kind: str | None = None) -> Any:
    """An AttrValue for a graphshell attr; `kind` is the OpDef's attr type ("type", "shape",
    "list(int)"...), or None to go by the Python value."""
    message = protos().attr_value.AttrValue()
    kind = kind or _kind_of(value)
    if kind.startswith("list("):
        _fill_list(message.list, kind[5:-1], value)
    elif kind == "tensor":
        message.tensor.CopyFrom(tensor_proto(*value) if isinstance(value, tuple)
                                else tensor_proto(value))
    elif kind == "shape":
        message.shape.CopyFrom(shape_proto(shapes.as_raw_shape(value)))
    elif kind == "type":
        message.type = dtypes.as_dtype(value).as_datatype_enum
    elif kind == "func":
        message.func.name = str(value)
    else:
        setattr(message, _SCALAR_FIELDS[kind], _scalar(kind, value))
    return message


_SCALAR_FIELDS = {"string": "s", "int": "i", "float": "f", "bool": "b"}


def _scalar(kind: str, value):
    if kind == "string":
        return value if isinstance(value, bytes) else str(value).encode()
    return {"int": int, "float": float, "bool": bool}[kind](value)


def _fill_list(message, item_kind: str, values) -> None:
    if item_kind == "type":
        message.type.extend(dtypes.as_dtype(v).as_datatype_enum for v in values)
    elif item_kind == "shape":
        message.shape.extend(shape_proto(shapes.as_raw_shape(v)) for v in values)
    elif item_kind == "tensor":
        message.tensor.extend(tensor_proto(v) for v in values)
    else:
        field = getattr(message, _SCALAR_FIELDS[item_kind])
        field.extend(_scalar(item_kind, v) for v in values)


def _kind_of(value) -> str:
    """The AttrValue kind a value without a signature is written as."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, (bytes, str)):
        return "string"
    if isinstance(value, dtypes.DType):
        return "type"
    if isinstance(value, shapes.TensorShape):
        return "shape"
    if isinstance(value, np.ndarray):
        return "tensor"
    if isinstance(value, (list, tuple)):
        return f"list({_kind_of(value[0])})" if value else "list(int)"
    raise TypeError(f"cannot write attr value {value!r} into a NodeDef")


# -- shapes and tensors --------------------------------------------------------------------------
def shape_proto(raw_shape) -> Any:
    """A TensorShapeProto: `unknown_rank` for None, size -1 for an unknown dimension."""
    message = protos().tensor_shape.TensorShapeProto()
    if raw_shape is None:
        message.unknown_rank = True
        return message
    for size in raw_shape:
        message.dim.add(size=-1 if size is None else int(size))
    return message


def tensor_proto(array: np.ndarray, stored_values: np.ndarray | None = None) -> Any:
    """A TensorProto as TF's make_tensor_proto writes it: raw bytes (`tensor_content`) for a
    numeric tensor of more than one element, else the values in the dtype's `*_val` field.
    `stored_values` are the fewer values a constant was given to fill its shape with."""
    array = np.asarray(array)
    dtype = dtypes.as_dtype(array.dtype)
    message = protos().tensor.TensorProto(dtype=dtype.as_datatype_enum)
    message.tensor_shape.CopyFrom(shape_proto(array.shape))
    if stored_values is None and dtype.name in _CONTENT_DTYPES and array.size > 1:
        message.tensor_content = np.ascontiguousarray(array).astype(
            array.dtype.newbyteorder("<"), copy=False).tobytes()
        return message
    values = np.asarray(array if stored_values is None else stored_values, array.dtype).ravel()
    field = getattr(message, _VALUE_FIELDS[dtype.name])
    if dtype.name == "float16":
        field.extend(int(bits) for bits in values.view(np.uint16))
    elif dtype.is_complex:
        field.extend(float(part) for v in values for part in (v.real, v.imag))
    elif dtype.name == "string":
        field.extend(v if isinstance(v, bytes) else str(v).encode() for v in values)
    else:
        field.extend(values.tolist())
    return message


# -- reading GraphDef files ----------------------------------------------------------------------
def read_graph_def(path) -> Any:
    """The GraphDef in file `path`: text format for a .pbtxt/.pbtext/.prototxt/.txt file,
    binary for .pb, else whichever the content parses as (binary first)."""
    file = pathlib.Path(path)
    data = file.read_bytes()
    suffix = file.suffix.lower()
    if suffix in (".pbtxt", ".pbtext", ".txt", ".prototxt"):
        return _parse_text(data, path)
    if suffix == ".pb":
        return _parse_binary(data, path)
    try:
        return _parse_binary(data, path)
    except ValueError:
        return _parse_text(data, path)


def _parse_binary(data: bytes, path) -> Any:
    from google.protobuf.message import DecodeError
    message = protos().graph.GraphDef()
    try:
        message.ParseFromString(data)
    except DecodeError as error:
        raise ValueError(f"{path} is not a binary GraphDef: {error}") from None
    return message


def _parse_text(data: bytes, path) -> Any:
    from google.protobuf import text_format
    message = protos().graph.GraphDef()
    try:
        text_format.Parse(data.decode("utf-8"), message)
    except (text_format.ParseError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not a text GraphDef: {error}") from None
    return message
