"""The shell on real TensorFlow: `tf` is TF's own `compat.v1` with v2 behaviour off, sessions
are TF's, and each run() is recorded from its RunMetadata (see recording.py).

This package is the only place graphshell imports TensorFlow, and only when a shell chooses
this engine. Sessions made without a config get one with Grappler's rewrites and the classic
graph optimizer off, so step_stats name the graph's own ops; a config the user gives is kept,
and a warning says when it turns Grappler on.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import types
import warnings
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ..errors import INSTALL_HINT, EngineUnavailable
from . import graph_files, recording, steps
from .state import TensorFlowState, current_state


def import_tensorflow() -> types.ModuleType:
    """TensorFlow's tf.compat.v1 with v2 behaviour off; EngineUnavailable (one line saying
    how to install it) if TensorFlow is missing."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # no C++ notices on every traced step
    try:
        import tensorflow.compat.v1 as tf1
    except ImportError as error:
        raise EngineUnavailable(f"the tensorflow engine needs TensorFlow, which cannot be "
                                f"imported here ({error}); install it with: {INSTALL_HINT}"
                                ) from None
    verbosity = tf1.logging.get_verbosity()
    tf1.logging.set_verbosity(tf1.logging.ERROR)  # its deprecation notices are not the user's
    try:
        tf1.disable_v2_behavior()
    finally:
        tf1.logging.set_verbosity(verbosity)
    return tf1


class TensorFlowEngine:
    """The engine interface over real TensorFlow (interface.Engine)."""

    name = "tensorflow"
    import_note = ("note: on the tensorflow engine `import tensorflow` binds TensorFlow's own "
                   "tf.compat.v1 (v2 behaviour off), as `tf` is; other tensorflow paths import "
                   "as they are")

    def __init__(self, tf1: types.ModuleType):
        from tensorflow.python.client import session
        from tensorflow.python.framework import ops, stack, tensor
        self.tf = tf1
        self._ops, self._session_module = ops, session
        self._modules = (ops, stack)
        self._session_stack = stack._default_session_stack
        recording.install(session.BaseSession, tensor.Tensor, ops.Operation, tf1)
        steps.TensorFlowStep.engine = self  # steps say which engine explains them
        _label_on_creation(session.BaseSession, "Session", self._untraced_config)
        _label_on_creation(ops.Graph, "Graph", None, only_exactly=True)  # not TF's FuncGraphs

    def new_state(self, seed: int | None, on_step: Callable) -> TensorFlowState:
        return TensorFlowState(self._modules, on_step, seed)

    # -- defaults ------------------------------------------------------------------------------
    def default_graph(self) -> Any:
        return self.tf.get_default_graph()

    def default_session(self) -> Any:
        return self.tf.get_default_session()

    def session_stack(self) -> list:
        return list(reversed(self._session_stack.stack))

    def graph_stack(self) -> list:
        return list(reversed(self._ops._default_graph_stack.stack))

    def global_graph(self) -> Any:
        return self._ops._default_graph_stack._GetGlobalDefaultGraph()

    def is_session(self, value: Any) -> bool:
        return isinstance(value, self._session_module.BaseSession)

    def is_graph(self, value: Any) -> bool:
        return isinstance(value, self._ops.Graph)

    def session_closed(self, session: Any) -> bool:
        return bool(session._closed)  # TF's sessions have no public flag

    # -- names and facts -----------------------------------------------------------------------
    def session_name(self, session: Any) -> str:
        return _label(session, "Session")

    def graph_name(self, graph: Any) -> str:
        return _label(graph, "Graph")

    def op_count(self, graph: Any) -> int:
        return len(graph.get_operations())

    def op_named(self, graph: Any, name: str) -> Any:
        try:
            return graph.get_operation_by_name(name)
        except (KeyError, ValueError, TypeError):
            return None

    def shape_text(self, tensor: Any) -> str:
        return str(tensor.shape)

    def existed_at(self, op: Any, step: Any) -> bool:
        return op._id <= step.last_op_id

    def why_needed(self, fetches: Sequence, targets: Sequence, fed: Sequence, op: Any):
        return steps.why_needed(fetches, targets, fed, op)

    def while_loop_of(self, op: Any) -> Any:
        context = op._get_control_flow_context()
        while context is not None and not context.IsWhileContext():
            context = context.outer_context
        return None if context is None else _WhileLoop(context)

    def is_out_of_memory(self, error: BaseException) -> bool:
        return isinstance(error, (MemoryError, self.tf.errors.ResourceExhaustedError))

    # -- Python, files and TensorBoard ---------------------------------------------------------
    def import_tensorflow(self, name: str, fromlist: Sequence[str]) -> types.ModuleType:
        if name == "tensorflow":
            for member in fromlist or ():
                if member != "*" and not hasattr(self.tf, member):
                    raise ImportError(f"cannot import name '{member}' from 'tensorflow' "
                                      "(tf.compat.v1 on the tensorflow engine)", name=name)
            return self.tf
        return builtins.__import__(name, None, None, fromlist or (), 0)

    def tensorflow_modules(self, needed: bool) -> AbstractContextManager[None]:
        return contextlib.nullcontext()  # the user's modules import TensorFlow's own

    def load_graph_file(self, path: str) -> str:
        graph = graph_files.load_graph_file(self.tf, path)
        self._ops._default_graph_stack._global_default_graph = graph
        return graph_files.summary(path, graph, self.graph_name(graph))

    def write_tensorboard(self, logdir: str, graph: Any, steps: Sequence) -> None:
        writer = self.tf.summary.FileWriter(logdir, graph=graph)
        try:
            for step in steps:
                writer.add_run_metadata(step.run_metadata, f"step_{step.number}",
                                        global_step=step.number)
        finally:
            writer.close()

    # -- sessions ------------------------------------------------------------------------------
    def _untraced_config(self, config: Any) -> Any:
        """The config a session runs with: Grappler and the graph optimizer off unless the
        user's own config sets them (then a warning says the names may be Grappler's)."""
        tf = self.tf
        if config is not None and config.HasField("graph_options") and (
                config.graph_options.HasField("rewrite_options")
                or config.graph_options.HasField("optimizer_options")):
            warnings.warn("this session's config sets Grappler or graph optimizer options: "
                          "the steps show the ops of the rewritten graph (fused or folded "
                          "ops, other names)", RuntimeWarning, stacklevel=4)
            return config
        chosen = tf.ConfigProto()
        if config is not None:
            chosen.CopyFrom(config)
        rewrites = chosen.graph_options.rewrite_options
        rewrites.disable_meta_optimizer = True
        rewrites.constant_folding = rewrites.OFF
        rewrites.arithmetic_optimization = rewrites.OFF
        optimizer = chosen.graph_options.optimizer_options
        optimizer.opt_level = tf.OptimizerOptions.L0
        optimizer.do_common_subexpression_elimination = False
        optimizer.do_constant_folding = False
        optimizer.do_function_inlining = False
        return chosen


