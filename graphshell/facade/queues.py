"""Queues (tf.FIFOQueue... and the tf.queue namespace), queue runners, the Coordinator and the
queue-based input pipelines of tf.train."""

from __future__ import annotations

from ..engine.ops import reader_ops
from ..engine.ops.queues import (
    FIFOQueue,
    PaddingFIFOQueue,
    PriorityQueue,
    QueueBase,
    RandomShuffleQueue,
)
from ..engine.training import input as input_api
from ..engine.training import queue_runner as queue_runner_api
from ..engine.training.coordinator import Coordinator
from . import namespace

_QUEUES = dict(FIFOQueue=FIFOQueue, PaddingFIFOQueue=PaddingFIFOQueue,
               PriorityQueue=PriorityQueue, QueueBase=QueueBase,
               RandomShuffleQueue=RandomShuffleQueue)

_RUNNER_MEMBERS = dict(
    QueueRunner=queue_runner_api.QueueRunner,
    add_queue_runner=queue_runner_api.add_queue_runner,
    start_queue_runners=queue_runner_api.start_queue_runners,
)

# The names facade/train.py adds to tf.train.
TRAIN_MEMBERS: dict[str, object] = dict(
    _RUNNER_MEMBERS,
    queue_runner=namespace("train.queue_runner", "Queue runners (tf.train.queue_runner).",
                           **_RUNNER_MEMBERS),
    Coordinator=Coordinator,
    limit_epochs=input_api.limit_epochs, input_producer=input_api.input_producer,
    string_input_producer=input_api.string_input_producer,
    range_input_producer=input_api.range_input_producer,
    slice_input_producer=input_api.slice_input_producer,
    batch=input_api.batch, maybe_batch=input_api.maybe_batch,
    batch_join=input_api.batch_join, shuffle_batch=input_api.shuffle_batch,
    shuffle_batch_join=input_api.shuffle_batch_join,
    maybe_batch_join=input_api.maybe_batch_join,
    maybe_shuffle_batch=input_api.maybe_shuffle_batch,
    maybe_shuffle_batch_join=input_api.maybe_shuffle_batch_join,
)

# The names facade/data.py adds to tf.io (TF1 has the queues but FIFOQueue there).
IO_MEMBERS: dict[str, object] = dict(
    PaddingFIFOQueue=PaddingFIFOQueue, PriorityQueue=PriorityQueue, QueueBase=QueueBase,
    RandomShuffleQueue=RandomShuffleQueue, decode_csv=reader_ops.decode_csv,
)

TOP_LEVEL: dict[str, object] = dict(
    _QUEUES,
    ReaderBase=reader_ops.ReaderBase, TextLineReader=reader_ops.TextLineReader,
    WholeFileReader=reader_ops.WholeFileReader, IdentityReader=reader_ops.IdentityReader,
    decode_csv=reader_ops.decode_csv,
    queue=namespace("queue", "Queues that keep tensors across steps (tf.queue).", **_QUEUES),
)
