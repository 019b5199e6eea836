"""The physical limit of a numpy engine: the benchmark computations written as plain numpy.

`seed_function(exact_trig)` generates straight-line numpy code once from the ops graphshell runs for
the seed's sess.run(grad) (one statement per op, constants and variables bound as locals,
scalars as numpy scalars: the exact scalar floor) and checks it
gives graphshell's values: with `exact_trig`, sin and cos are the C library's float32 ones that
TF's scalar kernels (and graphshell) call, left as Python floats where graphshell's compiled
tier leaves them (exact on numpy >= 2), and AddN sums in TF's order, so the values are
graphshell's bit for bit; without, numpy's own trig (last-bit differences).
`mlp_step()` is the MLP step written by hand.
"""

from __future__ import annotations

import numpy as np

# One numpy expression per op type the seed's gradient step runs.
_EMITTERS = {
    "Mul": lambda a: f"{a[0]} * {a[1]}",
    "AddV2": lambda a: f"{a[0]} + {a[1]}",
    "Sub": lambda a: f"{a[0]} - {a[1]}",
    "Neg": lambda a: f"-{a[0]}",
    "Cos": lambda a: f"np.cos({a[0]})",
    "Sin": lambda a: f"np.sin({a[0]})",
    "Identity": lambda a: a[0],
    "AddN": lambda a: " + ".join(a),
    "Fill": lambda a: f"np.full({a[0]}, {a[1]})",
}


def seed_function(exact_trig: bool = True):
    """The seed's gradient step as generated numpy code (checked against graphshell)."""
    from workloads import build_seed

    from graphshell import tf
    with tf.Graph().as_default():
        grad, _ = build_seed(tf)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            steps = []
            sess._listeners.append(steps.append)
            expected = sess.run(grad)
            plan = steps[-1].plan
            bound = {op: _bound_value(op, sess) for op, inlined in zip(plan.ops, plan.inlined)
                     if inlined or op.type == "VariableV2"}
            floats = _python_float_ops(plan) if exact_trig else set()
            source, constants = _generate(plan, bound, exact_trig, floats)
    namespace = {"np": np, "f32": np.float32, **_c_trig()}
    exec(compile(source, "<numpy seed>", "exec"), namespace)
    function = namespace["make"](*constants)
    _check(function(), expected, exact_trig)
    return function


def _c_trig() -> dict:
    from graphshell.engine.ops.libm import _FUNCTIONS
    return {"cosf": _FUNCTIONS["cosf"], "sinf": _FUNCTIONS["sinf"]}


def _tf_order_sum(args) -> str:
    """AddN's sum as TF adds (and graphshell): the head left to right, then blocks of 8."""
    if len(args) <= 9:
        return " + ".join(args)
    head = {0: 8, 1: 9}.get(len(args) % 8, len(args) % 8)
    blocks = [args[:head]] + [args[start:start + 8] for start in range(head, len(args), 8)]
    return " + ".join(f"({' + '.join(block)})" for block in blocks)


_EXACT_EMITTERS = {**_EMITTERS, "Cos": lambda a: f"f32(cosf({a[0]}))",
                   "Sin": lambda a: f"f32(sinf({a[0]}))", "AddN": _tf_order_sum}


def _bound_value(op, sess):
    """A constant's or variable's value as the exact floor binds it: scalars as numpy scalars
    (arithmetic on a 0-d array costs several times the same on a numpy scalar)."""
    value = sess.run(op.outputs[0]) if op.type == "VariableV2" else op.get_attr("value")
    value = np.asarray(value)
    return value[()] if value.ndim == 0 else value


def _python_float_ops(plan) -> set:
    """The trig ops whose C-library result may stay a Python float, bit for bit (numpy >= 2
    converts it to float32 exactly where a numpy float32 operand meets it): the same rule
    graphshell's compiled tier follows (engine/run/fast_paths.py)."""
    from graphshell.engine.run.fast_paths import find_fast_paths
    paths = find_fast_paths(plan, plan.kernels, 0, len(plan.program), False, False)
    return {plan.ops[plan.program[i][3] - 1] for i in paths.python_floats}


_FLOAT_EMITTERS = {"Cos": lambda a: f"cosf({a[0]})", "Sin": lambda a: f"sinf({a[0]})"}


def _generate(plan, bound, exact_trig, python_floats=frozenset()):
    emitters = _EXACT_EMITTERS if exact_trig else _EMITTERS
    names, constants, lines = {}, [], []
    for op in plan.ops:
        name = names[op] = f"v{len(names)}"
        if op in bound:
            constants.append(bound[op])
            continue
        emit = (_FLOAT_EMITTERS if op in python_floats else emitters).get(op.type)
        if emit is None:
            raise NotImplementedError(f"no numpy emitter for op type {op.type}")
        lines.append(f"        {name} = {emit([names[t.op] for t in op.inputs])}")
    parameters = [names[op] for op in plan.ops if op in bound]
    fetched = ", ".join(names[t.op] for t in plan.fetches)
    source = "\n".join([f"def make({', '.join(parameters)}):", "    def step():"] + lines
                       + [f"        return [{fetched}]", "    return step"])
    return source, [bound[op] for op in plan.ops if op in bound]


def _check(values, expected, exact) -> None:
    for value, want in zip(values, expected):
        if not (np.array_equal(value, want) if exact else np.allclose(value, want, rtol=1e-5)):
            raise AssertionError(f"generated numpy gives {value}, graphshell {want}")


def mlp_step(x, y, weights):
    """One training step of the benchmark MLP in plain numpy: forward, squared loss, backward
    and in-place updates of `weights`."""
    w1, w2, w3 = weights
    z1 = x @ w1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ w2
    a2 = np.maximum(z2, 0)
    out = a2 @ w3
    diff = out - y
    grad_out = diff * np.float32(2.0 / diff.size)
    grad_w3 = a2.T @ grad_out
    grad_a2 = (grad_out @ w3.T) * (z2 > 0)
    grad_w2 = a1.T @ grad_a2
    grad_a1 = (grad_a2 @ w2.T) * (z1 > 0)
    grad_w1 = x.T @ grad_a1
    w1 -= np.float32(0.01) * grad_w1
    w2 -= np.float32(0.01) * grad_w2
    w3 -= np.float32(0.01) * grad_w3
