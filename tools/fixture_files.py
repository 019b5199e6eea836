"""The fixture folders under tests/fixtures/ that the TF recorders and graphshell writers in
tools/ share, and the programs file each folder holds for both sides.

A tool run as `python tools/<tool>.py` has tools/ on its path and imports this module by name.
"""

from __future__ import annotations

import importlib.util
import pathlib
from types import ModuleType

ROOT = pathlib.Path(__file__).resolve().parents[1]


def fixture_folder(area: str) -> pathlib.Path:
    """tests/fixtures/<area>: one area's fixtures, TF's and graphshell's."""
    return ROOT / "tests" / "fixtures" / area


def load_programs(area: str, filename: str = "programs.py") -> ModuleType:
    """The programs file of a fixture area (not a package, so loaded from its path)."""
    path = fixture_folder(area) / filename
    spec = importlib.util.spec_from_file_location(f"{area}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
