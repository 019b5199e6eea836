"""Per-session state: variable values, random generators, and the limits kernels must respect."""

from __future__ import annotations

import os

import numpy as np

from ..graph import errors
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
            f"{np.dtype(np_dtype).name} on /job:localhost/replica:0/task:0/device:CPU:0 by "
            f"allocator cpu ({size / 2**30:.1f} GiB requested, limit "
            f"{MAX_TENSOR_BYTES / 2**30:.1f} GiB)")


class VariableRef:
    """What a `VariableV2` op outputs: a reference to the variable's value in one session."""

    __slots__ = ("_store", "_key", "name")

    def __init__(self, store: dict, key, name: str):
        self._store = store
        self._key = key
        self.name = name

    def get(self):
        try:
            return self._store[self._key]
        except KeyError:
            raise errors.FailedPreconditionError(
                None, None, f"Attempting to use uninitialized value {self.name}") from None

    def set(self, value) -> None:
        if isinstance(value, np.ndarray):
            value.flags.writeable = False  # fetched values get copied, so state stays private
        self._store[self._key] = value

    def is_initialized(self) -> bool:
        return self._key in self._store


class Runtime:
    """The mutable state one session owns: variables and random generators, keyed by op."""

    def __init__(self):
        self.variables = {}
        self._refs = {}
        self._generators = {}

    def ref(self, variable_op) -> VariableRef:
        ref = self._refs.get(variable_op)
        if ref is None:
            ref = self._refs[variable_op] = VariableRef(self.variables, variable_op,
                                                        variable_op.name)
        return ref

    def generator(self, op) -> np.random.Generator:
        """A generator per random op: seeded ops restart their sequence in each new session."""
        generator = self._generators.get(op)
        if generator is None:
            seed, seed2 = op.attrs.get("seed", 0), op.attrs.get("seed2", 0)
            entropy = None if seed == 0 and seed2 == 0 else [seed, seed2]
            if entropy is None:
                # the context's seed (a script's --seed) makes unseeded ops reproducible
                unseeded_seed = current_context().unseeded_seed
                if unseeded_seed is not None:
                    entropy = [unseeded_seed, op._id]
            generator = self._generators[op] = np.random.Generator(np.random.PCG64(entropy))
        return generator

