"""Skip-gram with the sampled losses word2vec uses: NCE and sampled softmax, candidates fixed."""
# ruff: noqa: UP031 - TF1 tutorial style: printf-style formatting, as the classic programs print
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

vocabulary_size, embedding_size, num_sampled, batch_size = 30, 6, 5, 16
rng = np.random.RandomState(9)
corpus = rng.randint(0, vocabulary_size, size=200)
initial_embeddings = rng.uniform(-1.0, 1.0, size=(vocabulary_size, embedding_size))
initial_weights = rng.normal(scale=1.0 / np.sqrt(embedding_size),
                             size=(vocabulary_size, embedding_size))
# The candidates a log-uniform sampler could draw, fixed here so TF and any other run agree;
# the expected counts are what that sampler reports for them.
candidates = np.array([0, 1, 3, 7, 12], dtype=np.int64)
log_uniform = np.log((np.arange(vocabulary_size) + 2.0) / (np.arange(vocabulary_size) + 1.0))
probability = log_uniform / np.log(vocabulary_size + 1.0)
sampled_expected = tf.constant((num_sampled * probability[candidates]).astype(np.float32))

train_inputs = tf.placeholder(tf.int32, [batch_size])
train_labels = tf.placeholder(tf.int64, [batch_size, 1])
true_expected = tf.gather(tf.constant((num_sampled * probability).astype(np.float32)),
                          train_labels)
sampled_values = (tf.constant(candidates), true_expected, sampled_expected)

embeddings = tf.Variable(initial_embeddings.astype(np.float32), name="embeddings")
nce_weights = tf.Variable(initial_weights.astype(np.float32), name="nce_weights")
nce_biases = tf.Variable(tf.zeros([vocabulary_size]), name="nce_biases")
embed = tf.nn.embedding_lookup(embeddings, train_inputs)
nce = tf.reduce_mean(tf.nn.nce_loss(
    weights=nce_weights, biases=nce_biases, labels=train_labels, inputs=embed,
    num_sampled=num_sampled, num_classes=vocabulary_size, sampled_values=sampled_values))
sampled_softmax = tf.reduce_mean(tf.nn.sampled_softmax_loss(
    weights=nce_weights, biases=nce_biases, labels=train_labels, inputs=embed,
    num_sampled=num_sampled, num_classes=vocabulary_size, sampled_values=sampled_values))
optimizer = tf.train.GradientDescentOptimizer(0.5)
train_op = optimizer.minimize(nce + sampled_softmax)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(10):
        start = (step * batch_size) % (len(corpus) - batch_size - 1)
        feed = {train_inputs: corpus[start:start + batch_size],
                train_labels: corpus[start + 1:start + batch_size + 1, None]}
        _, nce_value, softmax_value = sess.run([train_op, nce, sampled_softmax], feed)
        print("step %d nce %.6f sampled_softmax %.6f" % (step, nce_value, softmax_value))
    print("embeddings sum %.6f nce_weights sum %.6f biases sum %.6f" % tuple(
        float(np.sum(value)) for value in sess.run([embeddings, nce_weights, nce_biases])))
