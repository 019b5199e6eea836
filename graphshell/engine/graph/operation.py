"""Operation: a node of the graph with a type, inputs, control inputs, attrs and outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import devices, dtypes, shapes, stacks
from .graph_def import signature_attrs

if TYPE_CHECKING:  # type-only imports may not point back up: graph imports this
    from .registry import OpDef
    from .tensor import Tensor


class Operation:
    """One node: `type` names its definition in the op registry; `outputs` are its Tensors."""

    __slots__ = ("_graph", "_id", "name", "type", "_inputs", "_control_inputs", "_outputs",
                 "attrs", "_opdef", "_control_flow_context", "_control_outputs", "device",
                 "__weakref__")
    _graph: Any  # the Graph that owns it
    _id: int  # creation order in the graph
    name: str
    type: str
    _inputs: tuple[Tensor, ...]
    _control_inputs: list[Operation]
    _outputs: list[Tensor]
    attrs: dict[str, Any]
    _opdef: OpDef
    _control_flow_context: Any  # the cond branch or while loop it was built in, or None
    _control_outputs: list[Operation]
    device: str

    # -- structure ---------------------------------------------------------------------
    @property
    def graph(self) -> Any:
        return self._graph

    @property
    def inputs(self) -> tuple[Tensor, ...]:
        return self._inputs

    @property
    def outputs(self) -> list[Tensor]:
        return list(self._outputs)

    def values(self) -> tuple[Tensor, ...]:
        return tuple(self._outputs)

    @property
    def control_inputs(self) -> list[Operation]:
        return list(self._control_inputs)

    @property
    def _control_outputs_list(self) -> list[Operation]:
        return list(self._control_outputs)

    @property
    def num_inputs(self) -> int:
        return len(self._inputs)

    @property
    def op_def(self) -> OpDef:
        return self._opdef

    @property
    def node_def(self) -> Any:
        """TF's NodeDef message of this op (needs tensorboard's protos, see graph_def.py)."""
        from . import graph_def
        return graph_def.node_def(self)

    @property
    def traceback(self) -> list:
        return []

    def get_attr(self, name: str) -> Any:
        """The attr's value as TF returns it: string attrs (and lists of them) as bytes."""
        try:
            return _as_tf_attr(self.attrs[name])
        except KeyError:
            pass
        derived = signature_attrs(self)  # T, N, Tidx, defaults: as the NodeDef has them
        if name in derived:
            return derived[name]
        if name == "T" and self._inputs:  # the element type most ops are typed by
            return self._inputs[0].dtype.base_dtype
        raise ValueError(f"Operation {self.name!r} has no attr named '{name}'.")

    def _set_attr(self, name: str, value: Any) -> None:
        self.attrs[name] = value

    # -- devices ---------------------------------------------------------------------------
    def colocation_groups(self) -> list[bytes]:
        """The `loc:@name` groups of the `_class` attr, or `[b"loc:@<own name>"]`."""
        return devices.colocation_groups_of(self)

    def _set_device(self, device: Any) -> None:
        """Sets the device from a name or DeviceSpec (canonicalised as TF does)."""
        self._set_device_from_string(devices.canonical_name(device))

    def _set_device_from_string(self, device_str: str) -> None:
        self.device = device_str
        self._graph._placement_checked.clear()  # placement is checked again before a step

    def _update_input(self, index: int, tensor: Tensor) -> None:
        """Replaces input `index` by `tensor` (TF's internal rewiring; it may make a cycle,
        which the next step reports)."""
        if not hasattr(tensor, "_consumers"):
            raise TypeError(f"tensor must be a Tensor: {tensor}")
        if tensor.graph is not self._graph:
            raise ValueError(f"Tensor {tensor.name} is not from the graph of {self.name}.")
        inputs = list(self._inputs)
        inputs[index]._consumers.remove(self)
        inputs[index] = tensor
        self._inputs = tuple(inputs)
        tensor._consumers.append(self)
        self._graph._structure_changed()

    def _add_control_input(self, op: Operation) -> None:
        self._add_control_inputs([op])

    def _add_control_inputs(self, ops: list[Operation]) -> None:
        for op in ops:
            if not isinstance(op, Operation):
                raise TypeError(f"op must be an Operation: {op!r}")
            if op not in self._control_inputs:
                self._control_inputs.append(op)
                op._control_outputs.append(self)
        self._graph._structure_changed()

    def _as_graph_element(self) -> Operation:
        return self

    # -- running -------------------------------------------------------------------------
    def run(self, feed_dict: dict | None = None, session: Any = None) -> None:
        """`session.run(self, feed_dict)` on the given or the default session; returns None."""
        stacks.run_using_default_session(self, feed_dict, self._graph, session)

    # -- display -------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"<tf.Operation {self.name!r} type={self.type}>"

    def __str__(self) -> str:
        return str(NodeDef(self))


