"""The save and restore graph a Saver builds, op for op as TF's BulkSaverBuilder: a filename
PlaceholderWithDefault (`save/Const`), one SaveV2 (or one per device and a MergeV2Checkpoints
when sharded), one RestoreV2 on cpu:0 and an Assign per variable, grouped as `restore_all`."""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import devices
from ..graph.convert import constant
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..graph.tensor import Tensor
from ..ops import array_ops, checkpoint_ops, control_ops, input_ops, logic_ops, state_ops
from ..ops import variables as variables_module

V1, V2 = 1, 2  # SaverDef.CheckpointFormatVersion


@dataclass
class Saveable:
    """One variable as the checkpoint holds it (TF's ReferenceVariableSaveable: one spec)."""

    name: str
    tensor: Tensor  # the variable's ref tensor, what SaveV2 reads
    variable: object

    @property
    def op(self):
        return self.tensor.op

    @property
    def device(self) -> str:
        return self.tensor.device

    def restore(self, restored: Tensor, reshape: bool = False):
        """The Assign of the restored value (reshaped to the variable's shape if asked)."""
        shape = self.tensor._shape
        fully_defined = shape is not None and all(d is not None for d in shape)
        if reshape:
            target = list(shape or ()) if fully_defined else array_ops.shape(self.tensor)
            restored = array_ops.reshape(restored, target)
        return state_ops.assign(self.tensor, restored,
                                validate_shape=fully_defined and not reshape)


def _variable_ref(value):
    """The ref tensor of a variable (or of a tensor a variable op makes), else None."""
    if isinstance(value, variables_module.Variable):
        return value._ref()
    if isinstance(value, Tensor) and value.op.type in ("VariableV2", "Variable"):
        return value
    return None


def all_saveable_objects(scope=None) -> list:
    """The global variables and the SAVEABLE_OBJECTS collection (TF's _all_saveable_objects)."""
    graph = get_default_graph()
    return (graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope)
            + graph.get_collection(GraphKeys.SAVEABLE_OBJECTS, scope))


def op_list_to_dict(op_list) -> dict:
    """A var_list given as a list, keyed by each variable's op name (TF's op_list_to_dict)."""
    if not isinstance(op_list, (list, tuple, set)):
        raise TypeError(f"Variables to save should be passed in a dict or a list: {op_list}")
    named: dict = {}
    for item in sorted(op_list, key=lambda v: v.name):
        ref = _variable_ref(item)
        if ref is None:
            raise TypeError(f"Variable to save is not a Variable: {item}")
        if ref.op.name in named:
            raise ValueError(f"At least two variables have the same name: {ref.op.name}")
        named[ref.op.name] = item
    return named


def validate_and_slice_inputs(names_to_saveables: dict) -> list[Saveable]:
    """One Saveable per entry, sorted by name; a variable under two names is refused."""
    saveables: list[Saveable] = []
    seen = set()
    for name, item in sorted(names_to_saveables.items(), key=lambda pair: pair[0]):
        ref = _variable_ref(item)
        if ref is None:
            raise TypeError("names_to_saveables must be a dict mapping string names to "
                            f"Tensors/Variables. Not a variable: {item}")
        if ref.op in seen:
            raise ValueError(f"The same saveable will be restored with two names: {name}")
        seen.add(ref.op)
        saveables.append(Saveable(name, ref, item))
    return saveables


