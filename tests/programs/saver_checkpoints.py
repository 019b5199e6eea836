"""Train, checkpoint with tf.train.Saver, then restore in a new graph and keep training
(the save-and-restore tutorial): max_to_keep, global-step suffixes, the checkpoint file, the
Adam slots in the checkpoint, restoring through import_meta_graph."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import os
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(1)
x_train = rng.uniform(-1.0, 1.0, size=(64, 3)).astype(np.float32)
true_w = np.array([[1.5], [-2.0], [0.5]], dtype=np.float32)
y_train = (x_train @ true_w + 0.25).astype(np.float32)
checkpoint_dir = tempfile.mkdtemp()


def build_model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    w = tf.Variable(np.full((3, 1), 0.1, dtype=np.float32), name="W")
    b = tf.Variable(np.zeros([1], dtype=np.float32), name="b")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y), name="loss")
    step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=step)
    tf.add_to_collection("train_op", train)
    return x, y, loss, step, train


with tf.Graph().as_default():
    x, y, loss, step, train = build_model()
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(15):
            _, loss_value = sess.run([train, loss], {x: x_train, y: y_train})
            if (i + 1) % 5 == 0:
                path = saver.save(sess, os.path.join(checkpoint_dir, "model"), global_step=step)
                print("step %d loss %.6f saved %s" % (i + 1, loss_value, os.path.basename(path)))

print("files %s" % " ".join(sorted(os.listdir(checkpoint_dir))))
with open(os.path.join(checkpoint_dir, "checkpoint")) as state_file:
    print(state_file.read().replace(checkpoint_dir, "<dir>").strip())
latest = tf.train.latest_checkpoint(checkpoint_dir)
print("latest %s" % os.path.basename(latest))
for name, shape in tf.train.list_variables(checkpoint_dir):
    print("  %s %s" % (name, shape))
reader = tf.train.NewCheckpointReader(latest)
print("global_step %d W %s" % (reader.get_tensor("global_step"),
                                np.array2string(reader.get_tensor("W").ravel(), precision=5)))

with tf.Graph().as_default():
    x, y, loss, step, train = build_model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        saver.restore(sess, latest)
        restored_loss = sess.run(loss, {x: x_train, y: y_train})
        print("restored step %d loss %.6f" % (sess.run(step), restored_loss))
        for _ in range(5):
            _, loss_value = sess.run([train, loss], {x: x_train, y: y_train})
        print("continued to step %d loss %.6f" % (sess.run(step), loss_value))

with tf.Graph().as_default():
    saver = tf.train.import_meta_graph(latest + ".meta")
    graph = tf.get_default_graph()
    with tf.Session() as sess:
        saver.restore(sess, latest)
        feeds = {graph.get_tensor_by_name("x:0"): x_train, graph.get_tensor_by_name("y:0"): y_train}
        train_op = tf.get_collection("train_op")[0]
        for _ in range(3):
            _, loss_value = sess.run([train_op, "loss:0"], feeds)
        print("meta graph step %d loss %.6f" % (sess.run("global_step:0"), loss_value))
