"""Which engine a new shell runs on: `--engine` (the command line sets it for the process),
else $GRAPHSHELL_ENGINE, else graphshell's numpy engine."""

from __future__ import annotations

from ..engines import (
    ENGINE_ENV,
    NAMES,
    EngineUnavailable,
    check_installed,
    check_name,
    load,
    name_from_environment,
)

__all__ = ["ENGINE_ENV", "NAMES", "EngineUnavailable", "chosen_name", "configure", "engine_of",
           "load_engine"]

_configured: str | None = None


def configure(name: str | None) -> None:
    """Makes `name` the engine of every shell this process makes later (None: the
    environment's); EngineUnavailable now, not at the first shell, if it is not installed.
    The engine itself loads with the first shell (the REPL prompts before it is ready)."""
    global _configured
    _configured = None if name is None else check_name(name)
    check_installed(chosen_name())


def chosen_name() -> str:
    return _configured if _configured is not None else name_from_environment()


def engine_of(step):
    """The engine that recorded `step` (steps of other engines say so in `.engine`)."""
    engine = getattr(step, "engine", None)
    return engine if engine is not None else load("numpy")


def load_engine(name: str | None = None):
    """The engine called `name`, else the chosen one; EngineUnavailable if it cannot run."""
    return load(chosen_name() if name is None else name)
