"""tf.train optimizers: the ops minimize builds, slot bookkeeping, gating, sparse gradients
and errors; values against the update rules written out in numpy with analytic gradients."""

import numpy as np
import pytest

from graphshell import tf

X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
Y = np.array([[1.0], [2.0], [3.0]])
W0, B0 = np.array([[0.1], [-0.2]]), 0.3


def least_squares(dtype=tf.float64):
    """W, b and the mean squared error of X @ W + b against Y."""
    W = tf.Variable(W0.astype(dtype.as_numpy_dtype), name="W")
    b = tf.Variable(np.asarray(B0, dtype.as_numpy_dtype), name="b")
    x, y = tf.constant(X, dtype=dtype), tf.constant(Y, dtype=dtype)
    return W, b, tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))


def numpy_gradients(W, b):
    residual = X @ W + b - Y
    return 2.0 / len(X) * X.T @ residual, 2.0 / len(X) * residual.sum()


def train(train_op, fetches, steps):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        seen = []
        for _ in range(steps):
            sess.run(train_op)
            seen.append(sess.run(fetches))
        return seen


OPTIMIZERS = [
    (lambda: tf.train.GradientDescentOptimizer(0.1), "ApplyGradientDescent", []),
    (lambda: tf.train.MomentumOptimizer(0.1, 0.9), "ApplyMomentum", ["momentum"]),
    (lambda: tf.train.AdamOptimizer(), "ApplyAdam", ["m", "v"]),
    (lambda: tf.train.AdagradOptimizer(0.1), "ApplyAdagrad", ["accumulator"]),
    (lambda: tf.train.RMSPropOptimizer(0.1), "ApplyRMSProp", ["momentum", "rms"]),
    (lambda: tf.train.RMSPropOptimizer(0.1, centered=True), "ApplyCenteredRMSProp",
     ["mg", "momentum", "rms"]),
    (lambda: tf.train.AdadeltaOptimizer(), "ApplyAdadelta", ["accum", "accum_update"]),
    (lambda: tf.train.FtrlOptimizer(0.1), "ApplyFtrl", ["accum", "linear"]),
]


@pytest.mark.parametrize(("make", "apply_type", "slot_names"), OPTIMIZERS)
def test_minimize_builds_one_apply_op_per_variable_under_the_optimizer_scope(make, apply_type,
                                                                              slot_names):
    W, b, loss = least_squares()
    opt = make()
    train_op = opt.minimize(loss)
    name = opt.get_name()
    assert (train_op.name, train_op.type) == (name, "NoOp")
    for var in (W, b):
        update = tf.get_default_graph().get_operation_by_name(
            f"{name}/update_{var.op.name}/{apply_type}")
        assert update.inputs[0] is var._ref()
        assert update in train_op.control_inputs
    assert opt.get_slot_names() == slot_names
    slots = [opt.get_slot(W, slot) for slot in slot_names]
    assert all(not s.trainable and s.shape.as_list() == [2, 1] for s in slots)
    assert sorted(s.op.name for s in slots) == sorted(
        [f"W/{name}"] + [f"W/{name}_{i}" for i in range(1, len(slots))])[:len(slots)]
    assert tf.trainable_variables() == [W, b]


def test_gradient_descent_follows_numpy_on_least_squares():
    W, b, loss = least_squares()
    seen = train(tf.train.GradientDescentOptimizer(0.05).minimize(loss), [W, b], 3)
    lr = float(np.float32(0.05))  # the rate is a float32 Const, cast to the variables' float64
    w, bias = W0.copy(), B0
    for got_w, got_b in seen:
        grad_w, grad_b = numpy_gradients(w, bias)
        w, bias = w - lr * grad_w, bias - lr * grad_b
        np.testing.assert_allclose(got_w, w, rtol=1e-13)
        np.testing.assert_allclose(got_b, bias, rtol=1e-13)


