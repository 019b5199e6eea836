"""The queue op family as TF1 builds it: FIFOQueueV2 and its kin make a queue resource; the
QueueEnqueue/Dequeue/Close/Size ops act on it (kernels in queue_kernels.py).
"""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import queue_kernels
from .queue_kernels import check_components, queue_for

QUEUE_OP_TYPES = tuple(queue_kernels.QUEUE_CLASSES)
_HANDLE = [(dtypes.resource, ())]


def _make_queue_kernel(op, runtime):
    def make_or_find():
        return queue_for(op, runtime)
    return make_or_find


for _type in QUEUE_OP_TYPES:
    define(_type, infer=lambda op: _HANDLE, make_kernel=_make_queue_kernel, stateful=True,
           grad=NOT_DIFFERENTIABLE)


def _make_enqueue(many: bool):
    def make_kernel(op, runtime):
        def enqueue(queue, *components):
            queue.enqueue(op, check_components(queue, op, components, many))
        return enqueue
    return make_kernel


def _dequeue_outputs(op):
    return [(dtype, None) for dtype in op.attrs["component_types"]]


def _make_dequeue(op, runtime):
    def dequeue(queue):
        return tuple(queue.dequeue(op, None)[0])
    return dequeue


def _make_dequeue_many(up_to: bool):
    kind = "DequeueUpToOp" if up_to else "DequeueManyOp"

    def make_kernel(op, runtime):
        def dequeue_many(queue, count):
            count = int(count)
            if count < 0:
                raise errors.InvalidArgumentError(
                    None, op, f"{kind} requested {count} < 0 elements")
            return queue.batch(op, queue.dequeue(op, count, up_to))
        return dequeue_many
    return make_kernel


def _make_close(op, runtime):
    cancel = op.attrs.get("cancel_pending_enqueues", False)
    return lambda queue: queue.close(op, cancel)


define("QueueEnqueueV2", infer=lambda op: [], make_kernel=_make_enqueue(False), stateful=True,
       grad=NOT_DIFFERENTIABLE, may_wait=True)
define("QueueEnqueueManyV2", infer=lambda op: [], make_kernel=_make_enqueue(True),
       stateful=True, grad=NOT_DIFFERENTIABLE, may_wait=True)
define("QueueDequeueV2", infer=_dequeue_outputs, make_kernel=_make_dequeue, stateful=True,
       multi_output=True, grad=NOT_DIFFERENTIABLE, may_wait=True)
define("QueueDequeueManyV2", infer=_dequeue_outputs, make_kernel=_make_dequeue_many(False),
       stateful=True, multi_output=True, grad=NOT_DIFFERENTIABLE, may_wait=True)
define("QueueDequeueUpToV2", infer=_dequeue_outputs, make_kernel=_make_dequeue_many(True),
       stateful=True, multi_output=True, grad=NOT_DIFFERENTIABLE, may_wait=True)
define("QueueCloseV2", infer=lambda op: [], make_kernel=_make_close, stateful=True,
       grad=NOT_DIFFERENTIABLE)
define("QueueSizeV2", infer=lambda op: [(dtypes.int32, ())], stateful=True,
       grad=NOT_DIFFERENTIABLE,
       make_kernel=lambda op, runtime: lambda queue: np.int32(queue.size()))
define("QueueIsClosedV2", infer=lambda op: [(dtypes.bool_, ())], stateful=True,
       grad=NOT_DIFFERENTIABLE,
       make_kernel=lambda op, runtime: lambda queue: np.bool_(queue.closed))


def queue_op(op_type: str, name, attrs: dict):
    """Creates a queue op (its handle tensor), with TF's default container and shared name."""
    attrs = dict(attrs)
    attrs.setdefault("container", "")
    attrs["shared_name"] = attrs.get("shared_name") or ""
    return make_op(op_type, [], name, attrs).outputs[0]


def enqueue_op(handle, components, many: bool, scope):
    op_type = "QueueEnqueueManyV2" if many else "QueueEnqueueV2"
    return make_op(op_type, [handle] + list(components), scope,
                   {"Tcomponents": [c.dtype.base_dtype for c in components], "timeout_ms": -1})


def dequeue_op(handle, component_types, name, count=None, up_to=False):
    """A dequeue op: of one element (`count` None) or of `count` (DequeueMany/UpTo)."""
    attrs = {"component_types": list(component_types), "timeout_ms": -1}
    if count is None:
        return make_op("QueueDequeueV2", [handle], name, attrs)
    op_type = "QueueDequeueUpToV2" if up_to else "QueueDequeueManyV2"
    with OpScope(name, op_type, [handle]) as scope:
        count = convert_to_tensor(count, dtype=dtypes.int32, name="n")
        return make_op(op_type, [handle, count], scope, attrs)


def close_op(handle, cancel_pending_enqueues: bool, name):
    return make_op("QueueCloseV2", [handle], name,
                   {"cancel_pending_enqueues": bool(cancel_pending_enqueues)})


def size_op(handle, name):
    return make_op("QueueSizeV2", [handle], name).outputs[0]


def is_closed_op(handle, name):
    return make_op("QueueIsClosedV2", [handle], name).outputs[0]
