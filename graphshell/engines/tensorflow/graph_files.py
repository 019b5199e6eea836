"""`:load model.pb` / `.pbtxt` / `.meta` on the TensorFlow engine: TF reads and imports the
file into a fresh graph, with the file's own node names."""

from __future__ import annotations

from typing import Any

from ..files import META_GRAPH_SUFFIX, GraphFileError, count_of

_TEXT_SUFFIXES = (".pbtxt", ".pbtext", ".prototxt")


def load_graph_file(tf: Any, path: str) -> Any:
    """A new graph holding the GraphDef or MetaGraph in `path`; GraphFileError if TF cannot
    read or import it."""
    graph = tf.Graph()
    try:
        with graph.as_default():
            if path.lower().endswith(META_GRAPH_SUFFIX):
                tf.train.import_meta_graph(path)
            else:
                tf.import_graph_def(_read_graph_def(tf, path), name="")
    except (OSError, ValueError, TypeError, KeyError, tf.errors.OpError) as error:
        raise GraphFileError(f"cannot load {path}: {error}") from None
    return graph


def _read_graph_def(tf: Any, path: str) -> Any:
    from google.protobuf import message, text_format
    graph_def = tf.GraphDef()
    with open(path, "rb") as file:
        data = file.read()
    try:
        if path.lower().endswith(_TEXT_SUFFIXES):
            text_format.Parse(data.decode("utf-8"), graph_def)
        else:
            graph_def.ParseFromString(data)
    except (message.DecodeError, text_format.ParseError, UnicodeDecodeError) as error:
        raise ValueError(f"not a GraphDef: {error}") from None
    return graph_def


def summary(path: str, graph: Any, label: str) -> str:
    line = f"loaded {path}: {count_of(len(graph.get_operations()), 'op')}"
    if path.lower().endswith(META_GRAPH_SUFFIX):
        line += f" and {count_of(len(graph.get_all_collection_keys()), 'collection')}"
    return line + f" into a new default graph ({label})"
