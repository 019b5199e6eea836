"""What a compiled plan may do faster than calling each kernel, found once when it compiles.

Three fast paths, each giving the interpreter's values bit for bit:
- scalar reads: an `Identity` reading a scalar float variable yields a numpy scalar, not the
  0-d array (numpy's scalar arithmetic costs a fraction of 0-d array arithmetic), in plans that
  write no variable (so a snapshot equals the aliasing read); a `Fill` of no dimensions with a
  constant scalar (tf.gradients' seed) is that scalar;
- Python floats: the C library's float32 sin/cos result stays the Python float ctypes returns
  (it is exactly a float32 value) when every consumer is `*`, `+` or `-` with a numpy float32
  operand: numpy >= 2 converts a Python float to float32 there (NEP 50), exactly;
- buffer forwarding: an elementwise ufunc writes its result into a big input buffer that dies
  with it (`out=`), as TF's allocator forwards buffers, and an intermediate is dropped after its
  last consumer. Only buffers the step made itself are reused: never a fed value, a variable's
  buffer, a constant, a fetched value, or a value kept for the step record (no forwarding and no
  freeing when values are kept), and only buffers no other value can alias (every consumer is a
  ufunc, whose result is a fresh array).
"""

from __future__ import annotations

import numpy as np

from ..graph.dtypes import bool_, string

# Kernels the generated code writes as a Python operator (compiled._BINARY_OPERATORS).
OPERATOR_UFUNCS = (np.add, np.subtract, np.multiply)
# Below this a fresh allocation is cheap (numpy's own temporary elision starts at 256 KiB).
FORWARD_MIN_BYTES = 64 * 1024
_NEP50 = int(np.__version__.split(".")[0]) >= 2


class FastPaths:
    """For entries start..stop of a plan's program: program index -> what to do there."""

    def __init__(self):
        self.scalar_reads: set[int] = set()     # entries whose read gives a numpy scalar
        self.scalar_fills: set[int] = set()     # Fill of a constant scalar: that scalar
        self.python_floats: set[int] = set()    # entries whose trig result stays a float
        self.forwarded: dict[int, int] = {}     # entry -> input slot its result is written to
        self.frees: dict[int, list[int]] = {}   # entry -> slots dead after it


def find_fast_paths(plan, kernels, start: int, stop: int, keep_values: bool,
                    chained: bool) -> FastPaths:
    """The fast paths of entries start..stop: scalar reads always; Python floats, forwarding
    and freeing only in a single function that keeps no values (locals die with it)."""
    paths = FastPaths()
    entries = plan.program[start:stop]
    ops = [plan.ops[entry[3] - 1] for entry in entries]
    if not _writes_variables(ops):
        paths.scalar_reads = {start + i for i, (op, (_, refs)) in
                              enumerate(zip(ops, kernels[start:stop])) if _scalar_read(op, refs)}
    paths.scalar_fills = {start + i for i, (op, entry) in enumerate(zip(ops, entries))
                          if _scalar_fill(op, entry[1], plan.template)}
    if keep_values or chained:
        return paths
    consumers = _consumers(entries, start)
    fetched = {slot for slot, _ in plan.fetch_slots}
    tensor_of = _tensors_by_slot(entries, ops)
    if _NEP50:
        paths.python_floats = _python_floats(entries, ops, kernels, start, consumers, fetched,
                                             plan.template)
    _forward_and_free(paths, entries, ops, kernels, start, consumers, fetched, tensor_of)
    return paths


def _writes_variables(ops) -> bool:
    return any(op._opdef.ref_inputs for op in ops)


def _scalar_read(op, ref_positions) -> bool:
    """An Identity reading a scalar float variable (its output is a value, not a ref)."""
    if op.type != "Identity" or ref_positions != (0,):
        return False
    output = op._outputs[0]
    return output._shape == () and output.dtype._base is output.dtype and \
        output.dtype.is_floating


def _scalar_fill(op, ins, template) -> bool:
    """A Fill of no dimensions with a constant numpy scalar (a gradient's seed of ones): its
    value is that scalar (the kernel's 0-d array computes the same in every consumer)."""
    if op.type != "Fill":
        return False
    dims, value = (template[slot] for slot in ins)
    return isinstance(dims, np.ndarray) and dims.size == 0 and isinstance(value, np.generic)


def _consumers(entries, start) -> dict[int, list[int]]:
    """slot -> the program indices of the entries reading it (once per reading entry)."""
    consumers: dict[int, list[int]] = {}
    for i, entry in enumerate(entries, start):
        for slot in set(entry[1]):
            consumers.setdefault(slot, []).append(i)
    return consumers


