"""The ops a Saver builds (TF's io_ops and string ops it uses): SaveV2 and RestoreV2 over TF's
V2 checkpoint format (engine/graph/tensor_bundle.py), MergeV2Checkpoints, ShardedFilename,
ShardedFilespec, StringJoin and StaticRegexFullMatch."""

from __future__ import annotations

import os
import re

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, define
from ..graph.tensor_slices import parse_shape_and_slice
from . import rules


def _text(value) -> str:
    item = np.asarray(value).reshape(-1)[0] if np.size(value) else b""
    return item.decode() if isinstance(item, bytes) else str(item)


def _texts(value) -> list[str]:
    return [item.decode() if isinstance(item, bytes) else str(item)
            for item in np.asarray(value, dtype=object).reshape(-1)]


# -- SaveV2 ----------------------------------------------------------------------------------------
def _save_kernel(op, runtime):
    def save(prefix, tensor_names, shape_and_slices, *tensors):
        from ..graph.tensor_bundle import BundleWriter
        names = _texts(tensor_names)
        if len(names) != len(tensors) or np.size(shape_and_slices) != len(tensors):
            raise errors.InvalidArgumentError(
                None, op, f"Expected {len(names)} tensors and shape_and_slices, got "
                          f"{len(tensors)} tensors and {np.size(shape_and_slices)} slices")
        writer = BundleWriter(_text(prefix))
        try:
            for name, spec, tensor, value in zip(names, _texts(shape_and_slices),
                                                 op._inputs[3:], tensors):
                if spec:  # one slice of a partitioned variable
                    shape, extents = parse_shape_and_slice(spec, name)
                    writer.add_slice(name, shape, extents, np.asarray(value), tensor.dtype)
                else:
                    writer.add(name, np.asarray(value), tensor.dtype.base_dtype)
        except BaseException:
            writer.abort()
            raise
        writer.finish()
    return save


define("SaveV2", infer=rules.no_outputs, make_kernel=_save_kernel, stateful=True,
       grad=NOT_DIFFERENTIABLE)


def _checkpoint_inputs(prefix, tensor_names, shape_and_slices) -> list:
    """The string inputs SaveV2 and RestoreV2 both start with, named as TF names them."""
    return [convert_to_tensor(prefix, dtype=dtypes.string, name="prefix"),
            convert_to_tensor(tensor_names, dtype=dtypes.string, name="tensor_names"),
            convert_to_tensor(shape_and_slices, dtype=dtypes.string, name="shape_and_slices")]


def save_v2(prefix, tensor_names, shape_and_slices, tensors, name=None):
    """A SaveV2 op writing `tensors` under `tensor_names` to the checkpoint `prefix`."""
    with OpScope(name, "SaveV2", []) as scope:
        prefix, names, slices = _checkpoint_inputs(prefix, tensor_names, shape_and_slices)
        values = [convert_to_tensor(t, name=f"tensors_{i}") for i, t in enumerate(tensors)]
        attrs = {"dtypes": [t.dtype.base_dtype for t in values]}
        return make_op("SaveV2", [prefix, names, slices] + values, scope, attrs)


# -- RestoreV2 -------------------------------------------------------------------------------------
def _restore_kernel(op, runtime):
    wanted = op.attrs["dtypes"]

    def restore(prefix, tensor_names, shape_and_slices):
        from ..graph.tensor_bundle import BundleReader
        names = _texts(tensor_names)
        if len(names) != len(wanted):
            raise errors.InvalidArgumentError(
                None, op, f"Mismatch between the number of tensor names ({len(names)}) and "
                          f"dtypes ({len(wanted)})")
        slices = _texts(shape_and_slices)
        reader = BundleReader(_text(prefix))
        values = []
        for name, dtype, spec in zip(names, wanted, slices):
            entry = reader.entry(name)
            if entry.dtype is not dtype:
                raise errors.InvalidArgumentError(
                    None, op, f"tensor_name = {name}; expected dtype "
                              f"{dtypes.type_name_for_messages(dtype)} does not equal original "
                              f"dtype {dtypes.type_name_for_messages(entry.dtype)}")
            values.append(reader.read(name, spec))
        return tuple(values)
    return restore


define("RestoreV2", infer=lambda op: [(dtype, None) for dtype in op.attrs["dtypes"]],
       make_kernel=_restore_kernel, stateful=True, grad=NOT_DIFFERENTIABLE, multi_output=True)


def restore_v2(prefix, tensor_names, shape_and_slices, dtypes_, name=None):
    """A RestoreV2 op reading `tensor_names` (of `dtypes_`) from the checkpoint `prefix`."""
    with OpScope(name, "RestoreV2", []) as scope:
        prefix, names, slices = _checkpoint_inputs(prefix, tensor_names, shape_and_slices)
        attrs = {"dtypes": [dtypes.as_dtype(d).base_dtype for d in dtypes_]}
        return make_op("RestoreV2", [prefix, names, slices], scope, attrs)._outputs


# -- sharded saves -------------------------------------------------------------------------------
def _merge_kernel(op, runtime):
    delete_old_dirs = op.attrs.get("delete_old_dirs", True)

    def merge(checkpoint_prefixes, destination_prefix):
        from ..graph.tensor_bundle import merge_bundles
        merge_bundles(_texts(checkpoint_prefixes), _text(destination_prefix), delete_old_dirs)
    return merge


