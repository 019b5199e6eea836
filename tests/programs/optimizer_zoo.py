"""The same small least-squares problem trained by each core tf.train optimizer, 6 steps each."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

rng = np.random.RandomState(12)
x_data = rng.normal(size=(20, 3)).astype(np.float32)
y_data = (x_data @ np.array([[1.5], [-2.0], [0.5]]) + 0.3).astype(np.float32)
start_w = rng.normal(size=(3, 1)).astype(np.float32)

optimizers = [
    ("sgd", lambda: tf.train.GradientDescentOptimizer(0.1)),
    ("momentum", lambda: tf.train.MomentumOptimizer(0.05, momentum=0.9)),
    ("nesterov", lambda: tf.train.MomentumOptimizer(0.05, momentum=0.9, use_nesterov=True)),
    ("adam", lambda: tf.train.AdamOptimizer(0.1, beta1=0.8, beta2=0.99, epsilon=1e-7)),
    ("adagrad", lambda: tf.train.AdagradOptimizer(0.3, initial_accumulator_value=0.05)),
    ("rmsprop", lambda: tf.train.RMSPropOptimizer(0.05, decay=0.8, momentum=0.5)),
    ("rmsprop_centered", lambda: tf.train.RMSPropOptimizer(0.05, centered=True)),
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
