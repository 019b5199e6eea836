"""What a dataset op's variant output holds: one pipeline stage, able to produce its elements.

Each stage is a small class over its input stage(s); `elements(pass_)` is a Python iterator of
elements (tuples of numpy values, one per component) for one pass over the stage. A `Pass` is
the state one iterator initialisation shares across the stages it runs (the shuffle stages'
seed generators, as TF keeps them in the iterator's resource manager).
"""

from __future__ import annotations

import itertools
import os

import numpy as np

from ..graph import errors
from .philox import philox_words
from .py_func_ops import _error_class as _py_func_error_class

_MASK64 = 2**64 - 1


class Pass:
    """The state of one iterator initialisation that outlives the stage iterators it makes."""

    def __init__(self):
        self.seed_generators: dict = {}


class DatasetValue:
    """A pipeline stage; subclasses give `elements`."""

    def elements(self, pass_: Pass):  # pragma: no cover - every stage overrides it
        raise NotImplementedError


class TensorSlices(DatasetValue):
    def __init__(self, components):
        self.components = components

    def elements(self, pass_):
        count = len(self.components[0]) if self.components[0].ndim else 0
        for index in range(count):
            yield tuple(component[index] for component in self.components)


class WholeTensors(DatasetValue):
    def __init__(self, components):
        self.components = tuple(components)

    def elements(self, pass_):
        yield self.components


class Range(DatasetValue):
    def __init__(self, start, stop, step, dtype):
        self.bounds, self.np_type = (int(start), int(stop), int(step)), dtype.as_numpy_dtype

    def elements(self, pass_):
        for value in range(*self.bounds):
            yield (self.np_type(value),)


class FromGenerator(DatasetValue):
    """Elements of a Python generator function, checked against the declared types."""

    def __init__(self, make_generator, convert):
        self.make_generator, self.convert = make_generator, convert

    def elements(self, pass_):
        items = iter(self.make_generator())
        while True:
            try:
                item = next(items)
            except StopIteration:
                return
            except Exception as exception:  # as TF's py_func: the error class by the exception's
                raise _py_func_error_class(exception)(
                    None, None, f"{type(exception).__name__}: {exception}") from exception
            yield self.convert(item)


class Zip(DatasetValue):
    def __init__(self, inputs):
        self.inputs = inputs

    def elements(self, pass_):
        for parts in zip(*(stage.elements(pass_) for stage in self.inputs)):
            yield tuple(itertools.chain.from_iterable(parts))


class Concatenate(DatasetValue):
    def __init__(self, first, second):
        self.first, self.second = first, second

    def elements(self, pass_):
        yield from self.first.elements(pass_)
        yield from self.second.elements(pass_)


class Mapped(DatasetValue):
    def __init__(self, source, function, captured=()):
        self.source, self.function, self.captured = source, function, tuple(captured)

    def elements(self, pass_):
        function, captured = self.function, self.captured
        for element in self.source.elements(pass_):
            yield function(element + captured)


class Filtered(DatasetValue):
    def __init__(self, source, predicate, op):
        self.source, self.predicate, self.op = source, predicate, op

    def elements(self, pass_):
        for element in self.source.elements(pass_):
            keep = np.asarray(self.predicate(element)[0])
            if keep.shape != () or keep.dtype != np.bool_:
                raise errors.InvalidArgumentError(
                    None, self.op, "Filter predicate `predicate` must return a scalar bool.")
            if keep:
                yield element


class FlatMapped(DatasetValue):
    def __init__(self, source, function):
        self.source, self.function = source, function

    def elements(self, pass_):
        for element in self.source.elements(pass_):
            yield from self.function(element)[0].elements(pass_)


class Interleaved(DatasetValue):
    """TF's interleave: `cycle_length` open inner datasets, `block_length` elements each in
    turn; an exhausted one is replaced by the next input element's dataset."""

    def __init__(self, source, function, cycle_length, block_length):
        self.source, self.function = source, function
        if cycle_length < 0:  # AUTOTUNE: TF opens one per schedulable CPU
            cycle_length = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
                else (os.cpu_count() or 1)
        self.cycle_length, self.block_length = max(cycle_length, 1), block_length

    def elements(self, pass_):
        inputs = iter(self.source.elements(pass_))
        cycle: list = [None] * self.cycle_length
        open_count, index, block, input_done = 0, 0, 0, False
        while not input_done or open_count:
            current = cycle[index]
            if current is not None:
                element = next(current, None)
                if element is not None:
                    yield element
                    block += 1
                    if block < self.block_length:
                        continue
                else:
                    cycle[index] = None
                    open_count -= 1
            elif not input_done:
                element = next(inputs, None)
                if element is None:
                    input_done = True
                else:
                    cycle[index] = iter(self.function(element)[0].elements(pass_))
                    open_count += 1
                continue
            index, block = (index + 1) % self.cycle_length, 0


class Taken(DatasetValue):
    def __init__(self, source, count):
        self.source, self.count = source, int(count)

    def elements(self, pass_):
        stream = self.source.elements(pass_)
        yield from (stream if self.count < 0 else itertools.islice(stream, self.count))


class Skipped(DatasetValue):
    def __init__(self, source, count):
        self.source, self.count = source, int(count)

    def elements(self, pass_):
        stream = self.source.elements(pass_)
        if self.count < 0:
            for _ in stream:
                pass
            return
        for _ in itertools.islice(stream, self.count):
            pass
        yield from stream


class Repeated(DatasetValue):
    def __init__(self, source, count):
        self.source, self.count = source, int(count)

    def elements(self, pass_):
        epochs = itertools.count() if self.count < 0 else range(self.count)
        for _ in epochs:
            produced = False
            for element in self.source.elements(pass_):
                produced = True
                yield element
            if not produced and self.count < 0:  # an empty input would repeat forever
                return


