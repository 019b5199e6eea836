"""Softmax regression on synthetic MNIST-shaped data (784 features, 10 classes), fed in batches."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(1)
prototypes = rng.normal(size=(10, 784)).astype(np.float32)
labels = rng.randint(0, 10, size=200)
images = (prototypes[labels] + 2.0 * rng.normal(size=(200, 784))).astype(np.float32)
one_hot = np.eye(10, dtype=np.float32)[labels]

x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.matmul(x, W) + b

cross_entropy = tf.reduce_mean(
    tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))
manual_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(tf.nn.softmax(y)), axis=1))
train_step = tf.train.GradientDescentOptimizer(0.01).minimize(cross_entropy)
correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

sess = tf.InteractiveSession()
tf.global_variables_initializer().run()
for i in range(10):
    start = (i * 40) % 200
    batch_xs, batch_ys = images[start:start + 40], one_hot[start:start + 40]
    _, ce, manual = sess.run([train_step, cross_entropy, manual_entropy],
                             feed_dict={x: batch_xs, y_: batch_ys})
    print("step %d cross_entropy %.6f manual %.6f" % (i, ce, manual))
print("accuracy %.4f" % sess.run(accuracy, feed_dict={x: images, y_: one_hot}))
print("W abs sum %.6f b %s" % (np.sum(np.abs(W.eval())), " ".join("%.6f" % v for v in b.eval())))
sess.close()
