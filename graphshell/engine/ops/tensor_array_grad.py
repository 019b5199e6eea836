"""The gradients of the TensorArrayV3 ops, as TF1 registers them (tensor_array_grad.py).

A forward array's gradient lives in a second array, TensorArrayGradV3's, one per tf.gradients
call: its source is the name scope of that call (the leading `gradients...` part of the
gradient tensors' names). Each read's gradient is a write into it and each write's gradient a
read from it (gather <-> scatter, concat <-> split), and the float flow tensors carry the order
backwards: a gradient read waits, through `write_barrier`, for the forward write it undoes.
"""

from __future__ import annotations

from ..graph.registry import set_gradient
from . import array_ops, tensor_array_kernels, tensor_array_ops  # noqa: F401 - the ops


def gradient_source(tensor) -> str:
    """The name scope of the tf.gradients call that built `tensor` (TF's _GetGradSource)."""
    tokens = tensor.name.split("/")
    positions = [i for i, token in enumerate(tokens) if token.startswith("gradients")]
    if not positions:
        raise ValueError(
            f"Expected op/tensor name to start with gradients (excluding scope), got: "
            f"{tensor.name}. This means that a tf.gradients op with this op in its dependency "
            "path has a custom name that does not start with 'gradients'. Please make sure all "
            "calls to tf.gradients that have non-empty `name` arguments use names that start "
            "with 'gradients'.")
    return "/".join(tokens[:positions[-1] + 1])


def _gradient_array(handle, flow, dtype, source):
    forward = tensor_array_ops.TensorArray(dtype, handle=handle, flow=flow,
                                           colocate_with_first_write_call=False)
    return forward.grad(source=source, flow=flow)


def _after_forward_write(op, flow_grad):
    """The incoming flow gradient, made to wait for `op`'s own flow (TF's write_barrier): the
    gradient array must not be read before the forward write it undoes has run."""
    flow_out = array_ops.identity(op.outputs[0], "flow_out")
    with op.graph.control_dependencies([flow_out]):
        return array_ops.identity(flow_grad, "write_barrier")


def _read_grad(op, grad):
    handle, index, flow = op.inputs
    grad_array = _gradient_array(handle, flow, op.attrs["dtype"], gradient_source(grad))
    return [None, None, grad_array.write(index, grad).flow]


def _write_grad(op, flow_grad):
    handle, index = op.inputs[0], op.inputs[1]
    source = gradient_source(flow_grad)
    flow = _after_forward_write(op, flow_grad)
    grad_array = _gradient_array(handle, flow, op.attrs["T"], source)
    return [None, None, grad_array.read(index), flow]


def _gather_grad(op, grad):
    handle, indices, flow = op.inputs
    grad_array = _gradient_array(handle, flow, op.attrs["dtype"], gradient_source(grad))
    return [None, None, grad_array.scatter(indices, grad).flow]


def _scatter_grad(op, flow_grad):
    handle, indices = op.inputs[0], op.inputs[1]
    source = gradient_source(flow_grad)
    flow = _after_forward_write(op, flow_grad)
    grad_array = _gradient_array(handle, flow, op.attrs["T"], source)
    return [None, None, grad_array.gather(indices), flow]


def _concat_grad(op, grad, unused_lengths_grad):
    handle, flow = op.inputs
    lengths = op.outputs[1]
    grad_array = _gradient_array(handle, flow, op.attrs["dtype"], gradient_source(grad))
    return [None, grad_array.split(grad, lengths=lengths).flow]


def _split_grad(op, flow_grad):
    handle = op.inputs[0]
    source = gradient_source(flow_grad)
    flow = _after_forward_write(op, flow_grad)
    grad_array = _gradient_array(handle, flow, op.attrs["T"], source)
    return [None, grad_array.concat(), None, flow]


for _op_type, _grad in (("TensorArrayReadV3", _read_grad), ("TensorArrayWriteV3", _write_grad),
                        ("TensorArrayGatherV3", _gather_grad),
                        ("TensorArrayScatterV3", _scatter_grad),
                        ("TensorArrayConcatV3", _concat_grad),
                        ("TensorArraySplitV3", _split_grad)):
    set_gradient(_op_type, _grad)
