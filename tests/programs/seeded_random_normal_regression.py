"""Linear regression whose weights start from tf.random_normal under tf.set_random_seed."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.set_random_seed(1234)

rng = np.random.RandomState(0)
features = rng.uniform(-1, 1, size=(40, 3)).astype(np.float32)
labels = features @ np.array([[2.0], [-1.0], [0.5]], np.float32) + 0.3

x = tf.placeholder(tf.float32, [None, 3])
y = tf.placeholder(tf.float32, [None, 1])
weights = tf.Variable(tf.random_normal([3, 1], stddev=0.5), name="weights")
bias = tf.Variable(tf.truncated_normal([1], stddev=0.1, seed=7), name="bias")
prediction = tf.matmul(x, weights) + bias
loss = tf.reduce_mean(tf.square(prediction - y))
train_op = tf.train.GradientDescentOptimizer(0.2).minimize(loss)
noise = tf.random_uniform([4], seed=3)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("initial weights %s bias %s" % (sess.run(weights).ravel(), sess.run(bias)))
    for step in range(12):
        _, loss_value = sess.run([train_op, loss], {x: features, y: labels})
        print("step %d loss %.6f" % (step, loss_value))
    print("noise %s then %s" % (sess.run(noise), sess.run(noise)))
    print("final weights %s" % sess.run(weights).ravel())
