"""`tf.train.Saver`: saves and restores variables in TF's V2 checkpoints, keeps the
`checkpoint` state file and the newest `max_to_keep` checkpoints, as TF 1.x's Saver."""

from __future__ import annotations

import logging
import os
import time

import numpy as np

from ..graph import errors
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..graph.proto_functions import (
    prepend_name_scope,
    register_proto_function,
    strip_name_scope,
)
from ..run.session import BaseSession
from . import checkpoint_management as management
from .global_step import global_step as read_global_step
from .saver_builder import V2, BulkSaverBuilder, all_saveable_objects

_log = logging.getLogger("tensorflow")


def saver_def_class():
    """TF's SaverDef message (tensorboard's compat protos), imported on first use."""
    try:
        from tensorboard.compat.proto import saver_pb2
    except ImportError:
        raise ImportError("tf.train.Saver needs TF's protos: "
                          "pip install 'graphshell[checkpoint]'") from None
    return saver_pb2.SaverDef


class Saver:
    """Saves and restores variables (TF1's name-based `tf.train.Saver`)."""

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=V2, pad_step_number=False, save_relative_paths=False,
                 filename=None):
        if defer_build and _given(var_list):
            raise ValueError("If `var_list` is provided then build cannot be deferred. Either "
                             "set defer_build=False or var_list=None.")
        self._var_list = var_list
        self._reshape = reshape
        self._sharded = sharded
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._restore_sequentially = restore_sequentially
        self.saver_def = saver_def
        self._builder = builder
        self._is_built = False
        self._allow_empty = allow_empty
        self._is_empty = None
        self._write_version = write_version
        self._pad_step_number = pad_step_number
        self._filename = filename
        self._last_checkpoints: list = []
        self._checkpoints_to_be_deleted: list = []
        if not defer_build:
            self.build()
        if self.saver_def:
            self._check_saver_def()
            self._write_version = self.saver_def.version
        self._save_relative_paths = save_relative_paths

    # -- building ----------------------------------------------------------------------------
    def build(self) -> None:
        """Builds the save and restore ops (once; a deferred Saver must call it)."""
        if self._is_built:
            return
        self._is_built = True
        if not self.saver_def:
            self._build_ops()
            if self._is_empty:
                return
        elif self._name:
            for field in ("filename_tensor_name", "save_tensor_name", "restore_op_name"):
                setattr(self.saver_def, field,
                        prepend_name_scope(getattr(self.saver_def, field), self._name))
        self._check_saver_def()
        self._next_checkpoint_time = (
            time.time() + self.saver_def.keep_checkpoint_every_n_hours * 3600)

    def _build_ops(self) -> None:
        if self._builder is None:
            self._builder = BulkSaverBuilder(self._write_version)
        if self._var_list is None:
            self._var_list = all_saveable_objects()
        if not _given(self._var_list):
            if self._allow_empty:
                self._is_empty = True
                return
            raise ValueError("No variables to save")
        self._is_empty = False
        fields = self._builder.build(
            self._var_list, reshape=self._reshape, sharded=self._sharded,
            max_to_keep=self._max_to_keep,
            keep_checkpoint_every_n_hours=self._keep_checkpoint_every_n_hours, name=self._name,
            restore_sequentially=self._restore_sequentially, filename=self._filename)
        self.saver_def = saver_def_class()(**fields)

    def _check_saver_def(self) -> None:
        if not isinstance(self.saver_def, saver_def_class()):
            raise ValueError(f"saver_def must be a saver_pb2.SaverDef: {self.saver_def}")
        if not self.saver_def.save_tensor_name:
            raise ValueError(f"saver_def must specify the save_tensor_name: {self.saver_def}")
        if not self.saver_def.restore_op_name:
            raise ValueError(f"saver_def must specify the restore_op_name: {self.saver_def}")

    # -- the SaverDef --------------------------------------------------------------------------
    def as_saver_def(self):
        """The SaverDef naming this saver's filename tensor, save tensor and restore op."""
        return self.saver_def

    def to_proto(self, export_scope=None):
        """The SaverDef with `export_scope/` stripped from its names (None if any name is
        outside the scope)."""
        if export_scope is None:
            return self.saver_def
        names = (self.saver_def.filename_tensor_name, self.saver_def.save_tensor_name,
                 self.saver_def.restore_op_name)
        if not all(name.startswith(export_scope) for name in names):
            return None
        saver_def = saver_def_class()()
        saver_def.CopyFrom(self.saver_def)
        for field in ("filename_tensor_name", "save_tensor_name", "restore_op_name"):
            setattr(saver_def, field, strip_name_scope(getattr(saver_def, field), export_scope))
        return saver_def

    @staticmethod
    def from_proto(saver_def, import_scope=None) -> Saver:
        """A Saver over the ops a SaverDef names (under `import_scope/`)."""
        return Saver(saver_def=saver_def, name=import_scope)

    # -- the checkpoints it keeps ---------------------------------------------------------------
    @property
    def last_checkpoints(self) -> list[str]:
        """The checkpoints not yet deleted, oldest first."""
        return [path for path, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints) -> None:
        """DEPRECATED in TF: sets the list of old checkpoint paths (kept forever)."""
        assert isinstance(last_checkpoints, list)
        self._last_checkpoints = [(path, np.inf) for path in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time) -> None:
        """Sets the (path, timestamp) list of old checkpoints."""
        assert isinstance(last_checkpoints_with_time, list)
        self._last_checkpoints = last_checkpoints_with_time

    def recover_last_checkpoints(self, checkpoint_paths) -> None:
        """Takes over the checkpoints of `checkpoint_paths` that exist, with their mtimes."""
        found = []
        for path in checkpoint_paths:
            mtimes = management.get_checkpoint_mtimes([path])
            if mtimes:
                found.append((path, mtimes[0]))
        self.set_last_checkpoints_with_time(found)

    def _record_last_checkpoint(self, latest_save_path: str) -> None:
        if not self.saver_def.max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != latest_save_path]
        self._last_checkpoints.append((latest_save_path, time.time()))
        if len(self._last_checkpoints) > self.saver_def.max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _maybe_delete_old_checkpoints(self, meta_graph_suffix: str = "meta") -> None:
        if not self._checkpoints_to_be_deleted:
            return
        path, stamp = self._checkpoints_to_be_deleted.pop(0)
        if stamp > self._next_checkpoint_time:  # kept: one every keep_checkpoint_every_n_hours
            self._next_checkpoint_time += self.saver_def.keep_checkpoint_every_n_hours * 3600
            return
        management.remove_checkpoint(path, self.saver_def.version, meta_graph_suffix)

    # -- save and restore ---------------------------------------------------------------------
    def _checkpoint_file(self, save_path: str, global_step, sess, latest_filename: str) -> str:
        if global_step is None:
            if os.path.basename(save_path) == latest_filename and not self._sharded:
                raise ValueError(f"'latest_filename' collides with 'save_path': "
                                 f"'{latest_filename}' and '{save_path}'")
            return save_path
        if not isinstance(global_step, (int, np.integer)):
            global_step = read_global_step(sess, global_step)
        if self._pad_step_number:
            return f"{save_path}-{int(global_step):08d}"
        return f"{save_path}-{int(global_step)}"

    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Saves the variables to `save_path` (`-<global_step>` appended), updates the state
        file and writes the MetaGraph; returns the checkpoint prefix (None if empty)."""
        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        latest_filename = latest_filename or "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = os.fspath(save_path)
        save_path = save_path.decode() if isinstance(save_path, bytes) else save_path
        checkpoint_file = self._checkpoint_file(save_path, global_step, sess, latest_filename)
        if not isinstance(sess, BaseSession):
            raise TypeError(f"'sess' must be a Session; {sess}")
        parent = os.path.dirname(save_path)
        model_checkpoint_path = None
        if not self._is_empty:
            model_checkpoint_path = self._run_save(sess, checkpoint_file, save_path)
            if write_state:
                self._record_last_checkpoint(model_checkpoint_path)
                management.update_checkpoint_state_internal(
                    save_dir=parent, model_checkpoint_path=model_checkpoint_path,
                    all_model_checkpoint_paths=self.last_checkpoints,
                    latest_filename=latest_filename,
                    save_relative_paths=self._save_relative_paths)
                self._maybe_delete_old_checkpoints(meta_graph_suffix)
        if write_meta_graph:
            filename = management.meta_graph_filename(checkpoint_file, meta_graph_suffix)
            with sess.graph.as_default():
                self.export_meta_graph(filename, strip_default_attrs=strip_default_attrs,
                                       save_debug_info=save_debug_info)
        return model_checkpoint_path

    def _run_save(self, sess, checkpoint_file: str, save_path: str) -> str:
        try:
            path = sess.run(self.saver_def.save_tensor_name,
                            {self.saver_def.filename_tensor_name: checkpoint_file})
        except (errors.FailedPreconditionError, errors.NotFoundError) as error:
            if not os.path.isdir(os.path.dirname(save_path)):
                raise ValueError(f"Parent directory of {save_path} doesn't exist, can't "
                                 "save.") from error
            raise
        return path.decode() if isinstance(path, bytes) else str(path)

    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False,
                          clear_extraneous_savers=False, strip_default_attrs=False,
                          save_debug_info=False):
        """The MetaGraphDef of the default graph with this saver's SaverDef, written to
        `filename` if given."""
        from ..graph import meta_graph
        if save_debug_info:
            raise ValueError("export_meta_graph(save_debug_info=True): graphshell does not "
                             "write GraphDebugInfo files")
        graph = get_default_graph()
        message = meta_graph.build_meta_graph_def(
            graph, saver_def=self.saver_def, collection_list=collection_list,
            clear_devices=clear_devices, export_scope=export_scope,
            clear_extraneous_savers=clear_extraneous_savers,
            strip_default_attrs=strip_default_attrs)
        if filename:
            meta_graph.write_meta_graph(message, filename, as_text=as_text)
        return message

    def restore(self, sess, save_path) -> None:
        """Runs the restore op on the checkpoint `save_path`, with TF's errors for a missing
        path, a missing variable and a shape mismatch."""
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = os.fspath(save_path)
        prefix = prefix.decode() if isinstance(prefix, bytes) else prefix
        if not management.checkpoint_exists(prefix):
            raise ValueError("The passed save_path is not a valid checkpoint: " + prefix)
        _log.info("Restoring parameters from %s", prefix)
        try:
            sess.run(self.saver_def.restore_op_name,
                     {self.saver_def.filename_tensor_name: prefix})
        except errors.NotFoundError as error:
            raise _wrapped(error, "a Variable name or other graph key that is missing") \
                from None
        except errors.InvalidArgumentError as error:
            raise _wrapped(error, "a mismatch between the current graph and the graph") \
                from None


def _given(var_list) -> bool:
    """Whether a var_list names anything (a single variable counts: the builder refuses it)."""
    if isinstance(var_list, (list, tuple, set, dict)):
        return bool(var_list)
    return var_list is not None


def _wrapped(error, extra_verbiage: str):
    message = (f"Restoring from checkpoint failed. This is most likely due to {extra_verbiage} "
               "from the checkpoint. Please ensure that you have not altered the graph expected "
               f"based on the checkpoint. Original error:\n\n{error.message}")
    return type(error)(error.node_def, error.op, message)


register_proto_function(GraphKeys.SAVERS, proto_type="saver_pb2.SaverDef",
                        to_proto=Saver.to_proto, from_proto=Saver.from_proto)
