"""`:load model.pb` / `model.pbtxt` / `model.meta`: a GraphDef or MetaGraph file imported
into a fresh default graph.

The graph's nodes keep their names (no `import/` prefix), so `:graph`, `:ops` and `:why` show
the file's own names; op types without a kernel here are imported as kernel-less ops and
listed in the one line `:load` says. A MetaGraph's collections come too (its variables are
tf.global_variables(), so `tf.global_variables_initializer()` initializes them).
"""

from __future__ import annotations

import os

from ..engines.files import META_GRAPH_SUFFIX, GraphFileError
from .commands.table import CommandError
from .keep import format_size
from .reading import ENV_MAX_READ, max_read_bytes

GRAPH_DEF_SUFFIXES = (".pb", ".pbtxt", ".pbtext", ".prototxt", META_GRAPH_SUFFIX)


def is_graph_def_path(path: str) -> bool:
    """Whether `path` names a GraphDef or MetaGraph file (by its extension)."""
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
    """Imports the GraphDef or MetaGraph in `path` as the shell's new default graph (on the
    shell's engine); returns the line saying so (ops imported, collections, op types without
    a kernel here)."""
    path = check_graph_def_file(path)
    if shell.engine.graph_stack():
        raise CommandError(f"cannot load {path} while a graph is entered: leave it first "
                           f"(:stack shows what is entered)")
    try:
        return shell.engine.load_graph_file(path)
    except GraphFileError as error:
        raise CommandError(str(error)) from None