def test_adam_follows_the_bias_corrected_textbook_rule():
    W, b, loss = least_squares()
    seen = train(tf.train.AdamOptimizer(0.1).minimize(loss, var_list=[W]), W, 4)
    # the hyperparameters are float32 tensors, and so are the beta powers
    lr, beta1, beta2, eps = (float(np.float32(x)) for x in (0.1, 0.9, 0.999, 1e-8))
    w, m, v = W0.copy(), np.zeros((2, 1)), np.zeros((2, 1))
    power1, power2 = np.float32(0.9), np.float32(0.999)
    for got in seen:
        grad_w, _ = numpy_gradients(w, B0)
        m = beta1 * m + (1 - beta1) * grad_w
        v = beta2 * v + (1 - beta2) * grad_w ** 2
        # TF's epsilon sits outside the bias correction of v ("epsilon hat")
        w = w - lr * np.sqrt(1 - float(power2)) / (1 - float(power1)) * m / (np.sqrt(v) + eps)
        np.testing.assert_allclose(got, w, rtol=1e-12)
        power1, power2 = power1 * np.float32(0.9), power2 * np.float32(0.999)


def test_adam_float32_converges_to_the_least_squares_solution():
    W, b, loss = least_squares(tf.float32)
    seen = train(tf.train.AdamOptimizer(0.05).minimize(loss), [W, b], 1500)
    w, bias = seen[-1]
    # Y lies in the span of X's columns and the bias, so the fit becomes exact
    np.testing.assert_allclose(X @ w + bias, Y, atol=2e-3)


def test_beta_powers_advance_once_per_step_after_the_updates():
    W, b, loss = least_squares()
    opt = tf.train.AdamOptimizer(beta1=0.5, beta2=0.25)
    train_op = opt.minimize(loss)
    beta1_power, beta2_power = opt._get_beta_accumulators()
    assert (beta1_power.op.name, beta2_power.op.name) == ("beta1_power", "beta2_power")
    assert [v.op.name for v in opt.variables()] == [
        "W/Adam", "W/Adam_1", "b/Adam", "b/Adam_1", "beta1_power", "beta2_power"]
    seen = train(train_op, [beta1_power, beta2_power], 3)
    np.testing.assert_allclose(seen, [[0.5 ** t, 0.25 ** t] for t in (2, 3, 4)])


def test_global_step_is_incremented_after_the_update_group():
    W, b, loss = least_squares()
    step = tf.train.get_or_create_global_step()
    train_op = tf.train.MomentumOptimizer(0.01, 0.5).minimize(loss, global_step=step)
    graph = tf.get_default_graph()
    assert (train_op.name, train_op.type) == ("Momentum", "AssignAdd")
    update = graph.get_operation_by_name("Momentum/update")
    assert graph.get_operation_by_name("Momentum/value").control_inputs == [update]
    assert train(train_op, step, 3) == [1, 2, 3]
    assert tf.get_collection(tf.GraphKeys.TRAIN_OP) == [train_op]


def test_gate_op_wraps_each_ops_gradients_in_a_tuple():
    W, b, loss = least_squares()
    opt = tf.train.GradientDescentOptimizer(0.1)
    gated = [g.name for g, _ in opt.compute_gradients(loss)]
    assert gated == ["gradients/MatMul_grad/tuple/control_dependency_1:0",
                     "gradients/add_grad/tuple/control_dependency_1:0"]
    plain = opt.compute_gradients(loss, gate_gradients=tf.train.Optimizer.GATE_NONE)
    assert "tuple" not in plain[0][0].name
    whole = opt.compute_gradients(loss, gate_gradients=tf.train.Optimizer.GATE_GRAPH)
    assert [g.name for g, _ in whole] == ["tuple/control_dependency:0",
                                          "tuple/control_dependency_1:0"]


def test_variables_without_gradients_are_skipped():
    W, b, loss = least_squares()
    unused = tf.Variable(5.0, name="unused")
    opt = tf.train.GradientDescentOptimizer(0.1)
    grads_and_vars = opt.compute_gradients(loss)
    assert [v for g, v in grads_and_vars if g is None] == [unused]
    train_op = opt.apply_gradients(grads_and_vars)
    assert len(train_op.control_inputs) == 2
    assert train(train_op, unused, 1) == [5.0]


