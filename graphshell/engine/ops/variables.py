"""tf.Variable as a classic TF1 ref variable, plus the variable collections and initializers.

`Variable(0.2, name="a")` builds `a/initial_value` (Const), `a` (VariableV2), `a/Assign` (the
initializer) and `a/read` (Identity: the value other ops use).
"""

from __future__ import annotations

from ..graph import stacks
from ..graph.build import make_op
from ..graph.convert import constant, convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..graph.proto_functions import (
    get_collection_proto_type,
    prepend_name_scope,
    register_proto_function,
    strip_name_scope,
)
from ..graph.reference import Reference
from ..graph.shapes import TensorShape, as_raw_shape, is_fully_defined, shape_str
from ..graph.tensor import Tensor
from . import array_ops, control_flow, control_ops, counter_ops, index_ops, logic_ops, state_ops


def _colocate_initializer_ops(graph, new_ops, variable_op) -> None:
    """Puts the ops an initializer function built, and the variable, in the variable's
    colocation group, as TF1 does for a callable initial value (an enclosing colocate_with
    decides instead: it already gave them its groups)."""
    if graph._colocation_stack:
        return
    group = [f"loc:@{variable_op.name}".encode()]
    for op in new_ops:
        op.attrs = dict(op.attrs, _class=group)  # builders may share one attrs dict


