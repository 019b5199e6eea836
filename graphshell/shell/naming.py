"""Names people gave things: a session or graph is shown by the variable bound to it."""

from __future__ import annotations

from typing import Any


class Naming:
    """Looks up the user's variable names for sessions and graphs in the shell namespace;
    the engine gives the labels (`Session#3`, `Graph#2`) of unnamed ones."""

    def __init__(self, namespace: dict, engine: Any):
        self._namespace = namespace
        self.engine = engine

    def _names_of(self, obj):
        return [name for name, value in self._namespace.items()
                if value is obj and not name.startswith("_")]

    def session(self, session: Any) -> str:
        """`sess` if a variable holds it, else `Session#3`."""
        names = self._names_of(session)
        return names[0] if names else self.engine.session_name(session)

    def session_long(self, session: Any) -> str:
        label = self.engine.session_name(session)
        names = self._names_of(session)
        return f"{names[0]} ({label})" if names else label

    def graph(self, graph: Any) -> str:
        """`g (Graph#2)` if a variable holds it, else `Graph#2`."""
        label = self.engine.graph_name(graph)
        names = self._names_of(graph)
        return f"{names[0]} ({label})" if names else label

    def sessions_in_namespace(self):
        seen, found = set(), []
        for value in self._namespace.values():
            if self.engine.is_session(value) and id(value) not in seen:
                seen.add(id(value))
                found.append(value)
        return found
