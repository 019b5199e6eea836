"""TF's checkpoint messages (BundleHeaderProto, BundleEntryProto, TensorSliceProto,
CheckpointState), built at run time with protobuf's descriptor API: no package ships
tensor_bundle.proto or checkpoint_state.proto without TensorFlow. They are described here
field for field as TF's .proto files define them (same numbers and types, so the bytes are
TF's), over tensorboard's compat DataType, TensorShapeProto and VersionDef, in a private
descriptor pool so their TF names never clash with another copy."""

from __future__ import annotations

import functools

_FILE_NAME = "graphshell/checkpoint_messages.proto"

# (message, [(field, number, type, label, type_name)]); types and labels as descriptor_pb2 names
_INT32, _INT64, _ENUM, _MESSAGE, _FIXED32, _STRING, _DOUBLE = (
    "TYPE_INT32", "TYPE_INT64", "TYPE_ENUM", "TYPE_MESSAGE", "TYPE_FIXED32", "TYPE_STRING",
    "TYPE_DOUBLE")
_ONE, _MANY = "LABEL_OPTIONAL", "LABEL_REPEATED"

_MESSAGES = (
    ("TensorSliceProto", [("extent", 1, _MESSAGE, _MANY, ".tensorflow.TensorSliceProto.Extent")]),
    ("BundleHeaderProto", [
        ("num_shards", 1, _INT32, _ONE, None),
        ("endianness", 2, _ENUM, _ONE, ".tensorflow.BundleHeaderProto.Endianness"),
        ("version", 3, _MESSAGE, _ONE, ".tensorboard.VersionDef")]),
    ("BundleEntryProto", [
        ("dtype", 1, _ENUM, _ONE, ".tensorboard.DataType"),
        ("shape", 2, _MESSAGE, _ONE, ".tensorboard.TensorShapeProto"),
        ("shard_id", 3, _INT32, _ONE, None),
        ("offset", 4, _INT64, _ONE, None),
        ("size", 5, _INT64, _ONE, None),
        ("crc32c", 6, _FIXED32, _ONE, None),
        ("slices", 7, _MESSAGE, _MANY, ".tensorflow.TensorSliceProto")]),
    ("CheckpointState", [
        ("model_checkpoint_path", 1, _STRING, _ONE, None),
        ("all_model_checkpoint_paths", 2, _STRING, _MANY, None),
        ("all_model_checkpoint_timestamps", 3, _DOUBLE, _MANY, None),
        ("last_preserved_timestamp", 4, _DOUBLE, _ONE, None)]),
)


def _protobuf():
    try:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
        from tensorboard.compat.proto import tensor_shape_pb2, types_pb2, versions_pb2
    except ImportError:
        raise ImportError("TensorFlow checkpoints need protobuf and TF's protos: "
                          "pip install 'graphshell[checkpoint]'") from None
    return (descriptor_pb2, descriptor_pool, message_factory,
            (types_pb2, tensor_shape_pb2, versions_pb2))


def _add_field(message, descriptor_pb2, spec) -> None:
    name, number, kind, label, type_name = spec
    field = message.field.add(name=name, number=number,
                              type=descriptor_pb2.FieldDescriptorProto.Type.Value(kind),
                              label=descriptor_pb2.FieldDescriptorProto.Label.Value(label))
    if type_name:
        field.type_name = type_name


def _file_proto(descriptor_pb2, dependencies):
    proto = descriptor_pb2.FileDescriptorProto(name=_FILE_NAME, package="tensorflow",
                                               syntax="proto3")
    proto.dependency.extend(module.DESCRIPTOR.name for module in dependencies)
    for message_name, fields in _MESSAGES:
        message = proto.message_type.add(name=message_name)
        for spec in fields:
            _add_field(message, descriptor_pb2, spec)
    extent = proto.message_type[0].nested_type.add(name="Extent")
    _add_field(extent, descriptor_pb2, ("start", 1, _INT64, _ONE, None))
    length = extent.field.add(name="length", number=2, label=1, type=3)  # optional int64
    length.oneof_index = 0
    extent.oneof_decl.add(name="has_length")
    endianness = proto.message_type[1].enum_type.add(name="Endianness")
    endianness.value.add(name="LITTLE", number=0)
    endianness.value.add(name="BIG", number=1)
    return proto


@functools.cache
def _classes() -> dict:
    descriptor_pb2, descriptor_pool, message_factory, dependencies = _protobuf()
    pool = descriptor_pool.DescriptorPool()
    for module in dependencies:
        pool.Add(descriptor_pb2.FileDescriptorProto.FromString(module.DESCRIPTOR.serialized_pb))
    pool.Add(_file_proto(descriptor_pb2, dependencies))
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"tensorflow.{name}"))
            for name, _ in _MESSAGES}


def message_class(name: str):
    """The message class `name` (BundleHeaderProto, BundleEntryProto, TensorSliceProto,
    CheckpointState), built on first use."""
    return _classes()[name]
