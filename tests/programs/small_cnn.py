"""A small convolutional net: conv2d + max_pool + a dense layer, trained with momentum."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(3)
images = rng.normal(size=(16, 8, 8, 1)).astype(np.float32)
labels = (images[:, :4, :, 0].mean(axis=(1, 2)) > images[:, 4:, :, 0].mean(axis=(1, 2)))
labels = labels.astype(np.int32)
conv_filter = (0.2 * rng.normal(size=(3, 3, 1, 4))).astype(np.float32)
dense_kernel = (0.1 * rng.normal(size=(4 * 4 * 4, 2))).astype(np.float32)

x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
y = tf.placeholder(tf.int32, [None], name="labels")
W_conv = tf.Variable(conv_filter, name="W_conv")
b_conv = tf.Variable(tf.constant(0.1, shape=[4]), name="b_conv")
h_conv = tf.nn.relu(tf.nn.conv2d(x, W_conv, strides=[1, 1, 1, 1], padding="SAME") + b_conv)
h_pool = tf.nn.max_pool(h_conv, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
flat = tf.reshape(h_pool, [-1, 4 * 4 * 4])
logits = tf.layers.dense(flat, 2, kernel_initializer=tf.constant_initializer(dense_kernel))
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
optimizer = tf.train.MomentumOptimizer(learning_rate=0.05, momentum=0.9)
train_op = optimizer.minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("conv %s pool %s" % (h_conv.shape.as_list()[1:], h_pool.shape.as_list()[1:]))
    for step in range(10):
        _, loss_value = sess.run([train_op, loss], feed_dict={x: images, y: labels})
        print("step %d loss %.6f" % (step, loss_value))
    momentum = optimizer.get_slot(W_conv, "momentum")
    print("slot %s" % momentum.op.name)
    print("W_conv sum %.6f momentum sum %.6f" % (np.sum(sess.run(W_conv)),
                                                  np.sum(sess.run(momentum))))
