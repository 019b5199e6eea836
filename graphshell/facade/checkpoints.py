"""tf.train's checkpoint names: Saver, SaverDef, the `checkpoint` state file helpers and the
checkpoint readers (NewCheckpointReader, load_checkpoint, list_variables, init_from_checkpoint)."""

from __future__ import annotations

from types import SimpleNamespace

from ..engine.training import checkpoint_management as management
from ..engine.training import checkpoint_utils
from ..engine.training.saver import Saver
from .summary_writer import LazyProtoClass


def _saver_protos() -> SimpleNamespace:
    try:
        from tensorboard.compat.proto import saver_pb2
    except ImportError:
        raise ImportError("tf.train.SaverDef needs TF's protos: "
                          "pip install 'graphshell[checkpoint]'") from None
    return SimpleNamespace(saver=saver_pb2)


SaverDef = LazyProtoClass("saver", "SaverDef", _saver_protos)

TRAIN_MEMBERS: dict[str, object] = dict(
    Saver=Saver, SaverDef=SaverDef,
    latest_checkpoint=management.latest_checkpoint,
    get_checkpoint_state=management.get_checkpoint_state,
    checkpoint_exists=management.checkpoint_exists,
    update_checkpoint_state=management.update_checkpoint_state,
    generate_checkpoint_state_proto=management.generate_checkpoint_state_proto,
    get_checkpoint_mtimes=management.get_checkpoint_mtimes,
    remove_checkpoint=management.remove_checkpoint,
    NewCheckpointReader=checkpoint_utils.NewCheckpointReader,
    load_checkpoint=checkpoint_utils.load_checkpoint,
    load_variable=checkpoint_utils.load_variable,
    list_variables=checkpoint_utils.list_variables,
    init_from_checkpoint=checkpoint_utils.init_from_checkpoint,
    checkpoints_iterator=checkpoint_utils.checkpoints_iterator,
)
