"""MetaGraph files: tf.train.export_meta_graph, tf.train.import_meta_graph.

The MetaGraphDef (tf.MetaGraphDef, a lazy proto class of graph_io.py) is TF's message from
tensorboard's compat protos (the optional `graphshell[tensorboard]` extra), imported on first
use; engine/graph/meta_graph.py builds and reads it. import_meta_graph returns the Saver the
MetaGraph's saver_def describes, made by the "savers" collection's registered from_proto (the
checkpoint library's Saver.from_proto).
"""

from __future__ import annotations

import importlib
import logging
import os
from types import SimpleNamespace
from typing import Any

from ..engine.graph import meta_graph as meta_graph_module
from ..engine.graph import meta_graph_import, proto_functions
from ..engine.graph.graph import get_default_graph
from ..engine.graph.graph_keys import GraphKeys

_SAVER_MODULE = "graphshell.engine.training.saver"
_LOG = logging.getLogger("tensorflow")


def meta_graph_proto_modules() -> SimpleNamespace:
    """TF's meta_graph, saver and variable protobuf modules, by short name."""
    meta_graph_pb2, saver_pb2, variable_pb2 = meta_graph_module.meta_protos()
    return SimpleNamespace(meta_graph=meta_graph_pb2, saver=saver_pb2, variable=variable_pb2)


def _meta_graph_def_class() -> Any:
    return meta_graph_module.meta_protos()[0].MetaGraphDef


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text: bool = False, graph=None,
                      export_scope=None, clear_devices: bool = False,
                      clear_extraneous_savers: bool = False, strip_default_attrs: bool = False,
                      save_debug_info: bool = False):
    """The MetaGraphDef of `graph` (the default graph): its GraphDef, saver_def and
    collections; written to `filename` too if given (text format with as_text=True)."""
    if save_debug_info:
        raise ValueError("export_meta_graph(save_debug_info=True): graphshell does not write "
                         "GraphDebugInfo files")
    graph = graph or get_default_graph()
    message = meta_graph_module.build_meta_graph_def(
        graph, meta_info_def=meta_info_def, graph_def=graph_def, saver_def=saver_def,
        collection_list=collection_list, clear_devices=clear_devices,
        export_scope=export_scope, clear_extraneous_savers=clear_extraneous_savers,
        strip_default_attrs=strip_default_attrs)
    if filename:
        meta_graph_module.write_meta_graph(message, os.fspath(filename), as_text=as_text)
    return message


def import_meta_graph(meta_graph_or_file, clear_devices: bool = False, import_scope=None,
                      graph=None, input_map=None, return_elements=None,
                      restore_collections_predicate=None):
    """Imports a MetaGraph (a MetaGraphDef or the path of a .meta file) into the default graph
    under `import_scope`, with its collections; returns a Saver for its variables (from its
    saver_def, else a new one over its variables), or None when it has no variables."""
    saver, _ = import_meta_graph_with_return_elements(
        meta_graph_or_file, clear_devices, import_scope, graph=graph, input_map=input_map,
        return_elements=return_elements,
        restore_collections_predicate=restore_collections_predicate)
    return saver


def import_meta_graph_with_return_elements(meta_graph_or_file, clear_devices=False,
                                           import_scope=None, graph=None, input_map=None,
                                           return_elements=None,
                                           restore_collections_predicate=None):
    """import_meta_graph that also returns the `return_elements` (TF's private twin)."""
    if isinstance(meta_graph_or_file, _meta_graph_def_class()):
        message = meta_graph_or_file
    else:
        message = meta_graph_module.read_meta_graph_file(meta_graph_or_file)
    graph = graph or get_default_graph()
    variables, returned = meta_graph_import.import_meta_graph_def(
        graph, message, clear_devices=clear_devices, import_scope=import_scope,
        input_map=input_map, return_elements=return_elements,
        restore_collections_predicate=restore_collections_predicate)
    with graph.as_default():
        saver = _saver_for(message, import_scope, variables)
    return saver, returned


def _saver_for(message, import_scope, variables: dict):
    """The Saver TF's import_meta_graph returns: from the saver_def, under the scope the
    variables were imported in; a default one without a saver_def; None without variables."""
    saver_module = _saver_library()
    if message.HasField("saver_def"):
        scope = import_scope
        if variables:
            key, variable = next(iter(variables.items()))
            scope = variable.name[:-len(key)]
        from_proto = proto_functions.get_from_proto_function(GraphKeys.SAVERS)
        if from_proto is None:
            raise ImportError("import_meta_graph: the MetaGraph has a saver_def, and no Saver "
                              "is registered for the 'savers' collection")
        return from_proto(message.saver_def, import_scope=scope)
    if not variables:
        _LOG.info("Saver not created because there are no variables in the graph to restore")
        return None
    if saver_module is None:
        _LOG.warning("import_meta_graph: no tf.train.Saver in this graphshell; returning None")
        return None
    return saver_module.Saver()


def _saver_library():
    """The checkpoint library's module (importing it registers the "savers" proto functions),
    or None while graphshell has none."""
    try:
        return importlib.import_module(_SAVER_MODULE)
    except ModuleNotFoundError as error:
        if error.name != _SAVER_MODULE:
            raise
        return None


TRAIN_MEMBERS: dict[str, object] = dict(export_meta_graph=export_meta_graph,
                                        import_meta_graph=import_meta_graph)