def _tensors_by_slot(entries, ops) -> dict:
    found = {}
    for entry, op in zip(entries, ops):
        out = entry[2]
        slots = (out,) if out.__class__ is int else (out or ())
        for slot, tensor in zip(slots, op._outputs):
            found[slot] = tensor
    return found


def is_operator(op, kernel) -> bool:
    """Whether the compiled code writes this op as `a * b`, `a + b` or `a - b`."""
    try:
        operator = kernel in OPERATOR_UFUNCS
    except TypeError:  # an unhashable kernel
        return False
    return operator and len(op._inputs) == 2 and \
        all(t.dtype.base_dtype not in (bool_, string) for t in op._inputs)


def c_scalar_of(op, kernel):
    """The C library function a float32 scalar op's kernel calls (compiled writes the call)."""
    c_scalar = getattr(kernel, "c_scalar", None)
    if c_scalar is None or op._opdef.inline is not None or len(op._outputs) != 1:
        return None
    output = op._outputs[0]
    if output._shape != () or output.dtype.base_dtype.name != "float32":
        return None
    return c_scalar


def _python_floats(entries, ops, kernels, start, consumers, fetched, template) -> set[int]:
    """Entries whose C-library result may stay a Python float: not fetched, and every consumer
    an operator whose other operand is a numpy value (not another such float, not a constant
    held as a Python number)."""
    candidates = {}
    for i, (entry, op) in enumerate(zip(entries, ops), start):
        if c_scalar_of(op, kernels[i][0]) is not None and entry[2] not in fetched:
            candidates[entry[2]] = i
    rejected = set()
    for slot in candidates:
        for j in consumers.get(slot, ()):
            entry, op = entries[j - start], ops[j - start]
            others = [s for s in entry[1] if s != slot]
            if not is_operator(op, kernels[j][0]) or len(others) != 1 or \
                    others[0] in candidates or not _numpy_or_computed(template[others[0]]):
                rejected.add(slot)
    return {i for slot, i in candidates.items() if slot not in rejected}


def _numpy_or_computed(constant) -> bool:
    """A slot's template entry: None (computed or fed: numpy values) or a numpy constant."""
    return constant is None or isinstance(constant, (np.generic, np.ndarray))


def _static_nbytes(tensor):
    shape = tensor._shape
    if shape is None or None in shape or not shape:
        return None
    count = 1
    for dim in shape:
        count *= dim
    return count * tensor.dtype._base.size


def _fresh_ufunc(op, kernel, ref_positions) -> bool:
    """An op whose kernel is a bare one-output ufunc: it returns a new array it alone holds."""
    return isinstance(kernel, np.ufunc) and kernel.nout == 1 and not ref_positions and \
        len(op._outputs) == 1 and kernel.nin == len(op._inputs)


def _forward_and_free(paths, entries, ops, kernels, start, consumers, fetched,
                      tensor_of) -> None:
    last_use = {slot: max(readers) for slot, readers in consumers.items()}
    made_at = {}
    fresh = set()  # slots holding a buffer this step made and only ufuncs read
    for i, (entry, op) in enumerate(zip(entries, ops), start):
        kernel, refs = kernels[i]
        for slot in (entry[2],) if entry[2].__class__ is int else (entry[2] or ()):
            made_at[slot] = i
        if not _fresh_ufunc(op, kernel, refs):
            continue
        out = entry[2]
        tensor = tensor_of[out]
        nbytes = _static_nbytes(tensor)
        if nbytes is None or not tensor.dtype._base.is_floating:
            continue
        if all(t.dtype._base is tensor.dtype._base for t in op._inputs) and \
                nbytes >= FORWARD_MIN_BYTES:
            for slot in entry[1]:
                if slot in fresh and last_use[slot] == i and \
                        tensor_of[slot]._shape == tensor._shape:
                    paths.forwarded[i] = slot
                    break
        readers = consumers.get(out, ())
        if out not in fetched and all(_is_ufunc_entry(kernels[j]) for j in readers):
            fresh.add(out)
    for slot, tensor in tensor_of.items():
        if slot in fetched or not _maybe_big(tensor):
            continue
        dies_at = last_use.get(slot, made_at[slot])  # nothing reads it: it dies where made
        paths.frees.setdefault(dies_at, []).append(slot)


def _is_ufunc_entry(kernel_and_refs) -> bool:
    kernel, refs = kernel_and_refs
    return isinstance(kernel, np.ufunc) and kernel.nout == 1 and not refs


def _maybe_big(tensor) -> bool:
    """Whether a tensor is worth dropping early: not a scalar (a scalar graph frees nothing)."""
    return tensor._shape != ()

