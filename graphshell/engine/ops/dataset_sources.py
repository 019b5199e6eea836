"""Datasets from files and Python generators, and padded batches, built as TF builds them:
TextLineDataset and TFRecordDataset are a flat_map over the file names (a TensorSliceDataset
with `is_files`), whose function makes the reading op for one file."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors, nest
from ..graph.build import make_op
from ..graph.convert import constant, convert_to_tensor
from ..graph.shapes import TensorShape, as_raw_shape
from . import array_ops, dataset_ops, record_io
from . import dataset_values as stages
from .dataset_api import Dataset, _int64
from .dataset_functions import Component, flatten_element

_STRING = Component(dtypes.string, ())
_BUFFER_BYTES = 256 * 1024


class _FileRecords(stages.DatasetValue):
    def __init__(self, read, filenames, compression, op):
        self.read, self.op = read, op
        self.filenames = [bytes(f).decode() for f in np.ravel(filenames)]
        self.compression = record_io.compression_name(bytes(np.asarray(compression).item()))

    def elements(self, pass_):
        for filename in self.filenames:
            try:
                for record in self.read(filename, self.compression, self.op):
                    yield (_string_scalar(record),)
            except errors.OpError as error:
                error._op = error._op or self.op
                raise


def _string_scalar(data: bytes) -> np.ndarray:
    value = np.empty((), dtype=object)  # numpy's bytes type would drop trailing NULs
    value[()] = data
    return value


def _file_kernel(read):
    def make_kernel(op, runtime):
        return lambda filenames, compression, buffer_size: _FileRecords(
            read, filenames, compression, op)
    return make_kernel


for _type, _read in (("TextLineDataset", record_io.read_lines),
                     ("TFRecordDataset", record_io.read_records)):
    dataset_ops.define(_type, infer=dataset_ops._infer_dataset, make_kernel=_file_kernel(_read),
                       grad=dataset_ops.NOT_DIFFERENTIABLE)


def _file_dataset(op_type: str, filenames, compression_type, buffer_size):
    names = convert_to_tensor(filenames, dtype=dtypes.string)
    flat = array_ops.reshape(names, [-1], name="flat_filenames")
    files = Dataset(dataset_ops.make_stage(
        "TensorSliceDataset", [flat], [_STRING], types_key="Toutput_types",
        attrs={"is_files": True, "replicate_on_split": False}), _STRING)
    compression = record_io.compression_name(compression_type)

    def read_one_file(filename):
        inputs = [filename, constant(compression, dtype=dtypes.string, name="compression_type"),
                  _int64(_BUFFER_BYTES if buffer_size is None else buffer_size, "buffer_size")]
        reader = make_op(op_type, inputs, None, {"metadata": b""})  # TF's reader ops have no
        return Dataset(reader.outputs[0], _STRING)  # output_types/shapes attrs
    return files.flat_map(read_one_file)


class TextLineDataset(Dataset):
    """The lines of one or more text files (without line ends), as strings."""

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,
                 name=None):
        dataset = _file_dataset("TextLineDataset", filenames, compression_type, buffer_size)
        super().__init__(dataset._variant_tensor, dataset._structure)


class TFRecordDataset(Dataset):
    """The records of one or more TFRecord files, as strings."""

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None,
                 name=None):
        dataset = _file_dataset("TFRecordDataset", filenames, compression_type, buffer_size)
        super().__init__(dataset._variant_tensor, dataset._structure)


# -- from_generator ---------------------------------------------------------------------------
def _converter(structure):
    flat = nest.flatten(structure)

    def convert(item):
        values = flatten_element(item) if nest.is_nested(structure) else [item]
        if len(values) != len(flat):
            raise errors.InvalidArgumentError(
                None, None, "TypeError: `generator` yielded an element that did not match the "
                            "expected structure.")
        converted = []
        for value, component in zip(values, flat):
            np_type = component.dtype.as_numpy_dtype
            array = np.asarray(value, dtype=np_type)
            if not TensorShape(component.shape).is_compatible_with(TensorShape(array.shape)):
                raise errors.InvalidArgumentError(
                    None, None, f"`generator` yielded an element of shape {array.shape} where "
                                f"an element of shape {TensorShape(component.shape)} was "
                                f"expected.")
            converted.append(array)
        return tuple(converted)
    return convert


def from_generator(dataset_class, generator, output_types, output_shapes=None, args=None):
    """TF's from_generator: a TensorDataset of one id, flat-mapped to the generator's items."""
    if not callable(generator):
        raise TypeError("`generator` must be a Python callable.")
    if output_shapes is None:
        output_shapes = nest.map_structure(lambda _: None, output_types)
    flat_types, flat_shapes = nest.flatten(output_types), nest.flatten(output_shapes)
    if not nest.is_nested(output_types):
        flat_shapes = [output_shapes]
    structure = nest.pack_sequence_as(output_types, [
        Component(dtypes.as_dtype(t), as_raw_shape(s)) for t, s in zip(flat_types, flat_shapes)])
    fixed_args = tuple(args or ())
    convert = _converter(structure)

    def flat_map_fn(_):
        variant = dataset_ops.make_stage(
            "GeneratorDataset", [], nest.flatten(structure),
            attrs={"_generator": lambda: generator(*fixed_args), "_convert": convert})
        return dataset_class(variant, structure)
    return dataset_class.from_tensors(0).flat_map(flat_map_fn)


# -- padded_batch -----------------------------------------------------------------------------
def _default_padding(dtype):
    return b"" if dtype is dtypes.string else 0


def padded_batch(dataset, batch_size, padded_shapes, padding_values, drop_remainder):
    components = dataset._components()
    if padded_shapes is None:
        flat_shapes = [c.shape for c in components]
    else:
        flat_shapes = _leaf_shapes(padded_shapes)
    if len(flat_shapes) != len(components):
        raise ValueError(f"The padded shapes {padded_shapes} do not match the element "
                         f"structure {dataset.output_shapes}.")
    size = _int64(batch_size, "batch_size")
    shape_tensors, raw_shapes = [], []
    for shape in flat_shapes:
        raw = as_raw_shape(shape)
        raw_shapes.append(raw)
        shape_tensors.append(constant([-1 if d is None else d for d in raw], dtype=dtypes.int64))
    flat_values = (nest.flatten(padding_values) if padding_values is not None
                   else [None] * len(components))
    value_tensors = [convert_to_tensor(_default_padding(c.dtype) if v is None else v,
                                       dtype=c.dtype, name="padding_value")
                     for c, v in zip(components, flat_values)]
    drop = convert_to_tensor(drop_remainder, dtype=dtypes.bool_, name="drop_remainder")
    leading = batch_size if drop_remainder is True and isinstance(batch_size, int) else None
    out = [Component(c.dtype, (leading,) + tuple(raw)) for c, raw in zip(components, raw_shapes)]
    structure = nest.pack_sequence_as(dataset._structure, out)
    return dataset._stage("PaddedBatchDatasetV2", [size] + shape_tensors + value_tensors + [drop],
                          structure, attrs={"parallel_copy": False, "N": len(components)},
                          types_key="Toutput_types")


def _leaf_shapes(padded_shapes) -> list:
    """One shape per component: padded shapes given as lists or TensorShapes inside a nest."""
    pending, leaves = [padded_shapes], []
    while pending:
        item = pending.pop(0)
        if isinstance(item, TensorShape):
            leaves.append(as_raw_shape(item))
        elif isinstance(item, (list, tuple)) and all(
                d is None or isinstance(d, (int, np.integer)) for d in item):
            leaves.append(tuple(item))
        elif isinstance(item, dict):
            pending = [item[k] for k in sorted(item)] + pending
        else:
            pending = list(item) + pending
    return leaves
