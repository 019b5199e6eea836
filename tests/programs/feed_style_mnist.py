"""fully_connected_feed style: name_scope'd layers of tf.Variable, a placeholder-fed loop with
global_step, and in_top_k evaluation counting correct predictions over the data set."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

IMAGE_PIXELS, HIDDEN, CLASSES, BATCH = 16, 12, 4, 10
rng = np.random.RandomState(11)
images_data = rng.normal(size=(40, IMAGE_PIXELS)).astype(np.float32)
labels_data = np.argmax(images_data[:, :CLASSES] + 0.5 * images_data[:, CLASSES:2 * CLASSES],
                        axis=1).astype(np.int32)
hidden_weights = (rng.normal(size=(IMAGE_PIXELS, HIDDEN)) / 4.0).astype(np.float32)
linear_weights = (rng.normal(size=(HIDDEN, CLASSES)) / np.sqrt(HIDDEN)).astype(np.float32)


def inference(images):
    with tf.name_scope("hidden1"):
        weights = tf.Variable(hidden_weights, name="weights")
        biases = tf.Variable(tf.zeros([HIDDEN]), name="biases")
        hidden = tf.nn.relu(tf.matmul(images, weights) + biases)
    with tf.name_scope("softmax_linear"):
        weights = tf.Variable(linear_weights, name="weights")
        biases = tf.Variable(tf.zeros([CLASSES]), name="biases")
        return tf.matmul(hidden, weights) + biases


images = tf.placeholder(tf.float32, shape=(BATCH, IMAGE_PIXELS))
labels = tf.placeholder(tf.int32, shape=(BATCH,))
logits = inference(images)
labels_64 = tf.to_int64(labels)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
    labels=labels_64, logits=logits, name="xentropy"), name="xentropy_mean")
global_step = tf.Variable(0, name="global_step", trainable=False)
train_op = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=global_step)
correct = tf.reduce_sum(tf.cast(tf.nn.in_top_k(logits, labels, 1), tf.int32))
top2 = tf.reduce_sum(tf.cast(tf.nn.in_top_k(logits, labels, 2), tf.int32))

print("loss op %s, logits op %s" % (loss.op.name, logits.op.name))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(12):
        start = (sess.run(global_step) * BATCH) % 40
        feed = {images: images_data[start:start + BATCH], labels: labels_data[start:start + BATCH]}
        _, loss_value = sess.run([train_op, loss], feed_dict=feed)
        print("step %d loss %.6f" % (sess.run(global_step), loss_value))
    true_count = top2_count = 0
    for start in range(0, 40, BATCH):
        feed = {images: images_data[start:start + BATCH], labels: labels_data[start:start + BATCH]}
        counts = sess.run([correct, top2], feed_dict=feed)
        true_count, top2_count = true_count + counts[0], top2_count + counts[1]
    print("correct %d of 40, in top 2 %d, precision %.4f" % (true_count, top2_count,
                                                            true_count / 40.0))
    print("variables %s" % [v.op.name for v in tf.global_variables()][:5])
