"""Random ops: one value per op per step, fresh values each step, TF's seeding rules."""

import numpy as np

from graphshell import tf


def test_one_sample_per_step_shared_by_all_uses(sess):
    r = tf.random_uniform([], name="r")
    doubled = r + r
    a, b, c = sess.run([r, r, doubled])
    assert a == b and abs(c - 2 * a) < 1e-6
    assert sess.run(r) != sess.run(r)
    assert r.eval(session=sess) != r.eval(session=sess)


def test_op_structure_mirrors_tensorflow():
    unit = tf.random_uniform([2])
    assert [op.name for op in tf.get_default_graph().get_operations()] == [
        "random_uniform/shape", "random_uniform/RandomUniform"]
    assert unit.name == "random_uniform/RandomUniform:0"
    tf.reset_default_graph()
    tf.random_uniform([2], minval=1, maxval=3)
    tf.random_normal([2], mean=1.0, stddev=2.0)
    names = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
    assert names == [
        ("random_uniform/shape", "Const"), ("random_uniform/min", "Const"),
        ("random_uniform/max", "Const"), ("random_uniform/RandomUniform", "RandomUniform"),
        ("random_uniform/sub", "Sub"), ("random_uniform/mul", "Mul"), ("random_uniform", "AddV2"),
        ("random_normal/shape", "Const"), ("random_normal/mean", "Const"),
        ("random_normal/stddev", "Const"),
        ("random_normal/RandomStandardNormal", "RandomStandardNormal"),
        ("random_normal/mul", "Mul"), ("random_normal", "AddV2")]


def test_distributions_have_the_right_ranges_and_dtypes(sess):
    uniform = sess.run(tf.random_uniform([20000], minval=1, maxval=3))
    assert uniform.dtype == np.float32 and uniform.min() >= 1 and uniform.max() < 3
    assert abs(uniform.mean() - 2) < 0.02
    normal = sess.run(tf.random_normal([20000], mean=1.0, stddev=2.0))
    assert abs(normal.mean() - 1) < 0.06 and abs(normal.std() - 2) < 0.06
    truncated = sess.run(tf.truncated_normal([20000]))
    assert np.abs(truncated).max() <= 2.0
    integers = sess.run(tf.random_uniform([1000], maxval=10, dtype=tf.int32))
    assert integers.dtype == np.int32 and set(integers) == set(range(10))


def test_seeded_ops_restart_their_sequence_in_each_session():
    r = tf.random_uniform([3], seed=1)
    with tf.Session() as s1:
        first = [s1.run(r), s1.run(r)]
    with tf.Session() as s2:
        second = [s2.run(r), s2.run(r)]
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], first[1])


def test_graph_seed_numbers_the_ops_it_seeds():
    tf.set_random_seed(5)
    first = tf.random_uniform([])
    tf.random_normal([])  # seeded in turn: (5, 1)
    explicit = tf.random_uniform([], seed=9)
    seeds = [(op.get_attr("seed"), op.get_attr("seed2"))
             for op in tf.get_default_graph().get_operations() if "seed" in op.attrs]
    assert seeds == [(5, 0), (5, 1), (5, 9)]
    with tf.Session() as s1, tf.Session() as s2:
        assert s1.run(first) == s2.run(first)
    assert explicit.op.type == "RandomUniform" and first.op.type == "RandomUniform"


def test_op_seed_without_graph_seed_uses_tensorflows_default_graph_seed():
    r = tf.random_uniform([], seed=3)
    assert (r.op.get_attr("seed"), r.op.get_attr("seed2")) == (87654321, 3)


def test_unseeded_ops_differ_between_sessions():
    r = tf.random_uniform([4])
    with tf.Session() as s1, tf.Session() as s2:
        assert not np.array_equal(s1.run(r), s2.run(r))
