"""tf.summary.FileWriter: Summary protocol buffers into event files TensorBoard reads.

The event file format (records framed with masked CRC32C) and the protos are tensorboard's,
imported only when a writer or a proto class is first used.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Iterator

from ..engine.graph import meta_graph
from ..engine.graph.graph import Graph, get_default_graph
from ..engine.graph.graph_def import protos as graph_def_protos
from ..engine.ops.summary_ops import INSTALL_HINT, protos
from ..engine.run import run_metadata as run_metadata_module
from . import tf_logging
from .meta_graph import export_meta_graph


class LazyProtoClass:
    """Stands for one of TF's protobuf classes (tf.Summary, tf.Event...): calls, attributes
    (`tf.Summary.Value`) and isinstance checks go to tensorboard's class, imported on first use."""

    def __init__(self, module: str, name: str, modules=protos):
        self._module, self._name, self._modules = module, name, modules

    def resolve(self) -> type:
        """The protobuf class itself."""
        return getattr(getattr(self._modules(), self._module), self._name)

    def __call__(self, *args, **kwargs):
        return self.resolve()(*args, **kwargs)

    def __getattr__(self, attribute: str):
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        return getattr(self.resolve(), attribute)

    def __instancecheck__(self, instance) -> bool:
        return isinstance(instance, self.resolve())

    def __repr__(self) -> str:
        return f"<class 'tensorflow.{self._name}' (tensorboard's proto)>"


def _event_file_writer_class():
    try:
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError:
        raise ImportError(f"tf.summary.FileWriter needs the tensorboard package: "
                          f"{INSTALL_HINT}") from None
    return EventFileWriter


