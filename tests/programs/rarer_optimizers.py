"""The same least-squares problem trained by the rarer optimizers: Adadelta and Ftrl."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(12)
x_data = rng.normal(size=(20, 3)).astype(np.float32)
y_data = (x_data @ np.array([[1.5], [-2.0], [0.5]]) + 0.3).astype(np.float32)
start_w = rng.normal(size=(3, 1)).astype(np.float32)

optimizers = [
    ("adadelta", lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6)),
    ("ftrl", lambda: tf.train.FtrlOptimizer(0.5, l1_regularization_strength=0.01,
                                            l2_regularization_strength=0.01)),
]
for label, make_optimizer in optimizers:
    tf.reset_default_graph()
    with tf.variable_scope(label):
        w = tf.get_variable("w", initializer=start_w)
        b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(x_data), w) + b - y_data))
    optimizer = make_optimizer()
    train_op = optimizer.minimize(loss)
    slots = sorted(v.op.name for v in tf.global_variables() if v not in (w, b))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([train_op, loss])[1] for _ in range(6)]
        w_value, b_value = sess.run([w, b])
    print("%s losses %s" % (label, " ".join("%.6f" % value for value in losses)))
    print("%s w %s b %.6f" % (label, " ".join("%.6f" % v for v in w_value[:, 0]), b_value[0]))
    print("%s slots %s" % (label, slots))
