"""The dependency rule of docs/architecture.md, checked on every import (function-level too).

faces -> shell -> engines -> tf facade -> library (training, layers) -> autodiff -> ops -> run
-> graph, with layout beside them: an import may only point down that list (or stay in its
layer), faces never import the engine (nor the engines), only the TensorFlow adapter imports
TensorFlow, layout imports nothing of graphshell but itself, and the only import cycles allowed
are between op families inside the op library's folder.
"""

from __future__ import annotations

import ast
import pathlib
from dataclasses import dataclass

import networkx as nx

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "graphshell"

# (layer, module prefixes), top layer first
LAYERS = [
    ("faces", ("graphshell.faces", "graphshell.cli", "graphshell.__main__")),
    ("shell", ("graphshell.shell",)),
    ("engines", ("graphshell.engines",)),
    ("facade", ("graphshell.tf", "graphshell.facade")),
    ("library", ("graphshell.engine.training", "graphshell.engine.layers")),
    ("autodiff", ("graphshell.engine.autodiff",)),
    ("ops", ("graphshell.engine.ops",)),
    ("run", ("graphshell.engine.run",)),
    ("graph", ("graphshell.engine.graph",)),
]
RANK = {name: len(LAYERS) - k for k, (name, _) in enumerate(LAYERS)}
LAYOUT_USERS = {"faces", "shell"}
CYCLE_FOLDER = "graphshell.engine.ops"


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} (line {self.line})"


def layer_of(module: str) -> str | None:
    if module == "graphshell.layout" or module.startswith("graphshell.layout."):
        return "layout"
    for name, prefixes in LAYERS:
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return name
    return None  # the package roots, which import nothing


def module_name(root: pathlib.Path, path: pathlib.Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


def read_arrows(root: pathlib.Path = PACKAGE) -> list[Arrow]:
    """Every import between graphshell modules, wherever in a file it is written."""
    files = {module_name(root, p): p for p in sorted(root.rglob("*.py"))}
    arrows = []
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            for target in _targets(node, package, files):
                if target != module:
                    arrows.append(Arrow(module, target, node.lineno))
    return arrows


def _targets(node, package: str, modules) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            prefix = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            base = prefix + ("." + base if base else "")
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                 for a in node.names]
    else:
        return []
    return [_known_module(name, modules) for name in names
            if name.split(".")[0] == "graphshell"]


def _known_module(name: str, modules) -> str:
    while name not in modules and "." in name:
        name = name.rpartition(".")[0]
    return name


def violations(arrows: list[Arrow]) -> list[str]:
    """What breaks the rule: upward or sideways arrows, and cycles outside the op library."""
    problems = [f"upward import: {arrow}" for arrow in arrows if not _allowed(arrow)]
    graph = nx.DiGraph((a.source, a.target) for a in arrows)
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1 and not all(_in_cycle_folder(m) for m in component):
            problems.append(f"import cycle of {len(component)} modules: "
                            f"{', '.join(sorted(component))}")
    return problems


def _allowed(arrow: Arrow) -> bool:
    source, target = layer_of(arrow.source), layer_of(arrow.target)
    if target is None or source == target:
        return True
    if source is None:
        return False  # the package roots import nothing
    if "layout" in (source, target):
        return target == "layout" and source in LAYOUT_USERS
    if source == "faces":
        return target == "shell"  # faces never reach past the shell core into the engine
    return RANK[source] > RANK[target]


def _in_cycle_folder(module: str) -> bool:
    return module.rpartition(".")[0] == CYCLE_FOLDER


def largest_cycle(arrows: list[Arrow]) -> int:
    graph = nx.DiGraph((a.source, a.target) for a in arrows)
    return max((len(c) for c in nx.strongly_connected_components(graph)), default=1)


# -- the tests ---------------------------------------------------------------------------------
def test_every_import_points_down_the_layers():
    problems = violations(read_arrows())
    assert not problems, "\n".join(problems)


def test_every_module_belongs_to_a_layer():
    modules = {module_name(PACKAGE, p) for p in PACKAGE.rglob("*.py")}
    homeless = sorted(m for m in modules if layer_of(m) is None
                      and m not in ("graphshell", "graphshell.engine"))
    assert not homeless


def test_the_op_library_cycle_stays_inside_its_folder():
    arrows = read_arrows()
    cycle_members = set().union(*(c for c in nx.strongly_connected_components(
        nx.DiGraph((a.source, a.target) for a in arrows)) if len(c) > 1))
    assert all(_in_cycle_folder(m) for m in cycle_members)


def _plant(tmp_path, files: dict[str, str]) -> pathlib.Path:
    root = tmp_path / "graphshell"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for folder in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return root


def test_a_planted_function_level_upward_import_is_caught(tmp_path):
    root = _plant(tmp_path, {
        "engine/graph/tensor.py": "def eval():\n    from ..run import session\n",
        "engine/run/session.py": "from ..graph import tensor\n",
    })
    problems = violations(read_arrows(root))
    assert any("upward import: graphshell.engine.graph.tensor -> graphshell.engine.run.session"
               in p for p in problems)
    assert any("import cycle of 2 modules" in p for p in problems)


def test_a_face_importing_the_engine_is_caught(tmp_path):
    root = _plant(tmp_path, {"faces/tui/app.py": "from graphshell.engine.graph import shapes\n",
                             "engine/graph/shapes.py": ""})
    assert violations(read_arrows(root)) == [
        "upward import: graphshell.faces.tui.app -> graphshell.engine.graph.shapes (line 1)"]


def test_layout_imports_nothing_above_it_and_only_faces_and_shell_import_it(tmp_path):
    root = _plant(tmp_path, {"layout/api.py": "from ..shell import core\n",
                             "shell/core.py": "from ..layout import api\n",
                             "engine/run/steps.py": "from ...layout import api\n"})
    problems = violations(read_arrows(root))
    assert "upward import: graphshell.layout.api -> graphshell.shell.core (line 1)" in problems
    assert ("upward import: graphshell.engine.run.steps -> graphshell.layout.api (line 1)"
            in problems)


def test_op_families_may_use_each_other(tmp_path):
    root = _plant(tmp_path, {"engine/ops/math_ops.py": "from . import logic_ops\n",
                             "engine/ops/logic_ops.py": "from . import math_ops\n"})
    assert violations(read_arrows(root)) == []


TENSORFLOW_ADAPTER = PACKAGE / "engines" / "tensorflow"


def tensorflow_imports(root: pathlib.Path = PACKAGE) -> list[str]:
    """Modules outside the TensorFlow adapter that import the real `tensorflow` package."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if TENSORFLOW_ADAPTER in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            if any(name.split(".")[0] == "tensorflow" for name in names):
                found.append(f"{module_name(root, path)} (line {node.lineno})")
    return found


def test_only_the_tensorflow_adapter_imports_tensorflow():
    assert tensorflow_imports() == []


def test_a_planted_tensorflow_import_outside_the_adapter_is_caught(tmp_path):
    root = _plant(tmp_path, {"shell/core.py": "def f():\n    import tensorflow.compat.v1\n"})
    assert tensorflow_imports(root) == ["graphshell.shell.core (line 2)"]
