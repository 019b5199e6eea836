"""GraphDef import, the values: AttrValue and TensorProto messages back to graphshell's attrs,
and the kernel-less op definition an imported op type without a kernel here gets.

The reverse of graph_def.py's attr_value / tensor_proto. Works on any object with protobuf's
message interface; the protobuf package itself is never imported here.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import dtypes, errors, registry
from .graph_def import signature_dicts

# TensorProto's repeated value field for each dtype (as graph_def._VALUE_FIELDS writes them)
_VALUE_FIELDS = {"float32": "float_val", "float64": "double_val", "int32": "int_val",
                 "int16": "int_val", "int8": "int_val", "uint8": "int_val", "uint16": "int_val",
                 "int64": "int64_val", "uint32": "uint32_val", "uint64": "uint64_val",
                 "bool": "bool_val", "string": "string_val", "float16": "half_val",
                 "complex64": "scomplex_val", "complex128": "dcomplex_val"}
_LIST_FIELDS = ("s", "i", "f", "b", "type", "shape", "tensor", "func")


# -- attrs -----------------------------------------------------------------------------------
def plain_attr(value) -> Any:
    """The plain value graphshell keeps for one AttrValue: DType, raw shape tuple, numpy array,
    bytes (as TF's Operation.get_attr gives strings), int, float, bool, or a list of them."""
    field = value.WhichOneof("value")
    if field is None:
        return None
    if field == "list":
        return _plain_list(value.list)
    return _plain_scalar(field, getattr(value, field))


def _plain_scalar(field: str, item) -> Any:
    if field == "type":
        return dtypes.as_dtype(item)
    if field == "shape":
        return raw_shape(item)
    if field == "tensor":
        return tensor_array(item)[0]
    if field == "s":
        return bytes(item)
    if field == "func":
        return item.name
    return item


def _plain_list(message) -> list:
    for field in _LIST_FIELDS:
        items = getattr(message, field)
        if len(items):
            return [_plain_scalar(field, item) for item in items]
    return []


def raw_shape(message) -> tuple | None:
    """A TensorShapeProto as a raw shape: None for unknown rank, None for a -1 dimension."""
    if message.unknown_rank:
        return None
    return tuple(None if dim.size < 0 else int(dim.size) for dim in message.dim)


# -- tensors ---------------------------------------------------------------------------------
def tensor_array(message) -> tuple[np.ndarray, np.ndarray | None]:
    """A TensorProto as a read-only numpy array, with the fewer values it was stored with
    when TF filled its shape by repeating the last one (else None)."""
    dtype = dtypes.as_dtype(message.dtype)
    shape = tuple(int(dim.size) for dim in message.tensor_shape.dim)
    size = int(np.prod(shape, dtype=np.int64))
    numpy_dtype = np.dtype(object) if dtype.name == "string" else np.dtype(dtype.as_numpy_dtype)
    if message.tensor_content:
        array = np.frombuffer(message.tensor_content, numpy_dtype.newbyteorder("<"))
        return _frozen(array.astype(numpy_dtype).reshape(shape)), None
    values = _stored_values(message, dtype, numpy_dtype)
    if values.size == size:
        return _frozen(values.reshape(shape)), None
    if values.size > size:
        raise ValueError(f"TensorProto of shape {list(shape)} holds {values.size} values")
    if values.size == 0:
        return _frozen(np.zeros(shape, numpy_dtype) if dtype.name != "string"
                       else np.full(shape, b"", dtype=object)), None
    filled = np.concatenate([values, np.repeat(values[-1:], size - values.size)])
    return _frozen(filled.reshape(shape)), _frozen(values)


def _stored_values(message, dtype, numpy_dtype) -> np.ndarray:
    field_name = _VALUE_FIELDS.get(dtype.name)
    if field_name is None:
        raise TypeError(f"cannot import a constant of dtype {dtype.name}")
    field = getattr(message, field_name)
    if dtype.name == "float16":
        return np.array(list(field), np.uint16).view(np.float16)
    if dtype.is_complex:
        parts = np.array(list(field), np.float64)
        return (parts[0::2] + 1j * parts[1::2]).astype(numpy_dtype)
    if dtype.name == "string":
        array = np.empty(len(field), dtype=object)
        array[:] = [bytes(v) for v in field]
        return array
    return np.array(list(field), dtype=numpy_dtype)


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array)
    array.setflags(write=False)
    return array


# -- op types without a kernel here ----------------------------------------------------------
def knows_outputs(op_type: str) -> bool:
    """Whether TF's OpDef of `op_type` is recorded (op_signatures.json)."""
    return op_type in signature_dicts()


def output_dtypes(op_type: str, attrs: dict) -> list:
    """The dtypes of an op's outputs from TF's output args and the node's attrs."""
    result: list = []
    for arg in signature_dicts()[op_type].get("outputArg", ()):
        if arg.get("typeListAttr"):
            result.extend(dtypes.as_dtype(t) for t in attrs[arg["typeListAttr"]])
            continue
        fixed = arg.get("type")  # a DataType name: DT_FLOAT is TF's type name "float"
        dtype = dtypes.as_dtype(fixed[3:].lower() if fixed else attrs[arg["typeAttr"]])
        number_attr = arg.get("numberAttr")
        result.extend([dtype] * (int(attrs[number_attr]) if number_attr else 1))
    return result


# the private attr holding a kernel-less op's (dtype, raw shape) outputs, read by its infer
OUTPUTS_ATTR = "_imported_outputs"


@functools.cache
def kernel_less_opdef(op_type: str) -> registry.OpDef:
    """The definition of an imported op type graphshell has no kernel for: its outputs are
    what the NodeDef said, and a step that needs it fails naming the op and its type."""
    def no_kernel(op, runtime):
        raise errors.NotFoundError(
            None, op, f"No registered '{op.type}' OpKernel for 'CPU' devices compatible with "
            f"node {{{{node {op.name}}}}}: graphshell has no kernel for op type '{op.type}' "
            f"(imported from a GraphDef)")
    return registry.OpDef(op_type, infer=lambda op: list(op.attrs[OUTPUTS_ATTR]),
                          make_kernel=no_kernel, grad=None, stateful=True)
