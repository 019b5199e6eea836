"""The Apply* training ops: updates against the formulas written out in numpy, in the
variable's dtype and TF's order of operations; shape, dtype and run-time errors."""

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import registry
from graphshell.engine.ops import regularized_training_ops as R
from graphshell.engine.ops import sparse_training_ops as S
from graphshell.engine.ops import training_ops as T

F32 = np.float32
GRADS = [np.array([1.0, -2.0, 0.5], F32), np.array([0.3, 0.1, -4.0], F32),
         np.array([-1.0, 1.0, 1.0], F32)]
START = np.array([0.5, -1.5, 2.0], F32)


def run_steps(build, slots_start, dtype=F32, grads=GRADS):
    """Runs the op `build(var, slots, grad)` once per gradient; returns each step's values."""
    var = tf.Variable(START.astype(dtype), name="var")
    slots = [tf.Variable(np.asarray(s, dtype), name=f"slot{i}") for i, s in enumerate(slots_start)]
    grad = tf.placeholder(tf.as_dtype(dtype), [3], name="grad")
    op = build(var, slots, grad)
    seen = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for g in grads:
            sess.run(op, {grad: g.astype(dtype)})
            seen.append(sess.run([var] + slots))
    return seen


def assert_steps_equal(seen, expected):
    for got_step, want_step in zip(seen, expected, strict=True):
        for got, want in zip(got_step, want_step, strict=True):
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)


def numpy_steps(update, state, grads=GRADS):
    """The numpy reference: `update(state, g)` returns the new state tuple."""
    steps = []
    for g in grads:
        state = update(state, g.astype(state[0].dtype))
        steps.append(list(state))
    return steps


def test_gradient_descent_subtracts_lr_times_gradient():
    lr = F32(0.1)
    seen = run_steps(lambda v, s, g: T.apply_gradient_descent(v, lr, g), [])
    assert_steps_equal(seen, numpy_steps(lambda st, g: (st[0] - g * lr,), (START,)))


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_accumulates_then_steps(nesterov):
    lr, mu = F32(0.1), F32(0.7)

    def update(state, g):
        var, accum = state
        accum = accum * mu + g
        step = g * lr + accum * mu * lr if nesterov else accum * lr
        return var - step, accum
    seen = run_steps(lambda v, s, g: T.apply_momentum(v, s[0], lr, g, mu,
                                                      use_nesterov=nesterov), [np.zeros(3)])
    assert_steps_equal(seen, numpy_steps(update, (START, np.zeros(3, F32))))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_uses_the_epsilon_hat_form(dtype):
    lr, b1, b2, eps = (dtype(x) for x in (0.05, 0.8, 0.9, 1e-3))
    b1_power, b2_power = dtype(0.8 ** 2), dtype(0.9 ** 2)
    one = dtype(1)

    def update(state, g):
        var, m, v = state
        alpha = lr * np.sqrt(one - b2_power) / (one - b1_power)
        m = m + (g - m) * (one - b1)
        v = v + (g * g - v) * (one - b2)
        return var - (m * alpha) / (np.sqrt(v) + eps), m, v
    zeros = np.zeros(3, dtype)
    seen = run_steps(lambda var, s, g: T.apply_adam(var, s[0], s[1], b1_power, b2_power, lr, b1,
                                                    b2, eps, g), [zeros, zeros], dtype)
    assert_steps_equal(seen, numpy_steps(update, (START.astype(dtype), zeros, zeros)))


def test_adam_nesterov_mixes_the_gradient_into_the_step():
    lr, b1, b2, eps, p1, p2 = (F32(x) for x in (0.1, 0.9, 0.999, 1e-7, 0.81, 0.998))
    one = F32(1)

    def update(state, g):
        var, m, v = state
        alpha = lr * np.sqrt(one - p2) / (one - p1)
        m = m + (g - m) * (one - b1)
        v = v + (g * g - v) * (one - b2)
        return var - ((g * (one - b1) + b1 * m) * alpha) / (np.sqrt(v) + eps), m, v
    zeros = np.zeros(3, F32)
    seen = run_steps(lambda var, s, g: T.apply_adam(var, s[0], s[1], p1, p2, lr, b1, b2, eps, g,
                                                    use_nesterov=True), [zeros, zeros])
    assert_steps_equal(seen, numpy_steps(update, (START, zeros, zeros)))


def test_adagrad_divides_by_the_root_of_the_accumulated_squares():
    lr = F32(0.3)

    def update(state, g):
        var, accum = state
        accum = accum + g * g
        return var - g * lr * (F32(1) / np.sqrt(accum)), accum
    start = np.full(3, 0.1, F32)
    seen = run_steps(lambda v, s, g: T.apply_adagrad(v, s[0], lr, g), [start])
    assert_steps_equal(seen, numpy_steps(update, (START, start)))


