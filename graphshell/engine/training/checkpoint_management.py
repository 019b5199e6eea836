"""The `checkpoint` state file and checkpoint files on disk, as TF's checkpoint_management:
latest_checkpoint, get/update_checkpoint_state, checkpoint_exists, mtimes, removal."""

from __future__ import annotations

import glob
import logging
import os
import re
import uuid

from ..graph import errors
from ..graph.checkpoint_protos import message_class

V1, V2 = 1, 2
_log = logging.getLogger("tensorflow")


def _state_filename(save_dir: str, latest_filename) -> str:
    return os.path.join(save_dir, latest_filename or "checkpoint")


def _text_format():
    from google.protobuf import text_format
    return text_format


def generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                    all_model_checkpoint_paths=None,
                                    all_model_checkpoint_timestamps=None,
                                    last_preserved_timestamp=None):
    """A CheckpointState; paths relative to a relative `save_dir` when they are relative."""
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        _log.info("%s is not in all_model_checkpoint_paths. Manually adding it.",
                  model_checkpoint_path)
        paths.append(model_checkpoint_path)
    if all_model_checkpoint_timestamps and len(all_model_checkpoint_timestamps) != len(paths):
        raise ValueError(f"Checkpoint timestamps, if provided, must match checkpoint paths (got "
                         f"paths {paths} and timestamps {all_model_checkpoint_timestamps})")
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else os.path.relpath(p, save_dir) for p in paths]
    return message_class("CheckpointState")(
        model_checkpoint_path=model_checkpoint_path, all_model_checkpoint_paths=paths,
        all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
        last_preserved_timestamp=last_preserved_timestamp)


def _relative_to(save_dir: str, path: str) -> str:
    return os.path.relpath(path, save_dir) if os.path.isabs(path) else path


def update_checkpoint_state_internal(save_dir, model_checkpoint_path,
                                     all_model_checkpoint_paths=None, latest_filename=None,
                                     save_relative_paths=False,
                                     all_model_checkpoint_timestamps=None,
                                     last_preserved_timestamp=None) -> None:
    """Writes the state file (atomically, in text format as TF)."""
    filename = _state_filename(save_dir, latest_filename)
    paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        model_checkpoint_path = _relative_to(save_dir, model_checkpoint_path)
        paths = [_relative_to(save_dir, p) for p in paths]
    state = generate_checkpoint_state_proto(
        save_dir, model_checkpoint_path, all_model_checkpoint_paths=paths,
        all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
        last_preserved_timestamp=last_preserved_timestamp)
    if filename == state.model_checkpoint_path:
        raise RuntimeError(f"Save path '{model_checkpoint_path}' conflicts with path used for "
                           "checkpoint state.  Please use a different save path.")
    _atomic_write(filename, _text_format().MessageToString(state))


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None) -> None:
    """`tf.train.update_checkpoint_state`: writes the `checkpoint` file of `save_dir`."""
    update_checkpoint_state_internal(
        save_dir, model_checkpoint_path, all_model_checkpoint_paths, latest_filename,
        save_relative_paths=False,
        all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
        last_preserved_timestamp=last_preserved_timestamp)


def _atomic_write(path: str, text: str) -> None:
    temporary = f"{path}.tmp{uuid.uuid4().hex}"
    try:
        with open(temporary, "w") as file:
            file.write(text)
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{temporary}; No such file or directory") \
            from None
    os.replace(temporary, path)


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState of `checkpoint_dir` (paths joined to it), or None (with a warning
    when the file cannot be parsed)."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    filename = _state_filename(checkpoint_dir, latest_filename)
    if not os.path.isfile(filename):
        return None
    text_format = _text_format()
    state = message_class("CheckpointState")()
    try:
        with open(filename) as file:
            text_format.Merge(file.read(), state)
    except text_format.ParseError as error:
        _log.warning("%s: %s", type(error).__name__, error)
        _log.warning("%s: Checkpoint ignored", filename)
        return None
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(checkpoint_dir, state.model_checkpoint_path)
    for index, path in enumerate(state.all_model_checkpoint_paths):
        if not os.path.isabs(path):
            state.all_model_checkpoint_paths[index] = os.path.join(checkpoint_dir, path)
    return state


def _prefix_to_checkpoint_path(prefix: str, format_version: int) -> str:
    return prefix + ".index" if format_version == V2 else prefix


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint the state file names, if its files exist."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and state.model_checkpoint_path:
        prefix = state.model_checkpoint_path
        if glob.glob(_prefix_to_checkpoint_path(prefix, V2)) or glob.glob(prefix):
            return prefix
        _log.error("Couldn't match files for checkpoint %s", prefix)
    return None


def checkpoint_exists(checkpoint_prefix) -> bool:
    """Whether a V2 (`prefix.index`) or V1 checkpoint is at `checkpoint_prefix`."""
    prefix = os.fspath(checkpoint_prefix)
    if isinstance(prefix, bytes):
        prefix = prefix.decode()
    return bool(glob.glob(_prefix_to_checkpoint_path(prefix, V2)) or glob.glob(prefix))


def get_checkpoint_mtimes(checkpoint_prefixes) -> list[float]:
    """The modification time of each checkpoint that exists (seconds)."""
    mtimes = []
    for prefix in checkpoint_prefixes:
        for pattern in (_prefix_to_checkpoint_path(prefix, V2), prefix):
            found = glob.glob(pattern)
            if found:
                mtimes.append(os.stat(found[0]).st_mtime_ns / 1e9)
                break
    return mtimes


def meta_graph_filename(checkpoint_filename: str, meta_graph_suffix: str = "meta") -> str:
    """`prefix.meta` for a checkpoint prefix (a sharded spec's -?????-of-N removed)."""
    base = re.sub(r"-[\d\?]+-of-\d+$", "", checkpoint_filename)
    return ".".join([base, meta_graph_suffix])


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=V2,
                      meta_graph_suffix="meta") -> None:
    """Deletes a checkpoint's files (the .meta, .index and data shards)."""
    patterns = [meta_graph_filename(checkpoint_prefix, meta_graph_suffix)]
    if checkpoint_format_version == V2:
        patterns += [checkpoint_prefix + ".index", checkpoint_prefix + ".data-?????-of-?????"]
    else:
        patterns.append(checkpoint_prefix)
    for pattern in patterns:
        for path in glob.glob(pattern):
            try:
                os.remove(path)
            except FileNotFoundError:
                _log.warning("Hit NotFoundError when deleting '%s', possibly because another "
                             "process/thread is also deleting/moving the same file", path)
