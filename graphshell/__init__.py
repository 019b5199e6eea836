"""graphshell: see how a TF1-style dataflow graph executes.

`from graphshell import tf` gives the TF1 graph API (the names of `tf.compat.v1`) on numpy.
"""

__version__ = "0.1.0"
