"""tf.QueueBase and its kinds (FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue, PriorityQueue):
the Python objects TF1 programs build queue ops through, with TF's names, shapes and errors."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence

from ..graph import dtypes as dtypes_lib
from ..graph.build import OpScope
from ..graph.convert import constant_value, convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.shapes import Dimension, TensorShape, as_raw_shape
from . import pack_ops, queue_ops, random_ops
from .index_ops import gather
from .variable_scope import init_scope


def _as_type_list(types) -> list:
    if not isinstance(types, (list, tuple)):
        types = [types]
    return [dtypes_lib.as_dtype(t).base_dtype for t in types]  # a ref's value is queued


def _as_shape_list(shapes, unknown_dim_allowed: bool = False) -> list | None:
    """TF's shape list rules: one shape or a list of them, fully defined unless allowed."""
    if unknown_dim_allowed and (not isinstance(shapes, Sequence) or not shapes or any(
            shape is None or isinstance(shape, int) for shape in shapes)):
        raise ValueError("When providing partial shapes, a list of shapes must be provided.")
    if shapes is None:
        return None
    if isinstance(shapes, TensorShape):
        shapes = [shapes]
    if not isinstance(shapes, (tuple, list)):
        raise TypeError("Shapes must be a TensorShape or a list or tuple of TensorShapes, "
                        f"got {type(shapes)} instead.")
    if all(shape is None or isinstance(shape, int) for shape in shapes):
        shapes = [shapes]
    shapes = [TensorShape(shape) for shape in shapes]
    if not unknown_dim_allowed and any(not s.is_fully_defined() for s in shapes):
        raise ValueError(f"All shapes must be fully defined: {shapes}")
    if any(s.dims is None for s in shapes):
        raise ValueError(f"All shapes must have a defined rank: {shapes}")
    return shapes


def _as_name_list(names, types) -> list | None:
    if names is None:
        return None
    if not isinstance(names, (list, tuple)):
        names = [names]
    if len(names) != len(types):
        raise ValueError("List of names must have the same length as the list of dtypes, "
                         f"received len(names)={len(names)},len(dtypes)={len(types)}")
    return list(names)


def _shape_common(s1, s2) -> TensorShape:
    """The most specific shape both shapes fit (TF's greatest lower bound)."""
    s1, s2 = TensorShape(s1), TensorShape(s2)
    if s1.ndims is None or s2.ndims is None or s1.ndims != s2.ndims:
        return TensorShape(None)
    return TensorShape([a if a is not None and a == b else None
                        for a, b in zip(s1.as_list(), s2.as_list())])


def _batch_dimension(tensor):
    """The first dimension of an enqueue_many component (TF's rank-at-least-1 check)."""
    shape = tensor.shape
    if shape.ndims is not None and shape.ndims < 1:
        raise ValueError(f"Shape {shape} must have rank at least 1")
    return shape[0] if shape.ndims is not None else Dimension(None)


def _raw_shapes(shapes) -> list:
    return [as_raw_shape(s) for s in shapes] if shapes else []


