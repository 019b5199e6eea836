"""Sessions: run steps on a graph, own variable state, and stack up as the default session."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from ..graph import errors, stacks
from ..graph.context import current_context
from ..graph.graph import Graph, get_default_graph
from . import protos, steps
from .executor import Plan, StepFailure, execute
from .feeds import as_graph_strings, resolve_feeds
from .fetches import FetchHandler
from .interrupts import StepInterrupts
from .partial_run import PartialRun
from .placement import check_runnable
from .runtime import Runtime
from .waits import STEP_WAITS, StepWaits


class BaseSession:
    """What Session and InteractiveSession share: running steps and the step record."""

    def __init__(self, target="", graph=None, config=None):
        _check_constructor_arguments(target, graph, config)
        self._graph = graph if graph is not None else get_default_graph()
        self._target = target
        self._config = config
        self._closed = False
        self._runtime = Runtime()
        self._plans = {}
        self._step_count = 0
        self._lock = threading.RLock()
        self._waits = self._runtime.resource(STEP_WAITS, lambda: StepWaits(self._lock))
        self.id = next(current_context().session_numbers)  # Session#N counts per context
        self._listeners = []

    # -- properties ----------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def graph_def(self) -> Any:
        return self._graph.as_graph_def()

    @property
    def sess_str(self) -> bytes:
        target = self._target
        return target.encode() if isinstance(target, str) else target

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def step_count(self) -> int:
        return self._step_count

    @property
    def name(self) -> str:
        return f"{type(self).__name__}#{self.id}"

    def list_devices(self) -> list:
        return [protos.CPU_DEVICE]

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<tf.{type(self).__name__} {self.name} graph={self._graph.name} {state}>"

    def add_step_listener(self, listener) -> None:
        self._listeners.append(listener)

    # -- lifecycle --------------------------------------------------------------------------
    def close(self) -> None:
        """Frees the session; closing twice is fine, using a closed session is a RuntimeError."""
        self._closed = True
        self._plans.clear()
        self._waits.close()

    def as_default(self) -> AbstractContextManager:
        """A context manager that makes this the default session; it does not close it."""
        return stacks.default_session_stack.get_controller(self)

    # -- running ----------------------------------------------------------------------------
    def run(self, fetches: Any, feed_dict: dict | None = None, options: Any = None,
            run_metadata: Any = None) -> Any:
        """Runs one step computing every fetch (any nesting of lists, tuples, dicts, names)."""
        return self._run(fetches, feed_dict, options, run_metadata, origin="run")

    def _run(self, fetches, feed_dict, options, run_metadata, origin):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if self._graph.version == 0:
            raise RuntimeError("The Session graph is empty. Add operations to the graph before "
                               "calling run().")
        feeds = resolve_feeds(self._graph, feed_dict)
        handler = FetchHandler(self._graph, fetches, feeds)
        if not (handler.tensors or handler.targets or handler.fed_fetches):
            return handler.build_results([])
        with StepInterrupts() as interrupts:  # a Ctrl-C held back during the step ends here
            with self._lock:
                values, step = self._step(handler, feeds, fetches, feed_dict, origin, options,
                                          run_metadata, interrupts)
            results = handler.build_results(values)
            step.results = results
            self._publish(step)
        return results

    def _step(self, handler, feeds, fetches, feed_dict, origin, options, run_metadata,
              interrupts):
        """Runs one step and returns (fetched values, Step); the caller publishes the Step once
        it has built the results (a failed step is published here). `interrupts` is the
        StepInterrupts the caller runs the step in."""
        plan = self._plan(handler.tensors, handler.targets, feeds)
        keep_values = current_context().keep_step_values  # a shell's context keeps them
        fed = list(plan.fed) + [t for t in handler.fed_fetches if t not in plan.fed]
        record = dict(session=self, origin=origin, fetches=fetches, feed_dict=feed_dict, plan=plan,
                      fed_tensors=fed, fed_fetches=handler.fed_fetches)
        try:
            timed = run_metadata is not None and protos.wants_trace(options)
            timeout_ms = self._timeout_ms(options)
            with self._waits.step(self._runtime, timeout_ms):
                values, stamps, slots, counts = execute(plan, _feed_values(plan, feeds),
                                                        self._runtime, interrupts, timed,
                                                        keep_values, timeout_ms)
        except StepFailure as failure:
            step = steps.Step(timestamps=failure.timestamps, counts=failure.counts,
                              error=failure.error,
                              values=failure.values if keep_values else None, **record,
                              **self._step_numbers())
            self._publish(step)
            cause = failure.__cause__
            raise failure.error from (cause if cause is not failure.error else None)
        step = steps.Step(timestamps=stamps, counts=counts,
                          values=slots if keep_values else None, **record,
                          **self._step_numbers())
        if run_metadata is not None and protos.wants_trace(options) and plan.ops:
            protos.fill_run_metadata(run_metadata, step)
        if run_metadata is not None and getattr(options, "output_partition_graphs", False):
            from .run_metadata import partition_graph  # GraphDefs need tensorboard's protos
            run_metadata.partition_graphs = [partition_graph(step)]
        return values, step

    def _step_numbers(self) -> dict:
        """A step's numbers, taken once it has run, so the steps a waiting kernel ran inside it
        (queue runners' enqueues) come before it."""
        self._step_count += 1
        return {"number": steps.next_step_number(), "session_step": self._step_count}

    def _timeout_ms(self, options) -> int:
        """The step's time limit: RunOptions.timeout_in_ms, else the ConfigProto's."""
        timeout = getattr(options, "timeout_in_ms", 0) if options is not None else 0
        if timeout <= 0 and self._config is not None:
            timeout = self._config.operation_timeout_in_ms
        return max(int(timeout), 0)

    def _plan(self, tensors, targets, feeds) -> Plan:
        check_runnable(self._graph, self._config)  # TF's whole-graph checks
        key = (tuple(tensors), tuple(targets), frozenset(feeds), self._graph._structure_version)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = Plan(tensors, targets, feeds, self._runtime)
        return plan

    def _publish(self, step) -> None:
        for listener in self._listeners:
            listener(step)
        steps.publish(step)

    def make_callable(self, fetches: Any, feed_list: Any = None,
                      accept_options: bool = False) -> Callable[..., Any]:
        """A function running `fetches`; its positional arguments feed `feed_list`."""
        if feed_list is not None and not isinstance(feed_list, (list, tuple)):
            raise TypeError("Argument `feed_list` must be a list or tuple. "
                            f"Received: feed_list={feed_list}")
        feed_list = list(feed_list or [])

        def run_callable(*feed_args, options=None, run_metadata=None):
            if (options is not None or run_metadata is not None) and not accept_options:
                raise TypeError("run_callable() got unexpected options; create it with "
                                "make_callable(..., accept_options=True)")
            feed_dict = dict(zip(feed_list, feed_args)) if feed_list else None
            return self._run(fetches, feed_dict, options, run_metadata, origin="callable")
        return run_callable

    def partial_run_setup(self, fetches: Any, feeds: Any = None) -> Any:
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        return PartialRun(self, fetches, feeds or [])

    def partial_run(self, handle: Any, fetches: Any, feed_dict: dict | None = None) -> Any:
        if not hasattr(handle, "run"):
            raise errors.InvalidArgumentError(
                None, None, "Must run 'setup' before performing partial runs!")
        return handle.run(fetches, feed_dict)


def _feed_values(plan, feeds):
    values = [feeds[t] for t in plan.fed]
    for i in plan.string_feeds:
        values[i] = as_graph_strings(values[i])
    return values


def _check_constructor_arguments(target, graph, config) -> None:
    if not isinstance(target, (str, bytes)):
        hint = ""
        if isinstance(target, protos.ConfigProto):
            hint = '. Did you do "Session(config)" instead of "Session(config=config)"?'
        raise TypeError(f"Argument `target` must be a string, but got "
                        f'"{type(target).__name__}"{hint}')
    if config is not None and not isinstance(config, protos.ConfigProto):
        raise TypeError(f"Argument `config` must be a tf.ConfigProto, but got "
                        f'"{type(config).__name__}"')
    if graph is not None and not isinstance(graph, Graph):
        raise TypeError(f'Argument `graph` must be a tf.Graph, but got "{type(graph).__name__}"')
    _check_target(target)


def _check_target(target) -> None:
    """TF's in-process session takes only the empty target; grpc:// targets are accepted here
    as TF's remote session factory accepts them."""
    text = target.decode() if isinstance(target, bytes) else target
    if text and not text.startswith("grpc://"):
        raise errors.NotFoundError(
            None, None, "No session factory registered for the given session options: "
            f'{{target: "{text}" config: }} Registered factories are '
            "{GRPC_SESSION, DIRECT_SESSION}.")


class Session(BaseSession):
    """A session; `with Session() as s:` makes it (and its graph) default and closes it on exit."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        self._graph_context = None
        self._session_context = None

    def __enter__(self):
        if self._graph_context is not None:
            raise RuntimeError("Session context managers are not re-entrant. Use "
                               "`Session.as_default()` if you want to enter a session multiple "
                               "times.")
        self._graph_context = self._graph.as_default()
        self._session_context = self.as_default()
        self._graph_context.__enter__()
        return self._session_context.__enter__()

    def __exit__(self, exc_type, exc_value, traceback):
        if exc_type is errors.OpError:
            logging.getLogger("graphshell").error("Session closing due to OpError: %s",
                                                   exc_value)
        try:
            self._session_context.__exit__(exc_type, exc_value, traceback)
        finally:
            self._graph_context.__exit__(exc_type, exc_value, traceback)
            self._graph_context = self._session_context = None
            self.close()


class InteractiveSession(BaseSession):
    """A session that installs itself as the default until `close()`; not a context manager."""

    _count_lock = threading.Lock()

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        self._counted_in = current_context()  # close() uncounts it there, from any thread
        with InteractiveSession._count_lock:
            if self._counted_in.interactive_sessions > 0:
                warnings.warn("An interactive session is already active. This can cause "
                              "out-of-memory errors in some cases. You must explicitly call "
                              "`InteractiveSession.close()` to release resources held by the "
                              "other session(s).", stacklevel=2)
            self._counted_in.interactive_sessions += 1
        self._explicitly_closed = False
        self._explicit_graph = graph
        self._session_context = self.as_default()
        self._session_context.__enter__()
        if graph is not None:
            self._graph_context = graph.as_default()
            self._graph_context.__enter__()

    def close(self) -> None:
        super().close()
        with InteractiveSession._count_lock:
            if self._explicitly_closed:
                return
            self._counted_in.interactive_sessions -= 1
            self._explicitly_closed = True
        if self._explicit_graph is not None:
            self._graph_context.__exit__(None, None, None)
        self._session_context.__exit__(None, None, None)
