"""Benchmark: laying out and drawing graphs (the seed program, a 20,000-op graph, a
100,000-op chain). Prints ops, boxes, layout time and the time to draw every row.
Run: python bench/bench_layout.py
"""

import statistics
import time

from graphshell import tf
from graphshell.engine.graph.context import EngineContext
from graphshell.layout import graph_from_ops, layout


def seed_ops():
    tf.reset_default_graph()
    a, b = tf.Variable(0.2, name="a"), tf.Variable(0.3, name="b")
    z = tf.constant(0.0, name="z0")
    for i in range(100):
        z = a * tf.cos(z + i) + z * tf.sin(b - i)
    tf.gradients(z, [a, b])
    return tf.get_default_graph().get_operations()


def wide_ops(layers=1000, width=20):
    """A 20,000-op graph: layers of `width` ops, each reading two ops of the layer above."""
    tf.reset_default_graph()
    level = [tf.constant(float(i), name=f"in_{i}") for i in range(width)]
    for k in range(layers - 1):
        with tf.name_scope(f"block_{k // 50}"):
            level = [tf.add(level[i], level[(i + 1) % width]) for i in range(width)]
    return tf.get_default_graph().get_operations()


def chain_ops(length=100_000):
    tf.reset_default_graph()
    y = tf.placeholder(tf.float32, [], name="x")
    one = tf.constant(1.0, name="one")
    for _ in range(length - 2):
        y = tf.add(y, one)
    return tf.get_default_graph().get_operations()


def measure(ops, expanded=frozenset(), repeats=3):
    graph = graph_from_ops(ops)
    layout_times, draw_times, picture = [], [], None
    for _ in range(repeats):
        start = time.perf_counter()
        picture = layout(graph, expanded)
        layout_times.append(time.perf_counter() - start)
        canvas = picture.canvas()
        start = time.perf_counter()
        for y in range(min(canvas.height, 2000)):
            canvas.row(y)
        draw_times.append(time.perf_counter() - start)
    return len(ops), len(picture.blocks), statistics.median(layout_times), \
        statistics.median(draw_times)


def main():
    with EngineContext().installed():  # the graphs built here go when the context does
        rows = [("seed, folded", *measure(seed_ops())),
                ("seed, gradients expanded", *measure(seed_ops(), {"gradients"})),
                ("20,000 ops, folded", *measure(wide_ops())),
                ("100,000-op chain", *measure(chain_ops(), repeats=1))]
    print(f"{'graph':<28}{'ops':>9}{'boxes':>8}{'layout ms':>12}{'draw ms (<=2000 rows)':>24}")
    for name, ops, boxes, layout_s, draw_s in rows:
        print(f"{name:<28}{ops:>9}{boxes:>8}{1e3 * layout_s:>12.1f}{1e3 * draw_s:>24.1f}")


if __name__ == "__main__":
    main()
