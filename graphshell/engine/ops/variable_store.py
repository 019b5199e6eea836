"""The variables `tf.get_variable` made in one graph, by full name, with TF's reuse checks.

A store creates a variable once (`foo/v`: its initializer under `foo/v/Initializer/`, its
regularizer loss under `foo/v/Regularizer/`) and hands the same object back on reuse, after
checking the shape and dtype asked for against the ones it has.
"""

from __future__ import annotations

import enum
import inspect
import os
import traceback
from collections.abc import Sequence

from ..graph import dtypes
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..graph.shapes import TensorShape
from . import init_ops, variables

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class _ReuseMode(enum.Enum):
    """How `get_variable` treats a name it has (TF's `_ReuseMode`)."""

    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableStore:
    """The variables of one graph made by `get_variable`, keyed by full name."""

    def __init__(self):
        self._vars: dict[str, variables.Variable] = {}
        self._origins: dict[str, list] = {}  # where each was created, for the reuse error

    @property
    def variables(self) -> dict:
        return dict(self._vars)

    def get_variable(self, name, shape=None, dtype=dtypes.float32, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, custom_getter=None, constraint=None,
                     synchronization=None, aggregation=None):
        """The variable `name`, created or reused; a `custom_getter` is handed the real getter."""
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
        dtype = getattr(dtype, "base_dtype", dtype)
        if trainable is None:
            trainable = True
        arguments = dict(name=name, shape=shape, dtype=dtype, initializer=initializer,
                         regularizer=regularizer, reuse=reuse, trainable=trainable,
                         collections=collections, caching_device=caching_device,
                         partitioner=partitioner, validate_shape=validate_shape,
                         use_resource=use_resource, synchronization=synchronization,
                         aggregation=aggregation)
        if custom_getter is None:
            return self._true_getter(constraint=constraint, **arguments)
        if _accepts(custom_getter, "constraint"):
            arguments["constraint"] = constraint
        return custom_getter(getter=self._true_getter, **arguments)

    def _true_getter(self, name, shape=None, dtype=dtypes.float32, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, constraint=None, synchronization=None,
                     aggregation=None):
        is_scalar = isinstance(shape, Sequence) and not shape
        if partitioner is not None and not is_scalar:
            raise NotImplementedError(
                f"graphshell does not support partitioned variables: get_variable({name!r}) "
                "was given a partitioner; remove it to create one unpartitioned variable.")
        return self._get_single_variable(
            name, shape, dtype, initializer, regularizer, reuse,
            True if trainable is None else trainable, collections, validate_shape, constraint)

    def _get_single_variable(self, name, shape, dtype, initializer, regularizer, reuse,
                             trainable, collections, validate_shape, constraint):
        from_value = initializer is not None and not callable(initializer)
        if shape is not None and from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = dtypes.as_dtype(dtype)
        if shape is not None:
            shape = TensorShape(shape)
        if name in self._vars:
            return self._existing(name, shape, dtype, reuse)
        if reuse is True:
            raise ValueError(f"Variable {name} does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                             "VarScope?")
        if initializer is None:
            if shape is None:
                raise ValueError(f"Variable {name} did not get an initializer, so its `shape` "
                                 "argument must be specified.")
            initializer = default_initializer(name, dtype)
        initial_value, variable_dtype = _initial_value(initializer, from_value, shape, dtype)
        variable = variables.Variable(
            initial_value=initial_value, name=name, trainable=trainable, collections=collections,
            dtype=variable_dtype, validate_shape=validate_shape, constraint=constraint,
            shape=shape)
        self._vars[name] = variable
        self._origins[name] = _user_frames()
        if regularizer:
            _add_regularization_loss(name, variable, regularizer)
        return variable

    def _existing(self, name, shape, dtype, reuse):
        found = self._vars[name]
        if reuse is False:
            origin = "".join(traceback.format_list(self._origins[name]))
            raise ValueError(f"Variable {name} already exists, disallowed. Did you mean to set "
                             f"reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally "
                             f"defined at:\n\n{origin}")
        if shape is not None and not shape.is_compatible_with(found.get_shape()):
            raise ValueError(f"Trying to share variable {name}, but specified shape {shape} and "
                             f"found shape {found.get_shape()}.")
        if not dtype.is_compatible_with(found.dtype):
            raise ValueError(f"Trying to share variable {name}, but specified dtype "
                             f"{dtype.name} and found dtype {found.dtype.name}.")
        return found


def default_initializer(name, dtype):
    """TF's choice when none is given: Glorot uniform for floats, zeros for the rest."""
    if dtype.is_floating:
        return init_ops.GlorotUniform()
    if dtype.is_integer or dtype.is_unsigned or dtype.is_bool or dtype == dtypes.string:
        return init_ops.Zeros()
    raise ValueError(f"An initializer for variable {name} of {dtype.base_dtype} is required")


def _initial_value(initializer, from_value, shape, dtype):
    """What the Variable is built from (a value, or a no-argument callable) and its dtype."""
    if from_value:
        return initializer, None
    if inspect.isclass(initializer):
        initializer = initializer()
    if shape is not None and shape.is_fully_defined():
        dims = shape.as_list()
        if _accepts(initializer, "partition_info", keyword_only=False):
            return (lambda: initializer(dims, dtype=dtype, partition_info=None)), dtype.base_dtype
        return (lambda: initializer(dims, dtype=dtype)), dtype.base_dtype
    if _needs_no_arguments(initializer):
        return initializer, None
    raise ValueError("The initializer passed is not valid. It should be a callable with no "
                     "arguments and the shape should not be provided or an instance of "
                     "`tf.keras.initializers.*' and `shape` should be fully defined.")


def _add_regularization_loss(name, variable, regularizer):
    """As TF: the regularizer runs once where it stands, then again under `name/Regularizer/`
    for the loss kept in REGULARIZATION_LOSSES (which rebuilds itself each time it is used)."""
    graph = get_default_graph()

    def make_loss():
        with graph.colocate_with(variable.op), graph.name_scope(name + "/Regularizer/"):
            return regularizer(variable)

    if regularizer(variable) is not None:
        graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, LazyEvalTensor(make_loss))


