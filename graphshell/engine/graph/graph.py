"""Graph: the ops in creation order, their unique names, name scopes and control dependencies."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, cast

from . import create_op as create_op_module
from . import devices, lookup, thread_local
from .context import current_context
from .control_deps import ControlDependencies
from .frames import check_input_context
from .graph_def import signature_attrs
from .op_scopes import OpScopes
from .operation import Operation, attr_word, input_name
from .registry import ShapeError
from .shapes import shape_list_str
from .stacks import DefaultStack
from .tensor import Tensor

_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")
_VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")


class Graph(OpScopes):
    """A dataflow graph: ops in creation order (so creation order is a topological order)."""

    def __init__(self):
        self._ops = []
        self._ops_by_name = {}
        self._names_in_use = {}
        self._name_stack = ""
        self._collections = {}
        self._finalized = False
        self._unfeedable = set()
        self._unfetchable = set()
        self._seed = None
        self._structure_version = 0
        self._creation_order_is_topological = True  # no edge added later, no op moved
        self._control_flow_context = None
        self._control_deps = ControlDependencies(self)
        self._gradient_overrides = {}
        self._seed_offset = 0  # op seeds derived from the graph seed count up per graph
        self._device_scopes: list[devices.DeviceScope] = []  # innermost last
        self._colocation_stack: list[Operation] = []  # innermost last
        self._placement_checked: dict = {}  # run/placement.py: soft -> (ops checked, failed op)
        self._acyclic_version = 0  # the _structure_version last found free of cycles
        self.id = next(current_context().graph_numbers)  # Graph#N counts per context

    @property
    def name(self) -> str:
        return f"Graph#{self.id}"

    def __repr__(self) -> str:
        return f"<tf.Graph {self.name} ops={len(self._ops)}>"

    # -- default graph -------------------------------------------------------------------
    def as_default(self) -> AbstractContextManager[Graph]:
        """Makes this the default graph for the duration of a `with` block."""
        return default_graph_stack.get_controller(self)

    # -- state ---------------------------------------------------------------------------
    @property
    def version(self) -> int:
        return len(self._ops)

    @property
    def _last_id(self) -> int:
        return len(self._ops)

    @property
    def finalized(self) -> bool:
        return self._finalized

    def finalize(self) -> None:
        self._finalized = True

    @property
    def seed(self) -> int | None:
        return self._seed

    @seed.setter
    def seed(self, seed: int | None) -> None:
        self._seed = seed

    @property
    def building_function(self) -> bool:
        return False

    def _structure_changed(self) -> None:
        """Invalidates cached step plans after an existing op gained an edge."""
        self._structure_version += 1
        self._creation_order_is_topological = False

    # -- names -----------------------------------------------------------------------------
    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """`name` under the current scope, suffixed `_1`, `_2`... until unused
        (case-insensitive)."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        return self._unique_absolute_name(name, mark_as_used)

    def _unique_absolute_name(self, name: str, mark_as_used: bool = True) -> str:
        in_use = self._names_in_use
        key = name.lower()
        count = in_use.get(key, 0)
        if mark_as_used:
            in_use[key] = count + 1
        if count > 0:
            base_key = key
            while key in in_use:
                key = f"{base_key}_{count}"
                count += 1
            if mark_as_used:
                in_use[key] = 1
            name = f"{name}_{count - 1}"
        return name

    def get_name_scope(self) -> str:
        return self._name_stack

    @contextlib.contextmanager
    def name_scope(self, name: str | None) -> Iterator[str]:
        """Opens scope `name` (made unique); `name/` re-enters exactly; None or '' goes to the
        root."""
        old = self._name_stack
        self._name_stack = self._resolve_scope(name)
        try:
            yield self._name_stack + "/" if self._name_stack else ""
        finally:
            self._name_stack = old

    def _resolve_scope(self, name) -> str:
        if isinstance(name, bytes):
            name = name.decode()
        if not name:
            return ""
        if self._name_stack:
            if not _VALID_SCOPE_NAME.match(name):
                raise ValueError(f"'{name}' is not a valid scope name. A scope name has to match "
                                 f"the following pattern: {_VALID_SCOPE_NAME.pattern}")
        elif not _VALID_OP_NAME.match(name):
            raise ValueError(f"'{name}' is not a valid root scope name. A root scope name has to "
                             f"match the following pattern: {_VALID_OP_NAME.pattern}")
        if name.endswith("/"):
            return name[:-1]
        return self.unique_name(name)

    def _op_name(self, name, default: str) -> str:
        """The final name for a new op: `name` or `default`, uniquified; `x/` means exactly x."""
        if name is None:
            return self.unique_name(default)
        if isinstance(name, bytes):
            name = name.decode()
        if name.endswith("/"):
            return name[:-1]
        return self.unique_name(name)

    # -- control dependencies ----------------------------------------------------------------
    def control_dependencies(self, control_inputs: Any) -> AbstractContextManager[None]:
        """Ops created inside the block run after `control_inputs` (None clears the inherited
        set)."""
        return self._control_deps.scope(control_inputs)

    # -- building ops ----------------------------------------------------------------------------
    def _create_op(self, opdef, inputs, name: str, attrs=None,
                   compute_device: bool = True) -> Operation:
        """Adds one op whose inputs are Tensors of this graph and whose name is final."""
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        if name in self._ops_by_name:
            raise ValueError(f"Duplicate node name in graph: '{name}'")
        if not _VALID_OP_NAME.match(name):
            raise ValueError(f"`{name}` is not a valid node name. Accepted names conform to "
                             f"Regex /{_VALID_OP_NAME!r}/")
        context = self._control_flow_context
        position = len(self._ops)
        # control dependencies are decided on the inputs as given, before routing (as TF)
        control_inputs = self._control_deps.inputs_for(inputs)
        for tensor in inputs:
            check_input_context(opdef.type, name, context, tensor.op)
        if context is not None:
            inputs = context.process_inputs(inputs)
        op = Operation.__new__(Operation)
        op._graph = self
        op._id = len(self._ops)
        op.name = name
        op.type = opdef.type
        op._inputs = tuple(inputs)
        op.attrs = attrs if attrs is not None else {}
        if self._gradient_overrides and opdef.type in self._gradient_overrides:
            op.attrs = dict(op.attrs, _gradient_op_type=self._gradient_overrides[opdef.type])
        op._opdef = opdef
        op._control_flow_context = context
        op._control_outputs = []
        op.device = ""
        op._control_inputs = control_inputs
        try:
            outputs = opdef.infer(op)
        except ShapeError as error:
            shapes_text = ", ".join("?" if t._shape is None else shape_list_str(t._shape)
                                    for t in op._inputs)  # TF writes an unknown rank as ?
            raise ValueError(f"{error} for '{{{{node {name}}}}} = {node_summary(op)}' with "
                             f"input shapes: {shapes_text}.") from None
        op._outputs = [Tensor(op, i, dtype, shape) for i, (dtype, shape) in enumerate(outputs)]
        if compute_device:  # device functions may look at the op's outputs
            self._place(op)
        for tensor in op._inputs:
            tensor._consumers.append(op)
        for control in op._control_inputs:
            control._control_outputs.append(op)
        self._insert(op, position)
        self._ops_by_name[name] = op
        self._control_deps.record(op)
        if context is not None:
            context.record(op)
        return op

    def create_op(self, op_type: str, inputs, dtypes=None, input_types=None, name=None,
                  attrs=None, op_def=None, compute_shapes=True,
                  compute_device=True) -> Operation:
        """Adds an op of a registered type from input Tensors and attrs (TF's deprecated
        low-level constructor). As in TF 2, output and input types follow from the inputs and
        attrs, so `dtypes`, `input_types`, `op_def` and `compute_shapes` are not used."""
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        return create_op_module.create_op(self, op_type, inputs, name, attrs, compute_device)

    def _place(self, op) -> None:
        """Records the device scopes and colocation constraints in force on a new op; an op
        taking a variable by reference is colocated with it (TF's op_def_library does so)."""
        scopes, stack = self._device_scopes, self._colocation_stack
        if op._opdef.ref_inputs:
            refs = [op._inputs[i].op for i in sorted(op._opdef.ref_inputs)
                    if i < len(op._inputs) and op._inputs[i].dtype.is_ref]
            # graphshell's one Merge type is TF's RefMerge only when every input is a ref
            if refs and (op.type != "Merge" or len(refs) == len(op._inputs)):
                scopes, stack = [], stack + refs
        if scopes:
            devices.apply_device_scopes(op, scopes)
        if stack:
            op.attrs = dict(op.attrs)  # builders may share one attrs dict between ops
            devices.apply_colocation(op, stack)

    def _insert(self, op, position: int) -> None:
        """Appends `op`, or, if a cond or while context just made Switch or Enter ops for its
        inputs, puts it before them: TF adds the op first and then rewires its inputs."""
        if position == len(self._ops):
            self._ops.append(op)
            return
        self._ops.insert(position, op)
        self._creation_order_is_topological = False
        for index in range(position, len(self._ops)):
            self._ops[index]._id = index

    # -- looking things up -------------------------------------------------------------------------
    def get_operations(self) -> list[Operation]:
        return list(self._ops)

    def get_operation_by_name(self, name: str) -> Operation:
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        return cast(Operation, self.as_graph_element(name, allow_tensor=False))

    def get_tensor_by_name(self, name: str) -> Tensor:
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        return cast(Tensor, self.as_graph_element(name, allow_operation=False))

    def _get_operation_or_none(self, name: str):
        return self._ops_by_name.get(name)

    def as_graph_element(self, obj: Any, allow_tensor: bool = True,
                         allow_operation: bool = True) -> Tensor | Operation:
        """Resolves a Tensor, Operation, Variable or name to an element of this graph (TF's
        rules)."""
        return lookup.as_graph_element(self, obj, allow_tensor, allow_operation)

    # -- collections -------------------------------------------------------------------------------
    def add_to_collection(self, name, value) -> None:
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value) -> None:
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name: str) -> list:
        return self._collections.setdefault(name, [])

    def get_collection(self, name: str, scope: str | None = None) -> list:
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [item for item in items
                if hasattr(item, "name") and pattern.match(item.name)]

    def get_all_collection_keys(self) -> list[str]:
        return [name for name, items in self._collections.items() if items]

    def clear_collection(self, name) -> None:
        self._collections.pop(name, None)

    # -- feeding and fetching guards ---------------------------------------------------------------
    def prevent_feeding(self, tensor) -> None:
        self._unfeedable.add(tensor)

    def prevent_fetching(self, op) -> None:
        self._unfetchable.add(op)

    def is_feedable(self, tensor) -> bool:
        return tensor not in self._unfeedable

    def is_fetchable(self, element) -> bool:
        op = element.op if isinstance(element, Tensor) else element
        return op not in self._unfetchable

    # -- thread-local stacks -------------------------------------------------------------------
    def switch_to_thread_local(self) -> None:
        """Each thread keeps its own device, colocation, control-dependency and name stacks."""
        thread_local.switch_to_thread_local(self)

    # -- resource containers (tf.container) -------------------------------------------------
    @contextlib.contextmanager
    def container(self, container_name: str) -> Iterator[str]:
        """Stateful ops created inside (variables) get `container_name` as their `container`
        attr, unless they name one; set when the block ends, innermost block first."""
        first_new = len(self._ops)
        try:
            yield container_name
        finally:
            for op in self._ops[first_new:]:
                if op._opdef.stateful and op.attrs.get("container") == "":
                    op.attrs = dict(op.attrs, container=container_name)

    def as_graph_def(self, from_version: int | None = None, add_shapes: bool = False) -> Any:
        """TF's GraphDef message of every op (from_version is accepted and, as in TF 2,
        ignored); add_shapes adds each node's `_output_shapes`. Needs tensorboard's protos."""
        from . import function_library
        return function_library.graph_def(list(self._ops), add_shapes)

    @property
    def graph_def_versions(self) -> Any:
        """The VersionDef of this graph's GraphDefs."""
        from . import graph_def
        return graph_def.graph_def([]).versions


