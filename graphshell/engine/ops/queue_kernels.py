"""The queues a session keeps (TF's FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue and
PriorityQueue resources) and what their enqueue, dequeue and close kernels do to them.

A queue lives in its session's `Runtime.resource` store, made by the first step that runs its
op. An element is a tuple of numpy arrays, one per component. Kernels that cannot go on wait
through the session's `StepWaits` (engine/run/waits.py): a dequeue first lets the queue
runners started on the session run enqueue steps, in this thread. A queue runner's enqueue
never waits: what does not fit yet is kept as the runner's pending enqueue (TF's blocked
enqueue attempt) and moves in as dequeues make room; closing the queue cancels it.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import threading
from collections import deque

import numpy as np

from ..graph import dtypes, errors
from ..run.waits import STEP_WAITS, StepWaits
from .philox import philox_words

_RESOURCE_NUMBERS = itertools.count()  # TF numbers each private resource a kernel makes
_UNBOUNDED = 2**31 - 1  # TF's capacity for capacity=-1
_WORDS_PER_DRAW = 4  # a Philox block gives 4 words (TF's SingleSampleAdapter hands them out)


def _shape_text(shape) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _compatible(shape, known) -> bool:
    if known is None:
        return True
    return len(shape) == len(known) and all(k is None or k == d for d, k in zip(shape, known))


class Queue:
    """One FIFO queue's elements in one session."""

    kind = "FIFOQueue"

    def __init__(self, op, name: str, runtime):
        attrs = op.attrs
        self.name = name
        self.dtypes = list(attrs["component_types"])
        shapes = attrs.get("shapes") or []
        self.shapes: list = [tuple(s) for s in shapes] if shapes else [None] * len(self.dtypes)
        capacity = attrs.get("capacity", -1)
        self.capacity = _UNBOUNDED if capacity < 0 else capacity
        self.runtime = runtime  # its undo log gives back what an interrupted step changed
        self.waits = waits_of(runtime)
        self.elements: deque = deque()
        self.pending: deque = deque()  # (element, feeder): runners' enqueues waiting for room
        self.closed = False

    # -- what kernels ask ---------------------------------------------------------------------
    def size(self) -> int:
        return len(self.elements)

    def enqueue(self, op, elements: list) -> None:
        """Adds `elements` in order, waiting for room (a queue runner's step leaves what does
        not fit pending instead)."""
        self._check_open(op)
        feeder = self.waits.feeding()
        for element in elements:
            if len(self.elements) >= self.capacity or self.pending:
                if feeder is not None:
                    self.pending.append((element, feeder))
                    continue
                self.waits.wait(op, self.key, lambda: self.closed or self.has_room())
                self._check_open(op)
            self._put(element)
            self.runtime.record_undo(functools.partial(self._withdraw, element))
        self.waits.notify()

    def dequeue(self, op, count: int | None, up_to: bool = False) -> list:
        """Takes one element (`count` None) or `count` of them (fewer from a closed queue if
        `up_to`), waiting until there are enough."""
        wanted = 1 if count is None else count
        if count is not None and not self._batchable():
            raise errors.InvalidArgumentError(
                None, op, f"{self.kind}'s DequeueMany and DequeueUpTo require the components "
                "to have specified shapes.")
        self.waits.wait(op, self.key, lambda: self.closed or self._can_take(wanted))
        if not self._can_take(wanted) and not (up_to and self.closed and self.elements):
            raise errors.OutOfRangeError(
                None, op, f"{self.kind} '{self.name}' is closed and has insufficient elements "
                f"(requested {wanted}, current size {len(self.elements)})")
        taken = self._take(min(wanted, len(self.elements)))
        self.runtime.record_undo(functools.partial(self._give_back, taken))
        self._admit_pending()
        self.waits.notify()
        return taken

    def close(self, op, cancel_pending_enqueues: bool) -> None:
        """Closes the queue: no more enqueues, and runners' pending enqueues are cancelled."""
        self.closed = True
        while self.pending:
            _, feeder = self.pending.popleft()
            feeder.cancelled(errors.CancelledError(
                None, op, f"{self.kind} '{self.name}' is closed."))
        self.waits.notify()

    # -- what queue kinds differ in -----------------------------------------------------------
    key = None  # the Runtime.resource key, set by the kernel that makes the queue

    def has_room(self) -> bool:
        return len(self.elements) < self.capacity and not self.pending

    def _can_take(self, count: int) -> bool:
        return len(self.elements) >= count

    def _batchable(self) -> bool:
        return all(s is not None and None not in s for s in self.shapes)

    def _put(self, element) -> None:
        self.elements.append(element)

    def _take(self, count: int) -> list:
        return [self.elements.popleft() for _ in range(count)]

    def _give_back(self, taken: list) -> None:
        self.elements.extendleft(reversed(taken))

    def _withdraw(self, element) -> None:
        """Takes back an element this step enqueued (if no one has taken it since)."""
        for index, held in enumerate(self.elements):
            if held is element:
                del self.elements[index]
                return

    # -- helpers ------------------------------------------------------------------------------
    def _check_open(self, op) -> None:
        if self.closed:
            raise errors.CancelledError(None, op, f"{self.kind} '{self.name}' is closed.")

    def _admit_pending(self) -> None:
        while self.pending and len(self.elements) < self.capacity:
            element, feeder = self.pending.popleft()
            self._put(element)
            if not any(f is feeder for _, f in self.pending):
                feeder.enqueue_done()

    def has_pending_from(self, feeder) -> bool:
        return any(f is feeder for _, f in self.pending)

    def batch(self, op, taken: list) -> tuple:
        """The dequeued elements as one array per component, stacked on a new first axis."""
        columns = []
        for i, dtype in enumerate(self.dtypes):
            parts = [element[i] for element in taken]
            if not parts:
                shape = tuple(d or 0 for d in (self.shapes[i] or ()))
                columns.append(np.zeros((0,) + shape, dtype.as_numpy_dtype))
            else:
                columns.append(_stacked(parts, dtype))
        return tuple(columns)


