"""Convolution and pooling speed: graphshell's Session.run against plain numpy.

    python bench/conv_pool.py [--repeats N]

Workload: MNIST-sized conv2d (input [32, 28, 28, 1], filter [5, 5, 1, 32], SAME), its gradient
for the input and the filter, and a 2x2 max_pool / avg_pool of the conv output with gradients.
The numpy column is a direct formulation (one multiply-add per filter tap with broadcasting),
computed with the same float32 inputs; each figure is the median of N runs, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from graphshell import tf


def median_ms(function, repeats: int) -> float:
    function()  # warm up: plans, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def numpy_conv_same(x, w):
    """conv2d SAME, stride 1, by taps: out += x[shifted] * w[i, j] for every tap."""
    kh, kw = w.shape[:2]
    top, left = (kh - 1) // 2, (kw - 1) // 2
    xp = np.pad(x, ((0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)))
    rows, cols = x.shape[1:3]
    out = np.zeros(x.shape[:3] + (w.shape[3],), x.dtype)
    for i in range(kh):
        for j in range(kw):
            out += xp[:, i:i + rows, j:j + cols] @ w[i, j]
    return out


def numpy_conv_grads(x, w, g):
    kh, kw = w.shape[:2]
    top, left = (kh - 1) // 2, (kw - 1) // 2
    xp = np.pad(x, ((0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)))
    rows, cols = x.shape[1:3]
    gxp = np.zeros_like(xp)
    gw = np.zeros_like(w)
    for i in range(kh):
        for j in range(kw):
            window = xp[:, i:i + rows, j:j + cols]
            gw[i, j] = np.tensordot(window, g, axes=([0, 1, 2], [0, 1, 2]))
            gxp[:, i:i + rows, j:j + cols] += g @ w[i, j].T
    return gxp[:, top:top + rows, left:left + cols], gw


def numpy_pools(y):
    n, rows, cols, depth = y.shape
    blocks = y.reshape(n, rows // 2, 2, cols // 2, 2, depth)
    return blocks.max(axis=(2, 4)), blocks.mean(axis=(2, 4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    repeats = parser.parse_args().repeats
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 28, 28, 1)).astype(np.float32)
    w = rng.normal(size=(5, 5, 1, 32)).astype(np.float32)
    g = rng.normal(size=(32, 28, 28, 32)).astype(np.float32)

    images, weights = tf.placeholder(tf.float32, x.shape), tf.constant(w)
    conv = tf.nn.conv2d(images, weights, 1, "SAME")
    grads = tf.gradients(conv, [images, weights], grad_ys=tf.constant(g))
    pools = [tf.nn.max_pool(conv, 2, 2, "VALID"), tf.nn.avg_pool(conv, 2, 2, "VALID")]
    pool_grads = tf.gradients(tf.add_n([tf.reduce_sum(p) for p in pools]), conv)
    session = tf.Session()
    feed = {images: x}
    np.testing.assert_allclose(session.run(conv, feed), numpy_conv_same(x, w), rtol=1e-4,
                               atol=1e-4)
    rows = [
        ("conv2d forward", lambda: session.run(conv, feed), lambda: numpy_conv_same(x, w)),
        ("conv2d input+filter gradients", lambda: session.run(grads, feed),
         lambda: numpy_conv_grads(x, w, g)),
        ("max_pool + avg_pool (of conv)", lambda: session.run(pools, feed),
         lambda: (numpy_conv_same(x, w), numpy_pools(numpy_conv_same(x, w)))),
        ("pool gradients (with conv)", lambda: session.run(pool_grads, feed), None),
    ]
    print(f"{'workload':34} {'graphshell ms':>14} {'numpy ms':>10}")
    for label, ours, theirs in rows:
        reference = f"{median_ms(theirs, repeats):10.2f}" if theirs else f"{'-':>10}"
        print(f"{label:34} {median_ms(ours, repeats):14.2f} {reference}")


if __name__ == "__main__":
    main()
