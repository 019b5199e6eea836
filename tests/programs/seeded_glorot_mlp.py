"""A two-layer network on get_variable's default glorot_uniform weights, trained with Adam."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.set_random_seed(42)

rng = np.random.RandomState(3)
features = rng.normal(size=(32, 5)).astype(np.float32)
classes = (features[:, 0] * features[:, 1] > 0).astype(np.int64)

inputs = tf.placeholder(tf.float32, [None, 5])
targets = tf.placeholder(tf.int64, [None])
with tf.variable_scope("layer1"):
    w1 = tf.get_variable("w", [5, 12])
    b1 = tf.get_variable("b", [12], initializer=tf.zeros_initializer())
with tf.variable_scope("layer2"):
    w2 = tf.get_variable("w", [12, 2], initializer=tf.glorot_normal_initializer())
    b2 = tf.get_variable("b", [2], initializer=tf.random_uniform_initializer(-0.1, 0.1))
hidden = tf.nn.relu(tf.matmul(inputs, w1) + b1)
logits = tf.matmul(hidden, w2) + b2
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets,
                                                                     logits=logits))
train_op = tf.train.AdamOptimizer(0.05).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("w1 row 0 %s" % sess.run(w1)[0])
    print("b2 %s" % sess.run(b2))
    for step in range(15):
        _, loss_value = sess.run([train_op, loss], {inputs: features, targets: classes})
        print("step %d loss %.6f" % (step, loss_value))
    for variable in tf.global_variables():
        print("%s abs sum %.6f" % (variable.op.name, float(np.sum(np.abs(sess.run(variable))))))
