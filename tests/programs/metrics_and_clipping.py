"""Streaming tf.metrics.accuracy over batches, and gradients clipped by their global norm."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(8)
features = rng.normal(size=(48, 5)).astype(np.float32)
labels_data = (features @ rng.normal(size=(5,)) > 0).astype(np.int32)
kernel = (0.5 * rng.normal(size=(5, 2))).astype(np.float32)

x = tf.placeholder(tf.float32, [None, 5])
labels = tf.placeholder(tf.int32, [None])
weights = tf.Variable(kernel, name="weights")
bias = tf.Variable(tf.zeros([2]), name="bias")
logits = tf.matmul(x, weights) + bias
loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)

optimizer = tf.train.GradientDescentOptimizer(0.5)
grads_and_vars = optimizer.compute_gradients(loss)
gradients, variables = zip(*grads_and_vars)
clipped, global_norm = tf.clip_by_global_norm(gradients, clip_norm=0.3)
train_op = optimizer.apply_gradients(zip(clipped, variables))

predictions = tf.argmax(logits, 1, output_type=tf.int32)
accuracy, accuracy_update = tf.metrics.accuracy(labels=labels, predictions=predictions)

with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
    print("local variables %s" % [v.op.name for v in tf.local_variables()])
    for step in range(8):
        batch = slice((step % 3) * 16, (step % 3) * 16 + 16)
        feed = {x: features[batch], labels: labels_data[batch]}
        _, norm_value, loss_value = sess.run([train_op, global_norm, loss], feed)
        print("step %d loss %.6f global_norm %.6f" % (step, loss_value, norm_value))
    for start in range(0, 48, 16):
        feed = {x: features[start:start + 16], labels: labels_data[start:start + 16]}
        print("batch at %d running accuracy %.6f" % (start, sess.run(accuracy_update, feed)))
    print("final accuracy %.6f" % sess.run(accuracy))
    sess.run(tf.local_variables_initializer())
    print("after reset %.6f" % sess.run(accuracy))
