"""`partial_run`: one step fed and fetched in several calls; each op still runs at most once."""

from __future__ import annotations

from ..graph import errors
from .feeds import resolve_feeds
from .fetches import FetchHandler


class PartialRun:
    """A handle from `partial_run_setup`: remembers what this step has fed and computed so far."""

    def __init__(self, session, fetches, feeds):
        self._session = session
        graph = session.graph
        self._pending = set(FetchHandler(graph, fetches, {}).tensors)
        self._allowed_feeds = {graph.as_graph_element(f, allow_operation=False) for f in feeds}
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
        self._known.update(feeds)
        handler = FetchHandler(session.graph, fetches, self._known)
        if handler.targets:
            raise RuntimeError("partial_run() requires empty `target_list`. Pass the ops to "
                               "partial_run_setup() as fetches instead.")
        for tensor in handler.tensors:
            if tensor not in self._pending and tensor not in self._known:
                raise errors.InvalidArgumentError(
                    None, None, f"The fetch {tensor.name} was not specified in partial_run_setup.")
        values, step = [], None
        if handler.tensors:
            values, step = session._step(handler, self._known, fetches, feed_dict,
                                         "partial_run", None, None)
        self._known.update(zip(handler.tensors, values))
        self._pending.difference_update(handler.tensors)
        self._done = not self._pending
        results = handler.build_results(values)
        if step is not None:
            step.results = results
            session._publish(step)
        return results
