"""Reading checkpoints outside a Saver: `tf.train.NewCheckpointReader` (CheckpointReader),
load_checkpoint, load_variable, list_variables, and init_from_checkpoint (variables whose
initializers read a checkpoint instead of their initial values), as TF's checkpoint_utils."""

from __future__ import annotations

import collections.abc
import logging
import os
import time

from ..graph import dtypes
from ..graph.tensor_bundle import BundleReader
from ..ops import checkpoint_ops, variable_scope
from ..ops import variables as variables_module
from . import checkpoint_management as management
from .saver_builder import Saveable


class CheckpointReader:
    """The tensors of one checkpoint (TF's pywrap CheckpointReader)."""

    def __init__(self, filepattern):
        prefix = os.fspath(filepattern)
        self._reader = BundleReader(prefix.decode() if isinstance(prefix, bytes) else prefix)

    def get_tensor(self, tensor_str):
        """The stored value (a numpy array, or a numpy scalar for a scalar)."""
        name = tensor_str.decode() if isinstance(tensor_str, bytes) else str(tensor_str)
        value = self._reader.read(name)
        return value[()] if value.shape == () else value

    def has_tensor(self, tensor_str) -> bool:
        name = tensor_str.decode() if isinstance(tensor_str, bytes) else str(tensor_str)
        return name in self._reader.entries

    def _names(self) -> list[str]:
        return sorted(self._reader.entries, reverse=True)  # the order TF's maps come in

    def get_variable_to_shape_map(self) -> dict[str, list[int]]:
        return {name: list(self._reader.entries[name].shape) for name in self._names()}

    def get_variable_to_dtype_map(self) -> dict[str, dtypes.DType]:
        return {name: self._reader.entries[name].dtype for name in self._names()}

    def debug_string(self) -> bytes:
        """One line per stored entry in key order, `name (DT_FLOAT) [2,3]`: a partitioned
        tensor appears as its slices, under their binary keys, as TF lists it."""
        from tensorboard.compat.proto import types_pb2
        lines = []
        for key, entry in sorted(self._reader.key_entries()):
            if entry.slices:
                continue
            type_name = types_pb2.DataType.Name(entry.dtype.as_datatype_enum).encode()
            shape = ",".join(str(size) for size in entry.shape).encode()
            lines.append(key + b" (" + type_name + b") [" + shape + b"]\n")
        return b"".join(lines)


def NewCheckpointReader(filepattern) -> CheckpointReader:
    """A CheckpointReader for the checkpoint prefix `filepattern` (NotFoundError if none)."""
    return CheckpointReader(filepattern)


def _checkpoint_filename(ckpt_dir_or_file) -> str | None:
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        return management.latest_checkpoint(path)
    return path


def load_checkpoint(ckpt_dir_or_file) -> CheckpointReader:
    """The reader of a checkpoint prefix, or of a directory's latest checkpoint."""
    filename = _checkpoint_filename(ckpt_dir_or_file)
    if filename is None:
        raise ValueError("Couldn't find 'checkpoint' file or checkpoints in given directory "
                         f"{ckpt_dir_or_file}")
    return NewCheckpointReader(filename)


def load_variable(ckpt_dir_or_file, name: str):
    """The value stored under `name` (a trailing `:0` is ignored)."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def list_variables(ckpt_dir_or_file) -> list[tuple[str, list[int]]]:
    """(name, shape) of every tensor in the checkpoint, sorted by name."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]


# -- waiting for checkpoints -----------------------------------------------------------------------
_log = logging.getLogger("tensorflow")


