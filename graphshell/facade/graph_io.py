"""GraphDef files: tf.GraphDef (and its NodeDef, AttrValue... messages), tf.train.write_graph,
tf.import_graph_def.

The messages are TF's own, from tensorboard's protos (the optional `graphshell[tensorboard]`
extra), imported on first use, never at `import graphshell.tf`.
"""

from __future__ import annotations

import os
import tempfile

from ..engine.graph import graph_def as graph_def_module
from ..engine.graph.graph import Graph
from ..engine.graph.graph_def_import import import_graph_def
from .summary_writer import LazyProtoClass

_PROTO_MODULES = {"GraphDef": "graph", "NodeDef": "node_def", "AttrValue": "attr_value",
                  "TensorProto": "tensor", "TensorShapeProto": "tensor_shape",
                  "VersionDef": "versions", "OpDef": "op_def"}
PROTO_CLASSES = {name: LazyProtoClass(module, name, graph_def_module.protos)
                 for name, module in _PROTO_MODULES.items()}


def write_graph(graph_or_graph_def, logdir, name, as_text: bool = True) -> str:
    """Writes a Graph's (or a GraphDef's) GraphDef to `logdir/name`, in protobuf text format
    or, with as_text=False, as deterministic binary; returns the path."""
    if isinstance(graph_or_graph_def, Graph):
        message = graph_or_graph_def.as_graph_def()
    else:
        message = graph_or_graph_def
    logdir = os.fspath(logdir)
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, os.fspath(name))
    if as_text:
        from google.protobuf import text_format
        content = text_format.MessageToString(message).encode()
    else:
        content = message.SerializeToString(deterministic=True)
    _write_atomically(path, content)
    return path


def _write_atomically(path: str, content: bytes) -> None:
    """Writes to a temporary file beside `path`, then renames it (as TF's file_io does)."""
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path) or ".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


TOP_LEVEL: dict[str, object] = dict(PROTO_CLASSES, import_graph_def=import_graph_def)
