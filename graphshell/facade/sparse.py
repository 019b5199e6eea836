"""IndexedSlices, the scatter updates and embedding lookups: the sparse side of the API."""

from __future__ import annotations

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
TOP_LEVEL: dict[str, object] = {}
# The names it adds to tf.nn.
NN_MEMBERS: dict[str, object] = {}
