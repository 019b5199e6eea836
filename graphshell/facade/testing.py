"""tf.test: TestCase and main for users' own tests."""

from __future__ import annotations

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
TOP_LEVEL: dict[str, object] = {}
