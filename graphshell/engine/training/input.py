"""TF1's queue-based input pipelines (tf.train.input_producer, batch, shuffle_batch...): queues,
their queue runners and the "fraction_of_N_full" summaries, built as TF builds them."""

from __future__ import annotations

from ..graph import dtypes, graph_api
from ..graph.build import OpScope
from ..graph.convert import constant_value, convert_to_tensor
from ..graph.graph_keys import GraphKeys
from ..graph.shapes import TensorShape
from ..graph.sparse_tensor import SparseTensor
from ..graph.tensor import Tensor
from ..ops import (
    array_ops,
    control_flow,
    control_ops,
    input_ops,
    logging_ops,
    logic_ops,
    math_ops,
    partition_ops,
    random_index_ops,
    summary_ops,
)
from ..ops.index_ops import gather
from ..ops.queues import FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue
from ..ops.variables import Variable
from .queue_runner import QueueRunner, add_queue_runner


def _scalar_summary(name, tensor) -> None:
    """tf.summary.scalar as input.py uses it: tagged with its scope, in SUMMARIES."""
    with OpScope(name, None, [tensor]) as scope:
        value = summary_ops.scalar_summary(tags=scope.rstrip("/"), values=tensor, name=scope)
    graph_api.add_to_collection(GraphKeys.SUMMARIES, value)


