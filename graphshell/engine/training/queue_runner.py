"""tf.train.QueueRunner, add_queue_runner and start_queue_runners, deterministically.

TF starts one thread per enqueue op that runs it until the queue closes. Here a started
runner's "thread" (`RunnerThread`) registers with its session as a feeder of the queue: a
dequeue that would wait runs one of its enqueue steps, in the dequeuing thread, recorded as a
step of origin "queue runner". Its OutOfRangeError ends it (the last one closes the queue, as
TF's runner does); other errors go to the coordinator, which `join` re-raises. So a queue
runner program prints the same thing every run.
"""

from __future__ import annotations

import logging
import threading
import weakref

from ..graph import errors, stacks
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..ops.queue_kernels import resource_key
from ..ops.queue_ops import QUEUE_OP_TYPES

_log = logging.getLogger("graphshell")
_WAIT_SLICE_S = 0.05
ORIGIN = "queue runner"


class QueueRunner:
    """Holds a queue, the enqueue ops that fill it, and the ops that close and cancel it."""

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None, queue_runner_def=None, import_scope=None):
        if queue_runner_def is not None:
            raise NotImplementedError("QueueRunner(queue_runner_def=...) is not supported yet: "
                                      "build the QueueRunner from the queue and its enqueue ops")
        if not queue or not enqueue_ops:
            raise ValueError("Must provide queue and enqueue_ops.")
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        types = queue_closed_exception_types
        if types is not None and (not isinstance(types, tuple) or not types or not all(
                isinstance(t, type) and issubclass(t, errors.OpError) for t in types)):
            raise TypeError("queue_closed_exception_types, when provided, must be a tuple of "
                            f"tf.error types, but saw: {types}")
        self._close_op = close_op if close_op is not None else queue.close()
        self._cancel_op = cancel_op if cancel_op is not None else queue.close(
            cancel_pending_enqueues=True)
        self._queue_closed_exception_types = tuple(types or (errors.OutOfRangeError,))
        self._lock = threading.Lock()
        self._runs_per_session: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._exceptions_raised: list = []

    queue = property(lambda self: self._queue)
    enqueue_ops = property(lambda self: self._enqueue_ops)
    close_op = property(lambda self: self._close_op)
    cancel_op = property(lambda self: self._cancel_op)
    queue_closed_exception_types = property(lambda self: self._queue_closed_exception_types)
    exceptions_raised = property(lambda self: self._exceptions_raised)
    name = property(lambda self: self._queue.name)

    def create_threads(self, sess, coord=None, daemon=False, start=False) -> list:
        """One stand-in thread per enqueue op (and a close-on-stop one with `coord`); none if
        this runner already runs in `sess`."""
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads: list = [RunnerThread(self, sess, op, coord) for op in self._enqueue_ops]
        if coord is not None:
            threads.append(CloseOnStopThread(self, sess, coord))
        for thread in threads:
            if coord is not None:
                coord.register_thread(thread)
            thread.daemon = daemon
            if start:
                thread.start()
        return threads

    def _enqueue_finished(self, sess) -> None:
        """One enqueue thread ended on a closed-queue error: the last one closes the queue."""
        with self._lock:
            self._runs_per_session[sess] -= 1
            last = self._runs_per_session[sess] == 0
        if last:
            try:
                sess._run(self._close_op, None, None, None, origin=ORIGIN)
            except Exception as error:  # as TF's runner: closing may fail once the session has
                _log.debug("Ignored exception: %s", error)

    def _failed(self, sess, error, coord) -> None:
        with self._lock:
            self._runs_per_session[sess] -= 1
        if coord is not None:
            coord.request_stop(error)
        else:
            _log.error("Exception in QueueRunner: %s", error)
            with self._lock:
                self._exceptions_raised.append(error)


class _StandInThread:
    """What threading.Thread offers that TF programs use: name, daemon, start, join, alive."""

    def __init__(self, name: str):
        self.name = name
        self.daemon = False
        self.ident = None
        self._started = False
        self._finished = False

    def is_alive(self) -> bool:
        return self._started and not self._finished

    def start(self) -> None:
        if self._started:
            raise RuntimeError("threads can only be started once")
        self._started = True

    def advance(self) -> bool:
        return False

    def join(self, timeout=None) -> None:
        """Runs this thread's steps until it ends; waits (as a real join) while it cannot."""
        waited = 0.0
        while self.is_alive():
            if self.advance():
                continue
            if timeout is not None and waited >= timeout:
                return
            threading.Event().wait(_WAIT_SLICE_S)
            waited += _WAIT_SLICE_S

    def __repr__(self) -> str:
        state = "started" if self.is_alive() else ("stopped" if self._finished else "initial")
        return f"<QueueRunnerThread({self.name}, {state})>"


