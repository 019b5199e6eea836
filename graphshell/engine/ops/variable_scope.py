"""tf.variable_scope, tf.get_variable and tf.get_variable_scope, with TF1's naming and reuse.

A variable scope names variables (`foo/bar/v`) and carries defaults for `get_variable`
(reuse, initializer, regularizer, dtype, custom getter); it also opens a name scope for the
ops made inside, which is uniquified as name scopes are: re-entering `variable_scope("foo")`
puts ops under `foo_1/` while its variables stay `foo/...`. Each graph has one variable store;
each thread has its own current scope and `default_name` counts per graph, as in TF.
"""

from __future__ import annotations

import copy
import functools
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from ..graph import dtypes
from ..graph.graph import get_default_graph, get_graph_from_inputs
from ..graph.graph_keys import GraphKeys
from .scope_defaults import VariableScope
from .variable_store import AUTO_REUSE, VariableStore


class _ScopeState(threading.local):
    """One thread's current variable scope in one graph, and how often each name opened."""

    def __init__(self):
        self.current_scope = VariableScope(False)
        self.variable_scopes_count: dict[str, int] = {}

    def open_variable_scope(self, scope_name: str) -> None:
        self.variable_scopes_count[scope_name] = self.variable_scopes_count.get(scope_name,
                                                                                0) + 1

    def close_variable_subscopes(self, scope_name: str) -> None:
        """Forgets the counts below `scope_name`, so default names restart on re-entry."""
        for name in self.variable_scopes_count:
            if scope_name is None or name.startswith(scope_name + "/"):
                self.variable_scopes_count[name] = 0

    def variable_scope_count(self, scope_name: str) -> int:
        return self.variable_scopes_count.get(scope_name, 0)


_GRAPH_STATE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _graph_state(graph=None) -> tuple[VariableStore, _ScopeState]:
    """The variable store and the per-thread scope state of `graph` (the default graph)."""
    graph = get_default_graph() if graph is None else graph
    state = _GRAPH_STATE.get(graph)
    if state is None:
        state = _GRAPH_STATE[graph] = (VariableStore(), _ScopeState())
    return state


def get_variable_store(graph=None) -> VariableStore:
    """The store holding every variable `get_variable` made in `graph` (the default graph)."""
    return _graph_state(graph)[0]


def get_variable_scope() -> VariableScope:
    """The current variable scope (the root scope, named '', outside any)."""
    return _graph_state()[1].current_scope


class _pure_variable_scope:
    """Enters a variable scope without opening a name scope (what variable_scope uses)."""

    def __init__(self, name_or_scope, reuse=None, initializer=None, regularizer=None,
                 caching_device=None, partitioner=None, custom_getter=None,
                 old_name_scope=None, dtype=dtypes.float32, use_resource=None,
                 constraint=None):
        self._name_or_scope = name_or_scope
        self._reuse = reuse
        self._old_name_scope = old_name_scope
        self._overrides = dict(initializer=initializer, regularizer=regularizer,
                               caching_device=caching_device, partitioner=partitioner,
                               dtype=dtype, use_resource=use_resource)
        self._custom_getter = custom_getter
        self._constraint = constraint
        self._state = _graph_state()[1]
        self._entered = None
        if isinstance(name_or_scope, VariableScope):
            self._new_name = name_or_scope.name
            self._cached_scope = self._new_scope(
                name_or_scope, reuse if reuse else name_or_scope.reuse,
                name_or_scope._name_scope)

    def _new_scope(self, base, reuse, name_scope) -> VariableScope:
        """A scope named `self._new_name` inheriting `base`'s defaults, then our overrides."""
        scope = VariableScope(
            reuse, name=self._new_name, initializer=base.initializer,
            regularizer=base.regularizer, caching_device=base.caching_device,
            partitioner=base.partitioner, dtype=base.dtype, use_resource=base.use_resource,
            custom_getter=base.custom_getter, name_scope=name_scope,
            constraint=self._constraint)
        for attribute, value in self._overrides.items():
            if value is not None:
                getattr(scope, "set_" + attribute)(value)
        if self._custom_getter is not None:
            scope.set_custom_getter(_wrap_custom_getter(self._custom_getter,
                                                        base.custom_getter))
        return scope

    def __enter__(self) -> VariableScope:
        state = self._state
        self._old = state.current_scope
        if isinstance(self._name_or_scope, VariableScope):
            state.open_variable_scope(self._new_name)
            self._old_subscopes = copy.copy(state.variable_scopes_count)
            scope = self._cached_scope
        else:
            old = self._old
            self._new_name = (old.name + "/" + self._name_or_scope if old.name
                              else self._name_or_scope)
            self._reuse = self._reuse or old.reuse  # reuse is inherited by sub-scopes
            name_scope = (self._name_or_scope if self._old_name_scope is None
                          else self._old_name_scope)
            scope = self._new_scope(old, self._reuse, name_scope)
            state.open_variable_scope(self._new_name)
        state.current_scope = scope
        self._entered = scope
        return scope

    def __exit__(self, *exc_info) -> None:
        state = self._state
        if state.current_scope is not self._entered:
            raise RuntimeError("Improper nesting of variable_scope.")
        if isinstance(self._name_or_scope, VariableScope):
            state.variable_scopes_count = self._old_subscopes
        else:
            state.close_variable_subscopes(self._new_name)
        state.current_scope = self._old