class BulkSaverBuilder:
    """Builds a Saver's ops (TF's BulkSaverBuilder, V2 checkpoints): `build` returns the
    SaverDef fields."""

    def __init__(self, write_version: int = V2):
        if write_version != V2:
            raise ValueError("only TensorFlow's V2 checkpoint format is supported "
                             "(write_version=tf.train.SaverDef.V2)")
        self._write_version = write_version

    def build(self, names_to_saveables, reshape=False, sharded=False, max_to_keep=5,
              keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
              filename="model") -> dict:
        if not isinstance(names_to_saveables, dict):
            names_to_saveables = op_list_to_dict(names_to_saveables)
        saveables = validate_and_slice_inputs(names_to_saveables)
        if max_to_keep is None:
            max_to_keep = 0
        graph = get_default_graph()
        with graph.name_scope(name or "save"):
            filename_tensor = input_ops.placeholder_with_default(
                filename or "model", shape=(), name="filename")
            filename_tensor = input_ops.placeholder_with_default(filename_tensor, shape=(),
                                                                 name="Const")
            if sharded:
                per_device = self._group_by_devices(saveables)
                save_tensor = self._add_sharded_save_ops(filename_tensor, per_device)
                restore_op = self._add_sharded_restore_ops(filename_tensor, per_device,
                                                           reshape)
            else:
                save_tensor = self._add_save_ops(filename_tensor, saveables)
                restore_op = self._add_restore_ops(filename_tensor, saveables, reshape)
        return dict(filename_tensor_name=filename_tensor.name,
                    save_tensor_name=save_tensor.name, restore_op_name=restore_op.name,
                    max_to_keep=max_to_keep, sharded=sharded,
                    keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
                    version=self._write_version)

    # -- saving ------------------------------------------------------------------------------
    @staticmethod
    def _add_save_ops(filename_tensor: Tensor, saveables: list[Saveable]) -> Tensor:
        save = checkpoint_ops.save_v2(filename_tensor, [s.name for s in saveables],
                                      [""] * len(saveables), [s.tensor for s in saveables])
        with get_default_graph().colocate_with(filename_tensor.op):
            return control_ops.with_dependencies([save], filename_tensor)

    def _add_sharded_save_ops(self, checkpoint_prefix: Tensor, per_device) -> Tensor:
        graph = get_default_graph()
        with graph.device("CPU"):
            suffix = logic_ops.where(
                checkpoint_ops.regex_full_match(checkpoint_prefix, "^s3://.*"),
                constant(".part"), constant(checkpoint_ops.normalized_sharded_suffix()))
            temporary_prefix = checkpoint_ops.string_join([checkpoint_prefix, suffix])
        num_shards = constant(len(per_device), name="num_shards")
        saves, prefixes, last_device = [], [], ""
        for shard, (device, saveables) in enumerate(per_device):
            last_device = device
            with graph.device(_on_cpu0(device)):
                shard_prefix = checkpoint_ops.sharded_filename(temporary_prefix, shard,
                                                               num_shards)
                prefixes.append(shard_prefix)
                saves.append(self._add_save_ops(shard_prefix, saveables))
        with (graph.control_dependencies([s.op for s in saves]),
              graph.device(_on_cpu0(last_device))):
            merge = checkpoint_ops.merge_v2_checkpoints(prefixes, checkpoint_prefix,
                                                        delete_old_dirs=True)
            with graph.control_dependencies([merge]):
                return array_ops.identity(checkpoint_prefix)

    # -- restoring ---------------------------------------------------------------------------
    @staticmethod
    def _add_restore_ops(filename_tensor: Tensor, saveables: list[Saveable], reshape: bool,
                         name: str = "restore_all"):
        with get_default_graph().device("cpu:0"):
            restored = checkpoint_ops.restore_v2(
                filename_tensor, [s.name for s in saveables], [""] * len(saveables),
                [s.tensor.dtype.base_dtype for s in saveables])
        assigns = [s.restore(value, reshape) for s, value in zip(saveables, restored)]
        return control_ops.group(*assigns, name=name)

    def _add_sharded_restore_ops(self, filename_tensor: Tensor, per_device, reshape: bool):
        graph = get_default_graph()
        shard_restores = []
        for device, saveables in per_device:
            with graph.device(device):
                shard_restores.append(self._add_restore_ops(filename_tensor, saveables,
                                                            reshape, name="restore_shard"))
        return _group_by_device(shard_restores, "restore_all")

    @staticmethod
    def _group_by_devices(saveables: list[Saveable]) -> list:
        per_device: dict[str, list[Saveable]] = {}
        for saveable in saveables:
            per_device.setdefault(devices.canonical_name(saveable.device), []).append(saveable)
        return sorted(per_device.items(), key=lambda pair: pair[0])


def _on_cpu0(device: str) -> str:
    """The device string with its type and index set to CPU:0 (TF's set_cpu0)."""
    spec = devices.DeviceSpec.from_string(device or "")
    return spec.replace(device_type="CPU", device_index=0).to_string()


def _group_by_device(ops, name: str):
    """TF's group: one NoOp when all `ops` share a device, else one NoOp per device under
    the name scope, then the named NoOp over them."""
    graph = get_default_graph()
    by_device: dict[str, list] = {}
    for op in ops:
        by_device.setdefault(op.device, []).append(op)
    if len(by_device) == 1:
        return control_ops.group(*ops, name=name)
    with graph.name_scope(name) as scope:
        per_device = []
        for device in sorted(by_device):
            with graph.device(device), graph.control_dependencies(by_device[device]):
                per_device.append(control_ops.no_op())
        with graph.control_dependencies(per_device):
            return control_ops.no_op(name=scope)

