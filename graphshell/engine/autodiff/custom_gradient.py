"""`tf.custom_gradient` in graph mode: the function's results pass through one IdentityN op
(results, then arguments) whose gradient is overridden by the user's gradient function."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Any

from ..graph import nest
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..ops.identity_n_ops import identity_n
from ..ops.variables import global_variables, local_variables
from .gradients import RegisterGradient

_override_numbers = itertools.count(1)  # TF names each override CustomGradient-<uid>


def custom_gradient(f: Callable[..., Any] | None = None) -> Any:
    """Decorator: `f(*args)` returns `(result, grad_fn)`; gradients through the result call
    `grad_fn(*result_grads)`, which returns one gradient per argument."""
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def with_custom_gradient(*args, **kwargs):
        if kwargs:
            raise ValueError("The custom_gradient decorator currently supports keywords "
                             "arguments only when eager execution is enabled.")
        return _graph_mode_call(f, args)
    return with_custom_gradient


def _graph_mode_call(f, args):
    name = f"CustomGradient-{next(_override_numbers)}"
    args = [convert_to_tensor(a) for a in args]
    before = {id(v) for v in global_variables() + local_variables()}
    result, grad_fn = f(*args)
    if any(id(v) not in before for v in global_variables() + local_variables()):
        raise TypeError("All variables used by a function wrapped with @custom_gradient must "
                        "be `ResourceVariable`s. Ensure that no `variable_scope` is created "
                        "with `use_resource=False`.")
    flat_result = [convert_to_tensor(t) for t in nest.flatten(result)]
    result_count = len(flat_result)

    @RegisterGradient(name)
    def _through_user_gradient(unused_op, *result_grads):
        grads = grad_fn(*result_grads[:result_count])
        input_grads = nest.flatten(grads)
        return [None] * result_count + input_grads

    with get_default_graph().gradient_override_map({"IdentityN": name}):
        passed = identity_n(flat_result + args)
    return nest.pack_sequence_as(result, passed[:result_count])
