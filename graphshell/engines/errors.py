"""Why an engine cannot be chosen, said in one line."""

from __future__ import annotations

INSTALL_HINT = "pip install 'graphshell[tensorflow]'"


class EngineUnavailable(Exception):
    """The engine asked for cannot run here; the message says how to fix it."""