@pytest.mark.parametrize(("build", "error", "message"), [
    (lambda opt: opt.minimize(tf.constant(1.0) * 2.0), ValueError, "No variables to optimize."),
    (lambda opt: opt.minimize(tf.constant(1.0) * 2.0, var_list=[tf.Variable(1.0, name="v")]),
     ValueError, "No gradients provided for any variable, check your graph for ops that do not "
                 r"support gradients, between variables \[\"<tf.Variable 'v:0'"),
    (lambda opt: opt.apply_gradients([]), ValueError, "No variables provided."),
    (lambda opt: opt.apply_gradients([(None, tf.Variable(1.0, name="v"))]), ValueError,
     r"No gradients provided for any variable: \[\"<tf.Variable 'v:0'"),
    (lambda opt: opt.compute_gradients(tf.Variable(1.0) * 2.0, gate_gradients=7), ValueError,
     "gate_gradients must be one of: Optimizer.GATE_NONE, Optimizer.GATE_OP, "
     "Optimizer.GATE_GRAPH.  Not 7"),
    (lambda opt: opt.compute_gradients(tf.constant(1) * 2, var_list=[tf.Variable(1.0)]),
     ValueError, "Invalid type tf.int32 for mul:0, expected: "),
])
def test_optimizer_errors_use_tensorflows_words(build, error, message):
    with pytest.raises(error, match=message):
        build(tf.train.GradientDescentOptimizer(0.1))


def test_an_optimizer_needs_a_name():
    with pytest.raises(ValueError, match="Must specify the optimizer name"):
        tf.train.Optimizer(False, "")


def test_learning_rate_may_be_a_callable_tensor_or_variable():
    w = tf.Variable(1.0, name="w")
    loss = w * w
    rate = tf.placeholder(tf.float32, [])
    fed = tf.train.GradientDescentOptimizer(rate).minimize(loss)
    called = tf.train.GradientDescentOptimizer(lambda: 0.25).minimize(loss)
    with tf.Session() as sess:
        sess.run(w.initializer)
        sess.run(fed, {rate: 0.5})  # w -= 0.5 * 2w
        assert sess.run(w) == 0.0
        sess.run(w.assign(1.0))
        sess.run(called)  # w -= 0.25 * 2w
        assert sess.run(w) == 0.5


def test_slots_follow_the_variable_scope_naming_of_a_second_optimizer():
    w = tf.Variable([1.0, 2.0], name="w")
    first, second = tf.train.AdamOptimizer(), tf.train.AdamOptimizer()
    first.minimize(tf.reduce_sum(w * w))
    second.minimize(tf.reduce_sum(w * w))
    assert [second.get_slot(w, s).op.name for s in ("m", "v")] == ["w/Adam_2", "w/Adam_3"]
    assert second._get_beta_accumulators()[0].op.name == "beta1_power_1"
    assert first.get_slot(tf.Variable(0.0), "m") is None


# -- sparse gradients ------------------------------------------------------------------------------
ROWS = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
PICKED = [2, 0, 2]


def sparse_problem(make):
    emb = tf.Variable(ROWS, name="emb")
    opt = make()
    train_op = opt.minimize(tf.reduce_sum(tf.square(tf.gather(emb, PICKED))))
    return emb, opt, train_op


def f32(value) -> float:
    """A hyperparameter as the optimizers hold it: a float32 tensor (cast to float64 rows)."""
    return float(np.float32(value))


def numpy_row_gradient(table):
    grad = np.zeros_like(table)
    for row in PICKED:
        grad[row] += 2 * table[row]
    return grad


def test_gradient_descent_applies_gather_gradients_with_scatter_sub():
    emb, _, train_op = sparse_problem(lambda: tf.train.GradientDescentOptimizer(0.1))
    update = tf.get_default_graph().get_operation_by_name("GradientDescent/update_emb/ScatterSub")
    assert update.inputs[0] is emb._ref()
    table = ROWS.copy()
    for got in train(train_op, emb, 2):
        table = table - f32(0.1) * numpy_row_gradient(table)
        np.testing.assert_allclose(got, table, rtol=1e-15)


