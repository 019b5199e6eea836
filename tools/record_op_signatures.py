"""Records TensorFlow's op signatures (OpDefs) of every TF op type into one table.

Run with a Python that has TensorFlow: `<tf python> tools/record_op_signatures.py`. It writes
graphshell/engine/graph/op_signatures.json: per op type, TF's OpDef as its registry holds it
(input and output args, attrs with their types, allowed values and defaults; the
documentation fields, empty there, dropped). GraphDef export reads it to write the attrs TF
writes (T, N, Tidx, defaults), import to split inputs and to give an op type without a kernel
here its outputs, and a MetaGraph's stripped_op_list holds these OpDefs whole.
"""

from __future__ import annotations

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "graphshell" / "engine" / "graph" / "op_signatures.json"


def all_op_defs() -> list:
    """Every OpDef TensorFlow registers, sorted by name."""
    from tensorflow.core.framework import op_def_pb2
    from tensorflow.python.client import pywrap_tf_session as c_api
    buffer = c_api.TF_GetAllOpList()
    op_list = op_def_pb2.OpList()
    op_list.ParseFromString(c_api.TF_GetBuffer(buffer))
    return sorted(op_list.op, key=lambda op_def: op_def.name)


def signature(op_def) -> dict:
    """The OpDef as a JSON dict, without the documentation fields."""
    from google.protobuf import json_format
    op_def.ClearField("summary")
    op_def.ClearField("description")
    for arg in list(op_def.input_arg) + list(op_def.output_arg):
        arg.ClearField("description")
    for attr in op_def.attr:
        attr.ClearField("description")
    return json_format.MessageToDict(op_def)


def main() -> None:
    signatures = {op_def.name: signature(op_def) for op_def in all_op_defs()}
    OUTPUT.write_text(json.dumps(signatures, indent=None, sort_keys=True, separators=(",", ":"))
                      .replace('},"', '},\n"') + "\n")
    print(f"{len(signatures)} op signatures written to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
