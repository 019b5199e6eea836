"""RNN cells and loops (tf.nn.rnn_cell, dynamic_rnn, static_rnn, the bidirectional ones,
tf.reverse_sequence): values against the cells' equations written out in numpy, gradients
through the while loop against central differences, sequence_length's copy-through, the
graph's variable names and the errors."""

import numpy as np
import pytest
from central_differences import check_weighted_sum_gradient, numeric_gradient

from graphshell import tf

RNG = np.random.default_rng(23)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _lstm_step(x, c, h, kernel, bias, forget_bias=1.0):
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
    new_c = c * _sigmoid(f + forget_bias) + _sigmoid(i) * np.tanh(j)
    return new_c, np.tanh(new_c) * _sigmoid(o)


def _gru_step(x, h, gate_kernel, gate_bias, candidate_kernel, candidate_bias):
    r, u = np.split(_sigmoid(np.concatenate([x, h], 1) @ gate_kernel + gate_bias), 2, axis=1)
    c = np.tanh(np.concatenate([x, r * h], 1) @ candidate_kernel + candidate_bias)
    return u * h + (1 - u) * c


def _run_initialized(fetches, feed=None):
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(fetches, feed), session.run(tf.trainable_variables())


def test_dynamic_rnn_lstm_matches_the_equations_step_by_step():
    x = RNG.normal(size=(3, 4, 2))
    inputs = tf.constant(x)
    outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(5), inputs,
                                       dtype=tf.float64)
    (found, (found_c, found_h)), (kernel, bias) = _run_initialized([outputs, state])
    c = h = np.zeros((3, 5))
    for t in range(4):
        c, h = _lstm_step(x[:, t], c, h, kernel, bias)
        np.testing.assert_allclose(found[:, t], h, rtol=1e-12)
    np.testing.assert_allclose(found_c, c, rtol=1e-12)
    np.testing.assert_allclose(found_h, h, rtol=1e-12)


def test_dynamic_rnn_gru_with_sequence_length_copies_state_and_zeroes_outputs():
    x = RNG.normal(size=(3, 5, 2))
    lengths = np.array([5, 2, 0])
    outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(3), tf.constant(x),
                                       sequence_length=lengths, dtype=tf.float64)
    (found, found_state), weights = _run_initialized([outputs, state])
    h = np.zeros((3, 3))
    for t in range(5):
        stepped = _gru_step(x[:, t], h, *weights)
        running = (t < lengths)[:, None]
        h = np.where(running, stepped, h)
        np.testing.assert_allclose(found[:, t], np.where(running, stepped, 0.0), rtol=1e-12)
    np.testing.assert_allclose(found_state, h, rtol=1e-12)
    assert not found[2].any() and not found_state[2].any()  # a length of 0: zeros throughout


def test_static_rnn_equals_dynamic_rnn_with_shared_weights():
    x = RNG.normal(size=(2, 3, 4)).astype(np.float32)
    cell = tf.nn.rnn_cell.LSTMCell(3, use_peepholes=True, num_proj=2)
    with tf.variable_scope("shared") as scope:
        dynamic, dynamic_state = tf.nn.dynamic_rnn(cell, tf.constant(x), dtype=tf.float32)
    with tf.variable_scope(scope, reuse=True):
        static, static_state = tf.nn.static_rnn(cell, tf.unstack(tf.constant(x), axis=1),
                                                dtype=tf.float32)
    assert len(tf.global_variables()) == 6  # kernel, bias, 3 peephole diagonals, projection
    (d, s, ds, ss), _ = _run_initialized([dynamic, tf.stack(static, 1), dynamic_state,
                                          static_state])
    np.testing.assert_allclose(d, s, rtol=1e-5, atol=1e-6)
    for dynamic_part, static_part in zip(ds, ss):
        np.testing.assert_allclose(dynamic_part, static_part, rtol=1e-5, atol=1e-6)


def test_lstm_cell_clipping_bounds_the_cell_state_and_projection():
    cell = tf.nn.rnn_cell.LSTMCell(4, cell_clip=0.05, num_proj=3, proj_clip=0.01,
                                   initializer=tf.constant_initializer(2.0))
    out, state = cell(tf.constant(np.full((2, 3), 5.0, np.float32)),
                      cell.zero_state(2, tf.float32))
    (o, (c, m)), _ = _run_initialized([out, state])
    assert np.abs(c).max() == pytest.approx(0.05) and np.abs(m).max() == pytest.approx(0.01)
    np.testing.assert_array_equal(o, m)


def _check_gradient(build, value, atol=1e-6):
    check_weighted_sum_gradient(build, value, RNG, atol)


def test_gradient_through_dynamic_rnn_with_sequence_length():
    def build(x):
        outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(3), x,
                                           sequence_length=[3, 1], dtype=tf.float64)
        return tf.concat([tf.reshape(outputs, [2, -1]), state.c], 1)
    _check_gradient(build, RNG.normal(size=(2, 3, 2)))


