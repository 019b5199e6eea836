"""Linear regression trained from a queue-runner input pipeline (slice_input_producer + batch,
one runner thread each), as TF1 tutorials read data before tf.data; then a sum over one epoch."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(1)
features = rng.uniform(-1.0, 1.0, size=(24, 1)).astype(np.float32)
labels = (2.0 * features + 0.5 + 0.05 * rng.normal(size=(24, 1))).astype(np.float32)

x_one, y_one = tf.train.slice_input_producer([features, labels], shuffle=False)
x_batch, y_batch = tf.train.batch([x_one, y_one], batch_size=6, capacity=12)

W = tf.Variable(np.array([[0.1]], dtype=np.float32), name="W")
b = tf.Variable(np.array([0.0], dtype=np.float32), name="b")
loss = tf.reduce_mean(tf.square(tf.matmul(x_batch, W) + b - y_batch))
train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    for step in range(16):
        _, loss_value = sess.run([train, loss])
        if step % 4 == 3:
            print("step %d loss %.6f" % (step, loss_value))
    w_value, b_value = sess.run([W, b])
    print("W %.6f b %.6f" % (w_value[0, 0], b_value[0]))
    coord.request_stop()
    coord.join(threads)
    print("threads %d stopped %s" % (len(threads), coord.should_stop()))

tf.reset_default_graph()
numbers = tf.train.range_input_producer(10, num_epochs=1, shuffle=False)
batch = tf.train.batch([numbers.dequeue()], batch_size=4, allow_smaller_final_batch=True)
total = 0
with tf.Session() as sess:
    sess.run(tf.local_variables_initializer())
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    try:
        while not coord.should_stop():
            values = sess.run(batch)
            total += int(values.sum())
            print("batch %s" % values.tolist())
    except tf.errors.OutOfRangeError:
        print("epoch done, total %d" % total)
    finally:
        coord.request_stop()
    coord.join(threads)