class FileWriter:
    """Writes Summary protocol buffers (or their serialized bytes) and Events to an event
    file `events.out.tfevents.<time>.<host>...` in `logdir`, asynchronously."""

    def __init__(self, logdir, graph=None, max_queue: int = 10, flush_secs: float = 120,
                 graph_def=None, filename_suffix: str | None = None, session=None):
        if session is not None:
            raise NotImplementedError("FileWriter(session=...) writes through summary ops "
                                      "graphshell does not have; leave session=None")
        self._logdir = os.fspath(logdir)
        self._settings = (max_queue, flush_secs, filename_suffix or "")
        self._writer = self._open()
        self._closed = False
        self._seen_summary_tags: set[str] = set()
        self._run_metadata_tags: set[str] = set()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)
            self._add_meta_graph_of(graph if graph is not None else graph_def)

    def _open(self):
        max_queue, flush_secs, suffix = self._settings
        return _event_file_writer_class()(self._logdir, max_queue, flush_secs, suffix)

    def _add_meta_graph_of(self, graph) -> None:
        """As TF: a writer given a graph writes its MetaGraphDef too (the collections are the
        default graph's, as TF's create_meta_graph_def takes them)."""
        written = graph.as_graph_def(add_shapes=True) if isinstance(graph, Graph) else graph
        self.add_meta_graph(export_meta_graph(graph_def=written))

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def get_logdir(self) -> str:
        """The directory the event files are written to."""
        return self._logdir

    def add_summary(self, summary, global_step=None) -> None:
        """Adds a Summary (a proto, or the bytes a summary op returned) as one event."""
        if isinstance(summary, bytes):
            parsed = protos().summary.Summary()
            parsed.ParseFromString(summary)
            summary = parsed
        # as TF does: a tag's metadata is stored with its first value only
        for value in summary.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
            else:
                self._seen_summary_tags.add(value.tag)
        self._add_event(protos().event.Event(summary=summary), global_step)

    def add_session_log(self, session_log, global_step=None) -> None:
        """Adds a SessionLog (START, STOP, CHECKPOINT) as one event."""
        self._add_event(protos().event.Event(session_log=session_log), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None) -> None:
        """Writes a Graph's GraphDef (with `_output_shapes`, as TF writes it) as an Event's
        `graph_def`, which TensorBoard's Graphs tab shows; a GraphDef is written as it is."""
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        given = graph if graph is not None else graph_def
        if isinstance(given, Graph):
            if graph is None:
                tf_logging.log(tf_logging.WARN, "When passing a `Graph` object, please use the "
                                                "`graph` named argument instead of `graph_def`.")
            message = given.as_graph_def(add_shapes=True)
        elif isinstance(given, graph_def_protos().graph.GraphDef):
            tf_logging.log(tf_logging.WARN, "Passing a `GraphDef` to the SummaryWriter is "
                                            "deprecated. Pass a `Graph` object instead, such as "
                                            "`sess.graph`.")
            message = given
        else:
            raise TypeError("The passed graph must be an instance of `Graph` or the deprecated "
                            "`GraphDef`")
        event = protos().event.Event(graph_def=message.SerializeToString())
        self._add_event(event, global_step)

    def add_meta_graph(self, meta_graph_def, global_step=None) -> None:
        """Writes a MetaGraphDef as an Event's `meta_graph_def` bytes."""
        message_type = meta_graph.meta_protos()[0].MetaGraphDef
        if not isinstance(meta_graph_def, message_type):
            raise TypeError(f"meta_graph_def must be type MetaGraphDef, saw type: "
                            f"{type(meta_graph_def)}")
        event = protos().event.Event(meta_graph_def=meta_graph_def.SerializeToString())
        self._add_event(event, global_step)

    def add_run_metadata(self, run_metadata, tag: str, global_step=None) -> None:
        """Writes a step's RunMetadata (from `sess.run(..., options=tf.RunOptions(
        trace_level=tf.RunOptions.FULL_TRACE), run_metadata=...)`) as TaggedRunMetadata under
        `tag`, which TensorBoard's graph view offers as a run to colour the graph by."""
        if tag in self._run_metadata_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._run_metadata_tags.add(tag)
        serialized = run_metadata_module.as_run_metadata_proto(run_metadata).SerializeToString()
        tagged = protos().event.TaggedRunMetadata(tag=tag, run_metadata=serialized)
        self._add_event(protos().event.Event(tagged_run_metadata=tagged), global_step)

    def _add_event(self, event, step) -> None:
        event.wall_time = time.time()
        if step is not None:
            event.step = int(step)
        self.add_event(event)

    def add_event(self, event) -> None:
        """Writes an Event as it is (a no-op, with a warning, once closed)."""
        if self._warn_if_closed():
            return
        self._writer.add_event(event)

    def flush(self) -> None:
        """Writes every pending event to disk."""
        if not self._warn_if_closed():
            self._writer.flush()

    def close(self) -> None:
        """Flushes and closes the event file."""
        if not self._closed:
            self._writer.close()
        self._closed = True

    def reopen(self) -> None:
        """After close(), starts a new event file in the same directory."""
        if self._closed:
            self._writer = self._open()
            self._closed = False

    def _warn_if_closed(self) -> bool:
        if self._closed:
            warnings.warn("Attempting to use a closed FileWriter. The operation will be a noop "
                          "unless the FileWriter is explicitly reopened.", stacklevel=3)
        return self._closed


def summary_iterator(path) -> Iterator:
    """The Events of one event file, in the order written (tf.train.summary_iterator)."""
    try:
        from tensorboard.backend.event_processing.event_file_loader import LegacyEventFileLoader
    except ImportError:
        raise ImportError(f"tf.train.summary_iterator needs the tensorboard package: "
                          f"{INSTALL_HINT}") from None
    yield from LegacyEventFileLoader(os.fspath(path)).Load()


class FileWriterCache:
    """One FileWriter per log directory, shared by everything in the process."""

    _cache: dict[str, FileWriter] = {}
    _lock = threading.RLock()

    @staticmethod
    def get(logdir) -> FileWriter:
        """The cached writer for `logdir`, made with the default graph the first time."""
        with FileWriterCache._lock:
            if logdir not in FileWriterCache._cache:
                FileWriterCache._cache[logdir] = FileWriter(logdir, graph=get_default_graph())
            return FileWriterCache._cache[logdir]

    @staticmethod
    def clear() -> None:
        """Closes every cached writer and forgets them."""
        with FileWriterCache._lock:
            for writer in FileWriterCache._cache.values():
                writer.close()
            FileWriterCache._cache = {}

