"""tf.layers.dense with its default initializers and seeded dropout while training."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.set_random_seed(2020)

rng = np.random.RandomState(5)
features = rng.normal(size=(48, 6)).astype(np.float32)
values = np.sin(features[:, :1]) + 0.5 * features[:, 1:2]

inputs = tf.placeholder(tf.float32, [None, 6])
targets = tf.placeholder(tf.float32, [None, 1])
training = tf.placeholder_with_default(False, [])
hidden = tf.layers.dense(inputs, 16, activation=tf.nn.tanh, name="hidden")
keep = tf.cond(training, lambda: 0.8, lambda: 1.0)
dropped = tf.nn.dropout(hidden, keep_prob=keep, seed=11)
output = tf.layers.dense(dropped, 1, name="output")
loss = tf.reduce_mean(tf.square(output - targets))
train_op = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("hidden kernel column 0 %s" % sess.run("hidden/kernel:0")[:, 0])
    for step in range(12):
        _, loss_value = sess.run([train_op, loss],
                                 {inputs: features, targets: values, training: True})
        print("step %d train loss %.6f" % (step, loss_value))
    print("eval loss %.6f" % sess.run(loss, {inputs: features, targets: values}))