def test_momentum_on_gather_gradients_touches_only_the_gathered_rows():
    emb, opt, train_op = sparse_problem(lambda: tf.train.MomentumOptimizer(0.1, 0.9))
    types = {op.type for op in tf.get_default_graph().get_operations()
             if op.name.startswith("Momentum/update_emb/")}
    assert {"Unique", "UnsortedSegmentSum", "SparseApplyMomentum"} <= types
    table, accum = ROWS.copy(), np.zeros_like(ROWS)
    for got, got_accum in train(train_op, [emb, opt.get_slot(emb, "momentum")], 3):
        grad = numpy_row_gradient(table)
        touched = [0, 2]
        accum[touched] = accum[touched] * f32(0.9) + grad[touched]
        table[touched] -= f32(0.1) * accum[touched]
        np.testing.assert_allclose(got, table, rtol=1e-14)
        np.testing.assert_allclose(got_accum, accum, rtol=1e-14)
    assert (got[1] == ROWS[1]).all()


def test_adam_on_gather_gradients_decays_every_row_of_its_slots():
    emb, opt, train_op = sparse_problem(lambda: tf.train.AdamOptimizer(0.1))
    table, m, v = ROWS.copy(), np.zeros_like(ROWS), np.zeros_like(ROWS)
    beta1, beta2 = f32(0.9), f32(0.999)
    power1, power2 = np.float32(0.9), np.float32(0.999)
    fetches = [emb, opt.get_slot(emb, "m"), opt.get_slot(emb, "v")]
    for got, got_m, got_v in train(train_op, fetches, 3):
        grad = numpy_row_gradient(table)
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad ** 2
        lr = f32(0.1) * np.sqrt(1 - float(power2)) / (1 - float(power1))
        table = table - lr * m / (np.sqrt(v) + f32(1e-8))
        np.testing.assert_allclose(got_m, m, rtol=1e-14)
        np.testing.assert_allclose(got_v, v, rtol=1e-14)
        np.testing.assert_allclose(got, table, rtol=1e-14)
        power1, power2 = power1 * np.float32(0.9), power2 * np.float32(0.999)


def test_tf_gradients_gate_gradients_ties_each_ops_input_gradients_together():
    a, b = tf.constant(2.0, name="a"), tf.constant(3.0, name="b")
    product = tf.multiply(a, b, name="product")
    y = tf.square(product, name="y")
    gated = tf.gradients(y, [a, b], gate_gradients=True)
    assert [g.name for g in gated] == ["gradients/product_grad/tuple/control_dependency:0",
                                       "gradients/product_grad/tuple/control_dependency_1:0"]
    group = tf.get_default_graph().get_operation_by_name("gradients/product_grad/tuple/group_deps")
    assert sorted(op.name for op in group.control_inputs) == [
        "gradients/product_grad/Mul", "gradients/product_grad/Mul_1"]
    # single-input ops (Square) are not gated; ungated gradients have no tuple at all
    names = {op.name for op in tf.get_default_graph().get_operations()}
    assert not any(name.startswith("gradients/y_grad/tuple") for name in names)
    assert "tuple" not in tf.gradients(y, [a, b])[0].name
    with tf.Session() as sess:
        assert sess.run(gated) == [2 * 6.0 * 3.0, 2 * 6.0 * 2.0]


def test_a_users_own_optimizer_subclass_runs_through_apply_gradients():
    class SignDescent(tf.train.Optimizer):
        """var -= lr * sign(grad), with a slot counting the steps each variable took."""

        def __init__(self, learning_rate):
            super().__init__(False, "SignDescent")
            self._lr = learning_rate

        def _create_slots(self, var_list):
            for var in var_list:
                self._zeros_slot(var, "steps", self._name)

        def _prepare(self):
            self._lr_t = tf.convert_to_tensor(self._call_if_callable(self._lr), name="lr")

        def _apply_dense(self, grad, var):
            steps = self.get_slot(var, "steps")
            count = steps.assign_add(tf.ones_like(var))
            with tf.control_dependencies([count]):
                return var.assign_sub(self._lr_t * tf.sign(grad)).op

    w = tf.Variable([1.0, -2.0], name="w")
    opt = SignDescent(lambda: 0.5)
    train_op = opt.minimize(tf.reduce_sum(w * w), var_list={"only": w})
    assert opt.get_slot(w, "steps").op.name == "w/SignDescent"
    seen = train(train_op, [w, opt.get_slot(w, "steps")], 2)
    np.testing.assert_array_equal(seen[-1][0], [0.0, -1.0])
    np.testing.assert_array_equal(seen[-1][1], [2.0, 2.0])
