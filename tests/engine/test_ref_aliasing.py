"""Ref-variable reads alias the variable's buffer inside a step; nothing outside the step does.

Each behaviour runs four times: the first two steps of a plan are interpreted, the later ones
compiled, and both tiers must agree. TF's values for the same programs are in the goldens of
tests/conformance/scenarios/ref_aliasing.txt.
"""

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.run.steps import Span

RUNS = 4  # two interpreted steps, then compiled ones


def test_a_dependent_read_sees_the_update_in_both_tiers(sess):
    v = tf.Variable(1.0)
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        out = v * 10
    sess.run(v.initializer)
    assert [float(sess.run(out)) for _ in range(RUNS)] == [20.0, 30.0, 40.0, 50.0]


def test_the_compiled_tier_ran_the_later_steps(sess):
    v = tf.Variable(1.0)
    recorded = []
    sess.add_step_listener(recorded.append)
    sess.run(v.initializer)
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        out = v.value() * 1.0
    assert [float(sess.run(out)) for _ in range(RUNS)] == [2.0, 3.0, 4.0, 5.0]
    assert isinstance(recorded[-1].timestamps, Span)


def test_a_read_made_before_the_update_aliases_the_buffer(sess):
    w = tf.Variable(np.ones((2, 2), np.float32))
    r = w.value()
    up = w.assign_add(np.ones((2, 2), np.float32))
    with tf.control_dependencies([up]):
        out = r * 1.0
    sess.run(w.initializer)
    for k in range(RUNS):
        np.testing.assert_array_equal(sess.run(out), np.full((2, 2), 2.0 + k))


def test_a_fetched_value_is_a_private_writable_copy(sess):
    v = tf.Variable([1.0, 2.0])
    inc = v.assign_add([1.0, 1.0])
    sess.run(v.initializer)
    fetched = [sess.run(v) for _ in range(RUNS)]
    reads = [sess.run(v.value()) for _ in range(RUNS)]
    sess.run(inc)
    for value in fetched + reads:
        np.testing.assert_array_equal(value, [1.0, 2.0])
        assert value.flags.writeable
    fetched[0][0] = 50.0  # the caller's array: the variable does not change
    np.testing.assert_array_equal(sess.run(v), [2.0, 3.0])


def test_variable_and_update_fetched_together_both_show_the_update(sess):
    v = tf.Variable([1.0])
    sess.run(v.initializer)
    inc = v.assign_add([1.0])
    for k in range(RUNS):
        before, after = sess.run([v, inc])
        np.testing.assert_array_equal(before, [2.0 + k])
        np.testing.assert_array_equal(after, [2.0 + k])
        assert before is not after or before.shape == ()


def test_fed_arrays_and_constants_are_never_written(sess):
    p = tf.placeholder(tf.float32, [2])
    c = tf.constant([1.0, 2.0])
    v = tf.Variable(c)
    set_v = tf.assign(v, p)
    inc = v.assign_add([1.0, 1.0])
    fed = np.array([5.0, 6.0], np.float32)
    sess.run(v.initializer)
    for _ in range(RUNS):
        sess.run(inc)
    sess.run(set_v, {p: fed})
    for _ in range(RUNS):
        sess.run(inc)
    np.testing.assert_array_equal(fed, [5.0, 6.0])
    np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])
    np.testing.assert_array_equal(sess.run(v), [9.0, 10.0])


def test_assign_of_the_same_shape_keeps_the_buffer_and_other_sizes_replace_it(sess):
    v = tf.Variable([1.0, 2.0, 3.0])
    reset = tf.assign(v, [1.0, 2.0, 3.0], validate_shape=False)
    r = v.value()
    same = tf.assign(v, [7.0, 8.0, 9.0])
    other = tf.assign(v, [5.0, 6.0], validate_shape=False)
    with tf.control_dependencies([same]):
        after_same = r + 0.0
    with tf.control_dependencies([other]):
        after_other = r + 0.0
    sess.run(v.initializer)
    for _ in range(RUNS):
        np.testing.assert_array_equal(sess.run(after_same), [7.0, 8.0, 9.0])
        sess.run(reset)
        np.testing.assert_array_equal(sess.run(after_other), [1.0, 2.0, 3.0])
        np.testing.assert_array_equal(sess.run(v), [5.0, 6.0])
        sess.run(reset)


