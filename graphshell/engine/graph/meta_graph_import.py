"""MetaGraph import: a MetaGraphDef's GraphDef imported into a graph, then its collections
rebuilt as TF's import_scoped_meta_graph rebuilds them (TRAINABLE_VARIABLES first, then by
name): registered from_proto functions for bytes lists of protos (one Variable object per
VariableDef across the variable collections), graph elements for node lists, ints, floats and
strings (under the import scope) otherwise. The export is meta_graph.py.

TF's cond and while context collections (CondContextDef, WhileContextDef) are skipped:
tensorboard ships no such protos, and imported loops get their frames from their Enter ops.
"""

from __future__ import annotations

import logging
from typing import Any

from . import proto_functions
from .graph_def import protos
from .graph_def_import import import_graph_def
from .graph_keys import GraphKeys
from .meta_graph import UNBOUND_INPUTS
from .proto_functions import prepend_name_scope, strip_name_scope

_LOG = logging.getLogger("tensorflow")
# the collections whose VariableDefs stand for one Variable object each
VARIABLE_COLLECTIONS = frozenset({
    GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES,
    GraphKeys.MODEL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES,
    GraphKeys.MOVING_AVERAGE_VARIABLES, GraphKeys.CONCATENATED_VARIABLES,
    GraphKeys.TRAINABLE_RESOURCE_VARIABLES})
# collections TF writes as protos graphshell has no message class or reader for
_UNREADABLE_PROTO_COLLECTIONS = frozenset({GraphKeys.COND_CONTEXT, GraphKeys.WHILE_CONTEXT,
                                           GraphKeys.QUEUE_RUNNERS, GraphKeys.SAVERS})


def import_meta_graph_def(graph, meta_graph_def, *, clear_devices: bool = False,
                          import_scope: str | None = None, input_map=None,
                          return_elements=None, restore_collections_predicate=None
                          ) -> tuple[dict, list | None]:
    """Imports the MetaGraph's GraphDef into `graph` under `import_scope` and restores its
    collections; returns ({name without the scope: Variable}, the return_elements)."""
    _check_unbound_inputs(meta_graph_def, input_map)
    graph_def = meta_graph_def.graph_def
    if clear_devices:
        graph_def = _without_devices(graph_def)
    with graph.as_default():
        scope = graph.unique_name(import_scope or "", mark_as_used=False)
        returned = import_graph_def(graph_def, input_map=input_map,
                                    return_elements=return_elements,
                                    name=import_scope or scope)
        _restore_collections(graph, meta_graph_def, scope,
                             restore_collections_predicate or (lambda key: True))
        variables = graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope=scope or None)
    return {strip_name_scope(v.name, scope): v for v in variables}, returned


def _check_unbound_inputs(meta_graph_def, input_map) -> None:
    """A MetaGraph exported from a scope needs the inputs it read from outside in input_map."""
    collection_def = meta_graph_def.collection_def.get(UNBOUND_INPUTS)
    if collection_def is None or collection_def.WhichOneof("kind") is None:
        return
    names = [value.decode() if isinstance(value, bytes) else str(value)
             for value in getattr(collection_def, collection_def.WhichOneof("kind")).value]
    if names and (not input_map or sorted(names) != sorted(input_map)):
        missing = [name for name in names if not input_map or name not in input_map]
        raise ValueError(f"Graph contains unbound inputs: {','.join(missing)}. Must provide "
                         f"these inputs through input_map.")


def _without_devices(graph_def):
    copy = protos().graph.GraphDef()
    copy.CopyFrom(graph_def)
    for node in copy.node:
        node.device = ""
    return copy


def _restore_collections(graph, meta_graph_def, scope: str, wanted) -> None:
    """The MetaGraph's collections, TRAINABLE_VARIABLES first, then by name (as TF)."""
    collections = meta_graph_def.collection_def
    keys = sorted(collections)
    if GraphKeys.TRAINABLE_VARIABLES in collections:
        keys.remove(GraphKeys.TRAINABLE_VARIABLES)
        keys.insert(0, GraphKeys.TRAINABLE_VARIABLES)
    variables: dict[bytes, Any] = {}  # one Variable per VariableDef, across collections
    for key in keys:
        if key == UNBOUND_INPUTS or not wanted(key):
            continue
        collection_def = collections[key]
        kind = collection_def.WhichOneof("kind")
        if kind is None:
            _LOG.error("Cannot identify data type for collection %s. Skipping.", key)
            continue
        from_proto = proto_functions.get_from_proto_function(
            GraphKeys.GLOBAL_VARIABLES if key == GraphKeys.METRIC_VARIABLES else key)
        if from_proto is not None and kind == "bytes_list":
            _restore_protos(graph, key, collection_def, from_proto, scope, variables)
        elif kind == "bytes_list" and key in _UNREADABLE_PROTO_COLLECTIONS:
            _LOG.info("Collection %s holds protos graphshell cannot read; not restored", key)
        else:
            _restore_values(graph, key, kind, getattr(collection_def, kind).value, scope)


def _restore_protos(graph, key, collection_def, from_proto, scope, variables: dict) -> None:
    proto_type = proto_functions.get_collection_proto_type(
        GraphKeys.GLOBAL_VARIABLES if key == GraphKeys.METRIC_VARIABLES else key)
    for value in collection_def.bytes_list.value:
        item = variables.get(value) if key in VARIABLE_COLLECTIONS else None
        if item is None:
            proto = proto_type()
            proto.ParseFromString(value)
            item = from_proto(proto, import_scope=scope)
            if key in VARIABLE_COLLECTIONS:
                variables[value] = item
        graph.add_to_collection(key, item)


def _restore_values(graph, key, kind: str, values, scope: str) -> None:
    for value in values:
        if kind == "node_list":
            graph.add_to_collection(key, graph.as_graph_element(prepend_name_scope(value, scope)))
        elif kind == "int64_list":
            graph.add_to_collection(key, int(value))
        elif kind == "bytes_list":
            graph.add_to_collection(key, prepend_name_scope(value, scope))
        else:
            graph.add_to_collection(key, value)

