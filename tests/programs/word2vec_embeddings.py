"""Word2vec-style skip-gram embeddings: embedding_lookup, a full softmax, sparse SGD updates."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

vocabulary_size, embedding_size = 20, 4
rng = np.random.RandomState(4)
corpus = rng.randint(0, 16, size=120)  # words 16..19 never occur
centers = corpus[:-1].astype(np.int32)
contexts = corpus[1:].astype(np.int32)
initial_embeddings = rng.uniform(-1.0, 1.0, size=(vocabulary_size, embedding_size))
initial_weights = 0.1 * rng.normal(size=(vocabulary_size, embedding_size))

train_inputs = tf.placeholder(tf.int32, shape=[None])
train_labels = tf.placeholder(tf.int32, shape=[None])
embeddings = tf.Variable(initial_embeddings.astype(np.float32), name="embeddings")
softmax_weights = tf.Variable(initial_weights.astype(np.float32), name="softmax_weights")
softmax_biases = tf.Variable(tf.zeros([vocabulary_size]), name="softmax_biases")

embed = tf.nn.embedding_lookup(embeddings, train_inputs)
logits = tf.matmul(embed, softmax_weights, transpose_b=True) + softmax_biases
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
    labels=train_labels, logits=logits))
optimizer = tf.train.GradientDescentOptimizer(1.0)
gradient_of_embeddings = optimizer.compute_gradients(loss, var_list=[embeddings])[0][0]
train_op = optimizer.minimize(loss)

norm = tf.sqrt(tf.reduce_sum(tf.square(embeddings), 1, keepdims=True))
normalized_embeddings = embeddings / norm
similarity = tf.matmul(normalized_embeddings, normalized_embeddings, transpose_b=True)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("gradient type %s" % type(gradient_of_embeddings).__name__)
    for step in range(12):
        batch = slice((step * 16) % 112, (step * 16) % 112 + 16)
        _, loss_value = sess.run([train_op, loss],
                                 feed_dict={train_inputs: centers[batch],
                                            train_labels: contexts[batch]})
        print("step %d loss %.6f" % (step, loss_value))
    final = sess.run(embeddings)
    untouched = sorted(set(range(vocabulary_size)) - set(centers[:112].tolist()))
    unchanged = np.array_equal(final[untouched], initial_embeddings[untouched].astype(np.float32))
    print("rows never looked up %s unchanged %s" % (untouched, unchanged))
    print("embeddings sum %.6f" % np.sum(final))
    nearest = (-sess.run(similarity)[0]).argsort()[1:4]
    print("nearest to 0: %s" % nearest.tolist())
