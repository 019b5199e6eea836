"""TF's tf.train.Example protos (feature.proto, example.proto), built at run time.

No package but TensorFlow ships these messages, so they are described here field for field
(names, numbers, types and the `tensorflow` package as TF declares them) with protobuf's
descriptor API, in a pool of their own; serialized messages are byte-compatible with TF's.
protobuf comes with the `checkpoint` extra and is imported on first use only.
"""

from __future__ import annotations

from types import SimpleNamespace

_CLASSES: SimpleNamespace | None = None

# message name -> [(field name, number, label, type, type name of a message field)]
_OPTIONAL, _REPEATED = 1, 3
_BYTES, _FLOAT, _INT64, _MESSAGE = 12, 2, 3, 11
_MESSAGES = {
    "BytesList": [("value", 1, _REPEATED, _BYTES, None)],
    "FloatList": [("value", 1, _REPEATED, _FLOAT, None)],
    "Int64List": [("value", 1, _REPEATED, _INT64, None)],
    "Feature": [("bytes_list", 1, _OPTIONAL, _MESSAGE, ".tensorflow.BytesList"),
                ("float_list", 2, _OPTIONAL, _MESSAGE, ".tensorflow.FloatList"),
                ("int64_list", 3, _OPTIONAL, _MESSAGE, ".tensorflow.Int64List")],
    "FeatureList": [("feature", 1, _REPEATED, _MESSAGE, ".tensorflow.Feature")],
    "Example": [("features", 1, _OPTIONAL, _MESSAGE, ".tensorflow.Features")],
    "SequenceExample": [("context", 1, _OPTIONAL, _MESSAGE, ".tensorflow.Features"),
                        ("feature_lists", 2, _OPTIONAL, _MESSAGE, ".tensorflow.FeatureLists")],
}
# message name -> (map field name, number, value type name): proto3 maps of string keys
_MAPS = {"Features": ("feature", 1, ".tensorflow.Feature"),
         "FeatureLists": ("feature_list", 1, ".tensorflow.FeatureList")}
_ONEOF_OF = {"Feature": "kind"}
PROTO_NAMES = ("BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList",
               "FeatureLists", "Example", "SequenceExample")


def _protobuf():
    try:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    except ImportError:
        raise ImportError("tf.train.Example and TFRecord parsing need protobuf: "
                          "pip install 'graphshell[checkpoint]'") from None
    return descriptor_pb2, descriptor_pool, message_factory


def _add_field(message, name, number, label, kind, type_name, oneof=None) -> None:
    field = message.field.add(name=name, number=number, label=label, type=kind)
    if type_name:
        field.type_name = type_name
    if kind in (_FLOAT, _INT64) and label == _REPEATED:
        field.options.packed = True
    if oneof is not None:
        field.oneof_index = oneof


def _file_descriptor(descriptor_pb2):
    proto = descriptor_pb2.FileDescriptorProto(name="tensorflow/core/example/example.proto",
                                               package="tensorflow", syntax="proto3")
    for name, fields in _MESSAGES.items():
        message = proto.message_type.add(name=name)
        oneof = None
        if name in _ONEOF_OF:
            message.oneof_decl.add(name=_ONEOF_OF[name])
            oneof = 0
        for field in fields:
            _add_field(message, *field, oneof=oneof)
    for name, (field_name, number, value_type) in _MAPS.items():
        message = proto.message_type.add(name=name)
        entry_name = "".join(part.capitalize() for part in field_name.split("_")) + "Entry"
        entry = message.nested_type.add(name=entry_name)
        entry.options.map_entry = True
        _add_field(entry, "key", 1, _OPTIONAL, 9, None)
        _add_field(entry, "value", 2, _OPTIONAL, _MESSAGE, value_type)
        _add_field(message, field_name, number, _REPEATED, _MESSAGE,
                   f".tensorflow.{name}.{entry_name}")
    return proto


def protos() -> SimpleNamespace:
    """The message classes (Example, Features, Feature, BytesList...), made on first use."""
    global _CLASSES
    if _CLASSES is None:
        descriptor_pb2, descriptor_pool, message_factory = _protobuf()
        pool = descriptor_pool.DescriptorPool()
        pool.Add(_file_descriptor(descriptor_pb2))
        classes = {name: message_factory.GetMessageClass(
            pool.FindMessageTypeByName(f"tensorflow.{name}")) for name in PROTO_NAMES}
        _CLASSES = SimpleNamespace(**classes)
    return _CLASSES
