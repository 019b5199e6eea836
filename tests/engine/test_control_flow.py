"""tf.cond: the branch not taken does not execute; values and gradients flow through."""

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.run import steps as steps_module


@pytest.fixture
def last_step():
    seen = []
    steps_module.add_step_listener(seen.append)
    yield lambda: seen[-1]
    steps_module.remove_step_listener(seen.append)


def test_only_the_taken_branch_executes(sess, last_step):
    x = tf.placeholder(tf.float32, [], name="x")
    result = tf.cond(x > 0, lambda: x * 2.0, lambda: x - 100.0)
    assert sess.run(result, {x: 3.0}) == 6.0
    ran = last_step().executed_names
    assert "cond/mul" in ran and "cond/sub" not in ran and "cond/switch_t" in ran
    assert sess.run(result, {x: -1.0}) == -101.0
    ran = last_step().executed_names
    assert "cond/sub" in ran and "cond/mul" not in ran


def test_side_effects_in_the_untaken_branch_do_not_happen(sess):
    v = tf.Variable(0.0)
    flag = tf.placeholder(tf.bool, [])
    result = tf.cond(flag, lambda: v.assign_add(1.0), lambda: v.assign_add(100.0))
    sess.run(v.initializer)
    sess.run(result, {flag: True})
    sess.run(result, {flag: True})
    assert sess.run(v) == 2.0
    sess.run(result, {flag: False})
    assert sess.run(v) == 102.0


def test_branches_may_return_structures_and_constants(sess):
    x = tf.placeholder(tf.float32, [], name="x")
    first, second = tf.cond(x > 0, lambda: (x, tf.constant(1.0)), lambda: (-x, tf.constant(2.0)))
    assert sess.run([first, second], {x: -4.0}) == [4.0, 2.0]
    single = tf.cond(x > 0, lambda: [x], lambda: [x * 0])
    assert sess.run(single, {x: 5.0}) == 5.0


def test_gradients_flow_through_the_taken_branch(sess):
    x = tf.placeholder(tf.float32, [], name="x")
    y = tf.cond(x > 0, lambda: x * x, lambda: 3.0 * x)
    grad = tf.gradients(y, x)[0]
    assert sess.run(grad, {x: 2.0}) == 4.0 and sess.run(grad, {x: -2.0}) == 3.0


def test_nested_cond(sess):
    x = tf.placeholder(tf.float32, [], name="x")
    y = tf.cond(x > 0, lambda: tf.cond(x > 10, lambda: x * 100.0, lambda: x * 10.0),
                lambda: -x)
    assert [sess.run(y, {x: v}) for v in (20.0, 2.0, -3.0)] == [2000.0, 20.0, 3.0]


def test_fetching_a_value_of_a_branch_is_refused_before_the_step(sess):
    x = tf.placeholder(tf.float32, [], name="x")
    inside = []

    def true_branch():
        inside.append(x * 5.0)
        return inside[0]
    result = tf.cond(x > 0, true_branch, lambda: x)
    with pytest.raises(ValueError, match="has been marked as not fetchable"):  # as in TF
        sess.run([result, inside[0]], {x: -1.0})


def test_cond_needs_a_tensor_predicate():
    with pytest.raises(TypeError, match="'pred' must not be a Python bool"):
        tf.cond(True, lambda: tf.constant(1.0), lambda: tf.constant(2.0))


def test_where_is_elementwise_not_lazy(sess):
    x = tf.constant([1.0, -1.0])
    np.testing.assert_array_equal(sess.run(tf.where(x > 0, x, -x)), [1.0, 1.0])
