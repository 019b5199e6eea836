"""static_rnn and static_bidirectional_rnn, built as TF 1.x's rnn.py builds them.

`static_rnn` calls the cell once per element of a list of [batch, depth] inputs, reusing its
variables from the second step (`rnn/basic_rnn_cell/MatMul_1`...). With `sequence_length`,
each step is a cond on the longest length (past it: zeros and the old state) holding a cond on
the shortest (before it: the cell's results; else `rnn.rnn_step`'s Select copy-through).
`static_bidirectional_rnn` reverses each sequence up to its length (stack, ReverseSequence,
unstack) for the backward cell and concatenates both outputs per step.
"""

from __future__ import annotations

from ..graph import dtypes, nest
from ..graph.convert import convert_to_tensor
from ..graph.shapes import TensorShape
from ..ops import array_ops, input_ops, math_ops, pack_ops, reduce_ops, sequence_ops, slicing_ops
from ..ops import variable_scope as vs
from .rnn import infer_state_dtype, initial_state_of, rnn_step, with_rank_at_least
from .rnn_cells import assert_like_rnncell, concat_shape


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None,
               scope=None):
    """The cell unrolled over a list of [batch, depth] inputs: (outputs list, final_state)."""
    assert_like_rnncell("cell", cell)
    if not nest.is_nested(inputs):
        raise TypeError(f"Argument `inputs` must be a sequence. Received: {inputs}")
    if not inputs:
        raise ValueError("Argument `inputs` must not be empty.")
    outputs = []
    with vs.variable_scope(scope or "rnn") as varscope:
        fixed_batch_size, first_input = _static_batch_size(inputs)
        batch_size = (fixed_batch_size if fixed_batch_size
                      else array_ops.shape(first_input)[0])
        state = initial_state_of(cell, initial_state, dtype, batch_size)
        if sequence_length is not None:
            steps = _static_sequence_bounds(cell, sequence_length, batch_size,
                                            fixed_batch_size, dtype, state)
            sequence_length, zero_output, min_length, max_length = steps
        for time, input_ in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()

            def call_cell(input_=input_, state=state):
                return cell(input_, state)
            if sequence_length is not None:
                output, state = rnn_step(time, sequence_length, min_length, max_length,
                                         zero_output, state, call_cell)
            else:
                output, state = call_cell()
            outputs.append(output)
        return outputs, state


def _static_batch_size(inputs):
    first_input = inputs
    while nest.is_nested(first_input):
        first_input = first_input[0]
    first_shape = TensorShape(first_input._shape)
    if first_shape.ndims != 1:
        fixed = with_rank_at_least(first_input, 2)[0]
        for value in nest.flatten(inputs):
            shape = with_rank_at_least(value, 2)
            if not fixed.is_compatible_with(shape[0]):
                raise ValueError(f"Dimensions {fixed} and {shape[0]} are not compatible")
            for i, size in enumerate(shape[1:].dims):
                if size.value is None:
                    raise ValueError(f"Input size (dimension {i} of input {value}) must be "
                                     "accessible via shape inference, but saw value None.")
    else:
        fixed = with_rank_at_least(first_input, 1)[0]
    return fixed.value, first_input


def _static_sequence_bounds(cell, sequence_length, batch_size, fixed_batch_size, dtype, state):
    sequence_length = convert_to_tensor(sequence_length, name="sequence_length")
    if sequence_length._shape is not None and len(sequence_length._shape) != 1:
        raise ValueError("Argument `sequence_length` must be a vector of length "
                         f"{batch_size}. Received sequence_length={sequence_length}.")
    state_dtype = infer_state_dtype(dtype, state)

    def zero_output_for(size):
        output = input_ops.zeros(pack_ops.stack(concat_shape(batch_size, size)), state_dtype)
        output.set_shape(TensorShape(concat_shape(fixed_batch_size, size, static=True)))
        return output
    flat_zero_output = [zero_output_for(size) for size in nest.flatten(cell.output_size)]
    zero_output = nest.pack_sequence_as(cell.output_size, flat_zero_output)
    sequence_length = math_ops.cast(sequence_length, dtypes.int32)
    return (sequence_length, zero_output, reduce_ops.reduce_min(sequence_length),
            reduce_ops.reduce_max(sequence_length))


def _reverse_list(input_seq, lengths):
    """The list reversed in time, per batch entry up to its length when lengths are given."""
    if lengths is None:
        return list(reversed(input_seq))
    flat_input_seq = tuple(nest.flatten(x) for x in input_seq)
    flat_results = [[] for _ in input_seq]
    for sequence in zip(*flat_input_seq):
        rank = None if sequence[0]._shape is None else len(sequence[0]._shape)
        input_shape = TensorShape(None if rank is None else [None] * rank)
        for value in sequence:
            input_shape.assert_is_compatible_with(TensorShape(value._shape))
            value.set_shape(input_shape)
        joined = pack_ops.stack(sequence)
        reversed_joined = sequence_ops.reverse_sequence(joined, lengths, 0, 1)
        for result, flat_result in zip(pack_ops.unstack(reversed_joined), flat_results):
            result.set_shape(input_shape)
            flat_result.append(result)
    return [nest.pack_sequence_as(x, flat) for x, flat in zip(input_seq, flat_results)]


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """Forward and backward static_rnns, outputs concatenated: (outputs, state_fw, state_bw)."""
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    if not nest.is_nested(inputs):
        raise TypeError(f"Argument `inputs` must be a sequence. Received: {inputs}")
    if not inputs:
        raise ValueError("Argument `inputs` must not be empty.")
    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            output_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                             sequence_length, scope=fw_scope)
        with vs.variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_list(inputs, sequence_length)
            reversed_output, state_bw = static_rnn(cell_bw, reversed_inputs, initial_state_bw,
                                                   dtype, sequence_length, scope=bw_scope)
    output_bw = _reverse_list(reversed_output, sequence_length)
    flat_outputs = tuple(slicing_ops.concat([fw, bw], 1)
                         for fw, bw in zip(nest.flatten(output_fw), nest.flatten(output_bw)))
    return nest.pack_sequence_as(output_fw, list(flat_outputs)), state_fw, state_bw
