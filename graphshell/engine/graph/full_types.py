"""The full types (NodeDef.experimental_type) TF's type inference records on tf.data's ops: a
dataset op's output is a dataset of its element's tensors; MakeIterator gets an empty product.
"""

from __future__ import annotations

from . import dtypes


def set_dataset_type(node, op, protos) -> None:
    """Sets `node`'s full type as TF's type inference records it on a dataset op (a dataset
    of its element's tensors) and on MakeIterator (an empty product); other ops keep none.
    `protos` is graph_def.protos()."""
    full_type = protos.full_type
    element_types = _element_types(op)
    if op.type == "MakeIterator":
        node.experimental_type.type_id = full_type.TFT_PRODUCT
    if element_types is None or not _is_dataset(op):
        return
    node.experimental_type.type_id = full_type.TFT_PRODUCT
    dataset = node.experimental_type.args.add(type_id=full_type.TFT_DATASET)
    element = dataset.args.add(type_id=full_type.TFT_PRODUCT)
    for dtype in element_types:
        enum_name = protos.types.DataType.Name(dtypes.as_dtype(dtype).as_datatype_enum)
        tensor = element.args.add(type_id=full_type.TFT_TENSOR)
        tensor.args.add(type_id=full_type.FullTypeId.Value("TFT_" + enum_name[3:]))


def _is_dataset(op) -> bool:
    return (len(op._outputs) == 1 and op._outputs[0].dtype.base_dtype == dtypes.variant
            and "Dataset" in op.type)


def _element_types(op) -> list | None:
    """The dtypes of a dataset op's elements (TensorSliceDataset names them Toutput_types)."""
    types = op.attrs.get("output_types")
    return op.attrs.get("Toutput_types") if types is None else types