def test_rmsprop_and_centered_rmsprop():
    lr, rho, mu, eps = (F32(x) for x in (0.1, 0.7, 0.2, 1e-4))
    one = F32(1)

    def plain(state, g):
        var, ms, mom = state
        ms = ms + (g * g - ms) * (one - rho)
        mom = mom * mu + (g * lr) / np.sqrt(ms + eps)
        return var - mom, ms, mom

    def centered(state, g):
        var, mg, ms, mom = state
        ms = ms + (g * g - ms) * (one - rho)
        mg = mg + (g - mg) * (one - rho)
        mom = mom * mu + (g * lr) / np.sqrt((ms - mg * mg) + eps)
        return var - mom, mg, ms, mom
    ones, zeros = np.ones(3, F32), np.zeros(3, F32)
    seen = run_steps(lambda v, s, g: T.apply_rms_prop(v, s[0], s[1], lr, rho, mu, eps, g),
                     [ones, zeros])
    assert_steps_equal(seen, numpy_steps(plain, (START, ones, zeros)))
    tf.reset_default_graph()
    seen = run_steps(lambda v, s, g: T.apply_centered_rms_prop(v, s[0], s[1], s[2], lr, rho, mu,
                                                               eps, g), [zeros, ones, zeros])
    assert_steps_equal(seen, numpy_steps(centered, (START, zeros, ones, zeros)))


def test_adadelta_steps_by_the_ratio_of_update_and_gradient_magnitudes():
    lr, rho, eps = F32(1.0), F32(0.8), F32(1e-3)
    one = F32(1)

    def update(state, g):
        var, accum, accum_update = state
        accum = accum * rho + g * g * (one - rho)
        step = np.sqrt(accum_update + eps) * (one / np.sqrt(accum + eps)) * g
        accum_update = accum_update * rho + step * step * (one - rho)
        return var - step * lr, accum, accum_update
    zeros = np.zeros(3, F32)
    seen = run_steps(lambda v, s, g: T.apply_adadelta(v, s[0], s[1], lr, rho, eps, g),
                     [zeros, zeros])
    assert_steps_equal(seen, numpy_steps(update, (START, zeros, zeros)))


def numpy_ftrl(lr, l1, l2, shrinkage=0.0):
    shrinkage = F32(shrinkage)
    def update(state, g):
        var, accum, linear = state
        new_accum = accum + g * g
        shrunk = g + F32(2) * shrinkage * var
        linear = linear + (shrunk - (np.sqrt(new_accum) - np.sqrt(accum)) / lr * var)
        quadratic = np.sqrt(new_accum) / lr + F32(2) * l2
        var = np.where(np.abs(linear) > l1, (l1 * np.sign(linear) - linear) / quadratic, F32(0))
        return var.astype(F32), new_accum, linear
    return update


def test_ftrl_and_ftrl_v2_shrink_small_coordinates_to_zero():
    lr, l1, l2, power, shrink = F32(0.3), F32(0.1), F32(0.2), F32(-0.5), F32(0.1)
    start = [np.full(3, 0.1, F32), np.zeros(3, F32)]
    seen = run_steps(lambda v, s, g: R.apply_ftrl(v, s[0], s[1], g, lr, l1, l2, power), start)
    assert_steps_equal(seen, numpy_steps(numpy_ftrl(lr, l1, l2), (START, *start)))
    tf.reset_default_graph()
    seen = run_steps(lambda v, s, g: R.apply_ftrl_v2(v, s[0], s[1], g, lr, l1, l2, shrink, power),
                     start)
    assert_steps_equal(seen, numpy_steps(numpy_ftrl(lr, l1, l2, shrink), (START, *start)))


def test_apply_op_outputs_the_variable_ref_and_is_named_after_its_type():
    var = tf.Variable([1.0, 2.0], name="v")
    out = T.apply_gradient_descent(var, 0.5, tf.constant([2.0, 2.0]))
    assert (out.op.name, out.op.type, out.dtype.name, out.shape.as_list()) == \
        ("ApplyGradientDescent", "ApplyGradientDescent", "float32_ref", [2])
    assert out.op.get_attr("use_locking") is False
    with tf.Session() as sess:
        sess.run(var.initializer)
        np.testing.assert_array_equal(sess.run(out), [0.0, 1.0])
    assert tf.gradients(out, var) == [None]


def test_apply_op_needs_a_variable_not_a_value():
    var = tf.Variable([1.0, 2.0], name="v")
    with pytest.raises(TypeError, match="Input 'var' of 'ApplyGradientDescent' Op requires "
                                        "l-value input"):
        tf.get_default_graph()._create_op(
            registry.lookup("ApplyGradientDescent"),
            [var.value(), tf.constant(0.1), tf.constant([1.0, 1.0])], "bad",
            {"T": tf.float32, "use_locking": False})


def test_apply_op_checks_scalars_shapes_and_dtypes_when_built():
    var = tf.Variable([1.0, 2.0], name="v")
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        T.apply_gradient_descent(var, tf.constant([0.1, 0.1]), tf.constant([1.0, 1.0]))
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal, but are 2 "
                                         "and 3"):
        T.apply_gradient_descent(var, 0.1, tf.constant([1.0, 1.0, 1.0]))
    with pytest.raises(TypeError, match="Input 'delta' of 'ApplyGradientDescent' Op has type "
                                        "float64 that does not match type float32"):
        T.apply_gradient_descent(var, 0.1, tf.constant([1.0, 1.0], tf.float64))
    counter = tf.Variable([1, 2], name="counter")
    with pytest.raises(TypeError, match="Value passed to parameter 'var' has DataType int32"):
        T.apply_gradient_descent(counter, 1, tf.constant([1, 1]))


