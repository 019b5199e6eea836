"""RunMetadata as TF's protobuf message (tensorboard's copy): for event files, whose tagged run
metadata TensorBoard's graph view colours by what a step computed.

A session fills graphshell's own light RunMetadata (protos.py, numpy only); this module turns
one into TF's message, or builds it from any recorded step, traced or not, adding each
executed node's output descriptions (dtype, shape, bytes) where the step kept the values or
the shapes are static; `partition_graph` is the GraphDef of what a step ran, as TF's
RunOptions.output_partition_graphs returns it (fed tensors read from _Arg nodes, fetched ones
written to _Retval nodes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import dtypes, graph_def
from . import message_wire, protos


def as_run_metadata_proto(run_metadata) -> Any:
    """TF's RunMetadata message for graphshell's RunMetadata (a TF message is returned as
    it is); TypeError for anything else."""
    if isinstance(run_metadata, protos.RunMetadata):
        message = message_wire.config_protos().RunMetadata()
        message_wire.write_fields(run_metadata, message)
        return message
    if hasattr(run_metadata, "SerializeToString") and hasattr(run_metadata, "step_stats"):
        return run_metadata
    raise TypeError(f"run_metadata must be a RunMetadata, saw type: {type(run_metadata)}")


def step_run_metadata(step) -> Any:
    """TF's RunMetadata message for a recorded step: its step_stats (one NodeExecStats per
    executed node on the CPU device, as a traced step reports them), with output
    descriptions."""
    light = protos.RunMetadata()
    if step.plan is not None and step.plan.ops:
        protos.fill_run_metadata(light, step)
    message = as_run_metadata_proto(light)
    ops = {op.name: op for op in step.executed_ops}
    for device in message.step_stats.dev_stats:
        for stats in device.node_stats:
            op = ops.get(stats.node_name)
            if op is not None:
                _describe_outputs(stats, op, step)
    return message


def _describe_outputs(stats, op, step) -> None:
    """One NodeOutput per output whose shape is known: the kept value's, else the static one."""
    for slot, tensor in enumerate(op.outputs):
        shape = _known_shape(tensor, step.value_of(tensor))
        if shape is None:
            continue
        output = stats.output.add(slot=slot)
        description = output.tensor_description
        base = tensor.dtype.base_dtype
        description.dtype = base.as_datatype_enum
        description.shape.SetInParent()
        for size in shape:
            description.shape.dim.add(size=size)
        if base is not dtypes.string and base.as_numpy_dtype is not None:
            allocation = description.allocation_description
            allocation.requested_bytes = int(np.prod(shape, dtype=np.int64)) * \
                np.dtype(base.as_numpy_dtype).itemsize
            allocation.allocator_name = "cpu"


def _known_shape(tensor, value) -> tuple[int, ...] | None:
    if value is not None and hasattr(value, "shape"):
        return tuple(int(d) for d in np.shape(value))
    shape = tensor.shape
    if shape.dims is None or any(d is None for d in shape.as_list()):
        return None
    return tuple(shape.as_list())


def partition_graph(step) -> Any:
    """The GraphDef of the one CPU partition a step ran: its executed ops (inputs that were
    fed read from `_arg_<op>_<index>_<k>` nodes), then a `_Retval` node per fetched tensor."""
    message = graph_def.graph_def([])
    plan = step.plan
    if plan is None:
        return message
    args = {}
    for k, tensor in enumerate(plan.fed):
        args[tensor.name] = name = f"_arg_{tensor.op.name}_{tensor.value_index}_{k}"
        _add_node(message, name, "_Arg", [], tensor.dtype, k)
    for op in step.executed_ops:
        node = message.node.add()
        node.CopyFrom(graph_def.node_def(op))
        node.device = protos.CPU_DEVICE
        for i, tensor in enumerate(op.inputs):
            if tensor.name in args:
                node.input[i] = args[tensor.name]
    for tensor, k in plan.retval_index.items():
        source = args.get(tensor.name) or tensor.name.removesuffix(":0")
        _add_node(message, f"_retval_{tensor.op.name}_{tensor.value_index}_{k}", "_Retval",
                  [source], tensor.dtype, k)
    return message


def _add_node(message, name: str, op_type: str, inputs: list[str], dtype, index: int) -> None:
    node = message.node.add(name=name, op=op_type, device=protos.CPU_DEVICE)
    node.input.extend(inputs)
    node.attr["T"].type = dtype.base_dtype.as_datatype_enum
    node.attr["index"].i = index
