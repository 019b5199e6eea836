"""tf.case: the first true predicate's function, as TF1 builds it from nested conds."""

from __future__ import annotations

import functools

from ..graph import dtypes
from ..graph.build import OpScope
from ..graph.convert import constant
from ..graph.graph import get_default_graph
from ..graph.tensor import Tensor
from . import array_ops, control_flow, logging_ops, logic_ops, math_ops, reduce_ops


def _pairs(pred_fn_pairs, exclusive, name):
    """TF's checks of the (predicate, function) pairs; returns the two lists."""
    if not isinstance(pred_fn_pairs, (list, tuple, dict)):
        raise TypeError(f"'pred_fn_pairs' must be a list, tuple, or dict. Received: "
                        f"{pred_fn_pairs}")
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = list(pred_fn_pairs.items())
    for pair in pred_fn_pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'pred_fn_pairs' must be a 2-tuple. Received {pair}.")
        predicate, function = pair
        if not isinstance(predicate, Tensor):
            raise TypeError(f"pred must be a Tensor, got: {predicate}")
        if predicate.dtype.base_dtype is not dtypes.bool_:
            raise TypeError(f"pred must be Tensor of type bool: {predicate.name}")
        if not callable(function):
            raise TypeError(f"fn for pred {predicate.name} must be callable.")
    return [p for p, _ in pred_fn_pairs], [f for _, f in pred_fn_pairs]


def _assert_at_most_n_true(predicates, n, message):
    if predicates:
        stacked = array_ops.stack(predicates, name="preds_c")
    else:  # TF stacks an empty list into an empty float constant
        stacked = constant([], dtype=dtypes.float32, name="preds_c")
    true_count = reduce_ops.reduce_sum(math_ops.cast(stacked, dtypes.int32),
                                       name="num_true_conds")
    condition = logic_ops.less_equal(true_count, constant(n, name="n_true_conds"))
    names = ", ".join(p.name for p in predicates)
    data = [f"{message}: more than {n} conditions ({names}) evaluated as True:", stacked]
    return logging_ops.Assert(condition, data, summarize=len(predicates))


def _default_from_last(predicates, actions):
    """Without a default, the last function runs when no other predicate is true, after
    asserting that its own predicate is."""
    last = len(predicates) - 1
    predicate, action = predicates[last], actions[last]
    others = predicates[:last]

    def default_action():
        others_message = (f"Implementation error: selected default action #{last} was called, "
                          "but some of other predicates are True: ")
        none_message = ("Input error: None of conditions evaluated as True:",
                        array_ops.stack(predicates, name="preds_c"))
        checks = [_assert_at_most_n_true(others, 0, others_message),
                  logging_ops.Assert(predicate, data=list(none_message))]
        with get_default_graph().control_dependencies(checks):
            return action()
    return default_action, others, actions[:last]


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Runs the function of the first predicate that is true (or `default`): nested tf.cond
    ops, the first pair outermost; exclusive=True also asserts at most one is true."""
    predicates, actions = _pairs(pred_fn_pairs, exclusive, name)
    with OpScope(name, "case", predicates):
        if default is None:
            default, predicates, actions = _default_from_last(predicates, actions)
        function = default
        for predicate, action in reversed(list(zip(predicates, actions))):
            function = functools.partial(control_flow.cond, predicate, true_fn=action,
                                         false_fn=function, strict=strict)
        if exclusive:
            check = _assert_at_most_n_true(predicates, 1, "Input error: exclusive=True")
            with get_default_graph().control_dependencies([check]):
                return function()
        return function()
