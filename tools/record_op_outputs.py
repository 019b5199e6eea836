"""Records each TensorFlow op type's output args into engine/graph/op_outputs.json.

Run with a TensorFlow environment: `<python with tensorflow-cpu> tools/record_op_outputs.py`.
graphshell imports a GraphDef's op types it has no kernel for as kernel-less ops; their
output dtypes come from this table (op_signatures.json holds full OpDefs of graphshell's own
types only). Each arg is [type name or "", type_attr, number_attr, type_list_attr].
"""

import json
import pathlib

from tensorflow.core.framework import op_def_pb2
from tensorflow.python.client import pywrap_tf_session as c_api
from tensorflow.python.framework import dtypes

TARGET = pathlib.Path(__file__).parents[1] / "graphshell/engine/graph/op_outputs.json"


def main() -> None:
    table = {}
    buffer = c_api.TF_GetAllOpList()
    op_list = op_def_pb2.OpList()
    op_list.ParseFromString(c_api.TF_GetBuffer(buffer))
    for op in sorted(op_list.op, key=lambda o: o.name):
        table[op.name] = [[dtypes.as_dtype(a.type).name if a.type else "", a.type_attr,
                           a.number_attr, a.type_list_attr] for a in op.output_arg]
    TARGET.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{len(table)} op types -> {TARGET}")


if __name__ == "__main__":
    main()
