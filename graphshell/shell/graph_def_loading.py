"""`:load model.pb` / `model.pbtxt`: a GraphDef file imported into a fresh default graph.

The graph's nodes keep their names (no `import/` prefix), so `:graph`, `:ops` and `:why` show
the file's own names; op types without a kernel here are imported as kernel-less ops and
listed in the one line `:load` says.
"""

from __future__ import annotations

import collections
import os

from ..engine.graph.context import current_context
from ..engine.graph.graph import Graph, default_graph_stack
from ..engine.graph.graph_def import read_graph_def
from ..engine.graph.graph_def_import import import_graph_def
from ..engine.graph.graph_def_values import OUTPUTS_ATTR
from .commands.table import CommandError
from .keep import format_size
from .reading import ENV_MAX_READ, max_read_bytes
from .report import count_of

GRAPH_DEF_SUFFIXES = (".pb", ".pbtxt", ".pbtext", ".prototxt")


def is_graph_def_path(path: str) -> bool:
    """Whether `path` names a GraphDef file (by its extension)."""
    return path.lower().endswith(GRAPH_DEF_SUFFIXES)


def check_graph_def_file(path: str) -> str:
    """The expanded path of a readable GraphDef file within the read limit, or CommandError."""
    path = os.path.expanduser(path)
    if not os.path.exists(path):
        raise CommandError(f"no such file: {path}")
    if os.path.isdir(path):
        raise CommandError(f"{path} is a directory, not a GraphDef file")
    try:
        size = os.path.getsize(path)
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
    limit = max_read_bytes()
    if size > limit:
        raise CommandError(f"{path} is larger than the read limit of {format_size(limit)}; "
                           f"not reading it (--max-read SIZE or ${ENV_MAX_READ} raises it)")
    return path


def load_graph_def(shell, path: str) -> str:
    """Imports the GraphDef in `path` as the shell's new default graph; returns the line
    saying so (ops imported, op types without a kernel here)."""
    path = check_graph_def_file(path)
    if not default_graph_stack.is_cleared():
        raise CommandError(f"cannot load {path} while a graph is entered: leave it first "
                           f"(:stack shows what is entered)")
    try:
        message = read_graph_def(path)
    except (OSError, ValueError, ImportError) as error:
        raise CommandError(f"cannot load {path}: {error}") from None
    graph = Graph()
    try:
        with graph.as_default():
            import_graph_def(message, name="")
    except (ValueError, TypeError) as error:
        raise CommandError(f"cannot import {path}: {error}") from None
    current_context().global_graph = graph  # as tf.reset_default_graph, with this graph
    return _summary(path, graph)


def _summary(path: str, graph) -> str:
    ops = graph.get_operations()
    missing = collections.Counter(op.type for op in ops if OUTPUTS_ATTR in op.attrs)
    line = f"loaded {path}: {count_of(len(ops), 'op')} into a new default graph"
    if not missing:
        return line + "; every op type has a kernel here"
    kinds = ", ".join(f"{kind} ({count_of(n, 'op')})" for kind, n in sorted(missing.items()))
    return line + f"; no kernel here for {kinds}: steps that need them fail"
