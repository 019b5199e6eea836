"""Names people gave things: a session or graph is shown by the variable bound to it."""

from __future__ import annotations

from ..engine.graph.graph import Graph
from ..engine.run.session import BaseSession


class Naming:
    """Looks up the user's variable names for sessions and graphs in the shell namespace."""

    def __init__(self, namespace: dict):
        self._namespace = namespace

    def _names_of(self, obj):
        return [name for name, value in self._namespace.items()
                if value is obj and not name.startswith("_")]

    def session(self, session: BaseSession) -> str:
        """`sess` if a variable holds it, else `Session#3`."""
        names = self._names_of(session)
        return names[0] if names else session.name

    def session_long(self, session: BaseSession) -> str:
        names = self._names_of(session)
        return f"{names[0]} ({session.name})" if names else session.name

    def graph(self, graph: Graph) -> str:
        """`g (Graph#2)` if a variable holds it, else `Graph#2`."""
        names = self._names_of(graph)
        return f"{names[0]} ({graph.name})" if names else graph.name

    def sessions_in_namespace(self):
        seen, found = set(), []
        for value in self._namespace.values():
            if isinstance(value, BaseSession) and id(value) not in seen:
                seen.add(id(value))
                found.append(value)
        return found