def wait_for_new_checkpoint(checkpoint_dir, last_checkpoint=None, seconds_to_sleep=1,
                            timeout=None):
    """The directory's latest checkpoint once it differs from `last_checkpoint`, polling every
    `seconds_to_sleep`; None once `timeout` seconds pass."""
    _log.info("Waiting for new checkpoint at %s", checkpoint_dir)
    stop_time = time.time() + timeout if timeout is not None else None
    while True:
        checkpoint_path = management.latest_checkpoint(checkpoint_dir)
        if checkpoint_path is not None and checkpoint_path != last_checkpoint:
            _log.info("Found new checkpoint at %s", checkpoint_path)
            return checkpoint_path
        if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
            return None
        time.sleep(seconds_to_sleep)


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Yields each new checkpoint of `checkpoint_dir` as it appears, at most one per
    `min_interval_secs`; stops after `timeout` without one (unless `timeout_fn()` says go on)."""
    checkpoint_path = None
    while True:
        new_path = wait_for_new_checkpoint(checkpoint_dir, checkpoint_path, timeout=timeout)
        if new_path:
            start = time.time()
            checkpoint_path = new_path
            yield checkpoint_path
            time_to_next = start + min_interval_secs - time.time()
            if time_to_next > 0:
                time.sleep(time_to_next)
        elif timeout_fn is None:
            _log.info("Timed-out waiting for a checkpoint (without timeout_fn).")
            return
        if timeout_fn is not None and timeout_fn():
            _log.info("Done. No new checkpoints will be generated.")
            return


# -- init_from_checkpoint ------------------------------------------------------------------------
def _is_variable(value) -> bool:
    return isinstance(value, variables_module.Variable)


def _set_checkpoint_initializer(variable, ckpt_file: str, tensor_name: str) -> None:
    """The variable's initializer becomes an Assign of a RestoreV2 of `tensor_name`."""
    graph = variable.graph
    with graph.device(variable.device), graph.device("/cpu:0"):
        restored = checkpoint_ops.restore_v2(ckpt_file, [tensor_name], [""],
                                             [variable.dtype.base_dtype],
                                             name="checkpoint_initializer")[0]
    saveable = Saveable(variable.op.name, variable._ref(), variable)
    # TF keeps the Assign's output tensor as the initializer here, not its op
    variable._initializer_op = saveable.restore(restored)
    restored.set_shape(variable.shape)
    variable._initial_value = restored


def _shape_matches(variable, shape: list[int]) -> bool:
    return variable.get_shape().is_compatible_with(shape)


def _init_one(variable, ckpt_dir_or_file, ckpt_file, tensor_name, variable_map) -> None:
    if tensor_name not in variable_map:
        raise ValueError(f"Tensor {tensor_name} is not found in {ckpt_dir_or_file} checkpoint "
                         f"{variable_map}")
    if not _shape_matches(variable, variable_map[tensor_name]):
        raise ValueError(f"Shape of variable {variable.name} ({variable.get_shape()}) doesn't "
                         f"match with shape of tensor {tensor_name} "
                         f"({variable_map[tensor_name]}) from checkpoint reader.")
    _set_checkpoint_initializer(variable, ckpt_file, tensor_name)


def _init_scope(scope_name: str, tensor_name: str, store_vars: dict, variable_map: dict,
                ckpt_dir_or_file, ckpt_file) -> None:
    """A 'scope/': 'other_scope/' entry: every store variable under scope_name."""
    scopes = scope_name[:scope_name.rindex("/")] if "/" in scope_name else ""
    if not tensor_name.endswith("/"):
        raise ValueError(f"Assignment map with scope only name {scopes} should map to scope "
                         f"only {tensor_name}. Should be 'scope/': 'other_scope/'.")
    names = sorted(name for name in store_vars
                   if not scopes or name.startswith(scopes + "/"))
    for var_name in names:
        full_name = var_name[len(scopes):]
        if scope_name != "/":
            full_name = full_name[1:]
        if tensor_name != "/":
            full_name = tensor_name + full_name
        full_name = full_name.removesuffix("/")
        if full_name not in variable_map:
            raise ValueError(f"Tensor {full_name} ({var_name[len(scopes) + 1:]} in "
                             f"{tensor_name}) is not found in {ckpt_dir_or_file} checkpoint")
        _set_checkpoint_initializer(store_vars[var_name], ckpt_file, full_name)


def init_from_checkpoint(ckpt_dir_or_file, assignment_map) -> None:
    """Makes variables initialise from a checkpoint: `assignment_map` maps checkpoint names
    (or 'scope/') to variables, variable-store names (or 'scope/'), as TF's forms."""
    ckpt_file = _checkpoint_filename(ckpt_dir_or_file)
    variable_map = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    if isinstance(assignment_map, collections.abc.Mapping):
        assignment_map = assignment_map.items()
    store_vars = variable_scope.get_variable_store().variables
    for tensor_name, target in sorted(assignment_map, key=lambda pair: pair[0]):
        variable = target if _is_variable(target) else store_vars.get(target)
        if variable is not None:
            _init_one(variable, ckpt_dir_or_file, ckpt_file, tensor_name, variable_map)
        else:
            _init_scope(target, tensor_name, store_vars, variable_map, ckpt_dir_or_file,
                        ckpt_file)

