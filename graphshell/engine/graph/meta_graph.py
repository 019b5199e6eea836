"""MetaGraphs: a graph with its collections and saver as TF's MetaGraphDef message, and back.

`build_meta_graph_def` is TF's export_scoped_meta_graph: meta_info_def (the caller's, stamped
with the TF version graphshell implements as TF stamps its own, and the stripped_op_list of
TF's OpDefs for the op types used), the GraphDef with `_output_shapes`, the saver_def, and one
CollectionDef per collection: items with a registered
proto function (proto_functions.py: variables as VariableDef, savers as SaverDef) as a
bytes_list of serialized protos, ops and tensors as a node_list of names, Python strings, ints
and floats as bytes/int64/float lists. MetaGraph files are written and read here too; the
import is meta_graph_import.py. The messages are TF's own, from tensorboard's compat protos.

TF also writes its cond and while contexts (CondContextDef, WhileContextDef); tensorboard ships
no such protos, so graphshell writes neither (imported loops get their frames from the Enter
ops, imported_frames.py).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
from typing import Any

from . import graph_def as graph_def_module
from . import proto_functions
from .graph_def import op_signature, protos
from .graph_keys import GraphKeys
from .proto_functions import strip_name_scope

_LOG = logging.getLogger("tensorflow")
# what graphshell's MetaGraphs say they were written by: the TF API it implements (tf.VERSION)
TENSORFLOW_VERSION = "1.15.0"
TENSORFLOW_GIT_VERSION = "unknown"  # TF's own word for a build without a git version
UNBOUND_INPUT_PREFIX = "$unbound_inputs_"
UNBOUND_INPUTS = "unbound_inputs"  # the collection naming them
_SAVE_AND_RESTORE_OPS = frozenset({"SaveV2", "Save", "SaveSlice", "LegacySave",
                                   "LegacySaveSlice", "RestoreV2", "Restore", "RestoreSlice",
                                   "LegacyRestore", "LegacyRestoreSlice"})


@functools.cache
def meta_protos() -> Any:
    """TF's meta_graph, saver and variable protobuf modules (tensorboard's copies)."""
    try:
        from tensorboard.compat.proto import meta_graph_pb2, saver_pb2, variable_pb2
    except ImportError:
        raise ImportError(f"MetaGraph protocol buffers need the tensorboard package: "
                          f"{graph_def_module.INSTALL_HINT}") from None
    return meta_graph_pb2, saver_pb2, variable_pb2


# -- export --------------------------------------------------------------------------------------
def build_meta_graph_def(graph, *, meta_info_def=None, graph_def=None, saver_def=None,
                         collection_list=None, clear_devices: bool = False,
                         export_scope: str | None = None, clear_extraneous_savers: bool = False,
                         strip_default_attrs: bool = False,
                         unbound_inputs_col_name: str | None = UNBOUND_INPUTS) -> Any:
    """The MetaGraphDef of `graph` (TF's export_scoped_meta_graph, without writing a file)."""
    meta_graph_pb2, saver_pb2, _ = meta_protos()
    _check_message(meta_info_def, meta_graph_pb2.MetaGraphDef.MetaInfoDef, "meta_info_def")
    _check_message(graph_def, protos().graph.GraphDef, "graph_def")
    _check_message(saver_def, saver_pb2.SaverDef, "saver_def")
    exclude_nodes: set[str] | None = None
    if export_scope or clear_extraneous_savers or clear_devices:
        source = graph_def if graph_def else graph.as_graph_def(add_shapes=True)
        if clear_extraneous_savers:
            exclude_nodes = _extraneous_saver_nodes(source, saver_def)
        unbound: list[str] = []
        graph_def = _scoped_graph_def(source, export_scope, exclude_nodes, unbound,
                                      clear_devices)
        if unbound_inputs_col_name:
            graph.clear_collection(unbound_inputs_col_name)
            for name in unbound:
                graph.add_to_collection(unbound_inputs_col_name, name)
    message = meta_graph_pb2.MetaGraphDef()
    if meta_info_def is not None:
        message.meta_info_def.MergeFrom(meta_info_def)
    message.meta_info_def.tensorflow_version = TENSORFLOW_VERSION  # whatever the caller's says
    message.meta_info_def.tensorflow_git_version = TENSORFLOW_GIT_VERSION
    message.graph_def.MergeFrom(graph_def if graph_def else graph.as_graph_def(add_shapes=True))
    if not message.meta_info_def.stripped_op_list.op:
        message.meta_info_def.stripped_op_list.MergeFrom(stripped_op_list(message.graph_def))
    if strip_default_attrs:
        strip_default_valued_attrs(message)
    if saver_def:
        message.saver_def.MergeFrom(saver_def)
    keys = collection_list if collection_list is not None else graph.get_all_collection_keys()
    for key in keys:
        override = None
        if clear_extraneous_savers and key == GraphKeys.SAVERS and saver_def:
            from_proto = proto_functions.get_from_proto_function(key)
            override = [from_proto(saver_def)] if from_proto else None
        add_collection_def(message, key, graph, export_scope, exclude_nodes, override)
    return message


def _check_message(value, message_type, argument: str) -> None:
    if value is not None and not isinstance(value, message_type):
        raise TypeError(f"{argument} must be of type {message_type.__name__}. Received type: "
                        f"{type(value)}.")


def stripped_op_list(graph_def) -> Any:
    """TF's OpDefs of the op types `graph_def` uses, sorted by name (graphshell-only types and
    types it knows no signature of are left out)."""
    op_list = protos().op_def.OpList()
    for op_type in sorted({node.op for node in graph_def.node}):
        signature = op_signature(op_type)
        if signature is not None:
            op_list.op.append(signature)
    return op_list


def strip_default_valued_attrs(meta_graph_def) -> None:
    """Removes each node's attrs that hold their OpDef's default value; marks the MetaGraph."""
    for node in meta_graph_def.graph_def.node:
        signature = op_signature(node.op)
        if signature is None:
            continue
        defaults = {attr.name: attr.default_value for attr in signature.attr
                    if attr.HasField("default_value")}
        for name in [name for name, value in node.attr.items()
                     if name in defaults and value == defaults[name]]:
            del node.attr[name]
    meta_graph_def.meta_info_def.stripped_default_attrs = True


def _scoped_graph_def(source, export_scope, exclude_nodes, unbound: list, clear_devices):
    """`source` with only the nodes under `export_scope`, their names stripped of it; inputs
    from outside become `$unbound_inputs_` names (collected in `unbound`)."""
    result = protos().graph.GraphDef()
    result.versions.CopyFrom(source.versions)
    result.library.CopyFrom(source.library)
    for node in source.node:
        if _should_include(node.name, export_scope, exclude_nodes):
            result.node.append(_scoped_node_def(node, export_scope, unbound, clear_devices))
    return result


def _scoped_node_def(source, export_scope, unbound: list, clear_devices: bool):
    node = protos().node_def.NodeDef()
    node.CopyFrom(source)
    for k, text in enumerate(source.input):
        if export_scope and not text.lstrip("^").startswith(export_scope):
            node.input[k] = re.sub(r"([\^]|^)(.*)",
                                   lambda m: m.group(1) + UNBOUND_INPUT_PREFIX + m.group(2),
                                   text, count=1)
            unbound.append(node.input[k])
        else:
            node.input[k] = strip_name_scope(text, export_scope)
    node.name = strip_name_scope(source.name, export_scope)
    if "_class" in source.attr:
        groups = [group.decode() for group in source.attr["_class"].list.s]
        groups = [group for group in groups
                  if not export_scope or group.split("@")[1].startswith(export_scope)]
        node.attr["_class"].list.Clear()
        node.attr["_class"].list.s.extend(strip_name_scope(group, export_scope).encode()
                                          for group in groups)
    if source.op in ("Enter", "RefEnter") and "frame_name" in source.attr:
        frame_name = source.attr["frame_name"].s.decode()
        if not export_scope or frame_name.startswith(export_scope):
            node.attr["frame_name"].s = strip_name_scope(frame_name, export_scope).encode()
    if clear_devices:
        node.device = ""
    return node


def _should_include(item, export_scope, exclude_nodes) -> bool:
    """Whether a node (or a collection item, by its name) belongs to the exported scope."""
    name = item if isinstance(item, str) else getattr(item, "name", None)
    if not isinstance(name, str):
        return True  # an item without a name is kept, as TF keeps it
    if exclude_nodes and name in exclude_nodes:
        return False
    return name.startswith(UNBOUND_INPUT_PREFIX) or not export_scope or \
        name.startswith(export_scope)


def _scope_of(name: str) -> str:
    name = name.lstrip("^")
    return name.rsplit("/", 1)[0] if "/" in name else ""


def _extraneous_saver_nodes(graph_def, saver_def) -> set[str]:
    """The nodes in the name scopes of savers other than `saver_def`'s (TF assumes each saver
    keeps to its own scope)."""
    keep = set()
    if saver_def is not None:
        keep = {_scope_of(saver_def.save_tensor_name.split(":")[0]) + "/",
                _scope_of(saver_def.restore_op_name.split(":")[0]) + "/"}
    saver_nodes = {node.name for node in graph_def.node if node.op in _SAVE_AND_RESTORE_OPS}
    scopes = {_scope_of(name) for name in saver_nodes} - saver_nodes
    extraneous = {scope + "/" for scope in scopes} - keep
    return {node.name for node in graph_def.node
            if any(node.name.startswith(scope) for scope in extraneous)}


def add_collection_def(meta_graph_def, key, graph, export_scope=None, exclude_nodes=None,
                       override_contents=None) -> None:
    """Writes collection `key` of `graph` into `meta_graph_def.collection_def`, as TF does; a
    collection whose items cannot be written is left out with a warning."""
    if not isinstance(key, (str, bytes)):
        _LOG.warning("Only collections with string type keys will be serialized. This key "
                     "has %s", type(key))
        return
    items = override_contents if override_contents else graph.get_collection(key)
    items = [item for item in items if _should_include(item, export_scope, exclude_nodes)]
    if not items:
        return
    try:
        _fill_collection_def(meta_graph_def.collection_def[key], key, items, export_scope)
    except (AttributeError, TypeError, ValueError) as error:
        _LOG.warning("Issue encountered when serializing %s.\nType is unsupported, or the types "
                     "of the items don't match field type in CollectionDef. Note this is a "
                     "warning and probably safe to ignore.\n%s", key, error)
        del meta_graph_def.collection_def[key]


def _fill_collection_def(collection_def, key, items: list, export_scope) -> None:
    to_proto = proto_functions.get_to_proto_function(key)
    if to_proto is not None:
        proto_type = proto_functions.get_collection_proto_type(key)
        for item in items:
            proto = to_proto(item, export_scope=export_scope)
            if proto:
                if proto_type is not None and not isinstance(proto, proto_type):
                    raise TypeError(f"{key} item {item!r} became a {type(proto).__name__}, "
                                    f"not a {proto_type.__name__}")
                collection_def.bytes_list.value.append(proto.SerializeToString())
        return
    kind = _kind_of(items[0])
    if kind == "node_list":
        collection_def.node_list.value.extend(
            strip_name_scope(item.name, export_scope) for item in items
            if not export_scope or item.name.startswith(export_scope))
    elif kind == "bytes_list":
        collection_def.bytes_list.value.extend(
            item if isinstance(item, bytes) else str(item).encode() for item in items)
    else:
        getattr(collection_def, kind).value.extend(items)


def _kind_of(item) -> str:
    """The CollectionDef field TF writes a collection in, from its first item."""
    if isinstance(item, (str, bytes)):
        return "bytes_list"
    if isinstance(item, int):
        return "int64_list"
    if isinstance(item, float):
        return "float_list"
    if type(item).__name__ == "Any" and hasattr(item, "type_url"):
        return "any_list"
    if not isinstance(getattr(item, "name", None), str):
        raise TypeError(f"cannot write {type(item).__name__} items into a CollectionDef")
    return "node_list"


# -- files -------------------------------------------------------------------------------------
def write_meta_graph(meta_graph_def, filename, as_text: bool = False) -> str:
    """Writes `meta_graph_def` to `filename` (protobuf text format or deterministic binary),
    through a temporary file beside it; returns the path."""
    path = os.fspath(filename)
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    write_proto_file(meta_graph_def, path, as_text)
    return path


def write_proto_file(message, path: str, as_text: bool) -> None:
    """Writes `message` to `path` (protobuf text format or deterministic binary) through a
    temporary file beside it, renamed into place, so a reader never sees half a file."""
    if as_text:
        from google.protobuf import text_format
        content = text_format.MessageToString(message).encode()
    else:
        content = message.SerializeToString(deterministic=True)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path) or ".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def read_meta_graph_file(filename) -> Any:
    """The MetaGraphDef in `filename`, binary or text format (as TF reads it)."""
    from google.protobuf import text_format
    from google.protobuf.message import DecodeError
    path = os.fspath(filename)
    if not os.path.exists(path):
        raise OSError(f"File does not exist. Received: {path}.")
    with open(path, "rb") as stream:
        content = stream.read()
    message = meta_protos()[0].MetaGraphDef()
    try:
        message.ParseFromString(content)
        return message
    except DecodeError:
        message.Clear()
    try:
        text_format.Merge(content.decode("utf-8"), message)
    except (text_format.ParseError, UnicodeDecodeError) as error:
        raise OSError(f"Cannot parse file {path}: {error}.") from None
    return message
