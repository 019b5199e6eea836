"""The budget for the values a shell keeps from its steps, and the ledger that enforces it.

A shell keeps each step's values (feeds, fetched results, intermediates) so `:inspect` and the
explorer can show them. They are kept under a budget of bytes and of steps: after every step
the oldest steps' values are dropped until both hold, and a single value larger than the whole
byte budget is not kept at all. A step whose values were dropped stays in the history (what
ran, its times, names, shapes, dtypes); `Step.value_note` says why its values are gone.

Sizes are the arrays' bytes (`nbytes`), each buffer of 4 KiB or more counted once however
many steps, slots or views hold it; constants the plan keeps anyway are not counted.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

DEFAULT_KEEP_BYTES = 256 * 2**20
DEFAULT_KEEP_STEPS = 100
ENV_KEEP_BYTES = "GRAPHSHELL_KEEP_BYTES"
ENV_KEEP_STEPS = "GRAPHSHELL_KEEP_STEPS"
SHARED_MIN_BYTES = 4096  # smaller arrays in slots are summed, not counted once across steps
MAX_LEAVES_PER_VALUE = 10_000  # a value nested deeper or wider than this is counted in part

_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
_SIZE = re.compile(r"^(\d+(?:\.\d*)?)\s*([kmgt]?)(?:i?b)?$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """`256M`, `1.5G`, `64KiB`, `0`, `1048576` (bytes; units are powers of 1024)."""
    cleaned = str(text).strip()
    if cleaned.lower() == "off":
        return 0
    match = _SIZE.match(cleaned)
    if match is None:
        raise ValueError(f"not a size: {text!r} (write it like 256M, 1G or 0)")
    return int(float(match[1]) * _UNITS[match[2].lower()])


def parse_count(text: str) -> int:
    """A step count: a whole number, 0 or more."""
    cleaned = str(text).strip()
    if not cleaned.isdigit():
        raise ValueError(f"not a number of steps: {text!r} (write it like 100 or 0)")
    return int(cleaned)


def format_size(size: int) -> str:
    """`256 MiB`, `1.5 GiB`, `800 B`: a byte count as people read it."""
    for unit, name in ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if size >= unit:
            return f"{size / unit:.1f}".removesuffix(".0") + f" {name}"
    return f"{size} B"


def _size_word(size: int) -> str:
    """The size as `:keep` takes it: 512M, 2G."""
    for unit, name in ((2**30, "G"), (2**20, "M"), (2**10, "K")):
        if size >= unit and size % unit == 0:
            return f"{size // unit}{name}"
    return str(size)


def _raised_size(needed: int) -> int:
    """A round budget at least `needed`: the next power of two in MiB, at least 16 MiB."""
    size = 16 * 2**20
    while size < needed:
        size *= 2
    return size


@dataclass(frozen=True)
class Budget:
    """How much of its steps' values a shell keeps: at most `max_bytes`, for the last
    `max_steps` steps; 0 in either keeps nothing."""

    max_bytes: int = DEFAULT_KEEP_BYTES
    max_steps: int = DEFAULT_KEEP_STEPS

    def __post_init__(self):
        if self.max_bytes < 0 or self.max_steps < 0:
            raise ValueError("a keep budget cannot be negative")

    @property
    def keeps_any(self) -> bool:
        return self.max_bytes > 0 and self.max_steps > 0

    def describe(self) -> str:
        if not self.keeps_any:
            return "keeping no step values (off)"
        steps = "step" if self.max_steps == 1 else f"{self.max_steps} steps"
        return f"keeping step values up to {format_size(self.max_bytes)}, for the last {steps}"

    @classmethod
    def from_environment(cls, max_bytes: int | None = None,
                         max_steps: int | None = None) -> Budget:
        """The budget given, else the command line's (`configure`), else
        $GRAPHSHELL_KEEP_BYTES / $GRAPHSHELL_KEEP_STEPS, else the defaults. Raises
        ValueError naming the variable if one is malformed."""
        if max_bytes is None:
            max_bytes = _from_variable(ENV_KEEP_BYTES, parse_size, DEFAULT_KEEP_BYTES)
        if max_steps is None:
            max_steps = _from_variable(ENV_KEEP_STEPS, parse_count, DEFAULT_KEEP_STEPS)
        return cls(max_bytes, max_steps)


_configured: dict[str, int] = {}  # set by the command line (--keep-bytes, --keep-steps)


def configure(max_bytes: int | None = None, max_steps: int | None = None) -> None:
    """Sets this process's default budget for new shells (the command line's options); a
    None leaves that part to the environment or the default."""
    for name, value in ((ENV_KEEP_BYTES, max_bytes), (ENV_KEEP_STEPS, max_steps)):
        if value is None:
            _configured.pop(name, None)
        else:
            _configured[name] = value


def _from_variable(name: str, parse, default: int) -> int:
    if name in _configured:
        return _configured[name]
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return parse(text)
    except ValueError as error:
        raise ValueError(f"${name}: {error}") from None


class KeptValues:
    """The ledger of the values a shell's steps keep, trimmed to the budget after each step."""

    def __init__(self, budget: Budget):
        self.budget = budget
        self.total_bytes = 0
        # (step, its large buffers' keys, its small arrays' bytes, all its bytes), oldest first
        self._kept: deque = deque()
        self._buffers: dict[int, list[int]] = {}  # id of a buffer -> [bytes, steps holding it]
        self._lock = threading.Lock()  # steps may be published from several threads

    # -- what the shell calls -------------------------------------------------------------
    def add(self, step) -> None:
        """Accounts a new step's values and trims the oldest to fit. Keeping never fails a
        step: if even the accounting runs out of memory, the step's values are dropped."""
        with self._lock:
            try:
                self._add(step)
                self._trim()
            except MemoryError:
                step.release_values("there was no memory left to keep them")

    def set_budget(self, budget: Budget) -> None:
        with self._lock:
            self.budget = budget
            self._trim()

    def drop_all(self, reason: str) -> None:
        """Drops every kept value (to free memory), saying why."""
        with self._lock:
            while self._kept:
                self._drop_oldest(reason)

    def clear(self) -> None:
        """Forgets the ledger (the shell's :reset dropped its steps)."""
        with self._lock:
            self._kept.clear()
            self._buffers.clear()
            self.total_bytes = 0

    @property
    def kept_steps(self) -> list:
        return [entry[0] for entry in self._kept]

    def status(self) -> str:
        """`keeping ... : now 12 steps (5-16), 3.1 MiB`."""
        steps = self.kept_steps
        if not steps:
            return f"{self.budget.describe()}; none kept now"
        numbers = f"step {steps[0].number}" if len(steps) == 1 else \
            f"{len(steps)} steps ({steps[0].number}-{steps[-1].number})"
        return f"{self.budget.describe()}; now {numbers}, {format_size(self.total_bytes)}"

    # -- the accounting ---------------------------------------------------------------------
    def _add(self, step) -> None:
        if step.values is None and step.feed_dict is None and step.results is None:
            return
        if not self.budget.keeps_any:
            step.release_values(f"keeping values is off (:keep {_size_word(DEFAULT_KEEP_BYTES)} "
                                "turns it on)")
            return
        found, small = _step_buffers(step)
        limit = self.budget.max_bytes
        too_big = [key for key, nbytes in found.items() if nbytes > limit]
        if too_big:
            self._drop_too_big(step, too_big, found)
        buffers, total = self._buffers, small
        for key, nbytes in found.items():
            entry = buffers.get(key)
            if entry is None:
                buffers[key] = [nbytes, 1]
                total += nbytes
            else:
                entry[1] += 1
        self.total_bytes += total
        self._kept.append((step, list(found), small, sum(found.values()) + small))

    def _drop_too_big(self, step, keys: list[int], found: dict[int, int]) -> None:
        """Drops the step's values bigger than the whole budget (they leave `found`)."""
        sizes = {key: found.pop(key) for key in keys}
        values = step.values or []
        for slot, value in enumerate(values):
            for key, _ in _buffers_in(value) if value is not None else ():
                if key in sizes:
                    step.drop_value(slot, self._too_big_reason(sizes[key]))
                    break
        outside = {key for item in (step.feed_dict, step.results) for key, _ in _buffers_in(item)}
        if outside & set(sizes):  # the same array as fed or fetched: the slots are what is shown
            step.feed_dict = None
            step.results = None

    def _too_big_reason(self, nbytes: int) -> str:
        return (f"at {format_size(nbytes)} it is bigger than the whole budget of "
                f"{format_size(self.budget.max_bytes)} (:keep {_size_word(_raised_size(nbytes))}"
                " raises it)")

    def _trim(self) -> None:
        budget = self.budget
        if not budget.keeps_any:
            while self._kept:
                self._drop_oldest(f"keeping values is off (:keep "
                                  f"{_size_word(DEFAULT_KEEP_BYTES)} turns it on)")
            return
        while len(self._kept) > budget.max_steps:
            last = "step" if budget.max_steps == 1 else f"{budget.max_steps} steps"
            self._drop_oldest(f"values are kept for the last {last} only (:keep "
                              f"{_size_word(budget.max_bytes)} {budget.max_steps * 10} raises "
                              "it)")
        while self._kept and self.total_bytes > budget.max_bytes:
            newest = len(self._kept) == 1
            size = self._kept[0][3]
            raised = _size_word(_raised_size(max(size, budget.max_bytes * 2)))
            what = (f"this step's values ({format_size(size)}) are more than" if newest else
                    "older values are dropped to stay under")
            self._drop_oldest(f"{what} the {format_size(budget.max_bytes)} budget (:keep "
                              f"{raised} raises it)")

    def _drop_oldest(self, reason: str) -> None:
        step, keys, small, _ = self._kept.popleft()
        self.total_bytes -= small
        for key in keys:
            entry = self._buffers[key]
            entry[1] -= 1
            if entry[1] == 0:
                del self._buffers[key]
                self.total_bytes -= entry[0]
        step.release_values(reason)


