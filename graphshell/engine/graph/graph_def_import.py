"""`tf.import_graph_def`: a GraphDef's nodes as ops of the default graph, under a name prefix.

Nodes are created in TF's importer's order: the GraphDef's order, each node delayed until its
inputs exist (a graph exported mid-cond re-imports so reordered, as in TF; any other graph
re-imports with the same `as_graph_def()`). An op type with no definition here is imported as
a kernel-less op (its outputs from TF's recorded output args, the NodeDef's attrs and its
`_output_shapes`), so the graph can be explored; a step that needs it fails naming it. While
loops import as TF imports them: a Merge waits for one input only, its NextIteration back edge
is connected once the NextIteration exists, and each op's frame is rebuilt from the Enter ops'
`frame_name` attrs (imported_frames.py), so the loop runs.
"""

from __future__ import annotations

from typing import Any

from . import dtypes, registry
from . import graph_def_values as values
from .convert import convert_to_tensor
from .function_import import attach_library
from .graph import get_default_graph
from .graph_def import op_signature
from .imported_frames import rebuild_while_frames
from .lowest_first import lowest_first_order
from .operation import Operation
from .tensor import Tensor

# tensorboard renames the package of its copies of TF's protos
_GRAPH_DEF_NAMES = frozenset({"tensorflow.GraphDef", "tensorboard.GraphDef"})
# attrs TF writes for the graph's sake that graphshell recomputes (or keeps elsewhere)
_DROPPED_ATTRS = frozenset({"_output_shapes"})
# string attrs graphshell's builders keep as str (the others are bytes, as in TF)
_TEXT_ATTRS = {"Print": ("message",), "VariableV2": ("container", "shared_name")}
_MERGE_TYPES = frozenset({"Merge", "RefMerge"})
_NEXT_ITERATION_TYPES = frozenset({"NextIteration", "RefNextIteration"})
# Enter shape rule in TF: a loop variable's Enter has an unknown shape (it changes per pass)
_ENTER_TYPES = frozenset({"Enter", "RefEnter"})


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None,
                     op_dict=None, producer_op_list=None) -> list | None:
    """Imports `graph_def` into the default graph (TF 1.x's tf.import_graph_def); returns the
    `return_elements` as Operations (`op`) and Tensors (`op:0`), or None without them.
    `op_dict` and `producer_op_list` (deprecated in TF) are accepted and not used."""
    del op_dict, producer_op_list
    _check_arguments(graph_def, input_map, return_elements)
    graph = get_default_graph()
    # as in TF, the scope's name is taken even if the import fails, and the GraphDef's nodes
    # are all added or none; unused input_map keys are found once they are added
    with graph.name_scope("import" if name is None else name) as scope:
        prefix = scope[:-1] if scope else ""
        mapper = _InputMapper(_normalized_input_map(graph, input_map or {}, prefix))
        nodes = _nodes_by_name(graph_def, mapper.input_map)
        order = _topological_order(graph_def.node, nodes)
        names_before, ops_before = dict(graph._names_in_use), len(graph._ops)
        try:
            created = _create_ops(graph, [graph_def.node[i] for i in order], prefix, mapper)
            if graph_def.library.function:  # tf.data's functions, run by the ops naming them
                attach_library(graph_def.library, created.values(), import_graph_def,
                               graph.seed)
        except BaseException:
            _remove_new_ops(graph, ops_before, names_before)
            raise
    mapper.check_all_used()
    if return_elements is None:
        return None
    return [_return_element(item, nodes, created) for item in return_elements]


def _check_arguments(graph_def, input_map, return_elements) -> None:
    descriptor = getattr(graph_def, "DESCRIPTOR", None)
    if getattr(descriptor, "full_name", None) not in _GRAPH_DEF_NAMES:
        raise TypeError("Argument `graph_def` must be a GraphDef proto.")
    if input_map is not None and not isinstance(input_map, dict):
        raise TypeError(f"Argument `input_map` must be a dictionary. Obtained "
                        f"{type(input_map).__name__}")
    if return_elements is not None and not all(isinstance(e, (str, bytes))
                                               for e in return_elements):
        raise TypeError("return_elements must be a list of strings.")


