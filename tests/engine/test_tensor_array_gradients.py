"""Gradients through TensorArrays (TensorArrayGradV3 and the read/write, gather/scatter,
concat/split gradients), through while loops, map_fn and scan, and tf.hessians: values against
central differences and numpy written out, and the gradient arrays' run-time rules."""

import numpy as np
import pytest
from central_differences import check_weighted_sum_gradient, numeric_gradient

from graphshell import tf

RNG = np.random.default_rng(17)


def _check_against_central_differences(build, value, atol=1e-6):
    check_weighted_sum_gradient(build, value, RNG, atol)


def test_stack_of_unstack_gradient():
    _check_against_central_differences(
        lambda x: tf.TensorArray(tf.float64, size=3).unstack(x * x).stack() * 3.0,
        RNG.normal(size=[3, 2]))


def test_reads_of_written_values_and_an_unread_element_get_zeros():
    def build(x):
        ta = tf.TensorArray(tf.float64, size=3, clear_after_read=False)
        ta = ta.write(0, x[0]).write(1, tf.sin(x[1])).write(2, x[2])
        return tf.stack([ta.read(1) * ta.read(0), ta.read(1)])  # index 2 never read
    _check_against_central_differences(build, RNG.normal(size=[3]))
    x = tf.constant([1.0, 2.0, 3.0])
    y = tf.TensorArray(tf.float32, size=3).unstack(x).read(2)
    with tf.Session() as session:
        np.testing.assert_array_equal(session.run(tf.gradients(y * y, x)[0]), [0.0, 0.0, 6.0])


def test_gather_with_repeated_indices_sums_into_one_element():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    ta = tf.TensorArray(tf.float32, size=3, clear_after_read=False).scatter([2, 0], x)
    y = ta.gather([0, 2, 0])
    g = tf.gradients(y, x, grad_ys=tf.constant([[1.0, 1.0], [10.0, 20.0], [100.0, 200.0]]))[0]
    with tf.Session() as session:
        # row 0 of x went to index 2 (read once), row 1 to index 0 (read twice)
        np.testing.assert_array_equal(session.run(g), [[10.0, 20.0], [101.0, 201.0]])


def test_split_and_concat_gradients():
    def build(x):
        ta = tf.TensorArray(tf.float64, size=3, infer_shape=False).split(x, [2, 0, 3])
        return tf.tanh(ta.concat())
    _check_against_central_differences(build, RNG.normal(size=[5, 2]))


def test_while_loop_writes_with_dynamic_size():
    def build(x):
        def body(i, ta):
            return i + 1, ta.write(i, tf.sin(x[i]) * tf.cast(i + 1, tf.float64))
        _, ta = tf.while_loop(lambda i, _: i < 4, body,
                              [0, tf.TensorArray(tf.float64, size=0, dynamic_size=True)])
        return ta.stack()
    _check_against_central_differences(build, RNG.normal(size=[4]))


def test_map_fn_gradient_with_a_captured_tensor():
    def build(x):
        scale = tf.reduce_sum(x)  # read by every pass of the loop
        return tf.map_fn(lambda row: tf.reduce_sum(row * row) * row * scale, x)
    _check_against_central_differences(build, RNG.normal(size=[4, 3]))


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_gradient(reverse):
    _check_against_central_differences(
        lambda x: tf.scan(lambda acc, e: acc * e + tf.sin(acc), x, reverse=reverse),
        RNG.uniform(0.5, 1.5, size=[5]))


def test_scan_gradient_with_respect_to_the_initializer():
    x = tf.constant([1.0, 2.0, 3.0])
    init = tf.constant(2.0)
    g = tf.gradients(tf.scan(lambda a, e: a * e + 1.0, x, initializer=init), init)[0]
    with tf.Session() as session:
        # accumulators 2*1+1, (2*1+1)*2+1, ...: d/dinit = 1 + 1*2 + 1*2*3
        assert session.run(g) == pytest.approx(1.0 + 2.0 + 6.0)


def test_each_gradients_call_has_its_own_gradient_array():
    x = tf.constant([1.0, 2.0])
    y = tf.TensorArray(tf.float32, size=1).write(0, x).read(0)
    g1 = tf.gradients(y * 2.0, x)[0]
    g2 = tf.gradients(y * 5.0, x, name="gradients_again")[0]
    sources = [op.get_attr("source") for op in tf.get_default_graph().get_operations()
               if op.type == "TensorArrayGradV3"]
    assert set(sources) == {b"gradients", b"gradients_again"}
    with tf.Session() as session:
        np.testing.assert_array_equal(session.run([g1, g2]), [[2.0, 2.0], [5.0, 5.0]])


