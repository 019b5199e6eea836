"""The physical limit of a numpy engine: the benchmark computations written as plain numpy.

`seed_function()` generates straight-line numpy code once from the ops graphshell runs for
the seed's sess.run(grad) (one statement per op, constants bound as locals) and checks it
gives graphshell's values. `mlp_step()` is the MLP step written by hand.
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


def seed_function():
    """(function, graphshell's values): the seed's gradient step as generated numpy code."""
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
            source, constants = _generate(plan, bound)
    namespace = {"np": np}
    exec(compile(source, "<numpy seed>", "exec"), namespace)
    function = namespace["make"](*constants)
    _check(function(), expected)
    return function


def _bound_value(op, sess):
    if op.type == "VariableV2":
        return sess.run(op.outputs[0])
    return op.get_attr("value")


def _generate(plan, bound):
    names, constants, lines = {}, [], []
    for op in plan.ops:
        name = names[op] = f"v{len(names)}"
        if op in bound:
            constants.append(bound[op])
            continue
        emit = _EMITTERS.get(op.type)
        if emit is None:
            raise NotImplementedError(f"no numpy emitter for op type {op.type}")
        lines.append(f"        {name} = {emit([names[t.op] for t in op.inputs])}")
    parameters = [names[op] for op in plan.ops if op in bound]
    fetched = ", ".join(names[t.op] for t in plan.fetches)
    source = "\n".join([f"def make({', '.join(parameters)}):", "    def step():"] + lines
                       + [f"        return [{fetched}]", "    return step"])
    return source, [bound[op] for op in plan.ops if op in bound]


def _check(values, expected) -> None:
    for value, want in zip(values, expected):
        if not np.allclose(value, want, rtol=1e-5):
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
