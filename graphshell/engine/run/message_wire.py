"""graphshell's light protocol messages (protos.py) to and from TF's own protobuf messages
(tensorboard's compiled copies of TF's .proto files), for TF's wire format."""

from __future__ import annotations

from typing import Any

INSTALL_HINT = "pip install 'graphshell[tensorboard]'"


def config_protos() -> Any:
    """tensorboard's config_pb2 (RunMetadata, StepStats...); one clear line when missing."""
    try:
        from tensorboard.compat.proto import config_pb2
    except ImportError:
        raise ImportError(f"RunMetadata's wire format needs the tensorboard package: "
                          f"{INSTALL_HINT}") from None
    return config_pb2


def _is_light_message_type(value) -> bool:
    return isinstance(value, type) and hasattr(value, "FIELDS")


def write_fields(source, target) -> None:
    """Copies a light message's non-default fields into a protobuf message."""
    for name, default in source.FIELDS.items():
        value = getattr(source, name)
        if value is None:
            continue
        if hasattr(value, "FIELDS"):
            write_fields(value, getattr(target, name))
        elif isinstance(value, dict):
            getattr(target, name).update(value)
        elif isinstance(value, list):
            field = getattr(target, name)
            for item in value:
                if hasattr(item, "FIELDS"):
                    write_fields(item, field.add())
                else:  # a protobuf message already (a partition GraphDef)
                    field.add().CopyFrom(item)
        elif value != default:
            setattr(target, name, value)


def read_fields(source, target) -> None:
    """Copies a protobuf message's fields into a light message (the fields it declares)."""
    for name, default in target.FIELDS.items():
        value = getattr(source, name, None)
        if value is None:
            continue
        if _is_light_message_type(default):
            if source.HasField(name):
                read_fields(value, getattr(target, name))
                target._mark(name)
        elif isinstance(default, tuple):  # a repeated message field
            for item in value:
                read_fields(item, getattr(target, name).add())
        elif isinstance(default, dict):
            setattr(target, name, dict(value))
        elif isinstance(default, list):
            setattr(target, name, list(value))
        elif value != default:
            setattr(target, name, value)


def serialized_run_metadata(run_metadata) -> bytes:
    """A light RunMetadata as TF's RunMetadata bytes."""
    message = config_protos().RunMetadata()
    write_fields(run_metadata, message)
    return message.SerializeToString()


def parse_run_metadata(run_metadata, data: bytes) -> None:
    """Fills a (fresh) light RunMetadata from TF's RunMetadata bytes."""
    message = config_protos().RunMetadata()
    message.ParseFromString(bytes(data))
    read_fields(message, run_metadata)