def _stacked(parts: list, dtype) -> np.ndarray:
    """The parts stacked on a new first axis (strings as TF hands them out: bytes objects)."""
    if dtype.base_dtype == dtypes.string:
        column = np.empty((len(parts),) + np.shape(parts[0]), dtype=object)
        for row, part in enumerate(parts):
            column[row] = part if np.ndim(part) else np.asarray(part, dtype=object)[()]
        return column
    return np.stack(parts)


class PaddingQueue(Queue):
    """A FIFO queue whose components may have unknown dimensions, padded when batched."""

    def _batchable(self) -> bool:
        return all(s is not None for s in self.shapes)

    def batch(self, op, taken: list) -> tuple:
        columns = []
        for i, dtype in enumerate(self.dtypes):
            parts = [element[i] for element in taken]
            known = self.shapes[i] or ()
            if not parts:
                columns.append(np.zeros((0,) + tuple(d or 0 for d in known),
                                        dtype.as_numpy_dtype))
                continue
            padded_shape = tuple(max(p.shape[axis] for p in parts) for axis in range(len(known)))
            fill = b"" if dtype.base_dtype == dtypes.string else 0
            column = np.full((len(parts),) + padded_shape, fill,
                             dtype=object if fill == b"" else np.asarray(parts[0]).dtype)
            for row, part in enumerate(parts):
                part = np.asarray(part, dtype=column.dtype)
                if part.ndim == 0:
                    column[row] = part[()]
                else:
                    column[(row,) + tuple(slice(0, d) for d in part.shape)] = part
            columns.append(column)
        return tuple(columns)


class RandomShuffleQueue(Queue):
    """A queue that hands out a random element, keeping `min_after_dequeue` while open; its
    picks are TF's: one Philox word per pick, modulo the size, the pick swapped with the last."""

    kind = "RandomShuffleQueue"

    def __init__(self, op, name: str, runtime):
        super().__init__(op, name, runtime)
        self.elements: list = []  # type: ignore[assignment]
        self.min_after_dequeue = op.attrs.get("min_after_dequeue", 0)
        seed, seed2 = op.attrs.get("seed", 0), op.attrs.get("seed2", 0)
        if seed == 0 and seed2 == 0:
            seed, seed2 = (int(s) for s in np.random.default_rng().integers(1, 2**63, 2))
        self._key, self._counter = seed, seed2 << 64
        self._words: list[int] = []

    def _next_word(self) -> int:
        if not self._words:
            self._words = [int(w) for w in philox_words(self._key, self._counter,
                                                        _WORDS_PER_DRAW)][::-1]
            self._counter = (self._counter + 1) % 2**128
        return self._words.pop()

    def _can_take(self, count: int) -> bool:
        floor = 0 if self.closed else self.min_after_dequeue
        return len(self.elements) >= count + floor

    def _take(self, count: int) -> list:
        taken = []
        elements = self.elements
        for _ in range(count):
            index = self._next_word() % len(elements)
            taken.append(elements[index])
            elements[index] = elements[-1]
            elements.pop()
        return taken

    def _give_back(self, taken: list) -> None:
        self.elements.extend(taken)