def _nodes_by_name(graph_def, input_map: dict) -> dict[str, Any]:
    """The nodes by name; every input must name one, unless input_map replaces it (as a
    scoped MetaGraph's `$unbound_inputs_` names are)."""
    nodes: dict[str, Any] = {}
    for node in graph_def.node:
        if node.name in nodes:
            raise ValueError(f"Node '{node.name}' is not unique")
        nodes[node.name] = node
    for node in graph_def.node:
        for text in node.input:
            source, index = parse_input(text)
            mapped = text if index < 0 else f"{source}:{index}"
            if source not in nodes and mapped not in input_map:
                raise ValueError(f"Node '{node.name}': Unknown input node '{text}'")
    return nodes


def parse_input(text: str) -> tuple[str, int]:
    """A NodeDef input as (node name, output index); index -1 for a control input `^name`."""
    if text.startswith("^"):
        return text[1:], -1
    source, colon, index = text.rpartition(":")
    if colon and index.isdigit():
        return source, int(index)
    return text, 0


def _normalized_input_map(graph, input_map: dict, prefix: str) -> dict[str, Any]:
    """Keys as `name:k` or `^name`; values Tensors (other values become constants under
    `_inputs`, an Operation is refused, as TF does)."""
    if not all(isinstance(value, Tensor) for value in input_map.values()):
        if not prefix:
            raise ValueError("tf.import_graph_def() requires a non-empty `name` if "
                             "`input_map` contains non-Tensor values. Try calling "
                             "tf.convert_to_tensor() on `input_map` values before calling "
                             "tf.import_graph_def().")
        with graph.name_scope("_inputs"):
            input_map = {key: _as_tensor(value) for key, value in input_map.items()}
    normal = {}
    for key, value in input_map.items():
        key = key.decode() if isinstance(key, bytes) else str(key)
        source, index = parse_input(key)
        normal[key if index < 0 else f"{source}:{index}"] = value
    return normal


def _as_tensor(value) -> Tensor:
    if isinstance(value, Operation):
        raise TypeError(f"can't convert Operation '{value.name}' to Tensor")
    return value if isinstance(value, Tensor) else convert_to_tensor(value)


def _topological_order(node_list, nodes: dict) -> list[int]:
    """Node positions with every input before its consumer; among ready nodes, the first in
    the GraphDef (a heap on position, O(n log n)), as TF's importer picks them."""
    position = {node.name: k for k, node in enumerate(node_list)}
    pending = [0] * len(node_list)
    consumers: list[list[int]] = [[] for _ in node_list]
    for k, node in enumerate(node_list):
        sources = {parse_input(text)[0] for text in node.input
                   if parse_input(text)[0] in nodes and not is_back_edge(node, text, nodes)}
        pending[k] = len(sources)
        for source in sources:
            consumers[position[source]].append(k)
    order = lowest_first_order(consumers, pending)
    if len(order) < len(node_list):
        stuck = next(node for k, node in enumerate(node_list) if pending[k])
        raise ValueError(f"GraphDef has a cycle through node '{stuck.name}' (op {stuck.op}) "
                         f"that is not a while loop's NextIteration -> Merge edge")
    return order


def is_back_edge(node, text: str, nodes: dict) -> bool:
    """Whether input `text` of `node` is a while loop's back edge (NextIteration -> Merge),
    which TF's importer connects after both nodes exist."""
    if node.op not in _MERGE_TYPES or text.startswith("^"):
        return False
    return nodes[parse_input(text)[0]].op in _NEXT_ITERATION_TYPES


class _InputMapper:
    """input_map applied to NodeDef inputs, remembering which keys were used."""

    def __init__(self, input_map: dict[str, Tensor]) -> None:
        self.input_map = input_map
        self.used: set[str] = set()

    def lookup(self, key: str) -> Tensor | None:
        tensor = self.input_map.get(key)
        if tensor is not None:
            self.used.add(key)
        return tensor

    def check_all_used(self) -> None:
        unused = [key for key in self.input_map if key not in self.used]
        if unused:
            raise ValueError(f"Attempted to map inputs that were not found in graph_def: "
                             f"[{', '.join(unused)}]")


