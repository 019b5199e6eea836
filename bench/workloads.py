"""The benchmark workloads, run in a child process on one engine; prints one JSON line.

    python bench/workloads.py --engine ENGINE --workload WORKLOAD [--steps N]
    python bench/workloads.py --engine graphshell --workload seed --quick   # start to result

Engines: `graphshell`; `tensorflow` (compat.v1 with v2 behaviour disabled, default config);
`tf-nograppler` (the same with Grappler's meta optimizer and the graph optimizer's constant
folding off: the setting where TF's values match graphshell's bit for bit); `numpy` (the same
computation as plain numpy, bench/numpy_limit.py). TensorFlow gets as many intra/inter-op
threads as $GRAPHSHELL_BENCH_THREADS (the BLAS thread count the parent set for every child).

Workloads: `seed` (the 100-step scalar loop and tf.gradients), `elementwise` (a chain of
elementwise ops on a fed 10M-element float32 vector), `shell` (100 steps of that graph in a
shell core that keeps values for :inspect), `mlp` (a 3x512 ReLU MLP training step), `conv`
(a small conv net training step), `big` (building a 100,000-op chain and tf.gradients).
Times are in milliseconds; memory figures say how they were taken in their names.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc

MLP_SIZE = 512
MLP_LAYERS = 3
ELEMENTWISE_SIZE = 10_000_000
BIG_OPS = 100_000
WARM_STEPS = 100  # steps before a steady figure: TF's executor warms up over the first dozens
SHELL_STEPS = 100


def import_engine(name: str):
    if name == "graphshell":
        from graphshell import tf
        return tf
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow
    tf = tensorflow.compat.v1
    tf.disable_v2_behavior()
    return tf


def session_config(tf, engine: str):
    """TF's ConfigProto for `engine` (None for graphshell): the parent's thread count, and for
    tf-nograppler no graph rewriting at all."""
    if engine == "graphshell":
        return None
    threads = int(os.environ.get("GRAPHSHELL_BENCH_THREADS", "1"))
    options = {}
    if engine == "tf-nograppler":
        from tensorflow.core.protobuf import rewriter_config_pb2
        options["graph_options"] = tf.GraphOptions(
            rewrite_options=rewriter_config_pb2.RewriterConfig(disable_meta_optimizer=True),
            optimizer_options=tf.OptimizerOptions(opt_level=tf.OptimizerOptions.L0,
                                                  do_constant_folding=False))
    return tf.ConfigProto(intra_op_parallelism_threads=threads,
                          inter_op_parallelism_threads=threads, **options)


# -- the programs (the same TF1 code on both engines) -------------------------------------------
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


def build_conv(tf):
    """A small conv net training step on MNIST-sized batches: two 5x5 conv + ReLU + 2x2 max
    pool layers (16 and 32 channels), a dense layer to 10 classes, softmax cross-entropy and
    one gradient descent update."""
    import numpy
    rng = numpy.random.default_rng(0)
    batch = 32
    x = tf.placeholder(tf.float32, [batch, 28, 28, 1], name="images")
    labels = tf.placeholder(tf.float32, [batch, 10], name="labels")

    def weight(shape, name):
        return tf.Variable((rng.standard_normal(shape) * 0.1).astype(numpy.float32), name=name)

    h = x
    for i, (inputs, outputs) in enumerate(((1, 16), (16, 32))):
        kernel = weight([5, 5, inputs, outputs], f"conv{i}")
        bias = tf.Variable(numpy.zeros(outputs, numpy.float32), name=f"bias{i}")
        h = tf.nn.relu(tf.nn.conv2d(h, kernel, [1, 1, 1, 1], "SAME") + bias)
        h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    flat = tf.reshape(h, [batch, 7 * 7 * 32])
    logits = tf.matmul(flat, weight([7 * 7 * 32, 10], "dense"))
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels,
                                                                     logits=logits))
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    images = rng.standard_normal((batch, 28, 28, 1)).astype(numpy.float32)
    onehot = numpy.eye(10, dtype=numpy.float32)[rng.integers(0, 10, batch)]
    return train, {x: images, labels: onehot}


def elementwise_value(numpy):
    return numpy.random.default_rng(0).standard_normal(ELEMENTWISE_SIZE).astype(numpy.float32)


def build_elementwise(tf):
    """Eight elementwise ops on a fed 10M-element float32 vector, fetching the last."""
    x = tf.placeholder(tf.float32, [ELEMENTWISE_SIZE], name="x")
    y = tf.abs((x * 2.0 + 1.0) * x - 3.0)
    y = tf.sqrt(y * 0.5 + 1.0) + x
    return y, {x: elementwise_value(__import__("numpy"))}


def numpy_elementwise(np, x):
    """The elementwise graph as hand-written numpy (numpy reuses its own temporaries)."""
    return np.sqrt(np.abs((x * np.float32(2.0) + np.float32(1.0)) * x - np.float32(3.0))
                   * np.float32(0.5) + np.float32(1.0)) + x


def build_chain(tf, length=BIG_OPS):
    """x -> (+c) -> (*d) -> ... : `length` ops in one long dependency chain."""
    x = tf.placeholder(tf.float64, [], name="x")
    c, d = tf.constant(0.5, tf.float64), tf.constant(1.0001, tf.float64)
    y = x
    for i in range(length):
        y = y * d if i % 2 else y + c
    return x, y


# -- measuring ------------------------------------------------------------------------------------
def timed_steps(function, count: int) -> list[float]:
    times = []
    for _ in range(count):
        before = time.perf_counter()
        function()
        times.append(1e3 * (time.perf_counter() - before))
    return times


def measure_steps(tf, engine: str, build, steps: int) -> dict:
    """Build, first step, mean of the first 100 steps (first included), then steady steps
    through sess.run and through make_callable, both after WARM_STEPS steps."""
    start = time.perf_counter()
    fetches, feeds = build(tf)
    built = time.perf_counter()
    with tf.Session(config=session_config(tf, engine)) as sess:
        sess.run(tf.global_variables_initializer())
        first100 = timed_steps(lambda: sess.run(fetches, feeds), 100)
        steady = timed_steps(lambda: sess.run(fetches, feeds), steps)
        feed_list = list(feeds)
        values = [feeds[t] for t in feed_list]
        call = sess.make_callable(fetches, feed_list)
        timed_steps(lambda: call(*values), WARM_STEPS)
        callable_times = timed_steps(lambda: call(*values), steps)
    return {"build_ms": 1e3 * (built - start), "first_ms": first100[0],
            "first100_ms": statistics.mean(first100), "steady_ms": statistics.median(steady),
            "callable_ms": statistics.median(callable_times), "rss_peak_mb": rss_peak_mb()}


def measure_elementwise(tf, engine: str, steps: int) -> dict:
    """Steady step and the tracemalloc peak of one step above what was allocated before it."""
    fetches, feeds = build_elementwise(tf)
    with tf.Session(config=session_config(tf, engine)) as sess:
        for _ in range(5):
            sess.run(fetches, feeds)  # compiled from the third
        times = timed_steps(lambda: sess.run(fetches, feeds), steps)
        peak = traced_peak_mb(lambda: sess.run(fetches, feeds))
    return {"steady_ms": statistics.median(times), "traced_peak_mb": peak}


def measure_shell(steps: int) -> dict:
    """A shell core (which keeps step values for :inspect) runs the elementwise graph
    SHELL_STEPS times; what numpy holds afterwards (tracemalloc), and the keep budget."""
    from graphshell.shell.core import Shell
    tracemalloc.start()
    shell = Shell()

    def execute(text):
        result = shell.execute(text)
        if result.error is not None:
            raise RuntimeError(f"the shell failed on {text!r}: {result.error.message}")
    for line in ("from workloads import build_elementwise", "y, feeds = build_elementwise(tf)",
                 "sess = tf.Session()"):
        execute(line)
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    # an assignment: a bare expression in a loop would show (and hold) every value it makes
    execute(f"for _ in range({SHELL_STEPS}):\n    out = sess.run(y, feeds)\n")
    after, peak = tracemalloc.get_traced_memory()
    ledger = shell.kept
    result = {"traced_after_mb": after / 2**20, "traced_growth_mb": (after - before) / 2**20,
              "traced_peak_mb": peak / 2**20, "kept_mb": ledger.total_bytes / 2**20,
              "budget_mb": ledger.budget.max_bytes / 2**20,
              "budget_steps": ledger.budget.max_steps, "rss_peak_mb": rss_peak_mb()}
    shell.close()
    return result


def measure_big(tf) -> dict:
    """Building a BIG_OPS-op chain, and tf.gradients of its end for its start."""
    start = time.perf_counter()
    x, y = build_chain(tf)
    built = time.perf_counter()
    tf.gradients(y, x)
    done = time.perf_counter()
    return {"build_ms": 1e3 * (built - start), "gradients_ms": 1e3 * (done - built),
            "total_ms": 1e3 * (done - start)}


def measure_numpy(workload: str, steps: int) -> dict:
    import numpy
    import numpy_limit
    if workload == "seed":  # exact: the C library's trig, graphshell's values bit for bit
        step = numpy_limit.seed_function(exact_trig=True)
        numpy_trig = numpy_limit.seed_function(exact_trig=False)
        timed_steps(numpy_trig, 5)
        return {"steady_ms": statistics.median(timed_steps(step, steps)),
                "numpy_trig_ms": statistics.median(timed_steps(numpy_trig, steps))}
    if workload == "mlp":
        x, y, weights = mlp_arrays(numpy)

        def step():
            numpy_limit.mlp_step(x, y, weights)
    elif workload == "elementwise":
        value = elementwise_value(numpy)

        def step():
            return numpy_elementwise(numpy, value)
    else:
        raise SystemExit(f"no numpy form of the {workload} workload")
    timed_steps(step, 5)
    result = {"steady_ms": statistics.median(timed_steps(step, steps))}
    if workload == "elementwise":
        result["traced_peak_mb"] = traced_peak_mb(step)
    return result


def traced_peak_mb(function) -> float:
    """The peak of numpy's allocations (tracemalloc) while `function` runs, above before."""
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - before) / 2**20


def quick(tf) -> None:
    """Start to printed result: what a user waits for when running the seed as a script."""
    fetches, _ = build_seed(tf)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print("grad", sess.run(fetches))


def rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(engine: str, workload: str, steps: int) -> dict:
    if engine == "numpy":
        return measure_numpy(workload, steps)
    if workload == "shell":
        import_engine("graphshell")
        return measure_shell(steps)
    tf = import_engine(engine)
    if workload == "big":
        return measure_big(tf)
    if workload == "elementwise":
        return measure_elementwise(tf, engine, steps)
    build = {"seed": build_seed, "mlp": build_mlp, "conv": build_conv}[workload]
    return measure_steps(tf, engine, build, steps)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", required=True,
                        choices=("graphshell", "tensorflow", "tf-nograppler", "numpy"))
    parser.add_argument("--workload", default="seed",
                        choices=("seed", "elementwise", "shell", "mlp", "conv", "big"))
    parser.add_argument("--steps", type=int, default=200, help="timed steady steps")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        quick(import_engine(args.engine))
        return 0
    print(json.dumps(run(args.engine, args.workload, args.steps)))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
