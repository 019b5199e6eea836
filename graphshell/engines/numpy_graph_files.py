"""`:load model.pb` on the numpy engine: a GraphDef or MetaGraph file imported into a fresh
global default graph, with the file's own node names."""

from __future__ import annotations

import collections

from ..engine.graph.context import current_context
from ..engine.graph.graph import Graph
from ..engine.graph.graph_def import read_graph_def
from ..engine.graph.graph_def_import import import_graph_def
from ..engine.graph.graph_def_values import OUTPUTS_ATTR
from ..engine.graph.meta_graph import read_meta_graph_file
from ..engine.graph.meta_graph_import import import_meta_graph_def
from .files import META_GRAPH_SUFFIX, GraphFileError, count_of


def load_graph_file(path: str) -> str:
    """Imports the GraphDef or MetaGraph in `path` as the new global default graph; returns
    the line saying so (ops imported, collections, op types without a kernel here)."""
    is_meta_graph = path.lower().endswith(META_GRAPH_SUFFIX)
    try:
        message = read_meta_graph_file(path) if is_meta_graph else read_graph_def(path)
    except (OSError, ValueError, ImportError) as error:
        raise GraphFileError(f"cannot load {path}: {error}") from None
    graph = Graph()
    try:
        with graph.as_default():
            if is_meta_graph:
                import_meta_graph_def(graph, message)
            else:
                import_graph_def(message, name="")
    except (ValueError, TypeError, KeyError) as error:
        raise GraphFileError(f"cannot import {path}: {error}") from None
    current_context().global_graph = graph  # as tf.reset_default_graph, with this graph
    return _summary(path, graph, is_meta_graph)


def _summary(path: str, graph, is_meta_graph: bool = False) -> str:
    ops = graph.get_operations()
    missing = collections.Counter(op.type for op in ops if OUTPUTS_ATTR in op.attrs)
    line = f"loaded {path}: {count_of(len(ops), 'op')}"
    if is_meta_graph:
        keys = graph.get_all_collection_keys()
        line += f" and {count_of(len(keys), 'collection')}"
    line += " into a new default graph"
    if not missing:
        return line + "; every op type has a kernel here"
    kinds = ", ".join(f"{kind} ({count_of(n, 'op')})" for kind, n in sorted(missing.items()))
    return line + f"; no kernel here for {kinds}: steps that need them fail"