class PriorityQueue(Queue):
    """A queue that hands out the element with the smallest int64 priority (component 0)."""

    kind = "PriorityQueue"

    def __init__(self, op, name: str, runtime):
        super().__init__(op, name, runtime)
        self.dtypes = [dtypes.int64] + self.dtypes
        self.shapes = [()] + self.shapes
        self.elements: list = []  # type: ignore[assignment]  # a heap of (priority, order, element)
        self._order = itertools.count()

    def _put(self, element) -> None:
        heapq.heappush(self.elements, (int(element[0]), next(self._order), element))

    def _take(self, count: int) -> list:
        return [heapq.heappop(self.elements)[2] for _ in range(count)]

    def _give_back(self, taken: list) -> None:
        for element in taken:
            self._put(element)

    def _withdraw(self, element) -> None:
        self.elements = [entry for entry in self.elements if entry[2] is not element]
        heapq.heapify(self.elements)


def waits_of(runtime) -> StepWaits:
    """The StepWaits of the session that owns `runtime` (a bare Runtime gets its own)."""
    return runtime.resource(STEP_WAITS, lambda: StepWaits(threading.RLock()))


QUEUE_CLASSES = {"FIFOQueueV2": Queue, "PaddingFIFOQueueV2": PaddingQueue,
                 "RandomShuffleQueueV2": RandomShuffleQueue, "PriorityQueueV2": PriorityQueue}


def resource_key(op) -> tuple:
    """The key a queue op's queue is kept under: its shared name, else the op itself."""
    shared = op.attrs.get("shared_name") or b""
    shared = shared.decode() if isinstance(shared, bytes) else shared
    container = op.attrs.get("container") or b""
    container = container.decode() if isinstance(container, bytes) else container
    return ("queue", container, shared) if shared else ("queue", op)


def queue_for(op, runtime) -> Queue:
    """The session's queue for queue op `op`, made (and named as TF names it) on first use."""
    key = resource_key(op)

    def make():
        name = key[2] if len(key) == 3 else f"_{next(_RESOURCE_NUMBERS)}_{op.name}"
        queue = QUEUE_CLASSES[op.type](op, name, runtime)
        queue.key = key
        return queue
    return runtime.resource(key, make)


def check_components(queue: Queue, op, values, many: bool) -> list:
    """The elements an enqueue of `values` adds, after TF's shape checks."""
    values = [np.asarray(v, dtype=object) if dtype.base_dtype == dtypes.string else np.asarray(v)
              for v, dtype in zip(values, queue.dtypes)]
    if not many:
        for i, value in enumerate(values):
            expected = queue.shapes[i]
            if not _compatible(value.shape, expected):
                raise errors.InvalidArgumentError(
                    None, op, f"Shape mismatch in tuple component {i}. Expected "
                    f"{_shape_text(expected)}, got {_shape_text(value.shape)}")
        return [tuple(values)]
    batch = int(values[0].shape[0]) if values[0].ndim else 0  # a scalar fails below
    for i, value in enumerate(values):
        if value.ndim == 0:
            raise errors.InvalidArgumentError(
                None, op, f"Shape mismatch in tuple component {i}. Expected a batch, got a "
                "scalar")
        expected = queue.shapes[i]
        full = None if expected is None else (batch,) + tuple(expected)
        if full is not None and not _compatible(value.shape, full):
            raise errors.InvalidArgumentError(
                None, op, f"Shape mismatch in tuple component {i}. Expected "
                f"{_shape_text(full)}, got {_shape_text(value.shape)}")
        if value.shape[0] != batch:
            raise errors.InvalidArgumentError(
                None, op, "All input tensors must have the same size in the 0th dimension. "
                f"Component 0 has {batch}, and component {i} has {value.shape[0]}")
    return [tuple(v[row] for v in values) for row in range(batch)]