def test_apply_op_checks_values_when_shapes_are_only_known_at_run_time(sess):
    var = tf.Variable([1.0, 2.0], name="v")
    grad = tf.placeholder(tf.float32, None)
    op = T.apply_gradient_descent(var, 0.1, grad)
    sess.run(var.initializer)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"var and delta do not have the same shape\[2\] \[3\]"):
        sess.run(op, {grad: [1.0, 2.0, 3.0]})


def test_apply_op_on_an_uninitialized_slot_names_it(sess):
    var = tf.Variable([1.0, 2.0], name="v")
    accum = tf.Variable([0.0, 0.0], name="accum")
    op = T.apply_momentum(var, accum, 0.1, tf.constant([1.0, 1.0]), 0.9)
    sess.run(var.initializer)
    with pytest.raises(tf.errors.FailedPreconditionError,
                       match="Attempting to use uninitialized variables: accum"):
        sess.run(op)


def test_proximal_gradient_descent_shrinks_by_lr_times_l1():
    lr, l1, l2 = F32(0.1), F32(0.3), F32(0.2)

    def update(state, g):
        prox = state[0] - g * lr
        shrunk = np.sign(prox) * np.maximum(np.abs(prox) - lr * l1, F32(0)) / (F32(1) + l2 * lr)
        return (shrunk,)
    seen = run_steps(lambda v, s, g: R.apply_proximal_gradient_descent(v, lr, l1, l2, g), [])
    assert_steps_equal(seen, numpy_steps(update, (START,)))


def test_proximal_adagrad_shrinks_at_the_per_coordinate_rate():
    lr, l1, l2 = F32(0.2), F32(0.1), F32(0.2)

    def update(state, g):
        var, accum = state
        accum = accum + g * g
        rate = lr * (F32(1) / np.sqrt(accum))
        prox = var - g * rate
        shrunk = np.sign(prox) * np.maximum(np.abs(prox) - rate * l1, F32(0)) / (F32(1) + l2 * rate)
        return shrunk, accum
    start = np.full(3, 0.1, F32)
    seen = run_steps(lambda v, s, g: R.apply_proximal_adagrad(v, s[0], lr, l1, l2, g), [start])
    assert_steps_equal(seen, numpy_steps(update, (START, start)))


# -- the sparse forms ----------------------------------------------------------------------------
def test_sparse_momentum_updates_only_the_given_rows_in_order():
    table = np.arange(8, dtype=F32).reshape(4, 2)
    var = tf.Variable(table, name="var")
    accum = tf.Variable(np.ones((4, 2), F32), name="accum")
    grad = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, 0.5]], F32)
    lr, mu = F32(0.1), F32(0.5)
    op = S.sparse_apply_momentum(var, accum, lr, grad, [3, 0, 3], mu)
    assert (op.op.type, op.op.get_attr("Tindices")) == ("SparseApplyMomentum", tf.int32)
    want_var, want_accum = table.copy(), np.ones((4, 2), F32)
    for row, index in enumerate([3, 0, 3]):  # a repeated row is updated twice, in order
        want_accum[index] = want_accum[index] * mu + grad[row]
        want_var[index] = want_var[index] - lr * want_accum[index]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(op)
        np.testing.assert_array_equal(sess.run(var), want_var)
        np.testing.assert_array_equal(sess.run(accum), want_accum)


def test_sparse_adagrad_on_a_vector_divides_by_the_root_as_tfs_scalar_loop():
    var = tf.Variable(START, name="var")
    accum = tf.Variable(np.full(3, 0.1, F32), name="accum")
    lr, grad = F32(0.3), np.array([0.7, -1.3], F32)
    op = S.sparse_apply_adagrad(var, accum, lr, grad, [2, 0])
    want_accum = np.full(3, 0.1, F32)
    want_accum[[2, 0]] += grad * grad
    want = START.copy()
    want[[2, 0]] -= lr * grad / np.sqrt(want_accum[[2, 0]])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(op)
        np.testing.assert_array_equal(sess.run(var), want)


def test_sparse_ops_check_indices_and_row_shapes():
    var = tf.Variable(np.zeros((3, 2), F32), name="var")
    accum = tf.Variable(np.zeros((3, 2), F32), name="accum")
    with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
        S.sparse_apply_adagrad(var, accum, 0.1, np.zeros((1, 2), F32), [[0]])
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
        S.sparse_apply_adagrad(var, accum, 0.1, np.zeros((2, 2), F32), [0])
    with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal"):
        S.sparse_apply_adagrad(var, accum, 0.1, np.zeros((1, 3), F32), [0])
    op = S.sparse_apply_adagrad(var, accum, 0.1, np.ones((1, 2), F32), [5])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Index 5 at offset 0 in indices is out of range"):
            sess.run(op)
