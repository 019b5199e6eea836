"""How `tensorflow` imports on the numpy engine: the shell's `import tensorflow...` gives
graphshell's modules, and so does the user's own modules' while an input runs.

The shell's namespace maps `import tensorflow` with an import hook in its builtins; a module the
program imports (a `libs/activations.py` beside it) has the real builtins, so it would find no
TensorFlow or the real one. While an input runs, sys.modules maps `tensorflow` and every module
path graphshell's tf provides (`tensorflow.compat.v1`, `tensorflow.python.framework.ops`...)
to graphshell's modules; afterwards whatever was there before is put back.
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections.abc import Iterator, Sequence
from typing import Any

from .. import tf as graphshell_tf

_PREFIX = graphshell_tf.__name__ + "."
_aliases: dict[str, types.ModuleType] = {}


def aliases() -> dict[str, types.ModuleType]:
    """tensorflow module path -> graphshell module; made once (the facade is built on import)."""
    if not _aliases:
        _aliases["tensorflow"] = graphshell_tf
        for name, module in list(sys.modules.items()):
            if name.startswith(_PREFIX) and isinstance(module, types.ModuleType):
                _aliases["tensorflow." + name[len(_PREFIX):]] = module
    return _aliases


@contextlib.contextmanager
def tensorflow_modules(needed: bool = True) -> Iterator[None]:
    """The mapping, for inputs that may import a module (`needed`); others pay nothing."""
    if not needed:
        yield
        return
    mapped = aliases()
    saved = {name: sys.modules[name] for name in mapped if name in sys.modules}
    sys.modules.update(mapped)
    try:
        yield
    finally:
        for name, module in mapped.items():
            if sys.modules.get(name) is module:
                if name in saved:
                    sys.modules[name] = saved[name]
                else:
                    del sys.modules[name]


def tensorflow_module(name: str, fromlist: Sequence[str]) -> types.ModuleType:
    """What `import name` gives for a tensorflow path: the top module for `import a.b.c`
    (Python walks the attributes), the named module for `from a.b import c`; an ImportError
    naming the module or member graphshell does not provide."""
    module: Any = graphshell_tf
    for depth, part in enumerate(name.split(".")[1:], start=2):
        module = getattr(module, part, None)
        if not isinstance(module, types.ModuleType):
            raise ModuleNotFoundError(
                f"No module named '{'.'.join(name.split('.')[:depth])}': graphshell's tf "
                "provides the TF1 graph API (tensorflow.compat.v1) and the tensorflow.python "
                "modules TF1 code imports, not this one", name=name)
    for member in fromlist or ():
        if member != "*" and not hasattr(module, member):
            raise ImportError(f"cannot import name '{member}' from '{name}': graphshell's tf "
                              "does not provide it", name=name)
    return module if fromlist else graphshell_tf
