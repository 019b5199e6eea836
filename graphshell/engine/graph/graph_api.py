"""Module-level graph functions of the TF1 API that act on the default graph."""

from __future__ import annotations

from .convert import convert_to_tensor
from .graph import get_default_graph, get_graph_from_inputs
from .operation import Operation


class name_scope:
    """`tf.name_scope(name, default_name=None, values=None)`: opens a (uniquified) scope on the
    graph of `values` or the default graph; yields the scope with a trailing '/'."""

    def __init__(self, name, default_name=None, values=None):
        if name is None and default_name is None and values is not None:
            raise ValueError(f"At least one of name ({name}) and default_name ({default_name}) "
                             "must be provided.")
        self._name = default_name if name is None else name
        self._values = values
        self._graph_context = None
        self._scope_context = None

    def __enter__(self) -> str:
        graph = get_graph_from_inputs(self._values or [])
        if graph is not get_default_graph():
            self._graph_context = graph.as_default()
            self._graph_context.__enter__()
        self._scope_context = graph.name_scope(self._name)
        return self._scope_context.__enter__()

    def __exit__(self, *exc_info):
        self._scope_context.__exit__(*exc_info)
        if self._graph_context is not None:
            self._graph_context.__exit__(*exc_info)
        return False


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name_or_function):
    return get_default_graph().device(device_name_or_function)


def colocate_with(op, ignore_existing=False):
    """`tf.colocate_with`: an Operation, Tensor or Variable, or any value TF converts to a
    tensor (the Const made for it is what new ops are colocated with)."""
    if op is not None and not isinstance(getattr(op, "op", op), Operation):
        op = convert_to_tensor(op)
    return get_default_graph().colocate_with(op, ignore_existing)


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def add_to_collection(name, value) -> None:
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value) -> None:
    get_default_graph().add_to_collections(names, value)


def executing_eagerly() -> bool:
    return False


def disable_eager_execution() -> None:
    """Graphs are always lazy here, so there is nothing to disable."""


def disable_v2_behavior() -> None:
    """graphshell always behaves as TF1 (ref variables, v1 shapes and control flow)."""


def enable_eager_execution(*args, **kwargs):
    raise NotImplementedError("graphshell runs TF1 graph mode only: build a graph, then run it "
                              "in a Session.")


enable_v2_behavior = enable_eager_execution
