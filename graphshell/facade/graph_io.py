"""GraphDef files: tf.GraphDef (and its NodeDef, AttrValue... messages, and tf.MetaGraphDef),
tf.train.write_graph, tf.import_graph_def.

The messages are TF's own, from tensorboard's protos (the optional `graphshell[tensorboard]`
extra), imported on first use, never at `import graphshell.tf`.
"""

from __future__ import annotations

import os

from ..engine.graph import graph_def as graph_def_module
from ..engine.graph.graph import Graph
from ..engine.graph.graph_def_import import import_graph_def
from ..engine.graph.meta_graph import write_proto_file
from . import meta_graph as meta_graph_api
from .summary_writer import LazyProtoClass

_PROTO_MODULES = {"GraphDef": "graph", "NodeDef": "node_def", "AttrValue": "attr_value",
                  "TensorProto": "tensor", "TensorShapeProto": "tensor_shape",
                  "VersionDef": "versions", "OpDef": "op_def"}
PROTO_CLASSES = {name: LazyProtoClass(module, name, graph_def_module.protos)
                 for name, module in _PROTO_MODULES.items()}
PROTO_CLASSES["MetaGraphDef"] = LazyProtoClass("meta_graph", "MetaGraphDef",
                                               meta_graph_api.meta_graph_proto_modules)


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
    write_proto_file(message, path, as_text)  # atomically, as TF's file_io does
    return path


TOP_LEVEL: dict[str, object] = dict(PROTO_CLASSES, import_graph_def=import_graph_def)