class Variable:
    """A mutable tensor whose value lives in each session (uninitialised until assigned)."""

    __array_priority__ = 100
    __array_ufunc__ = None

    def __init__(self, initial_value=None, trainable=None, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 expected_shape=None, import_scope=None, constraint=None, use_resource=None,
                 synchronization=None, aggregation=None, shape=None):
        if variable_def is not None:
            if initial_value is not None:
                raise ValueError("variable_def and initial_value are mutually exclusive.")
            self._init_from_proto(variable_def, import_scope)
            return
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        collections = _checked_collections(collections)
        if constraint is not None and not callable(constraint):
            raise ValueError("The `constraint` argument must be a callable.")
        self._trainable = True if trainable is None else bool(trainable)
        self._constraint = constraint
        # TF's VariableSynchronization and VariableAggregation numbers, as a VariableDef has them
        self._synchronization, self._aggregation = _enum_value(synchronization), \
            _enum_value(aggregation)
        graph = get_default_graph()
        with graph.control_dependencies(None), graph.name_scope(name or "Variable") as scope:
            first_new_op = len(graph._ops)
            self._initial_value = self._convert_initial_value(graph, initial_value, dtype)
            _check_not_from_control_flow(self._initial_value, callable(initial_value), scope)
            wanted = as_raw_shape(shape) if shape is not None else self._initial_value._shape
            if validate_shape and not is_fully_defined(self._initial_value._shape):
                raise ValueError(f"initial_value must have a shape specified: "
                                 f"{self._initial_value}")
            self._variable = state_ops.variable_op(wanted, self._initial_value.dtype, scope)
            if callable(initial_value):
                _colocate_initializer_ops(graph, graph._ops[first_new_op:], self._variable.op)
            self._initializer_op = state_ops.assign(
                self._variable, self._initial_value, validate_shape=validate_shape,
                name="Assign").op
            with graph.colocate_with(self._variable.op):  # as TF1 places the cached read
                self._snapshot = array_ops.identity(self._variable, name="read")
        if self._trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
        graph.add_to_collections(collections, self)

    def _init_from_proto(self, variable_def, import_scope=None) -> None:
        """This variable over ops already in the default graph, named by a VariableDef (as
        imported from a MetaGraph; it joins no collection here)."""
        graph = get_default_graph()

        def element(name):
            return graph.as_graph_element(prepend_name_scope(name, import_scope))
        self._variable = element(variable_def.variable_name)
        self._initializer_op = element(variable_def.initializer_name)
        self._initial_value = (element(variable_def.initial_value_name)
                               if variable_def.initial_value_name else None)
        self._snapshot = element(variable_def.snapshot_name)
        self._trainable = bool(variable_def.trainable)
        self._synchronization = variable_def.synchronization
        self._aggregation = variable_def.aggregation
        self._constraint = None

    @staticmethod
    def from_proto(variable_def, import_scope=None) -> Variable:
        """The Variable a VariableDef describes, over the ops of the default graph."""
        return Variable(variable_def=variable_def, import_scope=import_scope)

    def to_proto(self, export_scope=None):
        """This variable as a VariableDef (its ops' names without `export_scope`), or None if
        it is outside `export_scope`."""
        if export_scope is not None and not self._variable.name.startswith(export_scope):
            return None
        variable_def = get_collection_proto_type(GraphKeys.GLOBAL_VARIABLES)()
        variable_def.variable_name = strip_name_scope(self._variable.name, export_scope)
        if self._initial_value is not None:
            variable_def.initial_value_name = strip_name_scope(self._initial_value.name,
                                                               export_scope)
        variable_def.trainable = self._trainable
        variable_def.synchronization = self._synchronization
        variable_def.aggregation = self._aggregation
        variable_def.initializer_name = strip_name_scope(self._initializer_op.name,
                                                         export_scope)
        variable_def.snapshot_name = strip_name_scope(self._snapshot.name, export_scope)
        return variable_def

    @staticmethod
    def _convert_initial_value(graph, initial_value, dtype):
        if callable(initial_value):
            with graph.name_scope("Initializer"):
                initial_value = initial_value()
        return convert_to_tensor(initial_value, dtype=dtype, name="initial_value")

    # -- identity ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._variable.name

    @property
    def op(self):
        return self._variable.op

    @property
    def _shared_name(self) -> str:
        return self._variable.op.name

    @property
    def dtype(self):
        return self._variable.dtype

    @property
    def shape(self) -> TensorShape:
        return self._variable.shape

    def get_shape(self) -> TensorShape:
        return self._variable.shape

    @property
    def graph(self):
        return self._variable.graph

    @property
    def device(self) -> str:
        return self._variable.device

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    @property
    def initializer(self):
        return self._initializer_op

    @property
    def initial_value(self) -> Tensor:
        return self._initial_value

    def __repr__(self) -> str:
        return (f"<tf.Variable '{self.name}' shape={shape_str(self._variable._shape)} "
                f"dtype={self.dtype.name}>")

    # -- values ------------------------------------------------------------------------------
    def value(self) -> Tensor:
        """The cached read (`name/read`) that ops built from this variable use."""
        return self._snapshot

    def read_value(self) -> Tensor:
        """A new read op: inside `control_dependencies`, it reads after the dependencies ran."""
        return array_ops.identity(self._variable, name="read")

    def eval(self, session=None):
        return self._variable.eval(session=session)

    def initialized_value(self) -> Tensor:
        """Its value if initialised, else its initial value (for initial values that depend
        on other variables)."""
        graph = self.graph
        with graph.control_dependencies(None):
            return control_flow.cond(state_ops.is_variable_initialized(self), self.read_value,
                                     lambda: self.initial_value)

    def load(self, value, session=None) -> None:
        """Assigns `value` by feeding the initializer (TF1's deprecated `Variable.load`)."""
        session = session or stacks.get_default_session()
        if session is None:
            raise ValueError("Either session argument should be provided or default session "
                             "should be established")
        session.run(self._initializer_op, {self._initializer_op.inputs[1]: value})

    # -- updates -----------------------------------------------------------------------------
    def assign(self, value, use_locking=False, name=None, read_value=True):
        result = state_ops.assign(self._variable, value, use_locking=use_locking, name=name)
        return result if read_value else result.op

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        result = state_ops.assign_add(self._variable, delta, use_locking=use_locking, name=name)
        return result if read_value else result.op

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        result = state_ops.assign_sub(self._variable, delta, use_locking=use_locking, name=name)
        return result if read_value else result.op

    def count_up_to(self, limit):
        """The value, then the variable incremented (CountUpTo); OutOfRangeError at `limit`."""
        return counter_ops.count_up_to(self._variable, limit)

    def ref(self) -> Reference:
        """A hashable handle on this variable (`deref()` gives it back)."""
        return Reference(self)

    experimental_ref = ref

    # -- conversion ------------------------------------------------------------------------------
    def _as_graph_element(self):
        return self._variable

    def _graphshell_tensor(self, dtype=None, name=None, as_ref=False):
        return self._variable if as_ref else self._snapshot

    def _ref(self):
        return self._variable

    def __iter__(self):
        return iter(self._snapshot)  # refused as a tensor's iteration is (TF 2's words)

    def __bool__(self):
        return bool(self._snapshot)

    __hash__ = object.__hash__


