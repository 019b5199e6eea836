"""Checks that the numpy limit in bench/compare.py computes what graphshell computes.

    python bench/check_numpy_limit.py

Seed: lists the op types of the seed's sess.run(grad) plan and any that bench/numpy_limit.py
has no emitter for, then runs the generated straight-line numpy code against graphshell's
values. MLP: one training step on graphshell and one of the hand-written numpy step from the
same initial weights; the weight updates must agree. Exits 1 if anything disagrees.
"""

from __future__ import annotations

import collections
import sys

import numpy as np
import numpy_limit
from workloads import build_mlp, build_seed, mlp_arrays

from graphshell import tf


def executed_plan(build):
    """(plan of one sess.run of `build`'s fetches, session, variables) in a fresh graph."""
    graph = tf.Graph()
    with graph.as_default():
        fetches, feeds = build(tf)
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())
        steps = []
        sess._listeners.append(steps.append)
        sess.run(fetches, feeds)
        return steps[-1].plan, sess, tf.global_variables()


def check_seed() -> bool:
    plan, sess, _ = executed_plan(build_seed)
    sess.close()
    types = collections.Counter(op.type for op in plan.ops)
    computed = {op.type for op, inlined in zip(plan.ops, plan.inlined)
                if not inlined and op.type != "VariableV2"}
    missing = sorted(computed - set(numpy_limit._EMITTERS))
    print(f"seed plan: {len(plan.ops)} ops, {dict(types)}")
    if missing:
        print(f"seed: no numpy emitter for {', '.join(missing)}")
        return False
    numpy_limit.seed_function()  # raises if the generated code disagrees with graphshell
    print("seed: generated numpy code gives graphshell's gradients")
    return True


def check_mlp() -> bool:
    _, sess, variables = executed_plan(build_mlp)  # one training step has run
    updated = sess.run(variables)
    sess.close()
    x, y, weights = mlp_arrays(np)
    initial = [w.copy() for w in weights]
    numpy_limit.mlp_step(x, y, weights)
    # compare the updates, not the weights: an update is ~1e-5 of a weight
    pairs = [(g - w0, n - w0) for g, n, w0 in zip(updated, weights, initial)]
    worst = max(float(np.max(np.abs(a - b)) / np.max(np.abs(b))) for a, b in pairs)
    agree = worst < 1e-3
    print(f"mlp: weight updates {'agree' if agree else 'DISAGREE'} "
          f"(largest difference {worst:.1e} of the largest update)")
    return agree


def main() -> int:
    results = [check_seed(), check_mlp()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
