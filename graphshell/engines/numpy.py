"""graphshell's own engine behind the engine interface: the numpy re-implementation of
tf.compat.v1 (graphshell.tf), its EngineContext and its step records."""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from .. import tf as graphshell_tf
from ..engine.graph import errors, stacks
from ..engine.graph.context import EngineContext
from ..engine.graph.frames import while_loop_of
from ..engine.graph.graph import Graph, default_graph_snapshot, global_default_graph
from ..engine.graph.shapes import shape_str
from ..engine.run import prune
from ..engine.run import steps as engine_steps
from ..engine.run.session import BaseSession
from . import numpy_imports


class NumpyState:
    """A shell's EngineContext: its stacks, numbering, seed and step listener."""

    def __init__(self, seed: int | None, on_step: Callable):
        self._on_step = on_step
        self.context = EngineContext(keep_step_values=True, unseeded_seed=seed,
                                     step_listeners=[on_step])

    def installed(self) -> AbstractContextManager[EngineContext]:
        return self.context.installed()

    def restart(self) -> None:
        self.context.restart()

    def close(self) -> None:
        with self.installed():
            engine_steps.remove_step_listener(self._on_step)


class NumpyEngine:
    """The embedded default: starts in a fraction of a second, needs no TensorFlow."""

    name = "numpy"
    tf = graphshell_tf
    import_note = ("note: `import tensorflow` binds graphshell's tf (the TF1 graph API on "
                   "numpy); tf.compat.v1 is the same namespace")

    def new_state(self, seed: int | None, on_step: Callable) -> NumpyState:
        return NumpyState(seed, on_step)

    # -- defaults ------------------------------------------------------------------------------
    def default_graph(self) -> Graph:
        return graphshell_tf.get_default_graph()

    def default_session(self) -> BaseSession | None:
        return stacks.get_default_session()

    def session_stack(self) -> list:
        return stacks.default_session_snapshot()

    def graph_stack(self) -> list:
        return default_graph_snapshot()

    def global_graph(self) -> Graph:
        return global_default_graph()

    def is_session(self, value: Any) -> bool:
        return isinstance(value, BaseSession)

    def is_graph(self, value: Any) -> bool:
        return isinstance(value, Graph)

    def session_closed(self, session: BaseSession) -> bool:
        return session.closed

    # -- names and facts -----------------------------------------------------------------------
    def session_name(self, session: BaseSession) -> str:
        return session.name

    def graph_name(self, graph: Graph) -> str:
        return graph.name

    def op_count(self, graph: Graph) -> int:
        return graph.version

    def op_named(self, graph: Graph, name: str):
        return graph._get_operation_or_none(name)

    def shape_text(self, tensor) -> str:
        return shape_str(tensor._shape)

    def existed_at(self, op, step) -> bool:
        return op._id < step.graph_size

    def why_needed(self, fetches: Sequence, targets: Sequence, fed: Sequence, op):
        return prune.why_needed(fetches, targets, fed, op)

    def while_loop_of(self, op):
        return while_loop_of(op)

    def is_out_of_memory(self, error: BaseException) -> bool:
        return isinstance(error, (MemoryError, errors.ResourceExhaustedError))

    # -- Python, files and TensorBoard ---------------------------------------------------------
    def import_tensorflow(self, name: str, fromlist: Sequence[str]) -> types.ModuleType:
        return numpy_imports.tensorflow_module(name, fromlist)

    def tensorflow_modules(self, needed: bool) -> AbstractContextManager[None]:
        return numpy_imports.tensorflow_modules(needed)

    def load_graph_file(self, path: str) -> str:
        from .numpy_graph_files import load_graph_file
        return load_graph_file(path)

    def write_tensorboard(self, logdir: str, graph: Graph, steps: Sequence) -> None:
        from ..engine.run.run_metadata import step_run_metadata
        from ..facade.summary_writer import FileWriter
        with FileWriter(logdir, graph=graph) as writer:
            for step in steps:
                writer.add_run_metadata(step_run_metadata(step), f"step_{step.number}",
                                        global_step=step.number)