class LazyEvalTensor:
    """A tensor built by a thunk: it describes its first build, and each use builds anew
    (TF's `_LazyEvalTensor`, what get_variable puts in REGULARIZATION_LOSSES)."""

    def __init__(self, thunk):
        self._thunk = thunk
        self._master_tensor = thunk()

    def _graphshell_tensor(self, dtype=None, name=None, as_ref=False):
        return self._thunk()

    def _as_graph_element(self):
        return self._master_tensor

    def get_shape(self):
        return self._master_tensor.get_shape()

    def __str__(self) -> str:
        return str(self._master_tensor)


def _master_property(attribute):
    return property(lambda self: getattr(self._master_tensor, attribute))


def _rebuilt_method(method_name):
    def method(self, *args, **kwargs):
        return getattr(self._thunk(), method_name)(*args, **kwargs)
    method.__name__ = method_name
    return method


for _attribute in ("device", "dtype", "graph", "name", "op", "shape", "value_index"):
    setattr(LazyEvalTensor, _attribute, _master_property(_attribute))
for _method in ("__abs__", "__add__", "__and__", "__floordiv__", "__ge__", "__getitem__",
                "__gt__", "__invert__", "__le__", "__lt__", "__matmul__", "__mod__", "__mul__",
                "__neg__", "__or__", "__pow__", "__radd__", "__rand__", "__rfloordiv__",
                "__rmatmul__", "__rmod__", "__rmul__", "__ror__", "__rpow__", "__rsub__",
                "__rtruediv__", "__rxor__", "__sub__", "__truediv__", "__xor__", "eval"):
    setattr(LazyEvalTensor, _method, _rebuilt_method(_method))


def _accepts(function, parameter: str, keyword_only: bool = True) -> bool:
    """Whether `function` takes `parameter` (or, for keywords, any **kwargs)."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    if parameter in parameters:
        return True
    return keyword_only and any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _needs_no_arguments(function) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in parameters)


def _user_frames(limit: int = 5) -> list:
    """The innermost frames outside graphshell, innermost first (TF's 'Originally defined
    at' list skips its own frames the same way)."""
    frames = [frame for frame in reversed(traceback.extract_stack())
              if not frame.filename.startswith(_PACKAGE_DIR)]
    return frames[:limit]
