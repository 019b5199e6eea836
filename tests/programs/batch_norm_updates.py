"""Batch normalization with tf.layers.batch_normalization and the UPDATE_OPS dependency."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(6)
features = (rng.normal(size=(32, 4)) * [1.0, 2.0, 0.5, 3.0] + [1.0, -2.0, 0.0, 4.0])
features = features.astype(np.float32)
targets_data = (features @ np.array([[0.5], [-0.2], [1.0], [0.1]])).astype(np.float32)
kernel = (0.4 * rng.normal(size=(4, 1))).astype(np.float32)

x = tf.placeholder(tf.float32, [None, 4], name="x")
y = tf.placeholder(tf.float32, [None, 1], name="y")
is_training = tf.placeholder(tf.bool, [], name="is_training")
normalized = tf.layers.batch_normalization(x, momentum=0.9, training=is_training, name="bn")
prediction = tf.layers.dense(normalized, 1, kernel_initializer=tf.constant_initializer(kernel))
loss = tf.losses.mean_squared_error(labels=y, predictions=prediction)
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

print("update ops %s" % sorted(op.name for op in update_ops))
moving_mean = [v for v in tf.global_variables() if v.op.name == "bn/moving_mean"][0]
moving_variance = [v for v in tf.global_variables() if v.op.name == "bn/moving_variance"][0]
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(8):
        batch = slice((step % 2) * 16, (step % 2) * 16 + 16)
        feed = {x: features[batch], y: targets_data[batch], is_training: True}
        _, loss_value = sess.run([train_op, loss], feed)
        mean_value = sess.run(moving_mean)
        print("step %d loss %.6f moving_mean %s" % (step, loss_value,
                                                    " ".join("%.6f" % m for m in mean_value)))
    print("moving_variance %s" % " ".join("%.6f" % v for v in sess.run(moving_variance)))
    inference_loss = sess.run(loss, {x: features, y: targets_data, is_training: False})
    print("inference loss %.6f" % inference_loss)
    print("moving_mean after inference %.6f" % np.sum(sess.run(moving_mean)))