def _enum_value(member) -> int:
    """The number of a VariableSynchronization/VariableAggregation member (0: the default)."""
    return 0 if member is None else int(getattr(member, "value", member))


def _check_not_from_control_flow(initial_value: Tensor, from_callable: bool, scope: str) -> None:
    """A variable stands outside every cond and loop, so a given initial value must too (a
    callable one is built there, like the variable)."""
    if not from_callable and initial_value.op._control_flow_context is not None:
        raise ValueError(f"Initializer for variable {scope} is from inside a control-flow "
                         "construct, such as a loop or conditional. When creating a variable "
                         "inside a loop or conditional, use a lambda as the initializer.")


def _checked_collections(collections):
    """The collection names a new variable joins: GLOBAL_VARIABLES unless given."""
    if collections is None:
        return [GraphKeys.GLOBAL_VARIABLES]
    if not isinstance(collections, (list, tuple, set)):
        raise ValueError("collections argument to Variable constructor must be a list, tuple, "
                         f"or set. Got {collections} of type {type(collections)}")
    return collections


def _delegate_operator(method_name):
    def method(self, *args):
        return getattr(self._snapshot, method_name)(*args)
    method.__name__ = method_name
    return method


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
              "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__and__",
              "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__lt__", "__le__",
              "__gt__", "__ge__", "__neg__", "__abs__", "__invert__", "__getitem__"):
    setattr(Variable, _name, _delegate_operator(_name))


# -- MetaGraph collections --------------------------------------------------------------------
def _variable_to_proto(variable, export_scope=None):
    return variable.to_proto(export_scope=export_scope)


# the collections TF writes as VariableDefs in a MetaGraph
for _key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES,
             GraphKeys.MOVING_AVERAGE_VARIABLES, GraphKeys.LOCAL_VARIABLES,
             GraphKeys.MODEL_VARIABLES, GraphKeys.GLOBAL_STEP, GraphKeys.METRIC_VARIABLES):
    register_proto_function(_key, proto_type="variable_pb2.VariableDef",
                            to_proto=_variable_to_proto, from_proto=Variable.from_proto)


# -- collections and initializers -------------------------------------------------------------
def global_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """One op (a NoOp) whose control inputs are the initializers of `var_list`."""
    if var_list:
        return control_ops.group(*[v.initializer for v in var_list], name=name)
    return control_ops.no_op(name=name)


def global_variables_initializer():
    return variables_initializer(global_variables())


def local_variables_initializer():
    return variables_initializer(local_variables())


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """A string tensor naming the variables of `var_list` not yet initialised in the session."""
    var_list = global_variables() if var_list is None else var_list
    graph = get_default_graph()
    with graph.name_scope(name) as scope:
        if not var_list:
            return constant([], dtype="string", name=scope)
        flags = [state_ops.is_variable_initialized(v) for v in var_list]
        missing = logic_ops.logical_not(array_ops.stack(flags))
        names = constant([v.op.name for v in var_list])
        positions = array_ops.reshape(logic_ops.where(missing), [-1])
        return index_ops.gather(names, positions, name=scope)


__all__ = ["Variable", "global_variables", "trainable_variables", "local_variables",
           "variables_initializer", "global_variables_initializer", "make_op"]
