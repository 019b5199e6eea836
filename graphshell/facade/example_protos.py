"""tf.train.Example and its relatives as lazy classes: the messages are built on first use."""

from __future__ import annotations

from types import SimpleNamespace

from ..engine.ops import example_protos
from .summary_writer import LazyProtoClass


def _modules() -> SimpleNamespace:
    return SimpleNamespace(example=example_protos.protos())


LAZY_PROTOS: dict[str, object] = {name: LazyProtoClass("example", name, _modules)
                                  for name in example_protos.PROTO_NAMES}