def _wrap_custom_getter(custom_getter, old_getter):
    """A getter calling `custom_getter` with `old_getter` in front of the real one (nested
    scopes' custom getters compose)."""
    if old_getter is None:
        return custom_getter

    def wrapped_custom_getter(getter, *args, **kwargs):
        return custom_getter(functools.partial(old_getter, getter), *args, **kwargs)
    return wrapped_custom_getter


def _unique_variable_scope(prefix: str) -> str:
    """`prefix`, or `prefix_N` with the first N not yet opened in the current scope."""
    state = _graph_state()[1]
    current = state.current_scope.name
    name = current + "/" + prefix if current else prefix
    if state.variable_scope_count(name) == 0:
        return prefix
    index = 1
    while state.variable_scope_count(f"{name}_{index}") > 0:
        index += 1
    return f"{prefix}_{index}"


class variable_scope:
    """`with tf.variable_scope(name_or_scope, default_name=None, values=None, ...)`: opens a
    variable scope and a name scope for the ops inside; yields the VariableScope."""

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:  # False means None: sub-scopes cannot stop inheriting reuse
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError("The auxiliary_name_scope must be `True` or `False`, while get "
                            f"{auxiliary_name_scope}")
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._reuse = reuse
        self._defaults = dict(initializer=initializer, regularizer=regularizer,
                              caching_device=caching_device, partitioner=partitioner,
                              custom_getter=custom_getter, dtype=dtype,
                              use_resource=use_resource, constraint=constraint)
        self._graph = get_graph_from_inputs(values or [])
        self._auxiliary_name_scope = auxiliary_name_scope
        self._pure_scope = None
        self._name_scope_name = None

    def __enter__(self) -> VariableScope:
        self._graph_context = self._graph.as_default()
        self._graph_context.__enter__()
        self._name_scope = None
        try:
            if self._pure_scope is not None:  # entered before: same variable scope again
                if self._name_scope_name is not None:
                    self._open_name_scope(self._name_scope_name)
                return self._pure_scope.__enter__()
            return self._enter_first_time()
        except BaseException:
            self._close_name_scope()
            self._graph_context.__exit__(None, None, None)
            raise

    def _enter_first_time(self) -> VariableScope:
        name_or_scope = self._name_or_scope
        reenter_name_scope = None
        if not self._auxiliary_name_scope:
            current = self._graph.get_name_scope()
            reenter_name_scope = current + "/" if current else ""
        if name_or_scope is None:
            if self._reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            opened = self._open_name_scope(
                self._default_name if reenter_name_scope is None else reenter_name_scope)
            return self._enter_pure(_unique_variable_scope(self._default_name), opened, None)
        if not isinstance(name_or_scope, (VariableScope, str)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        if isinstance(name_or_scope, str):
            own_name_scope = name_or_scope
        else:
            own_name_scope = name_or_scope.name.split("/")[-1]
        if not own_name_scope and reenter_name_scope is None:
            return self._enter_pure(name_or_scope, None, self._reuse)  # the root scope
        opened = self._open_name_scope(
            own_name_scope if reenter_name_scope is None else reenter_name_scope)
        if isinstance(name_or_scope, VariableScope):
            opened = name_or_scope.original_name_scope
        return self._enter_pure(name_or_scope, opened, self._reuse)

    def _enter_pure(self, name_or_scope, old_name_scope, reuse) -> VariableScope:
        pure_scope = _pure_variable_scope(name_or_scope, reuse=reuse,
                                          old_name_scope=old_name_scope, **self._defaults)
        entered = pure_scope.__enter__()
        self._pure_scope = pure_scope
        return entered

    def _open_name_scope(self, name) -> str:
        name_scope = self._graph.name_scope(name)
        opened = name_scope.__enter__()
        self._name_scope, self._name_scope_name = name_scope, name
        return opened

    def _close_name_scope(self) -> None:
        if self._name_scope is not None:
            name_scope, self._name_scope = self._name_scope, None
            name_scope.__exit__(None, None, None)

    def __exit__(self, *exc_info) -> None:
        try:
            self._pure_scope.__exit__(*exc_info)
        finally:
            try:
                self._close_name_scope()
            finally:
                self._graph_context.__exit__(*exc_info)


@contextmanager
def variable_op_scope(values, name_or_scope, default_name=None, initializer=None,
                      regularizer=None, caching_device=None, partitioner=None,
                      custom_getter=None, reuse=None, dtype=None, use_resource=None,
                      constraint=None):
    """TF1's deprecated spelling of `variable_scope(name_or_scope, default_name, values)`."""
    with variable_scope(name_or_scope, default_name=default_name, values=values,
                        initializer=initializer, regularizer=regularizer,
                        caching_device=caching_device, partitioner=partitioner,
                        custom_getter=custom_getter, reuse=reuse, dtype=dtype,
                        use_resource=use_resource, constraint=constraint) as scope:
        yield scope


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 synchronization=None, aggregation=None):
    """The variable `name` of the current variable scope: created, or shared when reusing."""
    return get_variable_scope().get_variable(
        get_variable_store(), name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, trainable=trainable, collections=collections,
        caching_device=caching_device, partitioner=partitioner, validate_shape=validate_shape,
        use_resource=use_resource, custom_getter=custom_getter, constraint=constraint,
        synchronization=synchronization, aggregation=aggregation)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None,
                       partitioner=None, validate_shape=True, use_resource=None,
                       custom_getter=None, constraint=None, synchronization=None,
                       aggregation=None):
    """`get_variable` for LOCAL_VARIABLES: never trainable, not in GLOBAL_VARIABLES."""
    collections = (list(collections) if collections else []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(
        name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
        trainable=False, collections=collections, caching_device=caching_device,
        partitioner=partitioner, validate_shape=validate_shape, use_resource=use_resource,
        custom_getter=custom_getter, constraint=constraint, synchronization=synchronization,
        aggregation=aggregation)


@contextmanager
def init_scope() -> Iterator[None]:
    """Inside the block, ops are built as variables' initializers are: outside every cond and
    while loop and every control_dependencies block, in the current name scope (tf.init_scope
    in graph mode)."""
    with get_default_graph().control_dependencies(None):
        yield


def no_regularizer(_):
    """A regularizer that adds nothing (to switch off a scope's default regularizer)."""
    return None


__all__ = ["init_scope", "AUTO_REUSE", "VariableScope", "variable_scope", "variable_op_scope",
           "get_variable", "get_local_variable", "get_variable_scope", "get_variable_store",
           "no_regularizer"]
