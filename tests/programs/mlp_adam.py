"""A two-layer perceptron with tf.layers.dense, Adam and a sparse softmax cross-entropy loss."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(2)
features = rng.normal(size=(64, 8)).astype(np.float32)
classes = (features[:, 0] + features[:, 1] * features[:, 2] > 0).astype(np.int64)
classes += (features[:, 3] > 1.0).astype(np.int64)
hidden_kernel = (0.3 * rng.normal(size=(8, 16))).astype(np.float32)
output_kernel = (0.3 * rng.normal(size=(16, 3))).astype(np.float32)

inputs = tf.placeholder(tf.float32, [None, 8], name="inputs")
targets = tf.placeholder(tf.int64, [None], name="targets")
hidden = tf.layers.dense(inputs, 16, activation=tf.nn.relu,
                         kernel_initializer=tf.constant_initializer(hidden_kernel),
                         name="hidden")
logits = tf.layers.dense(hidden, 3, kernel_initializer=tf.constant_initializer(output_kernel),
                         bias_initializer=tf.constant_initializer(0.1), name="logits")
loss = tf.losses.sparse_softmax_cross_entropy(labels=targets, logits=logits)
train_op = tf.train.AdamOptimizer(learning_rate=0.01).minimize(loss)
predicted = tf.argmax(logits, axis=1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, targets), tf.float32))

graph = tf.get_default_graph()
print("train op %s runs %s" % (train_op.name, sorted(
    op.name for op in graph.get_operations() if op.type == "ApplyAdam")))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(15):
        batch = slice((step % 4) * 16, (step % 4) * 16 + 16)
        _, loss_value = sess.run([train_op, loss],
                                 feed_dict={inputs: features[batch], targets: classes[batch]})
        print("step %d loss %.6f" % (step, loss_value))
    print("accuracy %.4f" % sess.run(accuracy, {inputs: features, targets: classes}))
    for variable in tf.global_variables():
        print("%s %s abs sum %.6f" % (variable.op.name, variable.shape.as_list(),
                                      float(np.sum(np.abs(sess.run(variable))))))
