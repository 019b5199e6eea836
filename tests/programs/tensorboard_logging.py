"""Softmax regression that logs to TensorBoard (the classic mnist_with_summaries style): loss
and accuracy scalars and weight/bias histograms every 5 steps, the graph, and one traced
step's run metadata, into an event file in $TENSORBOARD_LOGDIR (a temporary directory if
unset)."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import os
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

logdir = os.environ.get("TENSORBOARD_LOGDIR") or tempfile.mkdtemp()
rng = np.random.RandomState(1)
features = rng.normal(size=(64, 4)).astype(np.float32)
labels = np.argmax(features @ rng.normal(size=(4, 3)), axis=1)
one_hot = np.eye(3, dtype=np.float32)[labels]

x = tf.placeholder(tf.float32, [None, 4], name="x")
y = tf.placeholder(tf.float32, [None, 3], name="y")
with tf.name_scope("model"):
    W = tf.Variable(np.full((4, 3), 0.1, np.float32), name="W")
    b = tf.Variable(np.zeros(3, np.float32), name="b")
    logits = tf.matmul(x, W) + b
with tf.name_scope("loss"):
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
with tf.name_scope("accuracy"):
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

tf.summary.scalar("cross_entropy", loss)
tf.summary.scalar("accuracy", accuracy)
tf.summary.histogram("weights", W)
tf.summary.histogram("biases", b)
merged = tf.summary.merge_all()

with tf.Session() as sess:
    writer = tf.summary.FileWriter(logdir, sess.graph)
    sess.run(tf.global_variables_initializer())
    feed = {x: features, y: one_hot}
    for step in range(21):
        if step % 5 == 0:
            summary, loss_value, accuracy_value = sess.run([merged, loss, accuracy], feed)
            writer.add_summary(summary, step)
            parsed = tf.Summary.FromString(summary)
            weights = [v.histo for v in parsed.value if v.tag == "weights"][0]
            print("step %d loss %.6f accuracy %.4f weights min %.6f max %.6f sum %.6f"
                  % (step, loss_value, accuracy_value, weights.min, weights.max, weights.sum))
        if step == 10:
            run_metadata = tf.RunMetadata()
            sess.run(train, feed, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                     run_metadata=run_metadata)
            writer.add_run_metadata(run_metadata, "step%03d" % step, step)
        else:
            sess.run(train, feed)
    writer.close()
    print("summaries %s" % " ".join(sorted(v.tag for v in parsed.value)))
