"""The module paths real code imports: tensorflow.python.framework.ops and the rest."""

from __future__ import annotations

import types


def install(tf: types.ModuleType) -> None:
    """Add `tf.python...` namespaces built from the finished `tf` module."""
