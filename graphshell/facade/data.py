"""tf.data (Dataset, Iterator, file datasets), tf.io / tf.python_io (TFRecord files, Example
parsing) and the tf.train Example protos."""

from __future__ import annotations

from ..engine.ops import dataset_api, iterator_ops, parsing_ops, record_io
from ..engine.ops.dataset_sources import TextLineDataset, TFRecordDataset
from . import example_protos, namespace
from .platform import TOP_LEVEL as _PLATFORM
from .queues import IO_MEMBERS as _QUEUE_IO_MEMBERS


def _structure_getter(kind: str):
    def get(dataset_or_iterator):
        return iterator_ops.get_structure_attr(kind, dataset_or_iterator)
    get.__name__ = f"get_output_{kind}"
    get.__doc__ = f"The output {kind} of a dataset or an iterator, as a nest."
    return get


_DATA_MEMBERS = dict(
    Dataset=dataset_api.Dataset, Iterator=iterator_ops.Iterator,
    TextLineDataset=TextLineDataset, TFRecordDataset=TFRecordDataset,
    make_one_shot_iterator=iterator_ops.make_one_shot_iterator,
    make_initializable_iterator=iterator_ops.make_initializable_iterator,
    get_output_types=_structure_getter("types"), get_output_shapes=_structure_getter("shapes"),
    get_output_classes=_structure_getter("classes"),
    experimental=namespace("data.experimental", "tf.data.experimental.",
                           AUTOTUNE=dataset_api.AUTOTUNE),
    AUTOTUNE=dataset_api.AUTOTUNE,
)

_RECORD_MEMBERS = dict(
    TFRecordWriter=record_io.TFRecordWriter, tf_record_iterator=record_io.tf_record_iterator,
    TFRecordOptions=record_io.TFRecordOptions,
    TFRecordCompressionType=record_io.TFRecordCompressionType,
)

_IO_MEMBERS = dict(
    _RECORD_MEMBERS,
    FixedLenFeature=parsing_ops.FixedLenFeature, VarLenFeature=parsing_ops.VarLenFeature,
    parse_single_example=parsing_ops.parse_single_example,
    parse_example=parsing_ops.parse_example, decode_raw=parsing_ops.decode_raw,
    serialize_tensor=parsing_ops.serialize_tensor, parse_tensor=parsing_ops.parse_tensor,
    gfile=_PLATFORM["gfile"], **_QUEUE_IO_MEMBERS,
)

# tf.train's Example protos, added to facade/train.py's MEMBERS.
TRAIN_MEMBERS: dict[str, object] = example_protos.LAZY_PROTOS

TOP_LEVEL: dict[str, object] = {
    "data": namespace("data", "Input pipelines (tf.data) as TF1 graph ops.", **_DATA_MEMBERS),
    "io": namespace("io", "Files and parsing (tf.io).", **_IO_MEMBERS),
    "python_io": namespace("python_io", "TFRecord files (tf.python_io).", **_RECORD_MEMBERS),
    "FixedLenFeature": parsing_ops.FixedLenFeature, "VarLenFeature": parsing_ops.VarLenFeature,
    "parse_single_example": parsing_ops.parse_single_example,
    "parse_example": parsing_ops.parse_example, "decode_raw": parsing_ops.decode_raw,
}
