"""`tf.data.Dataset` in TF1 graph mode: each method adds the dataset op TF adds and returns a
Dataset over its variant output, with the element structure (nests of components)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import dtypes, nest
from ..graph.convert import constant, convert_to_tensor
from ..graph.graph_api import colocate_with, name_scope
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from . import dataset_ops, logic_ops, random_ops
from .dataset_functions import Component, TracedFunction, flatten_element, pack_element
from .nn_impl import where_v2

_MAXINT32 = 2**31 - 1
AUTOTUNE = -1  # tf.data.experimental.AUTOTUNE: let the runtime pick (graphshell: one at a time)


def _int64(value, name: str) -> Tensor:
    return convert_to_tensor(value, dtype=dtypes.int64, name=name)


class Dataset:
    """A pipeline stage in the graph: its variant tensor and its elements' structure."""

    def __init__(self, variant: Tensor, structure: Any):
        self._variant_tensor = variant
        self._structure = structure  # a nest of Components

    # -- element structure ----------------------------------------------------------------------
    @property
    def output_types(self) -> Any:
        return nest.map_structure(lambda c: c.dtype, self._structure)

    @property
    def output_shapes(self) -> Any:
        return nest.map_structure(lambda c: TensorShape(c.shape), self._structure)

    @property
    def output_classes(self) -> Any:
        return nest.map_structure(lambda c: Tensor, self._structure)

    def _components(self) -> list:
        return nest.flatten(self._structure)

    def _stage(self, op_type, inputs, structure, attrs=None, types_key="output_types"):
        variant = dataset_ops.make_stage(op_type, [self._variant_tensor] + list(inputs),
                                         nest.flatten(structure), None, attrs, types_key)
        return Dataset(variant, structure)

    def __repr__(self) -> str:
        return f"<Dataset shapes: {self.output_shapes}, types: {self.output_types}>"

    # -- sources --------------------------------------------------------------------------------
    @staticmethod
    def from_tensors(tensors) -> Dataset:
        """A dataset of one element: `tensors`."""
        structure, components = _normalize(tensors)
        flat = [Component(t.dtype, t._shape) for t in components]
        variant = dataset_ops.make_stage("TensorDataset", components, flat,
                                         types_key="Toutput_types")
        return Dataset(variant, nest.pack_sequence_as(structure, flat))

    @staticmethod
    def from_tensor_slices(tensors) -> Dataset:
        """A dataset of the slices of `tensors` along their first dimension."""
        structure, components = _normalize(tensors)
        for tensor in components:
            if tensor._shape == ():
                raise ValueError(f"Unbatching a tensor is only supported for rank >= 1, got "
                                 f"{tensor.name} of rank 0.")
        flat = [Component(t.dtype, None if t._shape is None else t._shape[1:])
                for t in components]
        variant = dataset_ops.make_stage(
            "TensorSliceDataset", components, flat, types_key="Toutput_types",
            attrs={"is_files": False, "replicate_on_split": False})
        return Dataset(variant, nest.pack_sequence_as(structure, flat))

    @staticmethod
    def range(*args, output_type=dtypes.int64) -> Dataset:
        """`range(stop)`, `range(start, stop)` or `range(start, stop, step)` as int64s."""
        if len(args) not in (1, 2, 3):
            raise ValueError(f"Invalid arguments to RangeDataset: {args}")
        bounds = (0, args[0], 1) if len(args) == 1 else tuple(args) + (1,) * (3 - len(args))
        inputs = [_int64(v, n) for v, n in zip(bounds, ("start", "stop", "step"))]
        component = Component(dtypes.as_dtype(output_type), ())
        variant = dataset_ops.make_stage("RangeDataset", inputs, [component],
                                         attrs={"replicate_on_split": False})
        return Dataset(variant, component)

    @staticmethod
    def zip(datasets) -> Dataset:
        """Elements of several datasets side by side, as the same nest of datasets."""
        flat = nest.flatten(datasets)
        for dataset in flat:
            if not isinstance(dataset, Dataset):
                raise TypeError(f"Invalid `datasets`. `datasets` is expected to be a (nested) "
                                f"structure of `tf.data.Dataset` objects. Encountered object "
                                f"with type {type(dataset)}.")
        structure = nest.pack_sequence_as(datasets, [d._structure for d in flat])
        variant = dataset_ops.make_stage("ZipDataset", [d._variant_tensor for d in flat],
                                         nest.flatten(structure), attrs={"N": len(flat)})
        return Dataset(variant, structure)

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None) -> Dataset:
        """Elements of `generator()` (a Python generator function), as the declared types."""
        from .dataset_sources import from_generator
        return from_generator(Dataset, generator, output_types, output_shapes, args)

    # -- transformations ------------------------------------------------------------------------
    def concatenate(self, dataset: Dataset) -> Dataset:
        return self._stage("ConcatenateDataset", [dataset._variant_tensor], self._structure)

    def map(self, map_func, num_parallel_calls=None, deterministic=None) -> Dataset:
        """Each element through `map_func` (traced once into a function)."""
        function = TracedFunction(map_func, self._structure, "map")
        attrs = {"f": function.name, "_f_function": function, "Targuments": _types(function),
                 "use_inter_op_parallelism": True, "preserve_cardinality": False}
        if num_parallel_calls is None:
            return self._stage("MapDataset", function.captured, function.output_structure,
                               attrs=dict(attrs, force_synchronous=False))
        # elements stay in order: graphshell maps one element at a time, as TF's default
        return self._stage("ParallelMapDatasetV2", function.captured + [
                               _int64(num_parallel_calls, "num_parallel_calls")],
                           function.output_structure,
                           attrs=dict(attrs, deterministic=_deterministic(deterministic),
                                      use_unbounded_threadpool=False))

    def filter(self, predicate) -> Dataset:
        """The elements for which `predicate` is true."""
        function = TracedFunction(predicate, self._structure, "filter")
        outputs = nest.flatten(function.output_structure)
        if len(outputs) != 1 or outputs[0].dtype != dtypes.bool_ or outputs[0].shape not in (
                (), None):
            raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
                             f"tensor, but its return type is {function.output_structure}.")
        return self._stage("FilterDataset", function.captured, self._structure, attrs={
            "predicate": function.name, "_predicate_function": function,
            "Targuments": _types(function)})

    def _dataset_function(self, func, kind: str) -> TracedFunction:
        returned: list = []

        def keep_structure(*args):
            result = func(*args)
            if not isinstance(result, Dataset):
                raise TypeError(f"The `map_func` argument must return a `Dataset` object. Got "
                                f"{type(result)!r}.")
            returned.append(result)
            return result._variant_tensor
        keep_structure.__name__ = getattr(func, "__name__", "function")  # TF names it so
        function = TracedFunction(keep_structure, self._structure, kind)
        function.dataset_structure = returned[0]._structure
        return function

    def flat_map(self, map_func) -> Dataset:
        """The elements of the datasets `map_func` makes of each element, one after another."""
        function = self._dataset_function(map_func, "flat_map")
        return self._stage("FlatMapDataset", function.captured, function.dataset_structure,
                           attrs={"f": function.name, "_f_function": function,
                                  "Targuments": _types(function)})

    def interleave(self, map_func, cycle_length=None, block_length=None,
                   num_parallel_calls=None, deterministic=None) -> Dataset:
        """flat_map taking `block_length` elements from `cycle_length` datasets in turn."""
        function = self._dataset_function(map_func, "interleave")
        inputs = function.captured + [
            _int64(-1 if cycle_length is None else cycle_length, "cycle_length"),
            _int64(1 if block_length is None else block_length, "block_length")]
        attrs = {"f": function.name, "_f_function": function, "Targuments": _types(function)}
        if num_parallel_calls is None:
            return self._stage("InterleaveDataset", inputs, function.dataset_structure, attrs)
        inputs += [_int64(-1, "buffer_output_elements"), _int64(-1, "prefetch_input_elements"),
                   _int64(num_parallel_calls, "num_parallel_calls")]
        return self._stage("ParallelInterleaveDatasetV4", inputs, function.dataset_structure,
                           dict(attrs, deterministic=_deterministic(deterministic)))

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None) -> Dataset:
        """Consecutive elements stacked `batch_size` at a time."""
        size = _int64(batch_size, "batch_size")
        drop = convert_to_tensor(drop_remainder, dtype=dtypes.bool_, name="drop_remainder")
        leading = _static_int(size) if _static_bool(drop) else None
        structure = nest.map_structure(
            lambda c: Component(c.dtype, None if c.shape is None else (leading,) + c.shape),
            self._structure)
        return self._stage("BatchDatasetV2", [size, drop], structure,
                           attrs={"parallel_copy": False})

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False) -> Dataset:
        """Batches whose components are padded to `padded_shapes` (None: the longest)."""
        from .dataset_sources import padded_batch
        return padded_batch(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None) -> Dataset:
        """Elements drawn at random from a buffer of `buffer_size` (TF's order for a seed)."""
        size = _int64(buffer_size, "buffer_size")
        seed_tensor, seed2_tensor = _seed_tensors(seed)
        reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        return self._stage("ShuffleDataset", [size, seed_tensor, seed2_tensor], self._structure,
                           attrs={"reshuffle_each_iteration": reshuffle})

    def repeat(self, count=None) -> Dataset:
        """The elements `count` times over (forever if None or -1)."""
        return self._stage("RepeatDataset", [_int64(-1 if count is None else count, "count")],
                           self._structure)

    def take(self, count) -> Dataset:
        return self._stage("TakeDataset", [_int64(count, "count")], self._structure)

    def skip(self, count) -> Dataset:
        return self._stage("SkipDataset", [_int64(count, "count")], self._structure)

    def prefetch(self, buffer_size) -> Dataset:
        size = _int64(-1 if buffer_size is None else buffer_size, "buffer_size")
        with colocate_with(self._variant_tensor.op):
            return self._stage("PrefetchDataset", [size], self._structure, attrs={
                "slack_period": 0, "legacy_autotune": buffer_size in (None, AUTOTUNE),
                "buffer_size_min": 0})

    def cache(self, filename="") -> Dataset:
        """The elements, kept in memory after the first complete pass."""
        name = convert_to_tensor(filename, dtype=dtypes.string, name="filename")
        return self._stage("CacheDataset", [name], self._structure)

    def apply(self, transformation_func) -> Dataset:
        return transformation_func(self)

    def __iter__(self):
        raise RuntimeError("`tf.data.Dataset` only supports Python-style iteration in eager "
                           "mode or within tf.function.")

    # -- iterators ------------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        from .iterator_ops import make_one_shot_iterator
        return make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name=None):
        from .iterator_ops import make_initializable_iterator
        return make_initializable_iterator(self, shared_name)


