"""The op registry: each op type is defined once, with its shape rule, kernel and gradient.

An op module calls `define(...)` for each type it provides. The executor asks the definition for a
kernel (a Python callable over input values); `tf.gradients` asks it for the gradient function,
which builds more ops, so gradients are graphs too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .shapes import ShapeError as ShapeError  # re-exported for op definitions

# Marks an op type whose outputs carry no gradient (comparisons, Shape, random, ...).
NOT_DIFFERENTIABLE = "not differentiable"


@dataclass
class OpDef:
    """How one op type infers outputs, computes, and differentiates."""

    type: str
    # op -> list of (dtype, raw shape) per output
    infer: Callable
    # (op, runtime) -> callable(*input_values) -> value (or tuple of values if several outputs)
    make_kernel: Callable
    # (op, *output_grads) -> list of input grads (None for no gradient); or NOT_DIFFERENTIABLE
    grad: object | None = None
    stateful: bool = False
    # input positions that take a variable reference as is instead of its value
    ref_inputs: frozenset = field(default_factory=frozenset)
    # (op, runtime) -> the value, for ops whose output never changes within a session (Const)
    inline_value: Callable | None = None
    # the kernel returns a tuple of values, one per output
    multi_output: bool = False
    # the op runs even if some inputs are dead (None), as Merge does; it makes values dead
    # (Switch) or revives them, so plans holding it track dead values
    control_flow: bool = False
    # the kernel itself when it is the same for every op and session (saves a call per op)
    shared_kernel: Callable | None = None
    # (op, argument expressions) -> a Python expression computing exactly what the kernel
    # computes, or None: the compiled tier writes it in place of a kernel call
    inline: Callable[[object, list[str]], str | None] | None = None
    # the kernel can wait for another step or thread (a queue's dequeue), so a Ctrl-C may stop
    # the step in the middle: plans holding it journal the variables they write
    may_wait: bool = False


_REGISTRY: dict[str, OpDef] = {}


def define(op_type: str, infer, kernel=None, make_kernel=None, grad=None, stateful=False,
           ref_inputs=(), inline_value=None, multi_output=False, control_flow=False,
           inline=None, may_wait=False) -> OpDef:
    """Registers an op type. Give `kernel` (a function of input values) or `make_kernel`."""
    if op_type in _REGISTRY:
        raise ValueError(f"op type {op_type!r} is defined twice")
    if make_kernel is None:
        if kernel is None:
            raise ValueError(f"op type {op_type!r} needs a kernel")
        make_kernel = _constant_kernel_factory(kernel)
    opdef = OpDef(op_type, infer, make_kernel, grad, stateful, frozenset(ref_inputs),
                  inline_value, multi_output, control_flow, shared_kernel=kernel, inline=inline,
                  may_wait=may_wait)
    _REGISTRY[op_type] = opdef
    return opdef


def _constant_kernel_factory(kernel):
    def make_kernel(op, runtime):
        return kernel
    return make_kernel


def lookup(op_type: str) -> OpDef:
    try:
        return _REGISTRY[op_type]
    except KeyError:
        raise KeyError(f"no op type named {op_type!r} is registered") from None


def registered_types():
    return sorted(_REGISTRY)


def set_gradient(op_type: str, grad) -> None:
    """Attaches a gradient to an already defined op (for ops defined before their gradient ops)."""
    _REGISTRY[op_type].grad = grad
