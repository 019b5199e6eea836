"""ReverseSequence (tf.reverse_sequence): each batch entry reversed up to its own length.

bidirectional_dynamic_rnn runs its backward cell on inputs reversed this way; the gradient is
the same reversal of the incoming gradient.
"""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import ShapeError, define
from . import rules


def _infer_reverse_sequence(op):
    x, lengths = op._inputs
    seq_dim, batch_dim = op.attrs["seq_dim"], op.attrs["batch_dim"]
    rules.check_dtype(op, lengths, (dtypes.int32, dtypes.int64), "Tlen")
    if lengths._shape is not None and len(lengths._shape) != 1:
        raise ShapeError(f"Shape must be rank 1 but is rank {len(lengths._shape)}")
    if x._shape is not None:
        rank = len(x._shape)
        if not 0 <= batch_dim < rank:
            raise ShapeError(f"batch_dim must be < input rank: {batch_dim} vs. {rank}")
        if not 0 <= seq_dim < rank:
            raise ShapeError(f"seq_dim must be < input rank: {seq_dim} vs. {rank}")
        batch, count = x._shape[batch_dim], None if lengths._shape is None else lengths._shape[0]
        if batch is not None and count is not None and batch != count:
            raise ShapeError(f"Dimensions must be equal, but are {batch} and {count}")
    return rules.same_as_input(op)


def _reverse_sequence_kernel(op, runtime):
    seq_dim, batch_dim = op.attrs["seq_dim"], op.attrs["batch_dim"]

    def reverse(x, lengths):
        x, lengths = np.asarray(x), np.asarray(lengths)
        if seq_dim == batch_dim:
            raise errors.InvalidArgumentError(None, None,
                                              f"seq_dim ({seq_dim}) == batch_dim ({batch_dim})")
        result = x.copy()
        for entry, length in enumerate(lengths.tolist()):
            if length < 0:
                raise errors.InvalidArgumentError(None, None,
                                                  f"seq_lens({entry}) < 0")
            if length > x.shape[seq_dim]:
                raise errors.InvalidArgumentError(
                    None, None, f"seq_lens({entry}) > input.dims({seq_dim})")
            _reverse_entry(x, result, entry, int(length), seq_dim, batch_dim)
        return result
    return reverse


def _reverse_entry(x, result, entry, length, seq_dim, batch_dim) -> None:
    """result[entry, :length] = x[entry, length-1::-1] along the batch and sequence axes."""
    source = [slice(None)] * x.ndim
    source[batch_dim] = entry
    target = list(source)
    target[seq_dim] = slice(0, length)
    source[seq_dim] = slice(length - 1, None, -1) if length else slice(0, 0)
    result[tuple(target)] = x[tuple(source)]


def _reverse_sequence_grad(op, g):
    lengths = op._inputs[1]
    return [reverse_sequence(g, lengths, seq_axis=op.attrs["seq_dim"],
                             batch_axis=op.attrs["batch_dim"]), None]


define("ReverseSequence", infer=_infer_reverse_sequence, make_kernel=_reverse_sequence_kernel,
       grad=_reverse_sequence_grad)


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None,  # noqa: A002
                     name=None, seq_dim=None, batch_dim=None):
    """`input` with each batch entry's first seq_lengths[i] elements along seq_axis reversed."""
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = (0 if batch_dim is None else batch_dim) if batch_axis is None else batch_axis
    if seq_axis is None:
        raise TypeError("reverse_sequence() missing required argument: 'seq_axis'")
    with OpScope(name, "ReverseSequence", [input, seq_lengths]) as scope:
        value = convert_to_tensor(input, name="input")
        lengths = convert_to_tensor(seq_lengths, name="seq_lengths")
        attrs = {"seq_dim": int(seq_axis), "batch_dim": int(batch_axis),
                 "T": value.dtype.base_dtype, "Tlen": lengths.dtype.base_dtype}
        return make_tensor("ReverseSequence", [value, lengths], scope, attrs)
