"""Logistic regression trained from a tf.data pipeline: Examples in a TFRecord file, parsed in
a map, shuffled with a seed, batched and repeated; an initializable iterator evaluates."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import os
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(1)
features = rng.normal(size=(40, 3)).astype(np.float32)
labels = (features @ np.array([1.5, -2.0, 0.5], np.float32) > 0.2).astype(np.int64)

path = os.path.join(tempfile.mkdtemp(), "train.tfrecord")
with tf.python_io.TFRecordWriter(path) as writer:
    for x_row, y_value in zip(features, labels):
        example = tf.train.Example(features=tf.train.Features(feature={
            "x": tf.train.Feature(float_list=tf.train.FloatList(value=x_row)),
            "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[y_value]))}))
        writer.write(example.SerializeToString())


def parse(record):
    parsed = tf.parse_single_example(record, {"x": tf.FixedLenFeature([3], tf.float32),
                                              "y": tf.FixedLenFeature([], tf.int64)})
    return parsed["x"], tf.cast(parsed["y"], tf.float32)


train_data = tf.data.TFRecordDataset(path).map(parse).shuffle(16, seed=3).batch(8).repeat(3)
x_batch, y_batch = train_data.make_one_shot_iterator().get_next()
print("batch shapes %s %s" % (x_batch.shape, y_batch.shape))

w = tf.Variable(tf.zeros([3, 1]), name="w")
b = tf.Variable(0.0, name="b")
logits = tf.squeeze(tf.matmul(x_batch, w), 1) + b
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y_batch, logits=logits))
train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

eval_x = tf.placeholder(tf.float32, [None, 3])
eval_y = tf.placeholder(tf.float32, [None])
eval_iterator = tf.data.Dataset.from_tensor_slices((eval_x, eval_y)).batch(20) \
    .make_initializable_iterator()
ex, ey = eval_iterator.get_next()
predicted = tf.cast(tf.squeeze(tf.matmul(ex, w), 1) + b > 0, tf.float32)
correct = tf.reduce_sum(tf.cast(tf.equal(predicted, ey), tf.int32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    step = 0
    while True:
        try:
            _, loss_value = sess.run([train, loss])
        except tf.errors.OutOfRangeError:
            break
        if step % 3 == 0:
            print("step %d loss %.6f" % (step, loss_value))
        step += 1
    print("steps %d" % step)
    sess.run(eval_iterator.initializer, {eval_x: features, eval_y: labels.astype(np.float32)})
    total = sess.run(correct) + sess.run(correct)
    print("correct %d of %d" % (total, len(labels)))
    print("w %s b %.6f" % (np.round(sess.run(w).ravel(), 5), sess.run(b)))