def test_a_gradients_name_not_starting_with_gradients_is_refused():
    x = tf.constant([1.0])
    y = tf.TensorArray(tf.float32, size=1).write(0, x).read(0)
    with pytest.raises(ValueError, match="Expected op/tensor name to start with gradients"):
        tf.gradients(y, x, name="backprop")


def test_gradient_array_takes_the_forward_size_and_element_shapes():
    def body(i, ta):
        return i + 1, ta.write(i, tf.fill([i + 1], 1.0))
    _, ta = tf.while_loop(lambda i, _: i < 3, body,
                          [0, tf.TensorArray(tf.float32, size=0, dynamic_size=True,
                                             infer_shape=False)])
    grad = ta.grad("gradients")
    with tf.Session() as session:
        size, unwritten = session.run([grad.size(), grad.read(2)])
    assert size == 3
    np.testing.assert_array_equal(unwritten, np.zeros([3], np.float32))


def test_gradient_array_rules_at_run_time():
    ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)
    grad = ta.write(0, [1.0, 2.0]).write(1, [3.0, 4.0]).grad("gradients")
    twice = grad.write(0, [1.0, 1.0]).write(0, [0.5, 2.0])
    with tf.Session() as session:
        np.testing.assert_array_equal(session.run(twice.read(0)), [1.5, 3.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Could not aggregate"):
            session.run(grad.write(1, [1.0]).write(1, [1.0, 2.0]).flow)
        after_read = grad.write(0, [1.0, 1.0])
        read = after_read.read(0)
        with tf.control_dependencies([read]):
            late = tf.identity(after_read.flow)
        with pytest.raises(tf.errors.InvalidArgumentError, match="has already been read"):
            session.run(after_read._with_flow(late).write(0, [1.0, 1.0]).flow)


def test_second_order_through_a_tensor_array_fails_as_in_tf():
    x = tf.constant([1.0, -2.0])
    y = tf.reduce_sum(tf.TensorArray(tf.float32, size=2).unstack(x * x * x).stack())
    g = tf.gradients(y, x)[0]
    gg = tf.gradients(g, x)[0]
    with tf.Session() as session:
        np.testing.assert_array_equal(session.run(g), [3.0, 12.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Wrong input container"):
            session.run(gg)


def _numeric_hessian(session, loss, x, value):
    gradient = tf.gradients(loss, x)[0]
    rows = numeric_gradient(lambda v: session.run(gradient, {x: v}).reshape(-1)[0], value)
    return rows, gradient


def test_hessians_match_central_differences_of_the_gradient():
    value = RNG.normal(size=[2, 3])
    x = tf.placeholder(tf.float64, [2, 3])
    loss = tf.reduce_sum(tf.sin(x) * tf.reduce_sum(x * x)) + tf.reduce_prod(x)
    hessian = tf.hessians(loss, x)[0]
    assert hessian.shape.as_list() == [2, 3, 2, 3]
    gradient = tf.gradients(loss, x, name="gradients_check")[0]
    with tf.Session() as session:
        found = session.run(hessian, {x: value})
        expected = np.stack([
            numeric_gradient(lambda v, j=j: session.run(gradient, {x: v}).reshape(-1)[j], value)
            for j in range(value.size)]).reshape(2, 3, 2, 3)
    np.testing.assert_allclose(found, expected, atol=1e-6)
    np.testing.assert_allclose(found.reshape(6, 6), found.reshape(6, 6).T, atol=1e-12)


def test_hessians_of_several_xs_and_a_quadratic_form():
    a = np.array([[1.0, 2.0, 0.0], [0.5, -1.0, 3.0], [0.0, 1.0, 2.0]])
    x = tf.constant([[0.3], [-0.7], [1.1]], tf.float64)
    z = tf.constant([0.5, -1.5], tf.float64)
    y = tf.matmul(tf.matmul(x, a, transpose_a=True), x) + tf.reduce_sum(z ** 3)
    hx, hz = tf.hessians(y, [x, z], gate_gradients=True)
    with tf.Session() as session:
        found_x, found_z = session.run([hx, hz])
    np.testing.assert_allclose(found_x.reshape(3, 3), a + a.T, atol=1e-12)
    np.testing.assert_allclose(found_z, np.diag([3.0, -9.0]), atol=1e-12)
    assert hx.shape.as_list() == [3, 1, 3, 1]