def _deterministic(deterministic) -> bytes:
    return b"default" if deterministic is None else (b"true" if deterministic else b"false")


def _normalize(element) -> tuple[Any, list[Tensor]]:
    """The element's structure and its components as tensors (TF's normalize_element)."""
    flat = flatten_element(element)
    with name_scope("normalize_element"):
        components = [convert_to_tensor(value, name=f"component_{i}")
                      for i, value in enumerate(flat)]
    return pack_element(element, components), components


def _static_int(tensor: Tensor):
    value = tensor.op.attrs.get("value") if tensor.op.type == "Const" else None
    return None if value is None else int(np.asarray(value))


def _static_bool(tensor: Tensor) -> bool:
    value = tensor.op.attrs.get("value") if tensor.op.type == "Const" else None
    return value is not None and bool(np.asarray(value))


def _seed_tensors(seed) -> tuple[Tensor, Tensor]:
    """tf.data's seeds: the graph and op seeds as int64 tensors, seed2 guarded against (0, 0)."""
    graph_seed, op_seed = random_ops.get_seed(seed)
    if graph_seed is None:
        return (constant(0, dtype=dtypes.int64, name="seed"),
                constant(0, dtype=dtypes.int64, name="seed2"))
    seed_tensor = _int64(graph_seed, "seed")
    with name_scope("seed2") as scope:
        seed2 = convert_to_tensor(op_seed, dtype=dtypes.int64)
        both_zero = logic_ops.logical_and(logic_ops.equal(seed_tensor, 0),
                                          logic_ops.equal(seed2, 0))
        seed2 = where_v2(both_zero, constant(_MAXINT32, dtype=dtypes.int64), seed2, name=scope)
    return seed_tensor, seed2


def _types(function: TracedFunction) -> list:
    """The Targuments attr: the types of the outer tensors the function captured."""
    return [tensor.dtype.base_dtype for tensor in function.captured]
