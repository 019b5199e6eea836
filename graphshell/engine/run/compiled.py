"""The compiled tier: a plan that runs again becomes one generated Python function.

Each op becomes one line, `x12 = k7(x3, x9)`: kernels and constant values are bound as closure
variables, tensors live in local variables, refs are read inline (`x4.get()`), and nothing is
done per op that does not change between steps (no slot lists, no timestamps). What ran is
implied: every op of the plan, up to the one that failed, which the failing line's number
names. Plans with cond or while loops (dead values) stay on the interpreter. Where it gives the
same values, a line takes a fast path found by fast_paths.py (a scalar read, a Python float from
libm, a result written into a dead input's buffer, a `del` after a value's last use).

A plan bigger than CHUNK_OPS is compiled in chunks, each its own function, chained through the
plan's slot list: Python's compile() is superlinear in the size of one function, and a chunk is
bounded, so compiling is linear. `compiled_form` compiles a bounded share of the plan per run
(before the step, where Ctrl-C stops it) and keeps what it compiled, so an interrupted
compilation goes on where it stopped; the plan runs interpreted until every chunk is compiled.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..graph.dtypes import bool_, float32, string
from .fast_paths import find_fast_paths

_COMPILED_FILES = itertools.count(1)

# Kernels that are exactly a Python operator on numbers: `a * b` calls the same ufunc on
# arrays and takes numpy's much cheaper scalar path on the 0-d values of scalar graphs.
_BINARY_OPERATORS = {np.add: "+", np.subtract: "-", np.multiply: "*"}
_UNARY_OPERATORS = {np.negative: "-"}


# The most ops in one generated function; compile() of one function grows faster than its size.
CHUNK_OPS = 2000
# Each run from the third compiles about 1/COMPILE_SHARE of a big plan (at least a chunk), so a
# compile costs each run about two interpreted steps, and only a plan run ~10 times or more is
# compiled whole (a plan run three times does not pay for compiling all of it).
COMPILE_SHARE = 8
_CANNOT_COMPILE = (SyntaxError, RecursionError, MemoryError, ValueError)


def compiled_form(plan, keep_values):
    """The plan's compiled form once all of it is compiled, else None (run it interpreted).
    Each call compiles the next share of the plan; what is compiled is kept, also when Ctrl-C
    interrupts the call; a plan Python cannot compile stays interpreted for good."""
    compiled = plan.compiled.get(keep_values)
    if compiled is None:
        if keep_values in plan.compiled:  # it could not be compiled
            return None
        compiled = plan.compiled[keep_values] = CompiledPlan(plan, plan.kernels, keep_values,
                                                             compile_now=False)
    if not compiled.ready:
        try:
            compiled.compile_more(max(CHUNK_OPS, len(plan.program) // COMPILE_SHARE))
        except _CANNOT_COMPILE:
            plan.compiled[keep_values] = None
            return None
    return compiled if compiled.ready else None


class CompiledPlan:
    """`run(feed_values, values)` -> the fetched tensors' raw values, in fetch order; with
    `keep_values`, every tensor's value is also stored in `values` (the plan's slot list).

    One function for a plan of at most CHUNK_OPS ops; else one per chunk, made by
    `compile_more` (all at once unless `compile_now` is False)."""

    def __init__(self, plan, kernels, keep_values=False, compile_now=True):
        self._plan, self._kernels, self._keep_values = plan, kernels, keep_values
        self._line_positions = {}  # code object -> {line number: plan position}
        self.compiled_lines = 0   # lines of generated source so far (work, for tests)
        self._chunks = []
        count = len(plan.program)
        self._bounds = [(start, min(start + CHUNK_OPS, count))
                        for start in range(0, count, CHUNK_OPS)] or [(0, 0)]
        self._chained = len(self._bounds) > 1
        if not self._chained:
            self.run = self._run_single
        if compile_now:
            self.compile_more(count)

    @property
    def ready(self) -> bool:
        return len(self._chunks) == len(self._bounds)

    def compile_more(self, ops: int) -> None:
        """Compiles the next chunks, at least one and about `ops` ops of them."""
        done = 0
        while not self.ready and (done == 0 or done < ops):
            start, stop = self._bounds[len(self._chunks)]
            function = _compile_chunk(self._plan, self._kernels, self._keep_values, start, stop,
                                      self._chained, self)
            self._chunks.append(function)  # one store: an interrupt keeps it or not, whole
            done += stop - start

    def _run_single(self, feed_values, values):
        return self._chunks[0](feed_values, values)

    def run(self, feed_values, values):
        plan = self._plan
        if values is None:
            values = plan.template.copy()
        for slot, value in zip(plan.feed_slots, feed_values):
            values[slot] = value
        for chunk in self._chunks:
            chunk(values)
        return tuple([values[slot] for slot, _ in plan.fetch_slots])

    def failed_position(self, error: BaseException) -> int:
        """The 1-based plan position of the op whose line raised `error` (0 if none did)."""
        traceback = error.__traceback__
        position = 0
        while traceback is not None:
            lines = self._line_positions.get(traceback.tb_frame.f_code)
            if lines is not None:
                position = lines.get(traceback.tb_lineno, 0)
            traceback = traceback.tb_next
        return position


def _compile_chunk(plan, kernels, keep_values, start, stop, chained, compiled):
    """The function running entries start..stop of the plan's program (all of it, taking feeds
    and returning the fetches, unless `chained`: then it reads and writes the slot list)."""
    source, bindings, line_positions = _generate(plan, kernels, keep_values, start, stop,
                                                 chained)
    filename = f"<graphshell plan {next(_COMPILED_FILES)}>"
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    function = namespace["make"](*bindings)
    compiled._line_positions[function.__code__] = line_positions
    compiled.compiled_lines += source.count("\n") + 1
    return function


def _unpack(targets):
    return ", ".join(targets) + ("," if len(targets) == 1 else "")


def _inline(op, kernel, args, name_of, python_float=False):
    """The op as an expression that computes exactly what its kernel does, without calling it
    (operators, the op definition's own inline form, libm calls for float32 scalars), or None.
    With `python_float`, a libm call's result stays the Python float ctypes returns."""
    if not all(t.dtype.base_dtype not in (bool_, string) for t in op._inputs):
        return None
    try:
        if len(args) == 2 and kernel in _BINARY_OPERATORS:
            return f"{args[0]} {_BINARY_OPERATORS[kernel]} {args[1]}"
        if len(args) == 1 and kernel in _UNARY_OPERATORS:
            return f"{_UNARY_OPERATORS[kernel]}{args[0]}"
    except TypeError:  # an unhashable kernel (a bound method, say) is never an operator
        return None
    if op._opdef.inline is not None:
        expression = op._opdef.inline(op, args)
        if expression is not None:
            return expression
    c_scalar = getattr(kernel, "c_scalar", None)
    output = op._outputs[0] if op._outputs else None
    if c_scalar is not None and output._shape == () and output.dtype.base_dtype is float32:
        if python_float:
            return f"{name_of(c_scalar)}({args[0]})"
        return f"{name_of(np.float32)}({name_of(c_scalar)}({args[0]}))"
    return None


def _generate(plan, kernels, keep_values, start=0, stop=None, chained=False):
    """(source, closure values, {line number: plan position}) for entries start..stop of
    `plan`; a `chained` chunk reads what it did not compute from the slot list (constants,
    feeds, earlier chunks' outputs) and writes every output there."""
    names, values, kernel_names = [], [], {}

    def bind(name, value):
        names.append(name)
        values.append(value)

    def kernel_name(kernel):
        """One closure name per distinct kernel: fewer names compile much faster."""
        name = kernel_names.get(id(kernel))
        if name is None:
            name = kernel_names[id(kernel)] = f"k{len(kernel_names)}"
            bind(name, kernel)
        return name

    body, line_positions, loaded = [], {}, set()
    for slot, _ in enumerate(plan.template if not chained else ()):
        if plan.template[slot] is not None:
            bind(f"x{slot}", plan.template[slot])  # inlined constants
    write_through = keep_values or chained

    def target(slot):
        loaded.add(slot)
        return f"x{slot} = values[{slot}]" if write_through else f"x{slot}"

    for k, slot in enumerate(plan.feed_slots if not chained else ()):
        body.append(f"{target(slot)} = feeds[{k}]")
    fast = find_fast_paths(plan, kernels, start, len(plan.program) if stop is None else stop,
                           keep_values, chained)
    for index, entry in enumerate(plan.program[start:stop], start):
        kernel, ref_positions = kernels[index]
        _, ins, out, position = entry
        if chained:
            _load_inputs(ins, loaded, body)
        args = [f"x{slot}.get()" if i in ref_positions else f"x{slot}"
                for i, slot in enumerate(ins)]
        call = _fast_call(fast, index, ins, args, kernel, kernel_name) or \
            _inline(plan.ops[position - 1], kernel, args, kernel_name,
                    index in fast.python_floats) or f"{kernel_name(kernel)}({', '.join(args)})"
        if out.__class__ is int:
            statement = f"{target(out)} = {call}"
        elif out:
            loaded.update(out)
            statement = f"{_unpack([f'x{slot}' for slot in out])} = {call}"
            if write_through:  # chained: `x1, x2 = values[1], values[2] = k3(x0)`
                statement = (f"{_unpack([f'x{slot}' for slot in out])} = "
                             f"{_unpack([f'values[{slot}]' for slot in out])} = {call}")
        else:
            statement = call
        if index in fast.frees:  # on the op's line: a failure there still names the op
            statement += f"; del {', '.join(f'x{slot}' for slot in fast.frees[index])}"
        body.append(statement)
        line_positions[len(body) + 2] = position  # +2: the `def make` and `def run` lines
    if chained:
        body.append("return None")
    else:
        fetched = ", ".join(f"x{slot}" for slot, _ in plan.fetch_slots)
        body.append(f"return ({fetched}{',' if len(plan.fetch_slots) == 1 else ''})")
    source = "\n".join(
        [f"def make({', '.join(names)}):",
         "    def run(values):" if chained else "    def run(feeds, values):"]
        + [f"        {line}" for line in body] + ["    return run"])
    return source, values, line_positions


def _fast_call(fast, index, ins, args, kernel, kernel_name):
    """The entry's call on a fast path (fast_paths.py): a scalar read or a forwarded buffer."""
    if index in fast.scalar_reads:
        return f"{args[0]}[()]"
    if index in fast.scalar_fills:
        return args[1]
    slot = fast.forwarded.get(index)
    if slot is not None:
        return f"{kernel_name(kernel)}({', '.join(args)}, out=x{slot})"
    return None


def _load_inputs(ins, loaded, body) -> None:
    """`x3 = values[3]` for each input slot a chained chunk reads before it has it."""
    for slot in ins:
        if slot not in loaded:
            loaded.add(slot)
            body.append(f"x{slot} = values[{slot}]")