define("MergeV2Checkpoints", infer=rules.no_outputs, make_kernel=_merge_kernel, stateful=True,
       grad=NOT_DIFFERENTIABLE)


def merge_v2_checkpoints(checkpoint_prefixes, destination_prefix, delete_old_dirs=True,
                         allow_missing_files=False, name=None):
    """One checkpoint at `destination_prefix` from the shards written at `checkpoint_prefixes`."""
    with OpScope(name, "MergeV2Checkpoints", []) as scope:
        prefixes = convert_to_tensor(checkpoint_prefixes, dtype=dtypes.string,
                                     name="checkpoint_prefixes")
        destination = convert_to_tensor(destination_prefix, dtype=dtypes.string,
                                        name="destination_prefix")
        attrs = {"delete_old_dirs": bool(delete_old_dirs),
                 "allow_missing_files": bool(allow_missing_files)}
        return make_op("MergeV2Checkpoints", [prefixes, destination], scope, attrs)


def _scalar_string(op):
    return [(dtypes.string, ())]


define("ShardedFilename", infer=_scalar_string, grad=NOT_DIFFERENTIABLE,
       kernel=lambda basename, shard, num_shards: np.array(
           f"{_text(basename)}-{int(shard):05d}-of-{int(num_shards):05d}".encode(), dtype=object))
define("ShardedFilespec", infer=_scalar_string, grad=NOT_DIFFERENTIABLE,
       kernel=lambda basename, num_shards: np.array(
           f"{_text(basename)}-?????-of-{int(num_shards):05d}".encode(), dtype=object))


def sharded_filename(basename, shard, num_shards, name=None):
    """`basename-<shard>-of-<num_shards>`, five digits each, as TF names a shard."""
    with OpScope(name, "ShardedFilename", []) as scope:
        inputs = [convert_to_tensor(basename, dtype=dtypes.string, name="basename"),
                  convert_to_tensor(shard, dtype=dtypes.int32, name="shard"),
                  convert_to_tensor(num_shards, dtype=dtypes.int32, name="num_shards")]
        return make_tensor("ShardedFilename", inputs, scope)


def sharded_filespec(basename, num_shards, name=None):
    """The glob `basename-?????-of-<num_shards>` matching every shard."""
    with OpScope(name, "ShardedFilespec", []) as scope:
        inputs = [convert_to_tensor(basename, dtype=dtypes.string, name="basename"),
                  convert_to_tensor(num_shards, dtype=dtypes.int32, name="num_shards")]
        return make_tensor("ShardedFilespec", inputs, scope)


# -- strings -----------------------------------------------------------------------------------
def _infer_string_join(op):
    shapes = [t._shape for t in op._inputs if t._shape != ()]
    return [(dtypes.string, rules.merge_all_same(shapes) if shapes else ())]


def _string_join_kernel(op, runtime):
    separator = op.attrs.get("separator", "").encode()

    def join(*inputs):
        arrays = [np.asarray(value, dtype=object) for value in inputs]
        shape = next((a.shape for a in arrays if a.shape != ()), ())
        out = np.empty(shape, dtype=object)
        for index in np.ndindex(shape):
            out[index] = separator.join(a[index] if a.shape else a[()] for a in arrays)
        return out
    return join


define("StringJoin", infer=_infer_string_join, make_kernel=_string_join_kernel,
       grad=NOT_DIFFERENTIABLE)


def string_join(inputs, separator="", name=None):
    """The elementwise concatenation of `inputs` (scalars broadcast), `separator` between."""
    with OpScope(name, "StringJoin", []) as scope:
        tensors = [convert_to_tensor(t, dtype=dtypes.string, name=f"inputs_{i}")
                   for i, t in enumerate(inputs)]
        attrs = {"N": len(tensors), "separator": separator}
        return make_tensor("StringJoin", tensors, scope, attrs)


def _regex_kernel(op, runtime):
    pattern = re.compile(op.attrs["pattern"].decode() if isinstance(op.attrs["pattern"], bytes)
                         else op.attrs["pattern"], re.DOTALL)

    def full_match(values):
        array = np.asarray(values, dtype=object)
        matches = [pattern.fullmatch(item.decode() if isinstance(item, bytes) else str(item))
                   is not None for item in array.reshape(-1)]
        return np.array(matches, dtype=bool).reshape(array.shape)
    return full_match


define("StaticRegexFullMatch", infer=lambda op: [(dtypes.bool_, op._inputs[0]._shape)],
       make_kernel=_regex_kernel, grad=NOT_DIFFERENTIABLE)


def regex_full_match(input, pattern, name=None):  # noqa: A002 - TF's argument name
    """Whether each string of `input` matches `pattern` whole (a constant pattern, as TF's
    StaticRegexFullMatch)."""
    with OpScope(name, "StaticRegexFullMatch", []) as scope:
        value = convert_to_tensor(input, dtype=dtypes.string, name="input")
        return make_tensor("StaticRegexFullMatch", [value], scope, {"pattern": pattern})


def normalized_sharded_suffix() -> str:
    """The suffix TF's sharded save adds before `part` (os.path.normpath("_temp/part"))."""
    return os.path.normpath("_temp/part")