def node_summary(op) -> str:
    """`AddV2[T=DT_FLOAT](Const, Const_1)`, as TF prints a node in shape errors."""
    attrs = signature_attrs(op)
    if not attrs and op._inputs:  # a graphshell-only op type: TF's usual T
        attrs["T"] = op._inputs[0].dtype
    attrs.update({k: v for k, v in op.attrs.items() if not k.startswith("_") and k != "value"})
    words = ", ".join(f"{key}={attr_word(attrs[key])}" for key in sorted(attrs))
    inputs = ", ".join(input_name(t) for t in op._inputs)
    return f"{op.type}[{words}]({inputs})"


def get_graph_from_inputs(values, default=None):
    """The graph of the first graph element in `values`; all must agree (TF's A1 rule). While
    a function is traced, its graph (it captures what comes from outside), as in TF."""
    if get_default_graph().building_function:
        return get_default_graph()
    return check_same_graph(values, default)


def check_same_graph(values, default=None):
    """The graph of the first graph element in `values`, or TF's ValueError if another
    element is of another graph; `default` (or the default graph) when there is none."""
    graph = None
    first = None
    for value in values:
        element = _graph_element_of(value)
        if element is None:
            continue
        if graph is None:
            graph, first = element.graph, element
        elif element.graph is not graph:
            raise ValueError(f"{element!s} must be from the same graph as {first!s} (graphs are "
                             f"{element.graph!r} and {graph!r}).")
    if graph is not None:
        return graph
    return default if default is not None else get_default_graph()


