"""tf.layers, tf.losses and tf.metrics: the TF1 model-building library over the op library."""
