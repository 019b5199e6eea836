"""Automatic differentiation: `tf.gradients` and the gradients of while loops."""
