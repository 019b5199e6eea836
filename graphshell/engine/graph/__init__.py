"""The graph layer: dtypes, shapes, errors, the op registry, Tensor, Operation, Graph, the
per-thread engine context and its default stacks, and control-flow frames. numpy and the
standard library only; it imports nothing above it."""
