"""global_step, an exponentially decayed learning rate, Adagrad and ExponentialMovingAverage."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(7)
x_data = rng.normal(size=(40, 2)).astype(np.float32)
y_data = (x_data @ np.array([[2.0], [-1.0]]) + 0.5).astype(np.float32)

x = tf.constant(x_data)
y = tf.constant(y_data)
w = tf.get_variable("w", [2, 1], initializer=tf.constant_initializer([[0.1], [0.2]]))
b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))

global_step = tf.train.get_or_create_global_step()
learning_rate = tf.train.exponential_decay(0.5, global_step, decay_steps=3, decay_rate=0.8,
                                           staircase=True)
minimize = tf.train.AdagradOptimizer(learning_rate).minimize(loss, global_step=global_step)
ema = tf.train.ExponentialMovingAverage(decay=0.9, num_updates=global_step)
with tf.control_dependencies([minimize]):
    train_op = ema.apply([w, b])
w_average = ema.average(w)

print("average name %s" % ema.average_name(w))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(10):
        _, step, rate, loss_value = sess.run([train_op, global_step, learning_rate, loss])
        w_now, w_avg = sess.run([w, w_average])
        print("step %d lr %.6f loss %.6f w0 %.6f avg0 %.6f" % (
            step, rate, loss_value, w_now[0, 0], w_avg[0, 0]))
    print("b average %.6f" % sess.run(ema.average(b))[0])
