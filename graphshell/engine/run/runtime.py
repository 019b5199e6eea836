"""Per-session state: variable values, random generators, and the limits kernels must respect."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from ..graph import dtypes, errors
from ..graph.context import current_context

_MEMORY_FRACTION = 0.5  # refuse single allocations above this share of physical memory


def _physical_memory_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 << 30


MAX_TENSOR_BYTES = int(_physical_memory_bytes() * _MEMORY_FRACTION)


def check_allocation(shape, np_dtype, op_name: str) -> None:
    """Raises TF's OOM error for a tensor too large to allocate, before numpy tries."""
    count = 1
    for dim in shape:
        count *= int(dim)
    size = count * np.dtype(np_dtype).itemsize
    if size > MAX_TENSOR_BYTES:
        dims = ",".join(str(int(d)) for d in shape)
        raise errors.ResourceExhaustedError(
            None, None,
            f"OOM when allocating tensor with shape[{dims}] and type "
            f"{_type_word(np_dtype)} on /job:localhost/replica:0/task:0/device:CPU:0 by "
            f"allocator cpu ({size / 2**30:.1f} GiB requested, limit "
            f"{MAX_TENSOR_BYTES / 2**30:.1f} GiB)")


def _type_word(np_dtype) -> str:
    """TF's word for the type in run-time messages ('float' for float32)."""
    try:
        return dtypes.type_name_for_messages(dtypes.as_dtype(np.dtype(np_dtype)))
    except TypeError:
        return np.dtype(np_dtype).name


_UNSET = object()  # a journal entry for a variable the step initialised


def _root(array: np.ndarray) -> np.ndarray:
    """The array that owns `array`'s memory (numpy points every view straight at it)."""
    return array if array.base is None else array.base


def _writable_view(root: np.ndarray, shape) -> np.ndarray:
    """A view of `root` (writable now) in `shape`: views made while it was read-only stay so."""
    return root if root.shape == shape else root.reshape(shape)


def _seal(value: np.ndarray) -> None:
    _root(value).setflags(write=False)
    if value.base is not None:
        value.setflags(write=False)


class VariableRef:
    """What a `VariableV2` op outputs: a reference to the variable's value in one session.

    The value is a read-only numpy array that the session owns and that reads hand out as is
    (`v/read` aliases it, as a TF ref variable's read does); updates write into it in place
    between `writable()` and `seal()`, so every read of this step sees them, and whatever
    leaves the step is copied at its end (fetches, kept values)."""

    __slots__ = ("_store", "_key", "name", "_runtime")

    def __init__(self, runtime: Runtime, key, name: str):
        self._runtime = runtime
        self._store = runtime.variables
        self._key = key
        self.name = name

    def get(self) -> np.ndarray:
        """The live value (read-only: only update kernels write it, through `writable`)."""
        try:
            return self._store[self._key]
        except KeyError:
            raise errors.FailedPreconditionError(
                None, None, f"Attempting to use uninitialized value {self.name}") from None

    def writable(self) -> np.ndarray:
        """The live value, writable in place until `seal()` (journaled first if the step
        keeps a journal)."""
        value = self.get()
        journal = self._runtime.journal
        if journal is not None and self._key not in journal:
            journal[self._key] = (value, value.copy())
        root = _root(value)
        root.setflags(write=True)
        return value if value is root else _writable_view(root, value.shape)

    def seal(self) -> None:
        """Makes the value read-only again after an in-place update."""
        value = self._store.get(self._key)
        if value is not None:
            _seal(value)

    def replace(self, value: np.ndarray) -> None:
        """Gives the variable a new buffer: `value`, which no one else may hold (TF's Assign
        of a value whose size differs, or of an uninitialised variable)."""
        journal = self._runtime.journal
        if journal is not None and self._key not in journal:
            journal[self._key] = (self._store.get(self._key, _UNSET), None)
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
        self._store[self._key] = value

    def reshape_in_place(self, shape) -> np.ndarray:
        """The value, reshaped over the same buffer (TF's Assign of a value with as many
        elements in another shape); writable until `seal()`."""
        root = _root(self.writable())
        self._store[self._key] = root.reshape(shape)
        return _writable_view(root, shape)

    def is_initialized(self) -> bool:
        return self._key in self._store