def _graph_element_of(value):
    if isinstance(value, (Tensor, Operation)):
        return value
    as_element = getattr(value, "_as_graph_element", None)
    if as_element is not None and not isinstance(value, type):
        return as_element()
    return None


# -- the default graph ------------------------------------------------------------------------
class GraphStack(DefaultStack):
    """The default-graph stack; an empty stack falls back to the context's global default graph."""

    __slots__ = ()

    def __init__(self):
        super().__init__("graph_stack")

    def get_default(self) -> Graph:
        context = current_context()
        if context.graph_stack:
            return context.graph_stack[-1]
        return _global_graph_of(context)


def _global_graph_of(context) -> Graph:
    if context.global_graph is None:
        context.global_graph = Graph()
    return context.global_graph


default_graph_stack = GraphStack()


def get_default_graph() -> Graph:
    """The graph new ops go into: the innermost `as_default()` graph, else the global default."""
    return default_graph_stack.get_default()


def global_default_graph() -> Graph:
    """The graph new ops go into when no graph is entered (the bottom of :stack's list)."""
    return _global_graph_of(current_context())


def reset_default_graph() -> None:
    """Replaces the global default graph; refused while a graph or `with Session()` is entered."""
    if not default_graph_stack.is_cleared():
        raise AssertionError(
            "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared "
            "graph, exit the nesting and create a new graph.")
    current_context().global_graph = Graph()


def default_graph_snapshot():
    """The explicit default-graph stack of the current context, innermost first (for :stack)."""
    return list(reversed(default_graph_stack.stack))
