"""The tf.data dataset ops: one graph op per pipeline stage, outputting the stage as a variant.

Each op's kernel makes the stage (engine/ops/dataset_values.py) from its input values, as TF's
dataset kernels make a DatasetBase; iterators (iterator_ops.py) pull elements from it. Op types,
inputs and attrs are TF's (`output_types`, `output_shapes`, `f` naming a traced function).
"""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import make_op
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import dataset_values as stages
from .dataset_functions import function_runner

_VARIANT_OUTPUT = [(dtypes.variant, ())]


def _infer_dataset(op):
    return _VARIANT_OUTPUT


def _define_stage(op_type: str, make_kernel) -> None:
    define(op_type, infer=_infer_dataset, make_kernel=make_kernel, grad=NOT_DIFFERENTIABLE)


def _kernel(build):
    """A kernel factory for a stage that needs only the op and the input values."""
    def make_kernel(op, runtime):
        return lambda *values: build(op, *values)
    return make_kernel


def _function_kernel(build, attr: str = "f"):
    """A kernel factory for a stage that runs a traced function (built once per session)."""
    def make_kernel(op, runtime):
        runner = function_runner(op.attrs[f"_{attr}_function"], runtime)
        return lambda *values: build(op, runner, *_owned(values))
    return make_kernel


def _owned(values) -> list:
    """The stage's inputs as values of its own: a captured variable is read when the iterator
    is initialized, so later assignments to it must not show through (TF copies on write)."""
    return [value.copy() if isinstance(value, np.ndarray) else value for value in values]


def _positive(op, value, what: str):
    if int(value) <= 0:
        raise errors.InvalidArgumentError(None, op, f"{what} must be greater than zero.")
    return value


def _slices(op, *components):
    lengths = {np.shape(c)[0] if np.ndim(c) else None for c in components}
    if len(lengths) > 1 or None in lengths:
        shapes = [list(np.shape(c)) for c in components]
        raise errors.InvalidArgumentError(
            None, op, f"All components must have the same size in the 0th dimension: {shapes}")
    return stages.TensorSlices(components)


def _mapped(op, runner, source, *captured):
    return stages.Mapped(source, runner, captured)


def _filtered(op, runner, source, *captured):
    return stages.Filtered(source, lambda element: runner(element + captured), op)


def _flat_mapped(op, runner, source, *captured):
    return stages.FlatMapped(source, lambda element: runner(element + captured))


def _interleaved(op, runner, source, *rest):
    captured, (cycle_length, block_length) = rest[:-2], rest[-2:]
    return stages.Interleaved(source, lambda element: runner(element + captured),
                              int(cycle_length), int(block_length))


def _parallel_mapped(op, runner, source, *rest):
    return stages.Mapped(source, runner, rest[:-1])  # the last input is num_parallel_calls


def _parallel_interleaved(op, runner, source, *rest):
    captured, (cycle_length, block_length) = rest[:-5], rest[-5:-3]
    return stages.Interleaved(source, lambda element: runner(element + captured),
                              int(cycle_length), int(block_length))


def _padded_batched(op, source, batch_size, *rest):
    count = op.attrs["N"]
    padded_shapes, padding_values, drop = rest[:count], rest[count:2 * count], rest[-1]
    return stages.PaddedBatched(source, _positive(op, batch_size, "Batch size"), drop,
                                padded_shapes, padding_values, op)


def _shuffled(op, source, buffer_size, seed, seed2):
    _positive(op, buffer_size, "buffer_size")
    return stages.Shuffled(source, buffer_size, int(seed), int(seed2),
                           op.attrs["reshuffle_each_iteration"])


_define_stage("TensorSliceDataset", _kernel(_slices))
_define_stage("TensorDataset", _kernel(lambda op, *components: stages.WholeTensors(components)))
_define_stage("RangeDataset", _kernel(
    lambda op, start, stop, step: stages.Range(start, stop, _nonzero_step(op, step),
                                               op.attrs["output_types"][0])))
_define_stage("ZipDataset", _kernel(lambda op, *inputs: stages.Zip(inputs)))
_define_stage("ConcatenateDataset", _kernel(lambda op, a, b: stages.Concatenate(a, b)))
_define_stage("MapDataset", _function_kernel(_mapped))
_define_stage("FilterDataset", _function_kernel(_filtered, "predicate"))
_define_stage("FlatMapDataset", _function_kernel(_flat_mapped))
_define_stage("InterleaveDataset", _function_kernel(_interleaved))
_define_stage("ParallelMapDatasetV2", _function_kernel(_parallel_mapped))
_define_stage("ParallelInterleaveDatasetV4", _function_kernel(_parallel_interleaved))
_define_stage("TakeDataset", _kernel(lambda op, source, count: stages.Taken(source, count)))
_define_stage("SkipDataset", _kernel(lambda op, source, count: stages.Skipped(source, count)))
_define_stage("RepeatDataset", _kernel(lambda op, source, count: stages.Repeated(source, count)))
_define_stage("PrefetchDataset", _kernel(lambda op, source, size: stages.Passthrough(source)))
_define_stage("CacheDataset", _kernel(lambda op, source, filename: stages.Cached(source)))
_define_stage("BatchDatasetV2", _kernel(
    lambda op, source, size, drop: stages.Batched(source, _positive(op, size, "Batch size"),
                                                  drop, op)))
_define_stage("PaddedBatchDatasetV2", _kernel(_padded_batched))
_define_stage("ShuffleDataset", _kernel(_shuffled))
_define_stage("GeneratorDataset", _kernel(lambda op: _from_generator(op)))


def _from_generator(op):
    if "_generator" not in op.attrs:  # imported: a GraphDef cannot hold a Python generator
        raise errors.UnimplementedError(
            None, op, f"GeneratorDataset '{op.name}' came from a GraphDef, which does not hold "
            "the Python generator it calls; build the pipeline with Dataset.from_generator in "
            "this program instead")
    return stages.FromGenerator(op.attrs["_generator"], op.attrs["_convert"])


def _nonzero_step(op, step):
    if int(step) == 0:
        raise errors.InvalidArgumentError(None, op, "step must be a non-zero integer.")
    return step


def stage_attrs(structure_components, types_key: str = "output_types") -> dict:
    """TF's output_types/output_shapes attrs for a flat list of Components."""
    return {types_key: [c.dtype for c in structure_components],
            "output_shapes": [c.shape for c in structure_components], "metadata": b""}


def make_stage(op_type: str, inputs, components, name=None, attrs=None,
               types_key: str = "output_types"):
    """Creates one dataset op and returns its variant output."""
    all_attrs = stage_attrs(components, types_key)
    all_attrs.update(attrs or {})
    return make_op(op_type, list(inputs), name, all_attrs).outputs[0]
