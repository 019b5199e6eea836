"""Linear regression y = W*x + b fitted by plain gradient descent (getting-started style)."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(0)
x_train = rng.uniform(-1.0, 1.0, size=(32, 1)).astype(np.float32)
y_train = (3.0 * x_train - 0.5 + 0.1 * rng.normal(size=(32, 1))).astype(np.float32)

W = tf.Variable(np.array([[0.3]], dtype=np.float32), name="W")
b = tf.Variable(np.array([-0.3], dtype=np.float32), name="b")
x = tf.placeholder(tf.float32, [None, 1], name="x")
y = tf.placeholder(tf.float32, [None, 1], name="y")

linear_model = tf.matmul(x, W) + b
loss = tf.reduce_mean(tf.square(linear_model - y))
optimizer = tf.train.GradientDescentOptimizer(0.1)
train = optimizer.minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(20):
        _, loss_value = sess.run([train, loss], feed_dict={x: x_train, y: y_train})
        print("step %d loss %.6f" % (i, loss_value))
    w_value, b_value = sess.run([W, b])
    print("W %.6f b %.6f" % (w_value[0, 0], b_value[0]))
    print("train op %s" % train.name)
