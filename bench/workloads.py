"""The benchmark workloads, run in a child process on one engine; prints one JSON line.

    python bench/workloads.py --engine graphshell|tensorflow|numpy --workload seed|mlp [--runs N]
    python bench/workloads.py --engine graphshell --workload seed --quick   # start to result

The same TF1 code runs on both engines: `tf` is graphshell's, or TensorFlow's compat.v1 with
v2 behaviour disabled; `numpy` runs the same computation as plain numpy (bench/numpy_limit.py,
steady step only). Times are in milliseconds; `peak_mb` is the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

MLP_SIZE = 512
MLP_LAYERS = 3


def import_engine(name: str):
    if name == "graphshell":
        from graphshell import tf
        return tf
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow
    tf = tensorflow.compat.v1
    tf.disable_v2_behavior()
    return tf


def build_seed(tf):
    """The seed program: a 100-step loop of scalar ops and tf.gradients (about 2,000 ops)."""
    a = tf.Variable(0.2, name="a")
    b = tf.Variable(0.3, name="b")
    z = tf.constant(0.0, name="z0")
    for i in range(100):
        z = a * tf.cos(z + i) + z * tf.sin(b - i)
    return tf.gradients(z, [a, b]), {}


def mlp_arrays(numpy):
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((MLP_SIZE, MLP_SIZE)).astype(numpy.float32)
    y = rng.standard_normal((MLP_SIZE, MLP_SIZE)).astype(numpy.float32)
    weights = [(rng.standard_normal((MLP_SIZE, MLP_SIZE)) * 0.04).astype(numpy.float32)
               for _ in range(MLP_LAYERS)]
    return x, y, weights


def build_mlp(tf):
    """A 3-layer ReLU MLP on 512x512 float32 batches: forward, squared loss, gradients and
    assign_sub updates, all in one step."""
    import numpy
    x_value, y_value, initial = mlp_arrays(numpy)
    x = tf.placeholder(tf.float32, [MLP_SIZE, MLP_SIZE], name="x")
    y = tf.placeholder(tf.float32, [MLP_SIZE, MLP_SIZE], name="y")
    weights = [tf.Variable(w, name=f"w{i}") for i, w in enumerate(initial)]
    h = x
    for i, w in enumerate(weights):
        h = tf.matmul(h, w)
        if i < MLP_LAYERS - 1:
            h = tf.nn.relu(h)
    loss = tf.reduce_mean(tf.square(h - y))
    grads = tf.gradients(loss, weights)
    train = tf.group(*[tf.assign_sub(w, 0.01 * g) for w, g in zip(weights, grads)])
    return train, {x: x_value, y: y_value}


def measure(tf, workload: str, runs: int) -> dict:
    start = time.perf_counter()
    fetches, feeds = (build_seed if workload == "seed" else build_mlp)(tf)
    built = time.perf_counter()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = time.perf_counter()
        sess.run(fetches, feeds)
        first = time.perf_counter() - before
        steady = []
        for _ in range(runs):
            before = time.perf_counter()
            sess.run(fetches, feeds)
            steady.append(time.perf_counter() - before)
    return {"build_ms": 1e3 * (built - start), "first_ms": 1e3 * first,
            "steady_ms": 1e3 * statistics.median(steady), "peak_mb": peak_mb()}


def measure_numpy(workload: str, runs: int) -> dict:
    import numpy
    import numpy_limit
    if workload == "seed":
        step = numpy_limit.seed_function()
    else:
        x, y, weights = mlp_arrays(numpy)

        def step():
            numpy_limit.mlp_step(x, y, weights)
    step()
    times = []
    for _ in range(runs):
        before = time.perf_counter()
        step()
        times.append(time.perf_counter() - before)
    return {"steady_ms": 1e3 * statistics.median(times), "peak_mb": peak_mb()}


def quick(tf) -> None:
    """Start to printed result: what a user waits for when running the seed as a script."""
    fetches, _ = build_seed(tf)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print("grad", sess.run(fetches))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("graphshell", "tensorflow", "numpy"),
                        required=True)
    parser.add_argument("--workload", choices=("seed", "mlp"), default="seed")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.engine == "numpy":
        print(json.dumps(measure_numpy(args.workload, args.runs)))
        return 0
    tf = import_engine(args.engine)
    if args.quick:
        quick(tf)
        return 0
    print(json.dumps(measure(tf, args.workload, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