class Passthrough(DatasetValue):
    """A stage that changes how elements are produced, not which (prefetch, options)."""

    def __init__(self, source):
        self.source = source

    def elements(self, pass_):
        return self.source.elements(pass_)


class Cached(DatasetValue):
    """An in-memory cache: the first complete pass is recorded and later passes replay it."""

    def __init__(self, source):
        self.source, self.recorded = source, None

    def elements(self, pass_):
        if self.recorded is not None:
            yield from self.recorded
            return
        seen = []
        for element in self.source.elements(pass_):
            seen.append(element)
            yield element
        self.recorded = seen


class Batched(DatasetValue):
    def __init__(self, source, batch_size, drop_remainder, op):
        self.source, self.size, self.drop = source, int(batch_size), bool(drop_remainder)
        self.op = op

    def elements(self, pass_):
        stream = self.source.elements(pass_)
        while True:
            group = list(itertools.islice(stream, self.size))
            if not group or (self.drop and len(group) < self.size):
                return
            yield self.combine(group)

    def combine(self, group):
        batch = []
        for parts in zip(*group):
            arrays = [np.asarray(part) for part in parts]
            for array in arrays[1:]:
                if array.shape != arrays[0].shape:
                    raise errors.InvalidArgumentError(
                        None, self.op,
                        "Cannot add tensor to the batch: number of elements does not match. "
                        f"Shapes are: [tensor]: {_dims(array.shape)}, [batch]: "
                        f"{_dims(arrays[0].shape)}")
            batch.append(np.stack(arrays))
        return tuple(batch)


class PaddedBatched(Batched):
    def __init__(self, source, batch_size, drop_remainder, padded_shapes, padding_values, op):
        super().__init__(source, batch_size, drop_remainder, op)
        self.padded_shapes, self.padding_values = padded_shapes, padding_values

    def combine(self, group):
        batch = []
        for k, parts in enumerate(zip(*group)):
            arrays = [np.asarray(part) for part in parts]
            wanted = [int(d) for d in np.ravel(self.padded_shapes[k])]
            longest = np.max([a.shape for a in arrays], axis=0) if arrays[0].ndim else []
            shape = [int(m) if w < 0 else w for w, m in zip(wanted, longest)]
            for array in arrays:
                if any(d > s for d, s in zip(array.shape, shape)):
                    raise errors.InvalidArgumentError(
                        None, self.op, "Attempted to pad to a smaller size than the input "
                                       "element.")
            out = np.full([len(arrays)] + shape, self.padding_values[k],
                          dtype=arrays[0].dtype)
            for row, array in enumerate(arrays):
                out[(row,) + tuple(slice(0, d) for d in array.shape)] = array
            batch.append(out)
        return tuple(batch)


class _SampleStream:
    """TF's SingleSampleAdapter over PhiloxRandom(seed, seed2): uint32 words one at a time."""

    _CHUNK = 256  # words fetched at once (64 Philox blocks)

    def __init__(self, seed: int, seed2: int):
        self.key, self.counter = seed & _MASK64, (seed2 & _MASK64) << 64
        self.words, self.next = np.empty(0, np.uint32), 0

    def __call__(self) -> int:
        if self.next == len(self.words):
            self.words = philox_words(self.key, self.counter, self._CHUNK)
            self.counter = (self.counter + self._CHUNK // 4) % 2**128
            self.next = 0
        word = int(self.words[self.next])
        self.next += 1
        return word


class Shuffled(DatasetValue):
    """TF's shuffle buffer: fill it, then hand out a uniformly chosen element and refill."""

    def __init__(self, source, buffer_size, seed, seed2, reshuffle):
        self.source, self.buffer_size = source, int(buffer_size)
        if seed == 0 and seed2 == 0:  # TF: both zero means a nondeterministic seed
            seed, seed2 = (int(s) for s in np.random.default_rng().integers(1, 2**63, 2))
        self.seeds, self.reshuffle = (int(seed), int(seed2)), reshuffle

    def _pass_seeds(self, pass_):
        if not self.reshuffle:
            return self.seeds
        generator = pass_.seed_generators.get(id(self))
        if generator is None:  # one per iterator: each pass over the stage draws new seeds
            generator = pass_.seed_generators[id(self)] = _SampleStream(*self.seeds)
        return generator(), generator()

    def elements(self, pass_):
        random = _SampleStream(*self._pass_seeds(pass_))
        size = self.buffer_size
        buffer: list = [None] * min(size, 1 << 16)  # grows to `size` only if it fills
        start = end = 0  # the buffer holds elements start..end-1, at position (i % size)
        stream = iter(self.source.elements(pass_))
        exhausted = False
        while True:
            while not exhausted and end - start < size:
                element = next(stream, None)
                if element is None:
                    exhausted = True
                    break
                if end - start == len(buffer) < size:
                    buffer = _grown(buffer, start, size)
                buffer[end % len(buffer)] = element
                end += 1
            if start == end:
                return
            index = (start + random() % (end - start)) % len(buffer)
            first = start % len(buffer)
            chosen, buffer[index], buffer[first] = buffer[index], buffer[first], None
            start += 1
            yield chosen


def _grown(buffer: list, start: int, size: int) -> list:
    """The circular buffer at twice its length (at most `size`), its elements where they go."""
    length = min(2 * len(buffer), size)
    grown: list = [None] * length
    for i in range(start, start + len(buffer)):
        grown[i % length] = buffer[i % len(buffer)]
    return grown


def _dims(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"
