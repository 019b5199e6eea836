"""Benchmark: the seed program (100-step loop + tf.gradients) on graphshell.

Prints a table: building the graph, the first sess.run(grad) (plan building included) and a
steady sess.run(grad), as medians over several runs. Run: python bench/bench_seed.py
"""

import statistics
import sys
import time

from graphshell import tf

REPEATS = 7


def build():
    tf.reset_default_graph()
    a = tf.Variable(0.2, name="a")
    b = tf.Variable(0.3, name="b")
    z = tf.constant(0.0, name="z0")
    for i in range(100):
        z = a * tf.cos(z + i) + z * tf.sin(b - i)
    grad = tf.gradients(z, [a, b])
    return grad, tf.global_variables_initializer()


def measure_once():
    start = time.perf_counter()
    grad, init = build()
    built = time.perf_counter()
    with tf.Session() as sess:
        sess.run(init)
        before_first = time.perf_counter()
        sess.run(grad)
        first = time.perf_counter() - before_first
        steady = []
        for _ in range(20):
            before = time.perf_counter()
            sess.run(grad)
            steady.append(time.perf_counter() - before)
    return built - start, first, statistics.median(steady)


def main():
    runs = [measure_once() for _ in range(REPEATS)]
    ops = len(tf.get_default_graph().get_operations())
    print(f"seed program: {ops} ops, medians of {REPEATS} runs (python {sys.version.split()[0]})")
    print(f"{'figure':<34}{'ms':>10}")
    for label, column in (("build graph incl. gradients", 0), ("first sess.run(grad)", 1),
                          ("steady sess.run(grad)", 2)):
        print(f"{label:<34}{1e3 * statistics.median(r[column] for r in runs):>10.2f}")


if __name__ == "__main__":
    main()
