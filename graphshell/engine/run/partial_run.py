"""`partial_run`: one step fed and fetched in several calls; each op still runs at most once."""

from __future__ import annotations

from ..graph import errors
from .feeds import resolve_feeds
from .fetches import FetchHandler
from .interrupts import StepInterrupts
from .placement import check_runnable


class PartialRun:
    """A handle from `partial_run_setup`: remembers what this step has fed and computed so far."""

    def __init__(self, session, fetches, feeds):
        self._session = session
        graph = session.graph
        check_runnable(graph, session._config)  # TF places the graph when the step is set up
        setup = FetchHandler(graph, fetches, {})
        if not (setup.tensors or setup.targets):
            raise errors.InvalidArgumentError(
                None, None, "Must specify at least one target to fetch or execute.")
        self._pending = set(setup.tensors)
        self._fed = set()
        self._fetched = set()
        self._allowed_feeds = {graph.as_graph_element(f, allow_operation=False) for f in feeds}
        for tensor in setup.tensors:
            if tensor in self._allowed_feeds:
                raise errors.InvalidArgumentError(None, None,
                                                  f"{tensor.name} is both fed and fetched.")
        self._known = {}  # tensors fed or computed earlier in this step -> value
        self._done = False

    def run(self, fetches, feed_dict=None):
        session = self._session
        if session.closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if self._done:
            raise errors.InvalidArgumentError(
                None, None, "Must run 'setup' before performing partial runs!")
        feeds = resolve_feeds(session.graph, feed_dict)
        for tensor in feeds:
            if tensor not in self._allowed_feeds:
                raise errors.InvalidArgumentError(
                    None, None, f"The feed {tensor.name} was not specified in partial_run_setup.")
            if tensor in self._fed:
                raise errors.InvalidArgumentError(
                    None, None, f"The feed {tensor.name} has already been fed.")
        handler = FetchHandler(session.graph, fetches, {**self._known, **feeds})
        fetched_now = [*handler.tensors, *handler.fed_fetches]
        for tensor in fetched_now:
            if tensor in self._fetched:
                raise errors.InvalidArgumentError(
                    None, None, f"The fetch {tensor.name} has already been fetched.")
        if handler.targets:
            raise RuntimeError("partial_run() requires empty `target_list`. Pass the ops to "
                               "partial_run_setup() as fetches instead.")
        for tensor in handler.tensors:
            if tensor not in self._pending and tensor not in self._known:
                raise errors.InvalidArgumentError(
                    None, None, f"The fetch {tensor.name} was not specified in partial_run_setup.")
        # a refused call uses up none of its feeds (as TF)
        _check_computable(handler.tensors, self._allowed_feeds - self._fed - set(feeds),
                          {**self._known, **feeds})
        self._fed.update(feeds)
        self._known.update(feeds)
        with StepInterrupts() as interrupts:  # a Ctrl-C held back during the step ends here
            values, step = [], None
            if handler.tensors:
                values, step = session._step(handler, self._known, fetches, feed_dict,
                                             "partial_run", None, None, interrupts)
            self._known.update(zip(handler.tensors, values))  # copies: fetched values
            self._pending.difference_update(handler.tensors)
            self._fetched.update(fetched_now)
            self._done = not self._pending
            results = handler.build_results(values)
            if step is not None:
                step.results = results
                session._publish(step)
        return results


def _check_computable(fetches, unfed: set, known: dict) -> None:
    """Refuses a fetch that needs a feed of this step not given yet (TF names that feed)."""
    if not unfed:
        return
    seen: set = set()
    pending: list = []

    def reach(tensor) -> None:
        if tensor in unfed:
            raise errors.InvalidArgumentError(
                None, None, f"Fetch {tensor.name} can't be computed from the feeds that have been "
                            "fed so far.")
        if tensor not in known:
            pending.append(tensor.op)
    for tensor in fetches:
        reach(tensor)
    while pending:
        op = pending.pop()
        if op in seen:
            continue
        seen.add(op)
        for tensor in op._inputs:
            reach(tensor)
        pending.extend(op._control_inputs)