class Runtime:
    """The mutable state one session owns: variables and random generators, keyed by op.

    `journal` is None, or, while a step that may be interrupted runs, each variable's value
    before the step's first write to it. `undo_log` holds how to undo the running step's
    changes to resources (queues, iterators), in every step: a kernel that waits can end with
    Ctrl-C even a step that holds Ctrl-C back and keeps no journal. `rollback` undoes both."""

    def __init__(self):
        self.variables = {}
        self.journal = None
        self.undo_log: list[Callable[[], None]] = []
        self._refs = {}
        self._generators = {}
        self._resources: dict = {}

    def ref(self, variable_op) -> VariableRef:
        ref = self._refs.get(variable_op)
        if ref is None:
            ref = self._refs[variable_op] = VariableRef(self, variable_op, variable_op.name)
        return ref

    def rollback(self) -> None:
        """Puts back every variable the journal holds and undoes the step's resource changes,
        newest first: the step leaves no trace in them."""
        journal, self.journal = self.journal or {}, None
        log, self.undo_log = self.undo_log, []
        while log:
            log.pop()()
        for key, (old, saved) in journal.items():
            if old is _UNSET:
                self.variables.pop(key, None)
                continue
            if saved is not None:  # written in place: copy the old contents back
                root = _root(old)
                root.setflags(write=True)
                np.copyto(_writable_view(root, old.shape), saved)
                _seal(old)
            self.variables[key] = old

    def detach(self, values: list) -> None:
        """Replaces, in `values`, every value that aliases a variable's buffer with a copy (a
        variable reference with a copy of its value, or None if it has none), so that later
        steps' updates do not show through what a step record kept."""
        live = {id(_root(v)) for v in self.variables.values() if isinstance(v, np.ndarray)}
        copies: dict[int, Any] = {}
        for slot, value in enumerate(values):
            if value.__class__ is VariableRef:
                value = value._store.get(value._key)
                values[slot] = value
            if value.__class__ is np.ndarray and id(_root(value)) in live:
                copy = copies.get(id(value))
                if copy is None:
                    try:
                        copy = copies[id(value)] = value.copy()
                    except MemoryError:  # keeping a value never fails the step: not kept
                        copy = None
                values[slot] = copy

    def resource(self, key, make):
        """The stateful resource (a queue, an iterator, a reader...) this session keeps under
        `key`, made by `make()` on first use; it lives as long as the session, as TF's
        resource manager keeps a kernel's resource per container and shared name."""
        found = self._resources.get(key)
        if found is None:
            found = self._resources[key] = make()
        return found

    def record_undo(self, undo: Callable[[], None]) -> None:
        """Records `undo()`, which gives back one change the running step made to a resource
        if the step is rolled back."""
        self.undo_log.append(undo)

    def existing_resource(self, key):
        """The resource kept under `key`, or None if no step has made it yet."""
        return self._resources.get(key)

    def random_state(self, op, make):
        """One random op's state in this session (TF's per-kernel generator), made on first use
        by `make(seed, seed2)`: seeded ops restart their stream in each new session.

        An unseeded op (seed and seed2 both 0) gets (unseeded seed, 2**32 + the op's id) when
        the context has an unseeded seed (seed 0 unless a script's --seed), a seed2 outside
        the range TF's seeding gives, so it never repeats a seeded op; else random seeds."""
        state = self._generators.get(op)
        if state is None:
            seeds = op.attrs.get("seed", 0), op.attrs.get("seed2", 0)
            if seeds == (0, 0):
                unseeded_seed = current_context().unseeded_seed
                if unseeded_seed is not None:
                    seeds = (unseeded_seed, 2**32 + op._id)
                else:
                    seeds = tuple(int(s) for s in np.random.default_rng().integers(1, 2**63, 2))
            state = self._generators[op] = make(*seeds)
        return state