def test_assign_with_as_many_elements_reshapes_the_buffer_in_place(sess):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    reset = tf.assign(v, [[1.0, 2.0], [3.0, 4.0]], validate_shape=False)
    r = v.value()
    flat = tf.assign(v, [10.0, 20.0, 30.0, 40.0], validate_shape=False)
    with tf.control_dependencies([flat]):
        out = r + 0.0
    sess.run(v.initializer)
    for _ in range(RUNS):
        sess.run(reset)
        np.testing.assert_array_equal(sess.run(out), [[10.0, 20.0], [30.0, 40.0]])
        np.testing.assert_array_equal(sess.run(v), [10.0, 20.0, 30.0, 40.0])


def test_a_scatter_with_a_bad_index_keeps_the_rows_before_it_in_place(sess):
    v = tf.Variable([0.0, 0.0, 0.0])
    r = v.value()
    bad = tf.scatter_add(v, [0, 1, 7], [1.0, 1.0, 1.0])
    sess.run(v.initializer)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[2\] = 7 is not in"):
        sess.run(bad)
    np.testing.assert_array_equal(sess.run(v), [1.0, 1.0, 0.0])
    assert sess.run(r).flags.writeable


def test_scatter_updates_that_view_the_variable_read_the_old_rows(sess):
    v = tf.Variable([1.0, 2.0, 3.0])
    shifted = tf.scatter_update(v, [1, 2], v.value()[0:2])
    for _ in range(RUNS):
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(shifted), [1.0, 1.0, 2.0])


def test_values_kept_for_the_step_record_do_not_change_later(fresh_engine):
    fresh_engine.keep_step_values = True
    v = tf.Variable([1.0, 2.0])
    r = v.value()
    inc = v.assign_add([1.0, 1.0])
    recorded = []
    with tf.Session() as sess:
        sess.add_step_listener(recorded.append)
        sess.run(v.initializer)
        for _ in range(RUNS):
            sess.run([r, inc])
    for k, step in enumerate(recorded[1:]):
        np.testing.assert_array_equal(step.value_of(r), [2.0 + k, 3.0 + k])
        np.testing.assert_array_equal(step.value_of(v._variable), [2.0 + k, 3.0 + k])


def test_partial_run_values_are_copies_when_a_later_call_updates_the_variable(sess):
    v = tf.Variable([1.0, 2.0])
    r = v.value()
    doubled = r * 2.0
    with tf.control_dependencies([doubled]):
        inc = tf.assign_add(v, [5.0, 5.0])
    sess.run(v.initializer)
    handle = sess.partial_run_setup([r, doubled, inc], [])
    first, twice = sess.partial_run(handle, [r, doubled])
    sess.partial_run(handle, inc)
    np.testing.assert_array_equal(first, [1.0, 2.0])
    np.testing.assert_array_equal(twice, [2.0, 4.0])
    np.testing.assert_array_equal(sess.run(v), [6.0, 7.0])


def test_an_optimizer_step_updates_variable_and_slot_in_place(sess):
    w = tf.Variable([1.0, -2.0])
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    train = opt.minimize(tf.reduce_sum(w * w))
    accumulator = opt.get_slot(w, "momentum")
    with tf.control_dependencies([train]):
        seen = tf.stack([w.value() * 1.0, accumulator.value() * 1.0])
    sess.run(tf.global_variables_initializer())
    w_now, acc_now = np.array([1.0, -2.0], np.float32), np.zeros(2, np.float32)
    for _ in range(RUNS):
        acc_now = acc_now * np.float32(0.9) + 2 * w_now  # numpy, written out
        w_now = w_now - acc_now * np.float32(0.1)
        np.testing.assert_allclose(sess.run(seen), [w_now, acc_now], rtol=1e-6)


def test_a_sparse_apply_updates_rows_in_place(sess):
    emb = tf.Variable([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    loss = tf.reduce_sum(tf.nn.embedding_lookup(emb, [0, 2]))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.control_dependencies([train]):
        seen = emb.value() * 1.0
    sess.run(emb.initializer)
    for k in range(1, RUNS + 1):
        np.testing.assert_array_equal(sess.run(seen)[:, 0], [1.0 - 0.5 * k, 2.0, 3.0 - 0.5 * k])
