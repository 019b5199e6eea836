"""The namespaces of the facade (`tf.nn`, `tf.train`, `tf.layers`...), one module per area.

Each area module lists the names users type under that namespace; `graphshell/tf.py` assembles
them. A namespace is a plain module object holding only its TF names (no imports of ours leak
into `dir(tf.nn)` or completion), registered in `sys.modules` under `graphshell.tf.<path>` so
`import tensorflow.python.framework.ops` style imports resolve.
"""

from __future__ import annotations

import sys
import types

ROOT = "graphshell.tf"


def namespace(path: str, doc: str, **members: object) -> types.ModuleType:
    """A module `graphshell.tf.<path>` holding `members`; sub-namespaces are members too."""
    module = types.ModuleType(f"{ROOT}.{path}", doc)
    module.__dict__.update(members)
    sys.modules[module.__name__] = module
    return module