def test_gradient_through_bidirectional_dynamic_rnn():
    def build(x):
        (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(
            tf.nn.rnn_cell.GRUCell(2), tf.nn.rnn_cell.BasicRNNCell(2), x,
            sequence_length=[2, 3], dtype=tf.float64)
        return tf.concat([fw, bw], 2)
    _check_gradient(build, RNG.normal(size=(2, 3, 2)))


def test_gradient_of_the_weights_matches_central_differences():
    x = tf.constant(RNG.normal(size=(2, 3, 2)))
    with tf.variable_scope("w", initializer=tf.constant_initializer(0.3)):
        outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), x, dtype=tf.float64)
    loss = tf.reduce_sum(tf.sin(outputs))
    kernel = tf.trainable_variables()[0]
    grad = tf.gradients(loss, kernel)[0]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        found, value = session.run([grad, kernel])

        def loss_at(v):
            return session.run(loss, {kernel: v})
        np.testing.assert_allclose(found, numeric_gradient(loss_at, value), atol=1e-7)


def test_variable_names_follow_tf():
    x = tf.zeros([2, 3, 4])
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(2),
                                        tf.nn.rnn_cell.GRUCell(2)])
    tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    tf.nn.bidirectional_dynamic_rnn(tf.nn.rnn_cell.BasicRNNCell(1),
                                    tf.nn.rnn_cell.BasicRNNCell(1), x, dtype=tf.float32)
    assert [v.op.name for v in tf.global_variables()] == [
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias",
        "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel",
        "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias",
        "bidirectional_rnn/fw/basic_rnn_cell/kernel", "bidirectional_rnn/fw/basic_rnn_cell/bias",
        "bidirectional_rnn/bw/basic_rnn_cell/kernel", "bidirectional_rnn/bw/basic_rnn_cell/bias"]
    assert [w.op.name for w in cell.trainable_weights][:2] == [
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias"]


def test_dynamic_rnn_loop_is_bounded_by_the_longest_sequence():
    x = tf.placeholder(tf.float32, [2, 6, 1])
    outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicRNNCell(1), x,
                                   sequence_length=tf.placeholder_with_default([2, 3], [2]),
                                   dtype=tf.float32)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        found = session.run(outputs, {x: np.ones((2, 6, 1), np.float32)})
    assert found.shape == (2, 6, 1) and not found[:, 3:].any() and found[1, 2].all()
    assert tf.get_default_graph().get_operation_by_name(
        "rnn/while/Enter").get_attr("parallel_iterations") == 32


def test_dropout_wrapper_keeps_or_scales_each_element():
    tf.set_random_seed(1)
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(50),
                                         output_keep_prob=0.5, seed=3)
    plain = tf.nn.rnn_cell.BasicRNNCell(50, reuse=True)
    x, h = tf.ones([4, 2]), tf.zeros([4, 50])
    with tf.variable_scope("cell"):
        dropped, _ = cell(x, h)
    with tf.variable_scope("cell"):
        kept, _ = plain(x, h)
    (d, k), _ = _run_initialized([dropped, kept])
    assert set(np.unique(np.isclose(d, 0) | np.isclose(d, 2 * k))) == {True}
    assert 0.3 < np.mean(np.isclose(d, 0)) < 0.7


def test_reverse_sequence_kernel_and_errors():
    x = np.arange(24).reshape(2, 4, 3)
    reversed_x = tf.reverse_sequence(x, [3, 0], seq_axis=1, batch_axis=0)
    expected = x.copy()
    expected[0, :3] = x[0, 2::-1]
    with tf.Session() as session:
        np.testing.assert_array_equal(session.run(reversed_x), expected)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"seq_lens\(1\) > input"):
            session.run(tf.reverse_sequence(x, [1, 5], seq_axis=1))
    with pytest.raises(ValueError, match="must be rank 1"):
        tf.reverse_sequence(x, [[1, 2]], seq_axis=1)


def test_errors_name_the_problem():
    cell = tf.nn.rnn_cell.BasicRNNCell(2)
    with pytest.raises(ValueError, match="argument `dtype` must be specified"):
        tf.nn.dynamic_rnn(cell, tf.zeros([1, 2, 3]))
    with pytest.raises(TypeError, match="is not an RNNCell: 'output_size' property is missing"):
        tf.nn.dynamic_rnn(object(), tf.zeros([1, 2, 3]), dtype=tf.float32)
    with pytest.raises(ValueError, match="must have rank at least 3"):
        tf.nn.dynamic_rnn(cell, tf.zeros([1, 2]), dtype=tf.float32, time_major=True)
    with pytest.raises(ValueError, match="maximum_iterations must be a scalar"):
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0], maximum_iterations=[2, 3])


def test_gradient_graph_round_trips_through_graph_def():
    """The loop gradient's stacks export as TF's StackV2 (with its max_size input) and the
    imported graph computes the same gradients."""
    feed = {"x:0": RNG.normal(size=(2, 3, 2)).astype(np.float32)}
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, [2, 3, 2], name="x")
        cell = tf.nn.rnn_cell.GRUCell(2, kernel_initializer=tf.constant_initializer(0.3))
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        grads = tf.gradients(tf.reduce_sum(outputs * outputs), [x] + tf.trainable_variables())
        names = [g.name for g in grads]
        init = tf.global_variables_initializer().name
        stacks = [op for op in graph.get_operations() if op.type == "StackV2"]
        assert stacks and all(op.inputs[0].op.type == "Const" for op in stacks)
        with tf.Session() as session:
            session.run(init)
            expected = session.run(names, feed)
        graph_def = graph.as_graph_def()
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")
        with tf.Session() as session:
            session.run(init)
            found = session.run(names, feed)
    for got, want in zip(found, expected):
        np.testing.assert_array_equal(got, want)