def _step_buffers(step) -> tuple[dict[int, int], int]:
    """What a step holds (its slots, feed dict and results): the distinct large buffers
    (id -> bytes), and the bytes of the small arrays, simply summed (counting those once
    across steps would cost more than they weigh). Constants the plan holds are left out."""
    found: dict[int, int] = {}
    small = 0
    values = step.values
    if values is not None and step.plan is not None:
        template = step.plan.template
        ndarray = np.ndarray
        for slot, value in enumerate(values):
            if value is None or value is template[slot]:
                continue
            if value.__class__ is ndarray:  # the common case, inline: this runs per slot
                root = value
                while root.base.__class__ is ndarray:
                    root = root.base
                nbytes = root.nbytes
                if nbytes < SHARED_MIN_BYTES and not root.dtype.hasobject:
                    small += nbytes
                else:
                    found[id(root)] = _array_bytes(root)
            elif isinstance(value, np.generic):  # scalars: most slots of scalar graphs
                small += value.nbytes
            else:
                found.update(_buffers_in(value))
    for outside in (step.feed_dict, step.results):  # small ones are the slots' again
        found.update(item for item in _buffers_in(outside) if item[1] >= SHARED_MIN_BYTES)
    return found, small


def _buffers_in(value) -> Iterator[tuple[int, int]]:
    """(id, bytes) of each array, numpy scalar or string in a value (lists, tuples and dicts
    are looked into); a view counts as the array whose memory it shares."""
    pending, seen = [value], 0
    while pending and seen < MAX_LEAVES_PER_VALUE:
        item = pending.pop()
        seen += 1
        if isinstance(item, np.ndarray):
            root = item
            while isinstance(root.base, np.ndarray):
                root = root.base
            yield id(root), _array_bytes(root)
        elif isinstance(item, np.generic):
            yield id(item), item.nbytes
        elif isinstance(item, (bytes, bytearray, str)):
            yield id(item), len(item)
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())


def _array_bytes(array: np.ndarray) -> int:
    """An array's bytes; for object arrays (strings) also an estimate of what they point to,
    from a sample of their elements."""
    size = array.nbytes
    if array.dtype.hasobject and array.size:
        sample = min(array.size, 64)
        flat = array.flat
        pointed = sum(sys.getsizeof(flat[i]) for i in range(sample))
        size += pointed * array.size // sample
    return size