def _create_ops(graph, ordered_nodes, prefix: str, mapper: _InputMapper) -> dict[str, Operation]:
    created: dict[str, Operation] = {}
    back_edges: list[tuple[Operation, int, str, int]] = []
    for node in ordered_nodes:
        inputs, controls, mapped, waiting = _resolve_inputs(node, created, mapper)
        attrs = _imported_attrs(node)
        opdef = _definition(node, attrs)
        full_name = f"{prefix}/{node.name}" if prefix else node.name
        full_name = graph._unique_absolute_name(full_name)
        if mapped:
            _check_mapped_types(node, attrs, inputs, mapped, full_name)
        op = graph._create_op(opdef, inputs, full_name, attrs)
        back_edges.extend((op, position, source, index) for position, source, index in waiting)
        _add_control_inputs(op, controls)
        if op.type in _ENTER_TYPES and not op.attrs.get("is_constant"):
            op._outputs[0]._shape = None
        _refine_shapes(node, op)
        if node.device:
            op.device = node.device
        created[node.name] = op
    for op in created.values():
        if "_class" in op.attrs:
            op.attrs["_class"] = _renamed_colocation(op.attrs["_class"], created)
    if back_edges:
        _connect_back_edges(graph, back_edges, created)
    rebuild_while_frames(graph, list(created.values()), graph._control_flow_context)
    return created


def _connect_back_edges(graph, back_edges: list, created: dict[str, Operation]) -> None:
    """Each Merge's NextIteration input, in place of the stand-in it was created with."""
    for merge, position, source, index in back_edges:
        stand_in = merge._inputs[position]
        stand_in._consumers.remove(merge)
        next_value = created[source]._outputs[index]
        merge._inputs = merge._inputs[:position] + (next_value,) + merge._inputs[position + 1:]
        next_value._consumers.append(merge)
    graph._structure_changed()


def _renamed_colocation(groups: list, created: dict[str, Operation]) -> list:
    """`loc:@name` colocation groups naming imported nodes, renamed as those nodes were
    (under the prefix, or uniquified)."""
    renamed = []
    for group in groups:
        target = created.get(group[5:].decode()) if group.startswith(b"loc:@") else None
        renamed.append(b"loc:@" + target.name.encode() if target is not None else group)
    return renamed


def _refine_shapes(node, op: Operation) -> None:
    """Output shapes the NodeDef recorded (`_output_shapes`) refine the inferred ones, as TF's
    importer uses them; a recorded shape that contradicts the inferred one is an error."""
    recorded = node.attr.get("_output_shapes")
    if recorded is None or len(recorded.list.shape) != len(op._outputs):
        return
    for index, (tensor, shape) in enumerate(zip(op._outputs, recorded.list.shape)):
        try:
            tensor.set_shape(values.raw_shape(shape))
        except ValueError:
            raise ValueError(f"Node '{node.name}' has an _output_shapes attribute inconsistent "
                             f"with the GraphDef for output #{index}: shapes "
                             f"{tensor.shape} and {values.raw_shape(shape)} are not "
                             f"compatible") from None


def _add_control_inputs(op: Operation, controls: list[Operation]) -> None:
    """The NodeDef's `^name` inputs, as given (a control scope would drop some)."""
    new = [control for control in controls if control not in op._control_inputs]
    if new:
        op._control_inputs = list(op._control_inputs) + new
        for control in new:
            control._control_outputs.append(op)


def _resolve_inputs(node, created: dict, mapper: _InputMapper) -> tuple[list, list, list, list]:
    """The node's data inputs, control inputs, the positions input_map replaced, and the back
    edges not made yet (position, source, index): a stand-in input holds their place."""
    inputs: list[Tensor | None] = []
    controls: list[Operation] = []
    mapped_positions: list[int] = []
    waiting: list[tuple[int, str, int]] = []
    for text in node.input:
        source, index = parse_input(text)
        if index < 0:
            mapped = mapper.lookup(text)
            controls.append(mapped.op if mapped is not None else created[source])
            continue
        mapped = mapper.lookup(f"{source}:{index}")
        if mapped is not None:
            mapped_positions.append(len(inputs))
            inputs.append(mapped)
            continue
        if source not in created:  # a back edge (NextIteration -> Merge): connected later
            waiting.append((len(inputs), source, index))
            inputs.append(None)
            continue
        outputs = created[source]._outputs
        if index >= len(outputs):
            raise ValueError(f"Node '{node.name}': Connecting to invalid output {index} of "
                             f"source node {source} which has {len(outputs)} outputs.")
        inputs.append(outputs[index])
    if waiting:
        stand_in = next(tensor for tensor in inputs if tensor is not None)
        inputs = [stand_in if tensor is None else tensor for tensor in inputs]
    return inputs, controls, mapped_positions, waiting


