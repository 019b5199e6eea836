"""TF1's learning-rate schedules: tensors of the global step, built as TF 1.x builds them.

Each schedule opens its own name scope (`ExponentialDecay`, `PolynomialDecay`...; the result
op carries the scope's name), converts its constants to the learning rate's dtype with `Cast`
ops and computes in that dtype.
"""

from __future__ import annotations

import math

from ..graph import dtypes
from ..graph.convert import constant, convert_to_tensor
from ..graph.graph import get_default_graph
from ..ops import control_case, logic_ops, math_ops, nn_impl, unary_ops

_cast = math_ops.cast


def _start(learning_rate, global_step):
    """The initial rate as a tensor, and the step in its dtype."""
    initial = convert_to_tensor(learning_rate, name="initial_learning_rate")
    return initial, initial.dtype.base_dtype


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * decay_rate ^ (global_step / decay_steps), the exponent floored if
    `staircase`."""
    with get_default_graph().name_scope(name or "ExponentialDecay") as scope:
        initial, dtype = _start(learning_rate, global_step)
        steps, rate = _cast(decay_steps, dtype), _cast(decay_rate, dtype)
        p = _cast(global_step, dtype) / steps
        if staircase:
            p = unary_ops.floor(p)
        return math_ops.multiply(initial, math_ops.pow(rate, p), name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * exp(-decay_rate * global_step / decay_steps)."""
    natural_rate = unary_ops.exp(math_ops.negative(decay_rate))
    return exponential_decay(learning_rate, global_step, decay_steps, natural_rate,
                             staircase=staircase, name=name)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """learning_rate / (1 + decay_rate * global_step / decay_steps)."""
    with get_default_graph().name_scope(name or "InverseTimeDecay") as scope:
        initial, dtype = _start(learning_rate, global_step)
        steps, rate = _cast(decay_steps, dtype), _cast(decay_rate, dtype)
        p = _cast(global_step, dtype) / steps
        if staircase:
            p = unary_ops.floor(p)
        one = _cast(constant(1), dtype)
        denominator = math_ops.add(one, math_ops.multiply(rate, p))
        return math_ops.divide(initial, denominator, name=scope)


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """From learning_rate to end_learning_rate over decay_steps along (1 - t)^power; with
    `cycle`, decay_steps grows to the next multiple past global_step."""
    with get_default_graph().name_scope(name or "PolynomialDecay") as scope:
        initial, dtype = _start(learning_rate, global_step)
        end, power = _cast(end_learning_rate, dtype), _cast(power, dtype)
        step = _cast(global_step, dtype)
        steps = _cast(decay_steps, dtype)
        if cycle:
            # the first multiple of decay_steps past the step (1 at step 0)
            multiplier = nn_impl.where_v2(logic_ops.equal(step, 0), 1.0,
                                          unary_ops.ceil(step / decay_steps))
            steps = math_ops.multiply(steps, multiplier)
        else:
            step = math_ops.minimum(step, steps)
        p = math_ops.divide(step, steps)
        return math_ops.add(math_ops.multiply(initial - end, math_ops.pow(1 - p, power)), end,
                            name=scope)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """learning_rate * ((1 - alpha) * (1 + cos(pi * t)) / 2 + alpha), t = step / decay_steps
    capped at 1."""
    with get_default_graph().name_scope(name or "CosineDecay"):
        initial, dtype = _start(learning_rate, global_step)
        steps = _cast(decay_steps, dtype)
        step = math_ops.minimum(_cast(global_step, dtype), steps)
        fraction = step / steps
        cosine = 0.5 * (1.0 + unary_ops.cos(constant(math.pi) * fraction))
        decayed = (1 - alpha) * cosine + alpha
        return math_ops.multiply(initial, decayed)


def piecewise_constant(x, boundaries, values, name=None):
    """values[i] while boundaries[i-1] < x <= boundaries[i] (values[0] up to the first
    boundary, values[-1] past the last)."""
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    boundaries = [convert_to_tensor(b) for b in boundaries]
    values = [convert_to_tensor(v) for v in values]
    step = convert_to_tensor(x)
    boundaries = [_boundary_like(b, step) for b in boundaries]
    for value in values[1:]:
        if value.dtype.base_dtype is not values[0].dtype.base_dtype:
            raise ValueError(f"Values must have elements all with the same dtype "
                             f"({values[0].dtype.base_dtype!s} vs {value.dtype.base_dtype!s}).")
    with get_default_graph().name_scope(name or "PiecewiseConstant"):
        pairs = [(step <= boundaries[0], values[0]), (step > boundaries[-1], values[-1])]
        for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            pairs.append(((step > low) & (step <= high), value))
        # mutually exclusive and exhaustive; case wants a default all the same
        return control_case.case([(p, lambda v=v: v) for p, v in pairs],
                                 lambda: values[0], exclusive=True)


def _boundary_like(boundary, step):
    """int32 boundaries compare with an int64 step after a Cast; other mismatches fail."""
    if boundary.dtype.base_dtype is step.dtype.base_dtype:
        return boundary
    if boundary.dtype.base_dtype is dtypes.int32 and step.dtype.base_dtype is dtypes.int64:
        return _cast(boundary, dtypes.int64)
    raise ValueError(f"Boundaries ({boundary.dtype.base_dtype!s}) must have the same dtype as "
                     f"x ({step.dtype.base_dtype!s}).")


__all__ = ["exponential_decay", "natural_exp_decay", "inverse_time_decay", "polynomial_decay",
           "cosine_decay", "piecewise_constant"]
