"""Every `Session.run` (and so every `Tensor.eval` and `Operation.run`) of a shell becomes a
step: `BaseSession.run` is wrapped, once, in the process that chose the TensorFlow engine, to
trace the run (FULL_TRACE) and hand a TensorFlowStep to the shell whose state is installed."""

from __future__ import annotations

import functools
import threading
import time
import warnings
from typing import Any

import numpy as np

from .state import current_state
from .steps import TensorFlowStep, executed_from

_origin = threading.local()  # "eval", "op.run" or "callable" while they call run()


class Request:
    """What one run() was asked for, in graph elements: fetched tensors, target ops, fed
    tensors, with the feed values and (after the run) the fetched values."""

    def __init__(self, graph: Any, fetches: Any, feed_dict: Any):
        self.fetches, self.feed_dict = fetches, feed_dict
        self.fetched: list = []
        self.targets: list = []
        self._leaves: list = []  # per fetched leaf: its tensor, or None for an op
        for leaf, _ in _leaf_pairs(fetches, None):
            element = _graph_element(graph, leaf)
            is_tensor = element is not None and hasattr(element, "value_index")
            self._leaves.append(element if is_tensor else None)
            if is_tensor and element not in self.fetched:
                self.fetched.append(element)
            elif element is not None and not is_tensor and element not in self.targets:
                self.targets.append(element)
        self._feeds: dict = {}
        for key, value in (feed_dict or {}).items():
            element = _graph_element(graph, key)
            if element is not None and hasattr(element, "value_index"):
                self._feeds[element] = _as_fed(value, element)
        self.fed = list(self._feeds)
        self.results: Any = None

    def values(self, plan: Any) -> list:
        """A value per slot of the plan: the fetched results, then the fed values."""
        values: list = [None] * len(plan.slots)
        if self.results is not None:
            results = (value for _, value in _leaf_pairs(self.fetches, self.results))
            for tensor, value in zip(self._leaves, results):
                if tensor is not None:
                    values[plan.slots[tensor]] = value
        for tensor, value in self._feeds.items():
            values[plan.slots[tensor]] = value
        return values


def _as_fed(value: Any, tensor: Any) -> Any:
    """The feed value as the step used it: an array of the tensor's dtype (as TF converts it),
    or the value as given when it does not convert (TF then refused the run)."""
    try:
        return np.asarray(value, dtype=tensor.dtype.as_numpy_dtype)
    except (TypeError, ValueError):
        return value


# The component tensors run() fetches for a composite fetch, and its value's fields.
_COMPONENTS = {"SparseTensor": ("indices", "values", "dense_shape"),
               "IndexedSlices": ("values", "indices", "dense_shape")}


def _leaf_pairs(fetches: Any, results: Any) -> list[tuple[Any, Any]]:
    """(leaf, its value) for each leaf of a fetch structure (lists, tuples, namedtuples, dicts,
    as Session.run walks them), the results walked beside it (None: no values yet); a
    SparseTensor or IndexedSlices stands for its component tensors."""
    pairs, pending = [], [(fetches, results)]
    while pending:
        fetch, result = pending.pop()
        if isinstance(fetch, dict):
            items = [(fetch[key], None if result is None else result[key]) for key in fetch]
        elif isinstance(fetch, (list, tuple)):
            items = list(zip(fetch, [None] * len(fetch) if result is None else result))
        elif type(fetch).__name__ in _COMPONENTS:
            items = [(getattr(fetch, field), getattr(result, field, None))
                     for field in _COMPONENTS[type(fetch).__name__]]
        else:
            pairs.append((fetch, result))
            continue
        pending.extend(reversed(items))
    return pairs


def _graph_element(graph: Any, fetch: Any) -> Any:
    try:
        return graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)
    except Exception:  # not a graph element (run() itself says so, or it was fed a Sparse)
        return None


def install(session_class: Any, tensor_class: Any, operation_class: Any, tf: Any) -> None:
    """Wraps run() of `session_class`, and eval()/run() of tensors and operations so their
    steps say how they were asked for; idempotent."""
    if getattr(session_class.run, "_graphshell_recording", False):
        return
    session_class.run = _recording_run(session_class.run, tf)
    session_class.make_callable = _recorded_callables(session_class.make_callable)
    tensor_class.eval = _with_origin(tensor_class.eval, "eval")
    operation_class.run = _with_origin(operation_class.run, "op.run")


def _with_origin(method, origin: str):
    @functools.wraps(method)
    def asked_as(*args, **kwargs):
        saved = getattr(_origin, "name", None)
        _origin.name = origin
        try:
            return method(*args, **kwargs)
        finally:
            _origin.name = saved
    return asked_as


def _recorded_callables(original):
    """make_callable() whose callable, called while a shell records, is that run() (origin
    "callable"); elsewhere it is TF's own fast callable. (TF's C++ callables skip run(), so
    they would leave no step.)"""
    @functools.wraps(original)
    def make_callable(self, fetches, feed_list=None, accept_options=False):
        fast = original(self, fetches, feed_list, accept_options)

        def call(*feed_values, **run_options):
            if current_state() is None:
                return fast(*feed_values, **run_options)
            feeds = dict(zip(feed_list or (), feed_values))
            saved = getattr(_origin, "name", None)
            _origin.name = "callable"
            try:
                return self.run(fetches, feed_dict=feeds or None, **run_options)
            finally:
                _origin.name = saved
        return call
    return make_callable


def _recording_run(original, tf):
    @functools.wraps(original)
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        state = current_state()
        if state is None or state.on_step is None or self._closed:
            return original(self, fetches, feed_dict, options, run_metadata)  # no step runs
        origin = getattr(_origin, "name", None) or "run"
        _origin.name = None  # a run() made inside this one (a hook's) is a run of its own
        try:
            request = Request(self.graph, fetches, feed_dict)
        except Exception as error:  # recording must never stop the user's run
            warnings.warn(f"graphshell cannot record this run: {error!r}", RuntimeWarning,
                          stacklevel=2)
            return original(self, fetches, feed_dict, options, run_metadata)
        traced = tf.RunOptions()
        if options is not None:
            traced.CopyFrom(options)
        traced.trace_level = tf.RunOptions.FULL_TRACE
        metadata = run_metadata if run_metadata is not None else tf.RunMetadata()
        start = time.perf_counter_ns()
        try:
            request.results = original(self, fetches, feed_dict, traced, metadata)
        except BaseException as failure:
            # a TypeError or ValueError is run() refusing the request: no step ran
            if isinstance(failure, (tf.errors.OpError, KeyboardInterrupt)):
                _record(state, self, origin, request, metadata, failure,
                        time.perf_counter_ns() - start)
            raise
        _record(state, self, origin, request, metadata, None, time.perf_counter_ns() - start)
        return request.results
    run._graphshell_recording = True
    return run


def _record(state, session, origin: str, request: Request, metadata, error, wall_ns: int
            ) -> None:
    """Makes the run's step and hands it to the shell; a failure here (a broken listener, a
    RunMetadata this code cannot read) is a warning, never the user's run failing."""
    try:
        number, session_step = next(state.step_numbers), state.next_session_step(session)
        step = TensorFlowStep(number, session_step, session, origin, request,
                              executed_from(session.graph, metadata), wall_ns, error, metadata)
        step.results = request.results
        state.on_step(step)
    except Exception as failure:
        warnings.warn(f"graphshell could not record a step: {failure!r}", RuntimeWarning,
                      stacklevel=3)
