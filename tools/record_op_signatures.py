"""Records TensorFlow's op signatures (OpDefs) for every op type graphshell registers.

Run with a Python that has TensorFlow: `<tf python> tools/record_op_signatures.py`. It writes
graphshell/engine/graph/op_signatures.json: per op type, its input and output args and attrs
with their types and default values (documentation fields dropped), which GraphDef export
needs to write the attrs TF writes (T, N, Tidx, defaults) and import needs to split inputs.
"""

from __future__ import annotations

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "graphshell" / "engine" / "graph" / "op_signatures.json"


def graphshell_op_types() -> list[str]:
    sys.path.insert(0, str(ROOT))
    import graphshell.tf  # noqa: F401  (registers every op family)
    from graphshell.engine.graph import registry
    return registry.registered_types()


def signature(op_def) -> dict:
    from google.protobuf import json_format
    op_def.ClearField("summary")
    op_def.ClearField("description")
    op_def.ClearField("deprecation")
    for arg in list(op_def.input_arg) + list(op_def.output_arg):
        arg.ClearField("description")
    for attr in op_def.attr:  # which types an attr allows is checked by TF, not needed here
        attr.ClearField("description")
        attr.ClearField("allowed_values")
    return json_format.MessageToDict(op_def)


def main() -> None:
    from tensorflow.python.framework import op_def_registry
    signatures, missing = {}, []
    for op_type in graphshell_op_types():
        op_def = op_def_registry.get(op_type)
        if op_def is None:
            missing.append(op_type)
            continue
        signatures[op_type] = signature(op_def)
    OUTPUT.write_text(json.dumps(signatures, indent=None, sort_keys=True, separators=(",", ":"))
                      .replace('},"', '},\n"') + "\n")
    print(f"{len(signatures)} op signatures written to {OUTPUT.relative_to(ROOT)}")
    if missing:
        print("not TF op types (written without a signature):", ", ".join(missing))


if __name__ == "__main__":
    main()
