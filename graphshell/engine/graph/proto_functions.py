"""The proto functions of collections: how a MetaGraph writes a collection's items as protocol
buffers and reads them back (TF's `ops.register_proto_function` registry), and the name-scope
helpers both directions use (`strip_name_scope`, `prepend_name_scope`).

The registry is filled from above: the op library registers VariableDef for the variable
collections, the training library the SaverDef of "savers". A proto type may be given as the
name of a tensorboard compat proto ("variable_pb2.VariableDef"), so registering one imports
no protobuf module; `get_collection_proto_type` imports it on first use.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

_PROTO_PACKAGE = "tensorboard.compat.proto"
# collection name -> (proto type or its "module.Class" name, to_proto, from_proto)
_REGISTRY: dict[str, tuple[Any, Callable | None, Callable | None]] = {}


def register_proto_function(collection_name: str, proto_type: Any = None,
                            to_proto: Callable | None = None,
                            from_proto: Callable | None = None) -> None:
    """Registers how the items of collection `collection_name` become `proto_type` messages
    (`to_proto(item, export_scope=None)`) and come back (`from_proto(proto, import_scope=None)`)."""
    if to_proto and not callable(to_proto):
        raise TypeError("to_proto must be callable.")
    if from_proto and not callable(from_proto):
        raise TypeError("from_proto must be callable.")
    if collection_name in _REGISTRY:
        raise KeyError(f"Registering two proto functions with name '{collection_name}'!")
    _REGISTRY[collection_name] = (proto_type, to_proto, from_proto)


def get_collection_proto_type(collection_name: str) -> Any:
    """The proto class registered for `collection_name`, or None."""
    entry = _REGISTRY.get(collection_name)
    if entry is None or entry[0] is None:
        return None
    proto_type = entry[0]
    if isinstance(proto_type, str):
        module_name, _, class_name = proto_type.rpartition(".")
        try:
            module = importlib.import_module(f"{_PROTO_PACKAGE}.{module_name}")
        except ImportError:
            raise ImportError("MetaGraph protocol buffers need the tensorboard package: "
                              "pip install 'graphshell[tensorboard]'") from None
        proto_type = getattr(module, class_name)
    return proto_type


def get_to_proto_function(collection_name: str) -> Callable | None:
    """The `to_proto` function registered for `collection_name`, or None."""
    entry = _REGISTRY.get(collection_name)
    return entry[1] if entry is not None else None


def get_from_proto_function(collection_name: str) -> Callable | None:
    """The `from_proto` function registered for `collection_name`, or None."""
    entry = _REGISTRY.get(collection_name)
    return entry[2] if entry is not None else None


# -- names under an export or import scope ------------------------------------------------------
def strip_name_scope(name, export_scope: str | None) -> str:
    """`name` without the leading `export_scope/` (also after `^` and `loc:@`), as TF strips
    it; `name` itself without a scope."""
    if not export_scope:
        return name
    scope = export_scope[:-1] if export_scope.endswith("/") else export_scope
    text = name.decode() if isinstance(name, bytes) else str(name)
    return re.sub(r"([\^]|loc:@|^)" + scope + r"[\/]+(.*)", r"\1\2", text, count=1)


def prepend_name_scope(name, import_scope: str | None) -> str:
    """`name` under `import_scope/` (after a leading `^` or `loc:@`), as TF prepends it."""
    if not import_scope:
        return name
    scope = import_scope[:-1] if import_scope.endswith("/") else import_scope
    text = name.decode() if isinstance(name, bytes) else str(name)
    return re.sub(r"([\^]|loc:@|^)(.*)", lambda m: m.group(1) + scope + "/" + m.group(2), text,
                  count=1)
