"""Writes the MetaGraphs graphshell exports for the fixture programs (graphshell's venv).

    python tools/write_meta_graph_fixtures.py

For each program of tests/fixtures/meta_graphs/programs.py it writes
`graphshell_<name>.meta` (binary) and `graphshell_<name>_text.meta` (text format) there. The
TF recorder (tools/record_meta_graph_fixtures.py) then imports them in TensorFlow; the tests
check that graphshell still writes exactly these files.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "fixtures" / "meta_graphs"


def programs_module():
    """tests/fixtures/meta_graphs/programs.py: the programs and what the sides compare."""
    spec = importlib.util.spec_from_file_location("meta_graph_programs", HERE / "programs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def programs() -> dict:
    """The fixture programs (builders taking the `tf` module)."""
    return programs_module().PROGRAMS


def export(tf, build, path: pathlib.Path | None = None, as_text: bool = False):
    """The MetaGraphDef graphshell exports for one program (written to `path` if given)."""
    graph = tf.Graph()
    with graph.as_default():
        build(tf)
        return tf.train.export_meta_graph(str(path) if path else None, as_text=as_text)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from graphshell import tf
    for name, build in programs().items():
        export(tf, build, HERE / f"graphshell_{name}.meta")
        export(tf, build, HERE / f"graphshell_{name}_text.meta", as_text=True)
        print(f"wrote graphshell_{name}.meta and graphshell_{name}_text.meta")


if __name__ == "__main__":
    main()
