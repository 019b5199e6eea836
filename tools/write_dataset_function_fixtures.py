"""Writes the GraphDefs graphshell exports for the tf.data fixture pipelines (graphshell's venv).

    python tools/write_dataset_function_fixtures.py

For each pipeline of tests/fixtures/dataset_functions/programs.py it writes `graphshell_<name>.pb`
there: the pipeline's graph with its functions in the GraphDef's library. The TF recorder
(tools/record_dataset_function_fixtures.py) then imports them in TensorFlow and iterates them;
the tests check that graphshell still writes these graphs (up to the functions' counters).
"""

from __future__ import annotations

import json
import sys

from fixture_files import ROOT, fixture_folder, load_programs

HERE = fixture_folder("dataset_functions")


def export(tf, build):
    """The GraphDef of one pipeline and the names of its initializer and element tensors."""
    graph = tf.Graph()
    with graph.as_default():
        initializer, element = build(tf)
    names = {"initializer": initializer and initializer.name,
             "element": [t.name for t in tf.nest.flatten(element)]}
    return graph.as_graph_def(), names


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from graphshell import tf
    tf1 = tf.compat.v1
    fetches = {}
    for name, build in load_programs("dataset_functions").PROGRAMS.items():
        graph_def, fetches[name] = export(tf1, build)
        (HERE / f"graphshell_{name}.pb").write_bytes(graph_def.SerializeToString(
            deterministic=True))
        print(f"wrote graphshell_{name}.pb ({len(graph_def.library.function)} functions)")
    (HERE / "graphshell_fetches.json").write_text(json.dumps(fetches, indent=1) + "\n")


if __name__ == "__main__":
    main()
