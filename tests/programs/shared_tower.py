"""A siamese model: one tower built under tf.variable_scope and reused, trained with RMSProp."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(5)
left_data = rng.normal(size=(24, 3)).astype(np.float32)
right_data = (left_data + 0.3 * rng.normal(size=(24, 3))).astype(np.float32)
targets_data = np.sum(np.abs(left_data - right_data), axis=1, keepdims=True).astype(np.float32)
layer1 = (0.5 * rng.normal(size=(3, 5))).astype(np.float32)
layer2 = (0.5 * rng.normal(size=(5, 2))).astype(np.float32)


def tower(inputs):
    with tf.variable_scope("layer1"):
        w = tf.get_variable("weights", initializer=tf.constant(layer1))
        b = tf.get_variable("biases", [5], initializer=tf.constant_initializer(0.05))
        hidden = tf.nn.tanh(tf.matmul(inputs, w) + b)
    with tf.variable_scope("layer2"):
        w = tf.get_variable("weights", [5, 2], initializer=tf.constant_initializer(layer2))
        return tf.matmul(hidden, w)


left = tf.placeholder(tf.float32, [None, 3], name="left")
right = tf.placeholder(tf.float32, [None, 3], name="right")
targets = tf.placeholder(tf.float32, [None, 1], name="targets")
with tf.variable_scope("tower") as scope:
    left_out = tower(left)
    scope.reuse_variables()
    right_out = tower(right)
with tf.variable_scope("tower", reuse=True):
    probe_out = tower(left)
with tf.variable_scope("head", reuse=tf.AUTO_REUSE):
    scale = tf.get_variable("scale", [], initializer=tf.constant_initializer(1.0))
    same_scale = tf.get_variable("scale", [])
distance = scale * tf.reduce_sum(tf.abs(left_out - right_out), axis=1, keepdims=True)
loss = tf.reduce_mean(tf.square(distance - targets))
train_op = tf.train.RMSPropOptimizer(0.01).minimize(loss)

print("same scale %s, probe op %s" % (scale is same_scale, probe_out.op.name))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(12):
        _, loss_value = sess.run([train_op, loss],
                                 {left: left_data, right: right_data, targets: targets_data})
        print("step %d loss %.6f" % (step, loss_value))
    for variable in tf.trainable_variables():
        print("%s %.6f" % (variable.name, float(np.sum(sess.run(variable)))))
    print("variables %s" % [v.op.name for v in tf.global_variables()])
    left_value, probe_value = sess.run([left_out, probe_out], {left: left_data})
    print("left and probe agree %s" % np.allclose(left_value, probe_value))
