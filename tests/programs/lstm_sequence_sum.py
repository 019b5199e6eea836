"""An LSTM learns the sum of a short sequence of numbers (dynamic_rnn with sequence lengths)."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.set_random_seed(1234)

MAX_STEPS, BATCH, UNITS = 6, 32, 16
rng = np.random.RandomState(7)


def make_batch(size):
    """Sequences of 2..6 numbers in [-1, 1], zero-padded, with their lengths and sums."""
    lengths = rng.randint(2, MAX_STEPS + 1, size=size)
    values = rng.uniform(-1, 1, size=(size, MAX_STEPS)).astype(np.float32)
    values[np.arange(MAX_STEPS)[None, :] >= lengths[:, None]] = 0.0
    return values[:, :, None], lengths.astype(np.int32), values.sum(axis=1, keepdims=True)


inputs = tf.placeholder(tf.float32, [None, MAX_STEPS, 1], name="inputs")
lengths = tf.placeholder(tf.int32, [None], name="lengths")
targets = tf.placeholder(tf.float32, [None, 1], name="targets")

cell = tf.nn.rnn_cell.LSTMCell(UNITS)
outputs, state = tf.nn.dynamic_rnn(cell, inputs, sequence_length=lengths, dtype=tf.float32)
prediction = tf.layers.dense(state.h, 1, name="readout")
loss = tf.reduce_mean(tf.square(prediction - targets))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

test_x, test_n, test_y = make_batch(64)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("variables %s" % [v.name for v in tf.trainable_variables()])
    for step in range(301):
        x, n, y = make_batch(BATCH)
        _, loss_value = sess.run([train_op, loss], {inputs: x, lengths: n, targets: y})
        if step % 50 == 0:
            test_loss = sess.run(loss, {inputs: test_x, lengths: test_n, targets: test_y})
            print("step %d train loss %.6f test loss %.6f" % (step, loss_value, test_loss))
    guess = sess.run(prediction, {inputs: test_x[:3], lengths: test_n[:3]})
    print("sums %s predicted %s" % (np.round(test_y[:3, 0], 4), np.round(guess[:, 0], 4)))
