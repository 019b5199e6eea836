"""Training on top of the op library and tf.gradients: optimizers, schedules, moving averages."""
