"""The op library: importing this package registers every op type."""

from . import (
    array_ops,
    control_flow,
    control_ops,
    index_ops,
    input_ops,
    linalg_ops,
    logic_ops,
    math_ops,
    nn_ops,
    random_ops,
    reduce_ops,
    slicing_ops,
    stack_ops,
    state_ops,
    unary_ops,
    while_loop,
)