class _WhileLoop:
    """A TF WhileContext as the shell's :why reads a loop: its label and its LoopCond op."""

    def __init__(self, context: Any):
        self.loop_cond = context.pivot.op
        self.label = self.loop_cond.name.rsplit("/", 1)[0]  # its name scope, as numpy says

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _WhileLoop) and other.loop_cond is self.loop_cond

    def __hash__(self) -> int:
        return id(self.loop_cond)


def _label(thing: Any, kind: str) -> str:
    state = current_state()
    return state.label(thing, kind) if state is not None else f"{kind}@{id(thing):#x}"


def _label_on_creation(cls: type, kind: str, configure: Callable | None,
                       only_exactly: bool = False) -> None:
    """Numbers each new session or graph in the shell that makes it (Session#1 is the first
    this shell made), subclasses too unless `only_exactly`; sessions get the untraced
    config."""
    original = vars(cls)["__init__"]
    if getattr(original, "_graphshell_labels", False):
        return

    def __init__(self, *args, **kwargs):
        if configure is not None:
            args, kwargs = _with_config(args, kwargs, configure)
        original(self, *args, **kwargs)
        state = current_state()
        if state is not None and (type(self) is cls or not only_exactly):
            state.label(self, kind)
    __init__._graphshell_labels = True  # type: ignore[attr-defined]
    __init__.__wrapped__ = original  # type: ignore[attr-defined]
    type.__setattr__(cls, "__init__", __init__)


def _with_config(args: tuple, kwargs: dict, configure: Callable) -> tuple[tuple, dict]:
    """BaseSession(target='', graph=None, config=None): the config argument replaced."""
    if len(args) >= 3:
        args = (*args[:2], configure(args[2]), *args[3:])
    else:
        kwargs = {**kwargs, "config": configure(kwargs.get("config"))}
    return args, kwargs
