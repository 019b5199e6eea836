"""The compiled tier: a plan that runs again becomes one generated Python function.

Each op becomes one line, `x12 = k7(x3, x9)`: kernels and constant values are bound as closure
variables, tensors live in local variables, refs are read inline (`x4.get()`), and nothing is
done per op that does not change between steps (no slot lists, no timestamps). What ran is
implied: every op of the plan, up to the one that failed, which the failing line's number
names. Plans with cond or while loops (dead values) stay on the interpreter.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..graph.dtypes import bool_, float32, string

_COMPILED_FILES = itertools.count(1)

# Kernels that are exactly a Python operator on numbers: `a * b` calls the same ufunc on
# arrays and takes numpy's much cheaper scalar path on the 0-d values of scalar graphs.
_BINARY_OPERATORS = {np.add: "+", np.subtract: "-", np.multiply: "*"}
_UNARY_OPERATORS = {np.negative: "-"}


class CompiledPlan:
    """`run(feed_values, values)` -> the fetched tensors' raw values, in fetch order; with
    `keep_values`, every tensor's value is also stored in `values` (the plan's slot list)."""

    def __init__(self, plan, kernels, keep_values=False):
        source, bindings, self._line_positions = _generate(plan, kernels, keep_values)
        filename = f"<graphshell plan {next(_COMPILED_FILES)}>"
        namespace = {}
        exec(compile(source, filename, "exec"), namespace)
        self.run = namespace["make"](*bindings)
        self._code = self.run.__code__

    def failed_position(self, error: BaseException) -> int:
        """The 1-based plan position of the op whose line raised `error` (0 if none did)."""
        traceback = error.__traceback__
        position = 0
        while traceback is not None:
            if traceback.tb_frame.f_code is self._code:
                position = self._line_positions.get(traceback.tb_lineno, 0)
            traceback = traceback.tb_next
        return position


def _unpack(targets):
    return ", ".join(targets) + ("," if len(targets) == 1 else "")


def _inline(op, kernel, args, name_of):
    """The op as an expression that computes exactly what its kernel does, without calling it
    (operators, the op definition's own inline form, libm calls for float32 scalars), or None."""
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
        return f"{name_of(np.float32)}({name_of(c_scalar)}({args[0]}))"
    return None


def _generate(plan, kernels, keep_values):
    """(source, closure values, {line number: plan position}) for `plan`."""
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

    body, line_positions = [], {}
    for slot, _ in enumerate(plan.template):
        if plan.template[slot] is not None:
            bind(f"x{slot}", plan.template[slot])  # inlined constants

    def target(slot):
        return f"x{slot} = values[{slot}]" if keep_values else f"x{slot}"

    for k, slot in enumerate(plan.feed_slots):
        body.append(f"{target(slot)} = feeds[{k}]")
    for entry, (kernel, ref_positions) in zip(plan.program, kernels):
        _, ins, out, position = entry
        args = [f"x{slot}.get()" if i in ref_positions else f"x{slot}"
                for i, slot in enumerate(ins)]
        call = (_inline(plan.ops[position - 1], kernel, args, kernel_name)
                or f"{kernel_name(kernel)}({', '.join(args)})")
        if out.__class__ is int:
            statement = f"{target(out)} = {call}"
        elif out:
            statement = f"{_unpack([f'x{slot}' for slot in out])} = {call}"
            if keep_values:  # chained: `x1, x2 = values[1], values[2] = k3(x0)`
                statement = (f"{_unpack([f'x{slot}' for slot in out])} = "
                             f"{_unpack([f'values[{slot}]' for slot in out])} = {call}")
        else:
            statement = call
        body.append(statement)
        line_positions[len(body) + 2] = position  # +2: the `def make` and `def run` lines
    fetched = ", ".join(f"x{slot}" for slot, _ in plan.fetch_slots)
    body.append(f"return ({fetched}{',' if len(plan.fetch_slots) == 1 else ''})")
    source = "\n".join(
        [f"def make({', '.join(names)}):", "    def run(feeds, values):"]
        + [f"        {line}" for line in body] + ["    return run"])
    return source, values, line_positions
