"""Parsing tf.train.Example records (ParseExampleV2, as TF builds `tf.io.parse_example` and
`parse_single_example`) and raw bytes (DecodeRaw)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..graph import dtypes, errors, graph_def, graph_def_values
from ..graph.build import OpScope, make_op
from ..graph.convert import constant, convert_to_tensor
from ..graph.graph_api import name_scope
from ..graph.registry import NOT_DIFFERENTIABLE, define
from ..graph.shapes import as_raw_shape
from ..graph.sparse_tensor import SparseTensor
from . import array_ops
from .example_protos import protos


class FixedLenFeature(NamedTuple):
    """A feature with a fixed shape: missing ones take `default_value` (else an error)."""
    shape: Any
    dtype: Any
    default_value: Any = None


class VarLenFeature(NamedTuple):
    """A feature with any number of values, parsed into a SparseTensor."""
    dtype: Any


_KIND_OF = {dtypes.int64: "int64_list", dtypes.float32: "float_list", dtypes.string: "bytes_list"}
_KIND_WORD = {"int64_list": "int64", "float_list": "float", "bytes_list": "string"}


def _feature_values(feature, dtype, key, op) -> np.ndarray:
    kind = feature.WhichOneof("kind")
    wanted = _KIND_OF[dtype]
    if kind is None:
        return np.empty(0, dtype=dtype.as_numpy_dtype)
    if kind != wanted:
        raise errors.InvalidArgumentError(
            None, op, f"Name: <unknown>, Feature: {key}.  Data types don't match. Data type: "
                      f"{_KIND_WORD[kind]} but expected type: {_KIND_WORD[wanted]}")
    values = list(getattr(feature, kind).value)
    if dtype is dtypes.string:
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return array
    return np.asarray(values, dtype=dtype.as_numpy_dtype)


def _parse_kernel(op, runtime):
    attrs = op.attrs
    sparse_types, dense_types = attrs["sparse_types"], attrs["Tdense"]
    dense_shapes = attrs["dense_shapes"]

    def run(serialized, names, sparse_keys, dense_keys, ragged_keys, *defaults):
        single = np.ndim(serialized) == 0
        records = [_item(serialized)] if single else list(np.ravel(serialized))
        examples = [_example(bytes(r), op) for r in records]
        outputs: list = [[], [], []]
        for key, dtype in zip(sparse_keys, sparse_types):
            indices, values, shape = _sparse(examples, key.decode(), dtype, single, op)
            outputs[0].append(indices)
            outputs[1].append(values)
            outputs[2].append(shape)
        dense = [_dense(examples, key.decode(), dtype, shape, default, single, op)
                 for key, dtype, shape, default in zip(dense_keys, dense_types, dense_shapes,
                                                       defaults)]
        return tuple(outputs[0] + outputs[1] + outputs[2] + dense)
    return run


def _item(value):
    return value if isinstance(value, bytes) else np.asarray(value, dtype=object).item()


def _example(data: bytes, op):
    try:
        return protos().Example.FromString(data)
    except Exception:  # protobuf's DecodeError: TF names the input it could not parse
        raise errors.InvalidArgumentError(
            None, op, f"Could not parse example input, value: '{data.decode(errors='replace')}'"
        ) from None


def _sparse(examples, key, dtype, single, op):
    rows = []
    for example in examples:
        feature = example.features.feature.get(key)
        rows.append(_feature_values(feature, dtype, key, op) if feature is not None
                    else np.empty(0, dtype=dtype.as_numpy_dtype))
    longest = max((len(r) for r in rows), default=0)
    if single:
        indices = np.arange(len(rows[0]), dtype=np.int64).reshape(-1, 1)
        return indices, rows[0], np.asarray([longest], np.int64)
    indices = np.asarray([[b, i] for b, r in enumerate(rows) for i in range(len(r))],
                         dtype=np.int64).reshape(-1, 2)
    values = np.concatenate(rows) if rows else np.empty(0, dtype.as_numpy_dtype)
    return indices, values.astype(rows[0].dtype if rows else values.dtype), np.asarray(
        [len(rows), longest], np.int64)


def _dense(examples, key, dtype, shape, default, single, op):
    count = int(np.prod(shape)) if shape else 1
    parsed = []
    for example in examples:
        feature = example.features.feature.get(key)
        if feature is None:
            if np.size(default) == 0:
                raise errors.InvalidArgumentError(
                    None, op, f"Feature: {key} (data type: {_KIND_WORD[_KIND_OF[dtype]]}) is "
                              f"required but could not be found.")
            parsed.append(np.broadcast_to(default, shape))
            continue
        values = _feature_values(feature, dtype, key, op)
        if len(values) != count:
            raise errors.InvalidArgumentError(
                None, op, f"Key: {key}.  Can't parse serialized Example.")
        parsed.append(values.reshape(shape))
    stacked = np.stack(parsed) if parsed else np.empty((0,) + tuple(shape), dtype.as_numpy_dtype)
    return stacked[0] if single else stacked


def _infer_parse(op):
    attrs = op.attrs
    batch = op._inputs[0]._shape
    single = batch == ()
    leading = () if single else ((batch[0] if batch else None),)
    index_width = 1 if single else 2
    sparse = attrs["sparse_types"]
    return ([(dtypes.int64, (None, index_width)) for _ in sparse] +
            [(dtype, (None,)) for dtype in sparse] +
            [(dtypes.int64, (index_width,)) for _ in sparse] +
            [(dtype, leading + tuple(shape)) for dtype, shape in
             zip(attrs["Tdense"], attrs["dense_shapes"])])


define("ParseExampleV2", infer=_infer_parse, make_kernel=_parse_kernel, multi_output=True,
       grad=NOT_DIFFERENTIABLE)


def parse_example(serialized, features, name=None, example_names=None):
    """Parses a batch of serialized Examples into a dict of dense and sparse tensors."""
    with name_scope(name or "ParseExample"):
        return _parse(serialized, features)


def parse_single_example(serialized, features, name=None, example_names=None):
    """Parses one serialized Example (a scalar string) into a dict of tensors."""
    with name_scope(name or "ParseSingleExample"), name_scope("ParseExample"):
        return _parse(serialized, features)


def _parse(serialized, features):
    if not features:
        raise ValueError("Argument `features` cannot be None.")
    for key, feature in features.items():
        if not isinstance(feature, (FixedLenFeature, VarLenFeature)):
            raise ValueError(f"Unsupported feature type for {key!r}: {type(feature).__name__} "
                             "(graphshell parses FixedLenFeature and VarLenFeature)")
    sparse_keys = sorted(k for k, f in features.items() if isinstance(f, VarLenFeature))
    dense_keys = sorted(k for k, f in features.items() if isinstance(f, FixedLenFeature))
    defaults = []
    for key in dense_keys:
        feature = features[key]
        dtype = dtypes.as_dtype(feature.dtype)
        if feature.default_value is None:
            defaults.append(constant([], dtype=dtype))
        else:
            value = convert_to_tensor(feature.default_value, dtype=dtype, name=f"key_{key}")
            defaults.append(array_ops.reshape(value, as_raw_shape(feature.shape)))
    serialized = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
    with OpScope(None, "ParseExampleV2") as scope:
        inputs = [serialized, constant([], dtype=dtypes.string, name="names"),
                  constant(sparse_keys, dtype=dtypes.string, name="sparse_keys"),
                  constant(dense_keys, dtype=dtypes.string, name="dense_keys"),
                  constant([], dtype=dtypes.string, name="ragged_keys")]
        attrs = {"Tdense": [dtypes.as_dtype(features[k].dtype) for k in dense_keys],
                 "num_sparse": len(sparse_keys),
                 "sparse_types": [dtypes.as_dtype(features[k].dtype) for k in sparse_keys],
                 "ragged_value_types": [], "ragged_split_types": [],
                 "dense_shapes": [as_raw_shape(features[k].shape) for k in dense_keys]}
        op = make_op("ParseExampleV2", inputs + defaults, scope, attrs)
    outputs, count = list(op.outputs), len(sparse_keys)
    parsed: dict = {}
    for k, key in enumerate(sparse_keys):
        parsed[key] = SparseTensor(outputs[k], outputs[count + k], outputs[2 * count + k])
    for k, key in enumerate(dense_keys):
        parsed[key] = outputs[3 * count + k]
    return parsed


# -- raw bytes ------------------------------------------------------------------------------
def _decode_raw_kernel(op, runtime):
    np_type = np.dtype(op.attrs["out_type"].as_numpy_dtype)
    if not op.attrs["little_endian"]:
        np_type = np_type.newbyteorder(">")

    def run(data):
        items = [bytes(item) for item in np.ravel(data)]
        if len({len(item) for item in items}) > 1:
            raise errors.InvalidArgumentError(
                None, op, "DecodeRaw requires input strings to all be the same size")
        if items and len(items[0]) % np_type.itemsize:
            raise errors.InvalidArgumentError(
                None, op, f"Input to DecodeRaw has length {len(items[0])} that is not a "
                          f"multiple of {np_type.itemsize}, the size of "
                          f"{op.attrs['out_type'].name}")
        rows = [np.frombuffer(item, dtype=np_type) for item in items]
        width = len(rows[0]) if rows else 0
        native = np.dtype(op.attrs["out_type"].as_numpy_dtype)
        return np.asarray(rows, dtype=native).reshape(np.shape(data) + (width,))
    return run


define("DecodeRaw", infer=lambda op: [(op.attrs["out_type"], None if op._inputs[0]._shape is None
                                       else op._inputs[0]._shape + (None,))],
       make_kernel=_decode_raw_kernel, grad=NOT_DIFFERENTIABLE)


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None, bytes=None):  # noqa: A002
    """Reinterprets the bytes of each string as a vector of `out_type` numbers."""
    value = input_bytes if input_bytes is not None else bytes
    with OpScope(name, "DecodeRaw", [value]) as scope:
        tensor = convert_to_tensor(value, dtype=dtypes.string, name="bytes")
        return make_op("DecodeRaw", [tensor], scope, {
            "out_type": dtypes.as_dtype(out_type), "little_endian": bool(little_endian)}).outputs[0]



# -- tensors as TensorProto bytes -------------------------------------------------------------
def _serialize_kernel(value):
    array = np.asarray(value)
    dtype = dtypes.as_dtype(array.dtype) if array.dtype != object else dtypes.string
    message = graph_def.protos().tensor.TensorProto(dtype=dtype.as_datatype_enum)
    message.tensor_shape.CopyFrom(graph_def.shape_proto(array.shape))
    if dtype is dtypes.string:  # TF's AsProtoTensorContent: strings by value, else raw bytes
        message.string_val.extend(bytes(v) for v in array.ravel())
    else:
        message.tensor_content = np.ascontiguousarray(array).astype(
            array.dtype.newbyteorder("<"), copy=False).tobytes()
    out = np.empty((), dtype=object)
    out[()] = message.SerializeToString()
    return out


def _parse_tensor_kernel(op, runtime):
    wanted = op.attrs["out_type"]

    def run(serialized):
        try:
            message = graph_def.protos().tensor.TensorProto.FromString(bytes(_item(serialized)))
            array = graph_def_values.tensor_array(message)[0]
        except Exception:  # protobuf's DecodeError, or a TensorProto that is not a tensor
            raise errors.InvalidArgumentError(
                None, op, "Could not parse `serialized` as TensorProto, base64: ...") from None
        parsed = dtypes.as_dtype(message.dtype)
        if parsed != wanted:
            raise errors.InvalidArgumentError(
                None, op, f"Type mismatch between parsed tensor "
                          f"({dtypes.type_name_for_messages(parsed)}) and dtype "
                          f"({dtypes.type_name_for_messages(wanted)})")
        return np.array(array)
    return run


define("SerializeTensor", infer=lambda op: [(dtypes.string, ())], kernel=_serialize_kernel,
       grad=NOT_DIFFERENTIABLE)
define("ParseTensor", infer=lambda op: [(op.attrs["out_type"], None)],
       make_kernel=_parse_tensor_kernel, grad=NOT_DIFFERENTIABLE)


def serialize_tensor(tensor, name=None):
    """The tensor as the bytes of a TensorProto (`tf.io.serialize_tensor`)."""
    with OpScope(name, "SerializeTensor", [tensor]) as scope:
        tensor = convert_to_tensor(tensor, name="tensor")
        return make_op("SerializeTensor", [tensor], scope,
                       {"T": tensor.dtype.base_dtype}).outputs[0]


def parse_tensor(serialized, out_type, name=None):
    """The tensor a TensorProto's bytes hold (`tf.io.parse_tensor`), of dtype `out_type`."""
    with OpScope(name, "ParseTensor", [serialized]) as scope:
        serialized = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
        return make_op("ParseTensor", [serialized], scope,
                       {"out_type": dtypes.as_dtype(out_type)}).outputs[0]