class RunnerThread(_StandInThread):
    """One enqueue op's runner in one session: a feeder of the queue's waits."""

    def __init__(self, runner: QueueRunner, sess, enqueue_op, coord):
        super().__init__(f"QueueRunnerThread-{runner.name}-{enqueue_op.name}")
        self._runner, self._session, self._op, self._coord = runner, sess, enqueue_op, coord
        queue_op = runner.queue.queue_ref.op
        self._key = resource_key(queue_op) if queue_op.type in QUEUE_OP_TYPES else None

    def start(self) -> None:
        super().start()
        if self._key is not None:
            self._session._waits.add_feeder(self._key, self)

    def _queue(self):
        return self._session._runtime.existing_resource(self._key)

    def is_alive(self) -> bool:
        if self._started and not self._finished and (
                self._session.closed or (self._coord is not None and self._coord.should_stop())):
            self._finished = True  # TF's runner loop ends at its next should_stop check
        return super().is_alive()

    def can_feed(self) -> bool:
        """Whether one more enqueue step may run now (not stopped, and the queue has room)."""
        if not self.is_alive():
            return False
        queue = self._queue()
        return queue is None or (not queue.closed and queue.has_room())

    def advance(self) -> bool:
        if not self.can_feed():
            return False
        self._session._waits.feed_one(self)
        return True

    def feed(self) -> None:
        """One turn of TF's runner loop: run the enqueue op, end on the queue's close."""
        try:
            self._session._run(self._op, None, None, None, origin=ORIGIN)
        except self._runner.queue_closed_exception_types:
            self._finished = True
            self._runner._enqueue_finished(self._session)
        except Exception as error:
            self._finished = True
            self._runner._failed(self._session, error, self._coord)

    def cancelled(self, error) -> None:
        """The queue closed while this runner's enqueue was pending: it fails with `error`."""
        if self._finished:
            return
        self._finished = True
        if isinstance(error, self._runner.queue_closed_exception_types):
            self._runner._enqueue_finished(self._session)
        else:
            self._runner._failed(self._session, error, self._coord)

    def enqueue_done(self) -> None:
        """Its pending enqueue went in: the runner may run its next one."""


class CloseOnStopThread(_StandInThread):
    """Runs the runner's cancel op once the coordinator is asked to stop."""

    def __init__(self, runner: QueueRunner, sess, coord):
        super().__init__(f"QueueRunnerThread-{runner.name}-close_on_stop")
        self._runner, self._session, self._coord = runner, sess, coord

    def start(self) -> None:
        super().start()
        if self._coord.should_stop():
            self.on_stop()

    def on_stop(self) -> None:
        if not self.is_alive():
            return
        self._finished = True
        try:
            self._session._run(self._runner.cancel_op, None, None, None, origin=ORIGIN)
        except Exception as error:
            _log.debug("Ignored exception: %s", error)


def add_queue_runner(qr, collection=GraphKeys.QUEUE_RUNNERS) -> None:
    """Adds `qr` to the graph's queue runners (what start_queue_runners starts)."""
    get_default_graph().add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection=GraphKeys.QUEUE_RUNNERS) -> list:
    """Starts the graph's queue runners in `sess` (the default session if None)."""
    if sess is None:
        sess = stacks.get_default_session()
        if not sess:
            raise ValueError("Cannot start queue runners: No default session is registered. "
                             "Use `with sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    if not hasattr(sess, "_waits"):
        raise TypeError(f"sess must be a `tf.Session` object. Given class: {sess.__class__}")
    runners = sess.graph.get_collection(collection)
    if not runners:
        _log.warning("`tf.train.start_queue_runners()` was called when no queue runners were "
                     "defined. You can safely remove the call to this deprecated function.")
    threads = []
    with sess.graph.as_default():
        for runner in runners:
            threads.extend(runner.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads
