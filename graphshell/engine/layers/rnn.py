"""Running cells over sequences with a while loop: dynamic_rnn and bidirectional_dynamic_rnn,
built as TF 1.x's rnn.py builds them.

`dynamic_rnn` transposes batch-major inputs to time-major (`rnn/transpose`), unstacks them
into a TensorArray, and runs one `tf.while_loop` (`rnn/while/...`, bounded by the number of
time steps) whose body calls the cell and writes its output into another TensorArray, stacked
after the loop. With `sequence_length`, each step copies the previous state through and writes
zeros for the batch entries past their length (`Select` on `time >= sequence_length`), and the
loop stops at the longest sequence. The static forms are in `rnn_static.py`.
"""

from __future__ import annotations

from ..graph import dtypes, nest
from ..graph.convert import constant, convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.graph_api import control_dependencies
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from ..ops import (
    array_ops,
    control_flow,
    input_ops,
    logging_ops,
    logic_ops,
    math_ops,
    pack_ops,
    reduce_ops,
    sequence_ops,
    slicing_ops,
    tensor_array_ops,
    while_loop,
)
from ..ops import variable_scope as vs
from ..ops.mask_ops import reverse_v2
from .rnn_cells import assert_like_rnncell, concat_shape


def transpose_batch_time(x):
    """[batch, time, ...] <-> [time, batch, ...] (a no-op below rank 2)."""
    static = TensorShape(x._shape)
    if static.ndims is not None and static.ndims < 2:
        return x
    rank = array_ops.rank(x)
    perm = slicing_ops.concat(([1, 0], input_ops.range_(2, rank)), axis=0)
    transposed = array_ops.transpose(x, perm)
    if static.ndims is not None:
        transposed.set_shape(TensorShape([static[1].value, static[0].value])
                             .concatenate(static[2:]))
    return transposed


def with_rank_at_least(value, rank) -> TensorShape:
    shape = TensorShape(value._shape)
    if shape.ndims is not None and shape.ndims < rank:
        raise ValueError(f"Shape {shape} must have rank at least {rank}")
    return shape


def _best_effort_batch_size(flat_input):
    """The static batch size of time-major inputs, else a tensor reading it."""
    for value in flat_input:
        shape = TensorShape(value._shape)
        if shape.ndims is None:
            continue
        if shape.ndims < 2:
            raise ValueError(f"Input tensor should have rank >= 2. Received input={value} "
                             f"of rank {shape.ndims}")
        if shape[1].value is not None:
            return shape[1].value
    return array_ops.shape(flat_input[0])[1]


def infer_state_dtype(explicit_dtype, state):
    if explicit_dtype is not None:
        return dtypes.as_dtype(explicit_dtype)
    if nest.is_nested(state):
        found = [element.dtype for element in nest.flatten(state)]
        if not found:
            raise ValueError(f"Unable to infer dtype from argument state={state}.")
        if any(d != found[0] for d in found):
            raise ValueError(f"Argument state={state} has tensors of different inferred "
                             "dtypes. Unable to infer a single representative dtype. Dtypes "
                             f"received: {found}")
        return found[0]
    return state.dtype


def initial_state_of(cell, initial_state, dtype, batch_size):
    if initial_state is not None:
        return initial_state
    if not dtype:
        raise ValueError("If no initial_state is provided, argument `dtype` must be specified")
    if getattr(cell, "get_initial_state", None) is not None:
        return cell.get_initial_state(inputs=None, batch_size=batch_size, dtype=dtype)
    return cell.zero_state(batch_size, dtype)


def rnn_step(time, sequence_length, min_sequence_length, max_sequence_length, zero_output,
             state, call_cell, skip_conditionals=False):
    """One step with TF's copy-through: entries at or past their length keep their state
    and emit zeros. Without skip_conditionals, conds skip the work when no entry (or every
    entry) is still running."""
    flat_state = nest.flatten(state)
    flat_zero_output = nest.flatten(zero_output)
    copy_cond = time >= sequence_length

    def copy_one_through(old, new):
        if isinstance(old, tensor_array_ops.TensorArray) or old._shape == ():
            return new
        with get_default_graph().colocate_with(new):
            return logic_ops.where(copy_cond, old, new)

    def copy_some_through(flat_new_output, flat_new_state):
        return ([copy_one_through(z, n) for z, n in zip(flat_zero_output, flat_new_output)]
                + [copy_one_through(s, n) for s, n in zip(flat_state, flat_new_state)])

    def new_output_and_state():
        new_output, new_state = call_cell()
        nest.assert_same_structure(zero_output, new_output)
        nest.assert_same_structure(state, new_state)
        return nest.flatten(new_output), nest.flatten(new_state)

    def maybe_copy_some_through():
        flat_new_output, flat_new_state = new_output_and_state()
        return control_flow.cond(time < min_sequence_length,
                                 lambda: flat_new_output + flat_new_state,
                                 lambda: copy_some_through(flat_new_output, flat_new_state))

    if skip_conditionals:
        final = copy_some_through(*new_output_and_state())
    else:
        final = control_flow.cond(time >= max_sequence_length,
                                  lambda: flat_zero_output + flat_state,
                                  maybe_copy_some_through)
    final_output, final_state = final[:len(flat_zero_output)], final[len(flat_zero_output):]
    for output, zero in zip(final_output, flat_zero_output):
        output.set_shape(zero._shape)
    for substate, old in zip(final_state, flat_state):
        if not isinstance(substate, tensor_array_ops.TensorArray):
            substate.set_shape(old._shape)
    return (nest.pack_sequence_as(zero_output, final_output),
            nest.pack_sequence_as(state, final_state))


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """Runs `cell` over the time axis of `inputs` in a while loop: (outputs, final_state)."""
    assert_like_rnncell("cell", cell)
    with vs.variable_scope(scope or "rnn"):
        flat_input = nest.flatten(inputs)
        if not time_major:
            flat_input = tuple(transpose_batch_time(convert_to_tensor(x)) for x in flat_input)
        else:
            flat_input = tuple(convert_to_tensor(x) for x in flat_input)
        parallel_iterations = parallel_iterations or 32
        if sequence_length is not None:
            sequence_length = math_ops.cast(sequence_length, dtypes.int32)
            rank = None if sequence_length._shape is None else len(sequence_length._shape)
            if rank not in (None, 1):
                raise ValueError("Argument sequence_length must be a vector of length "
                                 f"batch_size. Received sequence_length={sequence_length} of "
                                 f"shape: {sequence_length.shape}")
            sequence_length = array_ops.identity(sequence_length, name="sequence_length")
        batch_size = _best_effort_batch_size(flat_input)
        state = initial_state_of(cell, initial_state, dtype, batch_size)
        if sequence_length is not None:
            with control_dependencies([_assert_has_shape(sequence_length, [batch_size])]):
                sequence_length = array_ops.identity(sequence_length, name="CheckSeqLen")
        inputs = nest.pack_sequence_as(inputs, list(flat_input))
        outputs, final_state = _dynamic_rnn_loop(cell, inputs, state, parallel_iterations,
                                                 sequence_length, dtype)
        if not time_major:
            outputs = nest.map_structure(transpose_batch_time, outputs)
        return outputs, final_state


def _assert_has_shape(x, shape):
    x_shape = array_ops.shape(x)
    packed = pack_ops.stack(shape)
    return logging_ops.Assert(
        reduce_ops.reduce_all(logic_ops.equal(x_shape, packed)),
        [f"Expected shape for Tensor {x.name} is ", packed, " but saw shape: ", x_shape])


def _check_input_shapes(flat_input):
    """The static shapes of time-major inputs: rank >= 3, known depths, one time and batch."""
    shapes = tuple(with_rank_at_least(x, 3) for x in flat_input)
    const_time_steps, const_batch_size = shapes[0].as_list()[:2]
    for value, shape in zip(flat_input, shapes):
        if not shape[2:].is_fully_defined():
            raise ValueError("Input size (depth of inputs) must be accessible via shape "
                             f"inference, but saw value None for input={value}.")
        if shape[0].value != const_time_steps:
            raise ValueError("Time steps is not the same for all the elements in the input "
                             f"in a batch. Received time steps={shape[0].value} for "
                             f"input={value}.")
        if shape[1].value != const_batch_size:
            raise ValueError("Batch_size is not the same for all the elements in the input. "
                             f"Received batch size={shape[1].value} for input={value}.")
    return shapes, const_time_steps, const_batch_size


def _dynamic_rnn_loop(cell, inputs, initial_state, parallel_iterations, sequence_length,
                      dtype):
    state = initial_state
    flat_input = nest.flatten(inputs)
    flat_output_size = nest.flatten(cell.output_size)
    time_steps = array_ops.shape(flat_input[0])[0]
    batch_size = _best_effort_batch_size(flat_input)
    got_shapes, const_time_steps, const_batch_size = _check_input_shapes(flat_input)
    state_dtype = infer_state_dtype(dtype, state)
    flat_zero_output = tuple(
        input_ops.zeros(pack_ops.stack(concat_shape(batch_size, size)), state_dtype)
        for size in flat_output_size)
    zero_output = nest.pack_sequence_as(cell.output_size, list(flat_zero_output))
    if sequence_length is not None:
        min_sequence_length = reduce_ops.reduce_min(sequence_length)
        max_sequence_length = reduce_ops.reduce_max(sequence_length)
    else:
        max_sequence_length = time_steps
    time = constant(0, dtype=dtypes.int32, name="time")
    with get_default_graph().name_scope("dynamic_rnn") as base_name:
        pass

    def make_array(name, element_shape, dtype):
        return tensor_array_ops.TensorArray(dtype=dtype, size=time_steps,
                                            element_shape=element_shape,
                                            tensor_array_name=base_name + name)

    output_ta = tuple(
        make_array(f"output_{i}", TensorShape([const_batch_size]).concatenate(
            _shape_from_size(size)), state_dtype)
        for i, size in enumerate(flat_output_size))
    input_ta = tuple(make_array(f"input_{i}", TensorShape(x._shape)[1:], x.dtype)
                     for i, x in enumerate(flat_input))
    input_ta = tuple(ta.unstack(x) for ta, x in zip(input_ta, flat_input))

    def time_step(time, output_ta_t, state):
        input_t = tuple(ta.read(time) for ta in input_ta)
        for value, shape in zip(input_t, got_shapes):
            value.set_shape(shape[1:])
        input_t = nest.pack_sequence_as(inputs, list(input_t))

        def call_cell():
            return cell(input_t, state)
        if sequence_length is not None:
            output, new_state = rnn_step(time, sequence_length, min_sequence_length,
                                         max_sequence_length, zero_output, state, call_cell,
                                         skip_conditionals=True)
        else:
            output, new_state = call_cell()
        output_ta_t = tuple(ta.write(time, out)
                            for ta, out in zip(output_ta_t, nest.flatten(output)))
        return time + 1, output_ta_t, new_state

    loop_bound = math_ops.minimum(time_steps, math_ops.maximum(1, max_sequence_length))
    _, output_final_ta, final_state = while_loop.while_loop(
        cond=lambda time, *_: time < loop_bound, body=time_step,
        loop_vars=(time, output_ta, state), parallel_iterations=parallel_iterations,
        maximum_iterations=time_steps)
    final_outputs = tuple(ta.stack() for ta in output_final_ta)
    for output, size in zip(final_outputs, flat_output_size):
        output.set_shape(concat_shape([const_time_steps, const_batch_size], size, static=True))
    return nest.pack_sequence_as(cell.output_size, list(final_outputs)), final_state


def _shape_from_size(size):
    if isinstance(size, Tensor):
        from ..ops.static import static_value
        return TensorShape(static_value(size))
    return TensorShape(size if not isinstance(size, int) else [size])


def _reverse(value, seq_lengths, seq_axis, batch_axis):
    if seq_lengths is not None:
        return sequence_ops.reverse_sequence(value, seq_lengths, seq_axis=seq_axis,
                                             batch_axis=batch_axis)
    return reverse_v2(value, axis=[seq_axis])


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """A forward and a backward dynamic_rnn: ((output_fw, output_bw), (state_fw, state_bw))."""
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    time_axis, batch_axis = (0, 1) if time_major else (1, 0)
    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            output_fw, state_fw = dynamic_rnn(
                cell_fw, inputs, sequence_length=sequence_length,
                initial_state=initial_state_fw, dtype=dtype,
                parallel_iterations=parallel_iterations, time_major=time_major, scope=fw_scope)
        with vs.variable_scope("bw") as bw_scope:
            inputs_reversed = nest.map_structure(
                lambda x: _reverse(x, sequence_length, time_axis, batch_axis), inputs)
            reversed_output, state_bw = dynamic_rnn(
                cell_bw, inputs_reversed, sequence_length=sequence_length,
                initial_state=initial_state_bw, dtype=dtype,
                parallel_iterations=parallel_iterations, time_major=time_major, scope=bw_scope)
    output_bw = _reverse(reversed_output, sequence_length, time_axis, batch_axis)
    return (output_fw, output_bw), (state_fw, state_bw)


__all__ = ["bidirectional_dynamic_rnn", "dynamic_rnn", "rnn_step", "transpose_batch_time"]
