"""tf.nn's convolutions and pooling."""

from __future__ import annotations

MEMBERS: dict[str, object] = dict()