def _check_mapped_types(node, attrs: dict, inputs: list, positions: list, name: str) -> None:
    """A tensor from input_map must have the dtype the NodeDef's op expects there (from TF's
    signature of the op type and the node's type attrs), as TF checks."""
    signature = op_signature(node.op)
    if signature is None:
        return
    expected: list = []
    try:
        for arg in signature.input_arg:
            if arg.type_list_attr:
                expected.extend(dtypes.as_dtype(t) for t in attrs[arg.type_list_attr])
                continue
            dtype = dtypes.as_dtype(arg.type if arg.type else attrs[arg.type_attr])
            expected.extend([dtype] * (int(attrs[arg.number_attr]) if arg.number_attr else 1))
    except KeyError:
        return  # the node lacks a type attr: the op's own rule decides
    for position in positions:
        if position >= len(expected):
            continue
        got, want = inputs[position].dtype.base_dtype, expected[position]
        if got != want.base_dtype:
            raise ValueError(
                f"Input {position} of node {name} was passed "
                f"{dtypes.type_name_for_messages(got)} from {inputs[position].name} "
                f"incompatible with expected {dtypes.type_name_for_messages(want)}.")


def _imported_attrs(node) -> dict[str, Any]:
    attrs = {key: values.plain_attr(value) for key, value in node.attr.items()
             if key not in _DROPPED_ATTRS}
    for key in _TEXT_ATTRS.get(node.op, ()):
        if isinstance(attrs.get(key), bytes):
            attrs[key] = attrs[key].decode("utf-8", "replace")
    value = node.attr.get("value")
    if node.op == "Const" and value is not None and value.HasField("tensor"):
        array, stored = values.tensor_array(value.tensor)
        attrs["value"] = array
        if stored is not None:  # re-exported as TF stored it (graph_def.node_attrs)
            attrs["_tensor_values"] = stored
    return attrs


def _definition(node, attrs: dict):
    """The registered definition of the node's op type, or a kernel-less one."""
    try:
        return registry.lookup(node.op)
    except KeyError:
        pass
    attrs[values.OUTPUTS_ATTR] = _kernel_less_outputs(node, attrs)
    return values.kernel_less_opdef(node.op)


def _kernel_less_outputs(node, attrs: dict) -> list[tuple]:
    recorded = node.attr.get("_output_shapes")
    output_shapes = [values.raw_shape(s) for s in recorded.list.shape] if recorded else None
    if not values.knows_outputs(node.op):
        raise ValueError(f"Op type not registered '{node.op}' in binary running on "
                         f"graphshell, and TensorFlow has no op of that type either "
                         f"(node '{node.name}')")
    try:
        output_types = values.output_dtypes(node.op, attrs)
    except KeyError as missing:
        raise ValueError(f"NodeDef missing attr {missing} from Op<name={node.op}>; NodeDef: "
                         f"{{{{node {node.name}}}}}") from None
    if output_shapes is None or len(output_shapes) != len(output_types):
        output_shapes = [None] * len(output_types)
    return list(zip(output_types, output_shapes))


def _remove_new_ops(graph, start: int, names_before: dict) -> None:
    """Takes the ops a failed import added out of the graph again."""
    for op in graph._ops[start:]:
        del graph._ops_by_name[op.name]
        for tensor in op._inputs:
            tensor._consumers.remove(op)
        for control in op._control_inputs:
            control._control_outputs.remove(op)
    del graph._ops[start:]
    graph._names_in_use = names_before


def _return_element(item, nodes: dict, created: dict) -> Operation | Tensor:
    text = item.decode() if isinstance(item, bytes) else item
    if ":" not in text:
        if text not in nodes:
            raise ValueError(f"Requested return node '{text}' not found in graph def")
        return created[text]
    if text.count(":") > 1:
        raise ValueError(f"Cannot convert '{text}' to a tensor name. Tensor names should not "
                         f"contain more than 1 `:`. Obtained {text.count(':')}")
    source, _, index_text = text.partition(":")
    if source not in nodes or not index_text.isdigit():
        raise ValueError(f"Requested return tensor '{text}' not found in graph def")
    outputs = created[source]._outputs
    index = int(index_text)
    if index >= len(outputs):
        raise ValueError(f"Invalid return output {index} of node '{source}', which has "
                         f"{len(outputs)} output(s)")
    return outputs[index]
