"""Benchmark: TF's random streams against numpy's own generator, 1,000x1,000 float32.

Prints the best of several runs for numpy's `Generator.standard_normal` (float32 and float64)
and `Generator.random`, and graphshell's Philox normal, uniform and truncated normal (the
distribution functions the kernels call, and one `Session.run` of `tf.random_normal`), and the
ratio the issue bounds (Philox normal / numpy standard_normal, at most 2).
Run: python bench/random_streams.py
"""

import time

import numpy as np

from graphshell import tf
from graphshell.engine.ops import random_distributions
from graphshell.engine.ops.philox import PhiloxStream

SHAPE = (1000, 1000)
COUNT = SHAPE[0] * SHAPE[1]
REPEATS = 7


def best_seconds(draw) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        draw()
        times.append(time.perf_counter() - start)
    return min(times)


def philox(distribution):
    stream = PhiloxStream(87654321, 1)
    return lambda: distribution(stream.key, stream.reserve_outputs(COUNT), COUNT, np.float32)


def session_normal():
    tf.reset_default_graph()
    sample = tf.random_normal(SHAPE, seed=1)
    session = tf.Session()
    return lambda: session.run(sample)


def main() -> None:
    generator = np.random.default_rng(0)
    numpy_f32 = best_seconds(lambda: generator.standard_normal(SHAPE, dtype=np.float32))
    numpy_f64 = best_seconds(lambda: generator.standard_normal(SHAPE))
    numpy_uniform = best_seconds(lambda: generator.random(SHAPE, dtype=np.float32))
    normal = best_seconds(philox(random_distributions.normal))
    uniform = best_seconds(philox(random_distributions.uniform))
    truncated = best_seconds(philox(random_distributions.truncated_normal))
    rows = [("numpy standard_normal float32", numpy_f32),
            ("numpy standard_normal float64", numpy_f64),
            ("numpy random float32", numpy_uniform),
            ("philox normal float32", normal),
            ("philox uniform float32", uniform),
            ("philox truncated normal float32", truncated),
            ("Session.run(tf.random_normal) float32", best_seconds(session_normal()))]
    for name, seconds in rows:
        print(f"{name:40s} {seconds * 1e3:8.1f} ms")
    print(f"philox normal / numpy standard_normal (float32): {normal / numpy_f32:.2f}x "
          f"(float64: {normal / numpy_f64:.2f}x)")
    print(f"philox uniform / numpy random (float32): {uniform / numpy_uniform:.2f}x; "
          f"truncated normal / numpy standard_normal: {truncated / numpy_f32:.2f}x")


if __name__ == "__main__":
    main()
