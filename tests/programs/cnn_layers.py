"""A CNN from tf.layers: conv2d, max_pooling2d, flatten, dropout, dense; an L2 penalty through
kernel_regularizer, and Nesterov momentum on the total loss."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(10)
images = rng.uniform(0.0, 1.0, size=(12, 6, 6, 2)).astype(np.float32)
labels = rng.randint(0, 3, size=12)
one_hot = np.eye(3, dtype=np.float32)[labels]
conv_kernel = (0.3 * rng.normal(size=(3, 3, 2, 4))).astype(np.float32)
dense_kernel = (0.2 * rng.normal(size=(3 * 3 * 4, 3))).astype(np.float32)


def l2_penalty(weights):
    return 0.01 * tf.nn.l2_loss(weights)


x = tf.placeholder(tf.float32, [None, 6, 6, 2], name="x")
y = tf.placeholder(tf.float32, [None, 3], name="y")
training = tf.placeholder_with_default(False, [], name="training")
conv = tf.layers.conv2d(x, filters=4, kernel_size=3, padding="same", activation=tf.nn.relu,
                        kernel_initializer=tf.constant_initializer(conv_kernel),
                        kernel_regularizer=l2_penalty, name="conv1")
pool = tf.layers.max_pooling2d(conv, pool_size=2, strides=2, name="pool1")
flat = tf.layers.flatten(pool)
dropped = tf.layers.dropout(flat, rate=0.5, training=training)  # off: training stays False
logits = tf.layers.dense(dropped, 3, kernel_initializer=tf.constant_initializer(dense_kernel),
                         kernel_regularizer=l2_penalty, name="output")
tf.losses.softmax_cross_entropy(onehot_labels=y, logits=logits)
total_loss = tf.losses.get_total_loss()
regularization = tf.losses.get_regularization_loss()
optimizer = tf.train.MomentumOptimizer(0.1, momentum=0.8, use_nesterov=True)
train_op = optimizer.minimize(total_loss)

print("shapes %s %s %s" % (conv.shape.as_list(), pool.shape.as_list(), flat.shape.as_list()))
print("regularization losses %d" % len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(10):
        feed = {x: images, y: one_hot}
        _, total, penalty = sess.run([train_op, total_loss, regularization], feed)
        print("step %d total %.6f penalty %.6f" % (step, total, penalty))
    for variable in tf.trainable_variables():
        print("%s abs sum %.6f" % (variable.op.name, np.abs(sess.run(variable)).sum()))