def limit_epochs(tensor, num_epochs=None, name=None):
    """`tensor`, which raises OutOfRangeError after `num_epochs` evaluations (a local counter
    variable `epochs` counted up to num_epochs)."""
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0 not {num_epochs}.")
    with OpScope(name, "limit_epochs", [tensor]) as scope:
        zero64 = convert_to_tensor(0, dtype=dtypes.int64, name="Const")
        epochs = Variable(zero64, name="epochs", trainable=False,
                          collections=[GraphKeys.LOCAL_VARIABLES])
        counter = epochs.count_up_to(num_epochs)
        with graph_api.control_dependencies([counter]):
            return array_ops.identity(tensor, name=scope)


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None,
                   capacity=32, shared_name=None, summary_name=None, name=None, cancel_op=None):
    """A FIFOQueue filled, by a queue runner, with the rows of `input_tensor` (shuffled each
    epoch if `shuffle`), `num_epochs` times or forever."""
    with OpScope(name, "input_producer", [input_tensor]):
        input_tensor = convert_to_tensor(input_tensor, name="input_tensor")
        element_shape = input_tensor.shape[1:].merge_with(TensorShape(element_shape))
        if not element_shape.is_fully_defined():
            raise ValueError("Either `input_tensor` must have a fully defined shape or "
                             "`element_shape` must be specified")
        if shuffle:
            input_tensor = random_index_ops.random_shuffle(input_tensor, seed=seed)
        input_tensor = limit_epochs(input_tensor, num_epochs)
        queue = FIFOQueue(capacity=capacity, dtypes=[input_tensor.dtype.base_dtype],
                          shapes=[element_shape], shared_name=shared_name, name=name)
        enqueue = queue.enqueue_many([input_tensor])
        add_queue_runner(QueueRunner(queue, [enqueue], cancel_op=cancel_op))
        if summary_name is not None:
            _scalar_summary(summary_name,
                            math_ops.cast(queue.size(), dtypes.float32) * (1.0 / capacity))
        return queue


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32,
                          shared_name=None, name=None, cancel_op=None):
    """input_producer over strings (file names), with a run-time check that there are any."""
    not_null_err = "string_input_producer requires a non-null input tensor"
    if not isinstance(string_tensor, Tensor) and not string_tensor:
        raise ValueError(not_null_err)
    with OpScope(name, "input_producer", [string_tensor]) as scope:
        string_tensor = convert_to_tensor(string_tensor, dtype=dtypes.string)
        check = logging_ops.Assert(logic_ops.greater(array_ops.size(string_tensor), 0),
                                   [not_null_err])
        with graph_api.control_dependencies([check]):
            string_tensor = array_ops.identity(string_tensor)
        return input_producer(string_tensor, [], num_epochs, shuffle, seed, capacity,
                              shared_name, f"fraction_of_{capacity}_full", scope, cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """input_producer over the integers 0 .. limit-1."""
    with OpScope(name, "input_producer", [limit]) as scope:
        range_tensor = input_ops.range_(limit)
        return input_producer(range_tensor, [], num_epochs, shuffle, seed, capacity,
                              shared_name, f"fraction_of_{capacity}_full", scope)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """One row of each tensor in `tensor_list` per dequeue: the same row of each."""
    with OpScope(name, "input_producer", tensor_list):
        tensor_list = [convert_to_tensor(t) for t in tensor_list]
        if not tensor_list:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        range_size = array_ops.shape(tensor_list[0])[0]
        queue = range_input_producer(range_size, num_epochs=num_epochs, shuffle=shuffle,
                                     seed=seed, capacity=capacity, shared_name=shared_name)
        index = queue.dequeue()
        return [gather(t, index) for t in tensor_list]


# -- batching ------------------------------------------------------------------------------

def _as_tensor_list(tensors):
    return [tensors[k] for k in sorted(tensors, key=str)] if isinstance(tensors, dict) \
        else tensors


def _as_original_type(original, tensor_list):
    if isinstance(original, dict):
        if len(original) == 1:
            tensor_list = [tensor_list]
        return {k: tensor_list[i] for i, k in enumerate(sorted(original, key=str))}
    return tensor_list


def _validate(tensor_list, what: str) -> list:
    if any(isinstance(t, SparseTensor) for t in tensor_list):
        raise NotImplementedError(f"{what} of SparseTensors is not supported yet: batch their "
                                  "dense parts (indices, values, dense_shape) instead")
    tensor_list = [convert_to_tensor(t) for t in tensor_list]
    if not tensor_list:
        raise ValueError(f"Expected at least one tensor in {what}().")
    return tensor_list


def _validate_keep_input(keep_input, enqueue_many):
    keep_input = convert_to_tensor(keep_input)
    if keep_input.shape.ndims is None:
        raise ValueError("`keep_input` dimensions must be known at graph construction.")
    if not enqueue_many and keep_input.shape.ndims == 1:
        raise ValueError("`keep_input` cannot be a vector when `enqueue_many=False`.")
    if keep_input.shape.ndims > 1:
        raise ValueError("`keep_input` must be 0 or 1 dimensions.")
    return keep_input


def _dtypes(tensor_list_list) -> list:
    types = [t.dtype for t in tensor_list_list[0]]
    for other in tensor_list_list[1:]:
        other_types = [t.dtype for t in other]
        if other_types != types:
            raise TypeError("Expected types to be consistent: "
                            f"{', '.join(x.name for x in types)} vs. "
                            f"{', '.join(x.name for x in other_types)}.")
    return types


def _merge_shapes(shape_list, enqueue_many):
    shapes = [TensorShape(s) for s in shape_list]
    if enqueue_many:
        shapes = [s[1:] for s in shapes]
    merged = shapes[0]
    for s in shapes[1:]:
        merged.merge_with(s)
    return merged.as_list()


def _shapes(tensor_list_list, shapes, enqueue_many):
    if shapes is None:
        for tensors in tensor_list_list:
            for tensor in tensors:
                if tensor.shape.ndims is None:
                    raise ValueError(f"Cannot infer Tensor's rank: {tensor}")
        shapes = [_merge_shapes([tl[i].shape.as_list() for tl in tensor_list_list],
                                enqueue_many) for i in range(len(tensor_list_list[0]))]
    return shapes


def _enqueue_ops(queue, tensor_list_list, enqueue_many, keep_input) -> list:
    enqueue = queue.enqueue_many if enqueue_many else queue.enqueue
    if keep_input.shape.ndims == 1:
        chosen = math_ops.cast(keep_input, dtypes.int32)
        return [enqueue([partition_ops.dynamic_partition(x, chosen, num_partitions=2)[1]
                         for x in tl]) for tl in tensor_list_list]
    known = constant_value(keep_input)  # TF's smart_cond: a constant picks its branch now
    if known is not None:
        return [enqueue(tl) if bool(known) else control_ops.no_op() for tl in tensor_list_list]
    return [control_flow.cond(keep_input, lambda tl=tl: enqueue(tl), control_ops.no_op)
            for tl in tensor_list_list]


def _fraction_full(queue, capacity, min_after_dequeue=None) -> None:
    if min_after_dequeue is None:
        _scalar_summary(f"fraction_of_{capacity}_full",
                        math_ops.cast(queue.size(), dtypes.float32) * (1.0 / capacity))
        return
    over = math_ops.maximum(0, queue.size() - min_after_dequeue)
    full = math_ops.cast(over, dtypes.float32) * (1.0 / (capacity - min_after_dequeue))
    _scalar_summary(f"fraction_over_{min_after_dequeue}_of_{capacity - min_after_dequeue}_full",
                    full)


def _batch_of(tensors_list, batch_size, keep_input, scope_name, join, capacity=32,
              enqueue_many=False, shapes=None, dynamic_pad=False,
              allow_smaller_final_batch=False, shared_name=None, name=None, threads=1,
              min_after_dequeue=None, seed=None):
    """What batch, batch_join, shuffle_batch and their join/maybe forms share."""
    lists = [_as_tensor_list(t) for t in tensors_list]
    flat = [t for tl in lists for t in tl]
    with OpScope(name, scope_name, flat + [keep_input]) as scope:
        if min_after_dequeue is not None and capacity <= min_after_dequeue:
            raise ValueError(f"capacity {capacity} must be bigger than min_after_dequeue "
                             f"{min_after_dequeue}.")
        lists = [_validate(tl, "batch_join" if join else "batch") for tl in lists]
        keep_input = _validate_keep_input(keep_input, enqueue_many)
        types = _dtypes(lists)
        shapes = _shapes(lists, shapes, enqueue_many)
        if min_after_dequeue is not None:
            queue = RandomShuffleQueue(capacity=capacity, min_after_dequeue=min_after_dequeue,
                                       seed=seed, dtypes=types, shapes=shapes,
                                       shared_name=shared_name)
        else:
            kind = PaddingFIFOQueue if dynamic_pad else FIFOQueue
            queue = kind(capacity=capacity, dtypes=types, shapes=shapes,
                         shared_name=shared_name)
        enqueues = _enqueue_ops(queue, lists, enqueue_many, keep_input)
        add_queue_runner(QueueRunner(queue, enqueues * threads if not join else enqueues))
        _fraction_full(queue, capacity, min_after_dequeue)
        take = queue.dequeue_up_to if allow_smaller_final_batch else queue.dequeue_many
        dequeued = take(batch_size, name=scope)
        return _as_original_type(tensors_list[0], dequeued)


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches of `batch_size` examples from a FIFOQueue that a queue runner fills."""
    return _batch_of([tensors], batch_size, True, "batch", False, capacity, enqueue_many,
                     shapes, dynamic_pad, allow_smaller_final_batch, shared_name, name,
                     num_threads)


def maybe_batch(tensors, keep_input, batch_size, num_threads=1, capacity=32,
                enqueue_many=False, shapes=None, dynamic_pad=False,
                allow_smaller_final_batch=False, shared_name=None, name=None):
    """batch, enqueuing only the examples for which `keep_input` holds."""
    return _batch_of([tensors], batch_size, keep_input, "batch", False, capacity, enqueue_many,
                     shapes, dynamic_pad, allow_smaller_final_batch, shared_name, name,
                     num_threads)


def batch_join(tensors_list, batch_size, capacity=32, enqueue_many=False, shapes=None,
               dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """batch over several lists of tensors, one enqueue op (runner thread) each."""
    return _batch_of(_join_lists(tensors_list), batch_size, True, "batch_join", True,
                     capacity, enqueue_many, shapes, dynamic_pad, allow_smaller_final_batch,
                     shared_name, name)


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                  shared_name=None, name=None):
    """Batches of random examples from a RandomShuffleQueue that a queue runner fills."""
    return _batch_of([tensors], batch_size, True, "shuffle_batch", False, capacity,
                     enqueue_many, shapes, False, allow_smaller_final_batch, shared_name, name,
                     num_threads, min_after_dequeue, seed)


def shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed=None,
                       enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                       shared_name=None, name=None):
    """shuffle_batch over several lists of tensors, one enqueue op each."""
    return _batch_of(_join_lists(tensors_list), batch_size, True, "shuffle_batch_join", True,
                     capacity, enqueue_many, shapes, False, allow_smaller_final_batch,
                     shared_name, name, 1, min_after_dequeue, seed)


def _join_lists(tensors_list):
    if not tensors_list:
        raise ValueError("Expected at least one set of tensors")
    if isinstance(tensors_list[0], dict):
        keys = set(tensors_list[0])
        if any(set(t) != keys for t in tensors_list[1:]):
            raise ValueError("All dictionaries in tensors_list must have the same keys")
    return list(tensors_list)


def maybe_batch_join(tensors_list, keep_input, batch_size, capacity=32, enqueue_many=False,
                     shapes=None, dynamic_pad=False, allow_smaller_final_batch=False,
                     shared_name=None, name=None):
    """batch_join, enqueuing only the examples for which `keep_input` holds."""
    return _batch_of(_join_lists(tensors_list), batch_size, keep_input, "batch_join", True,
                     capacity, enqueue_many, shapes, dynamic_pad, allow_smaller_final_batch,
                     shared_name, name)


def maybe_shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input,
                        num_threads=1, seed=None, enqueue_many=False, shapes=None,
                        allow_smaller_final_batch=False, shared_name=None, name=None):
    """shuffle_batch, enqueuing only the examples for which `keep_input` holds."""
    return _batch_of([tensors], batch_size, keep_input, "shuffle_batch", False, capacity,
                     enqueue_many, shapes, False, allow_smaller_final_batch, shared_name, name,
                     num_threads, min_after_dequeue, seed)


def maybe_shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, keep_input,
                             seed=None, enqueue_many=False, shapes=None,
                             allow_smaller_final_batch=False, shared_name=None, name=None):
    """shuffle_batch_join, enqueuing only the examples for which `keep_input` holds."""
    return _batch_of(_join_lists(tensors_list), batch_size, keep_input, "shuffle_batch_join",
                     True, capacity, enqueue_many, shapes, False, allow_smaller_final_batch,
                     shared_name, name, 1, min_after_dequeue, seed)
