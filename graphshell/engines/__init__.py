"""The engines a shell can run on, behind one interface (interface.Engine): graphshell's
numpy engine (the default) and real TensorFlow (the `tensorflow` extra).

Only graphshell.engines.tensorflow imports TensorFlow, and only when that engine is loaded.
"""

from __future__ import annotations

import importlib.util
import os

from .errors import INSTALL_HINT, EngineUnavailable

ENGINE_ENV = "GRAPHSHELL_ENGINE"
NAMES = ("numpy", "tensorflow")
__all__ = ["ENGINE_ENV", "INSTALL_HINT", "NAMES", "EngineUnavailable", "check_installed",
           "check_name", "load"]
_loaded: dict[str, object] = {}


def check_name(name: str) -> str:
    """`name` lower-cased if it names an engine, else EngineUnavailable listing them."""
    wanted = name.strip().lower()
    if wanted not in NAMES:
        raise EngineUnavailable(f"unknown engine {name!r}: choose one of {', '.join(NAMES)}")
    return wanted


def name_from_environment() -> str:
    """$GRAPHSHELL_ENGINE if set (checked), else numpy."""
    value = os.environ.get(ENGINE_ENV, "").strip()
    if not value:
        return "numpy"
    try:
        return check_name(value)
    except EngineUnavailable as error:
        raise EngineUnavailable(f"${ENGINE_ENV}: {error}") from None


def check_installed(name: str) -> None:
    """EngineUnavailable (saying how to install it) if the engine's package is missing; cheap:
    nothing is imported."""
    if check_name(name) == "tensorflow" and importlib.util.find_spec("tensorflow") is None:
        raise EngineUnavailable("the tensorflow engine needs TensorFlow, which is not "
                                f"installed here; install it with: {INSTALL_HINT}")


def load(name: str):
    """The engine called `name`, made once per process; EngineUnavailable if it cannot run
    here (TensorFlow not installed)."""
    name = check_name(name)
    if name not in _loaded:
        if name == "numpy":
            from .numpy import NumpyEngine
            _loaded[name] = NumpyEngine()
        else:
            from .tensorflow import TensorFlowEngine, import_tensorflow
            _loaded[name] = TensorFlowEngine(import_tensorflow())
    return _loaded[name]


def is_loaded(name: str) -> bool:
    return name in _loaded