class QueueBase:
    """A queue built from its handle tensor (`queue_ref`) with its components' dtypes, shapes
    and optional names; its methods build the ops that act on it."""

    def __init__(self, dtypes, shapes, names, queue_ref):
        self._dtypes = dtypes
        if shapes is not None:
            if len(shapes) != len(dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes, received "
                                 f"len(shapes)={len(shapes)}, len(dtypes)={len(dtypes)}")
            self._shapes = [TensorShape(s) for s in shapes]
        else:
            self._shapes = [TensorShape(None) for _ in dtypes]
        if names is not None and len(names) != len(dtypes):
            raise ValueError("Queue names must have the same length as dtypes,received "
                             f"len(names)={len(names)},len {len(dtypes)}")
        self._names = names
        self._queue_ref = queue_ref
        self._name = queue_ref.op.name.split("/")[-1]

    @staticmethod
    def from_list(index, queues) -> QueueBase:
        """A queue chosen at run time by `index` among `queues` of the same dtypes and names."""
        if not queues or not isinstance(queues, list) or not all(
                isinstance(q, QueueBase) for q in queues):
            raise TypeError("A list of queues expected")
        types = queues[0].dtypes
        if not all(types == q.dtypes for q in queues[1:]):
            raise TypeError("Queues do not have matching component dtypes.")
        names = queues[0].names
        if not all(names == q.names for q in queues[1:]):
            raise TypeError("Queues do not have matching component names.")
        shapes = [functools.reduce(_shape_common, s) for s in zip(*[q.shapes for q in queues])]
        refs = pack_ops.stack([q.queue_ref for q in queues])
        return QueueBase(types, shapes, names, gather(refs, index))

    queue_ref = property(lambda self: self._queue_ref)
    name = property(lambda self: self._queue_ref.op.name)
    dtypes = property(lambda self: self._dtypes)
    shapes = property(lambda self: self._shapes)
    names = property(lambda self: self._names)

    def _check_enqueue_dtypes(self, vals) -> list:
        if isinstance(vals, dict):
            if not self._names:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(self._names, key=str) != sorted(vals.keys(), key=str):
                raise ValueError(
                    "Keys in dictionary to enqueue do not match names of Queue.  Dictionary: "
                    f"{sorted(vals.keys())},Queue: {sorted(self._names)}")
            vals = [vals[k] for k in self._names]
        else:
            if self._names:
                raise ValueError("You must enqueue a dictionary in a Queue with names")
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
        return [convert_to_tensor(val, dtype=dtype, name=f"component_{i}")
                for i, (val, dtype) in enumerate(zip(vals, self._dtypes))]

    @staticmethod
    def _scope_vals(vals):
        if isinstance(vals, (list, tuple)):
            return vals
        return list(vals.values()) if isinstance(vals, dict) else [vals]

    def enqueue(self, vals, name=None):
        """The op adding one element (a tensor, a list of them, or a dict by names)."""
        with OpScope(name, f"{self._name}_enqueue", self._scope_vals(vals)) as scope:
            tensors = self._check_enqueue_dtypes(vals)
            for tensor, shape in zip(tensors, self._shapes):
                tensor.shape.assert_is_compatible_with(shape)
            return queue_ops.enqueue_op(self._queue_ref, tensors, False, scope)

    def enqueue_many(self, vals, name=None):
        """The op adding the elements sliced along the first dimension of each component."""
        with OpScope(name, f"{self._name}_EnqueueMany", self._scope_vals(vals)) as scope:
            tensors = self._check_enqueue_dtypes(vals)
            batch = _batch_dimension(tensors[0])
            for tensor, shape in zip(tensors, self._shapes):
                batch = batch.merge_with(_batch_dimension(tensor))
                tensor.shape[1:].assert_is_compatible_with(shape)
            return queue_ops.enqueue_op(self._queue_ref, tensors, True, scope)

    def _dequeue_return_value(self, tensors):
        if self._names:
            return {n: tensors[i] for i, n in enumerate(self._names)}
        return tensors[0] if len(tensors) == 1 else tensors

    def dequeue(self, name=None):
        """One element, taken from the queue (waiting until there is one)."""
        op = queue_ops.dequeue_op(self._queue_ref, self._dtypes, name or f"{self._name}_Dequeue")
        for output, shape in zip(op.outputs, self._shapes):
            output.set_shape(shape)
        return self._dequeue_return_value(list(op.outputs))

    def dequeue_many(self, n, name=None):
        """`n` elements stacked along a new first dimension."""
        op = queue_ops.dequeue_op(self._queue_ref, self._dtypes,
                                  name or f"{self._name}_DequeueMany", count=n)
        known = constant_value(op.inputs[1])
        first = TensorShape([None if known is None else int(known)])
        for output, shape in zip(op.outputs, self._shapes):
            output.set_shape(first.concatenate(shape))
        return self._dequeue_return_value(list(op.outputs))

    def dequeue_up_to(self, n, name=None):
        """Up to `n` elements: fewer only once the queue is closed."""
        op = queue_ops.dequeue_op(self._queue_ref, self._dtypes,
                                  name or f"{self._name}_DequeueUpTo", count=n, up_to=True)
        for output, shape in zip(op.outputs, self._shapes):
            output.set_shape(TensorShape([None]).concatenate(shape))
        return self._dequeue_return_value(list(op.outputs))

    def close(self, cancel_pending_enqueues=False, name=None):
        """The op closing the queue (and, if asked, cancelling pending enqueues)."""
        return queue_ops.close_op(self._queue_ref, cancel_pending_enqueues,
                                  name or f"{self._name}_Close")

    def is_closed(self, name=None):
        return queue_ops.is_closed_op(self._queue_ref, name or f"{self._name}_Is_Closed")

    def size(self, name=None):
        return queue_ops.size_op(self._queue_ref, name or f"{self._name}_Size")


class FIFOQueue(QueueBase):
    """A queue handing out elements in the order they came in."""

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        with init_scope(), get_default_graph().device("CPU"):
            ref = queue_ops.queue_op("FIFOQueueV2", name, {
                "component_types": dtypes, "shapes": _raw_shapes(shapes),
                "capacity": capacity, "shared_name": shared_name})
        super().__init__(dtypes, shapes, names, ref)


class PaddingFIFOQueue(QueueBase):
    """A FIFO queue whose components may have unknown dimensions, zero-padded when batched."""

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,
                 name="padding_fifo_queue"):
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, unknown_dim_allowed=True)
        names = _as_name_list(names, dtypes)
        if len(dtypes) != len(shapes):
            raise ValueError("Shapes must be provided for all components, but received "
                             f"{len(dtypes)} dtypes and {len(shapes)} shapes.")
        ref = queue_ops.queue_op("PaddingFIFOQueueV2", name, {
            "component_types": dtypes, "shapes": _raw_shapes(shapes), "capacity": capacity,
            "shared_name": shared_name})
        super().__init__(dtypes, shapes, names, ref)


class RandomShuffleQueue(QueueBase):
    """A queue handing out a random element, keeping `min_after_dequeue` until closed."""

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None,
                 shared_name=None, name="random_shuffle_queue"):
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        seed1, seed2 = random_ops.get_seed(seed)
        if seed1 is None and seed2 is None:
            seed1, seed2 = 0, 0
        elif seed is None and shared_name is not None:
            text = (str(seed1) + shared_name).encode("utf-8")
            seed2 = int(hashlib.md5(text).hexdigest()[:8], 16) & 0x7FFFFFFF
        ref = queue_ops.queue_op("RandomShuffleQueueV2", name, {
            "component_types": dtypes, "shapes": _raw_shapes(shapes), "capacity": capacity,
            "min_after_dequeue": min_after_dequeue, "seed": seed1, "seed2": seed2,
            "shared_name": shared_name})
        super().__init__(dtypes, shapes, names, ref)


class PriorityQueue(QueueBase):
    """A queue handing out the element of the smallest int64 priority first; an element is
    (priority, components...)."""

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):
        types = _as_type_list(types)
        shapes = _as_shape_list(shapes)
        ref = queue_ops.queue_op("PriorityQueueV2", name, {
            "component_types": types, "shapes": _raw_shapes(shapes), "capacity": capacity,
            "shared_name": shared_name})
        priority_shapes = [TensorShape([])] + shapes if shapes else shapes
        super().__init__([dtypes_lib.int64] + types, priority_shapes, names, ref)