def _as_tf_attr(value: Any) -> Any:
    """TF keeps string attrs as bytes; some builders here store Python str."""
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, list) and any(isinstance(v, str) for v in value):
        return [v.encode() if isinstance(v, str) else v for v in value]
    return value


class NodeDef:
    """A read-only NodeDef view of an op, printed in protobuf text format as TF prints it."""

    def __init__(self, op: Operation):
        self.name = op.name
        self.op = op.type
        self.device = op.device
        self.input = [input_name(t) for t in op._inputs] + \
            ["^" + c.name for c in op._control_inputs]
        self.attr = {k: v for k, v in op.attrs.items() if k == "_class" or not k.startswith("_")}

    def __str__(self) -> str:
        lines = [f'name: "{self.name}"', f'op: "{self.op}"']
        lines += [f'input: "{name}"' for name in self.input]
        if self.device:
            lines.append(f'device: "{self.device}"')
        for key in sorted(self.attr):
            lines += ["attr {", f'  key: "{key}"', "  value {"]
            lines += ["    " + line for line in _attr_value_lines(self.attr[key])]
            lines += ["  }", "}"]
        return "\n".join(lines) + "\n"

    __repr__ = __str__


def input_name(tensor: Tensor) -> str:
    """A NodeDef input: the op name for output 0, `op:i` for other outputs."""
    if tensor.value_index == 0:
        return tensor.op.name
    return f"{tensor.op.name}:{tensor.value_index}"


def attr_word(value: Any) -> str:
    """An attr value as TF prints it inside a node summary (DT_FLOAT, true, [1, 2])."""
    if isinstance(value, dtypes.DType):
        return _datatype_word(value.base_dtype)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<unknown>"
    if isinstance(value, bytes):  # string attrs (padding="SAME"), quoted as TF prints them
        return f'"{value.decode()}"'
    return str(value)


_TYPE_ENUM_NAMES = {"float32": "FLOAT", "float64": "DOUBLE", "float16": "HALF"}


def _datatype_word(dtype: dtypes.DType) -> str:
    base = dtype.base_dtype.name
    word = "DT_" + _TYPE_ENUM_NAMES.get(base, base.upper())
    return word + "_REF" if dtype.is_ref else word


def _attr_value_lines(value):
    if isinstance(value, dtypes.DType):
        return [f"type: {_datatype_word(value)}"]
    if isinstance(value, bool):
        return [f"b: {'true' if value else 'false'}"]
    if isinstance(value, int):
        return [f"i: {value}"]
    if isinstance(value, float):
        return [f"f: {value}"]
    if isinstance(value, (str, bytes)):
        text = value.decode() if isinstance(value, bytes) else value
        return [f's: "{text}"']
    if isinstance(value, shapes.TensorShape):
        return _shape_lines(value)
    if isinstance(value, np.ndarray) or np.isscalar(value):
        return _tensor_lines(np.asarray(value))
    if isinstance(value, (list, tuple)):
        return ["list {"] + [_list_item_line(v) for v in value] + ["}"]
    return [f"s: {str(value)!r}"]


def _list_item_line(value) -> str:
    if isinstance(value, (bytes, str)):
        text = value.decode() if isinstance(value, bytes) else value
        return f'  s: "{text}"'
    return f"  i: {value}"


def _shape_lines(shape: shapes.TensorShape):
    if shape.ndims is None:
        return ["shape {", "  unknown_rank: true", "}"]
    dims = [f"  dim {{ size: {-1 if d is None else d} }}" for d in shape.as_list()]
    return ["shape {"] + dims + ["}"]


def _tensor_lines(array: np.ndarray):
    dtype = dtypes.as_dtype(array.dtype)
    dims = "".join(f" dim {{ size: {d} }}" for d in array.shape)
    shown = array.ravel()[:8].tolist()
    values = ", ".join(repr(v) for v in shown) + (", ..." if array.size > 8 else "")
    return ["tensor {", f"  dtype: {_datatype_word(dtype)}",
            f"  tensor_shape {{{dims} }}", f"  values: [{values}]", "}"]
