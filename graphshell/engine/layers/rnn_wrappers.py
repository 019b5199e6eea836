"""RNN cell wrappers (tf.nn.rnn_cell.DropoutWrapper, ResidualWrapper, DeviceWrapper).

A wrapper is a cell whose call runs the wrapped cell's own call, so the weights stay the
wrapped cell's (`rnn/basic_lstm_cell/kernel`), and adds something around it: dropout on
inputs, outputs and states (fresh masks each step, or one mask per sequence with
`variational_recurrent`; per-element seeds derived from `seed` as TF derives them, from an
MD5 of the seed and a salt), the inputs added to the outputs, or a device scope.
"""

from __future__ import annotations

import hashlib
import numbers

from ..graph import nest
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.graph_api import device as device_scope
from ..graph.shapes import TensorShape
from ..ops import math_ops, nn_impl, random_ops, slicing_ops, unary_ops
from ..ops.static import static_value
from .lstm import LSTMStateTuple
from .rnn_cells import RNNCell, assert_like_rnncell


class _RNNCellWrapper(RNNCell):
    """A cell that calls the wrapped cell (as itself, in its own scopes) and changes the
    call's inputs or results."""

    def __init__(self, cell, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assert_like_rnncell("cell", cell)
        self.cell = cell

    def __call__(self, inputs, state, scope=None):
        return self._call_wrapped_cell(inputs, state, self.cell.__call__, scope=scope)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        raise NotImplementedError

    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def output_size(self):
        return self.cell.output_size

    @property
    def wrapped_cell(self):
        return self.cell

    @property
    def trainable_weights(self) -> list:
        return self.cell.trainable_weights

    @property
    def non_trainable_weights(self) -> list:
        return self.cell.non_trainable_weights

    def zero_state(self, batch_size, dtype):
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return self.cell.zero_state(batch_size, dtype)


def _default_state_filter(substate):
    """Which parts of a state get dropout: an LSTM's h but not its c."""
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


def _state_dropout_flags(state, state_filter) -> list:
    """One flag per leaf of `state`: whether dropout applies to it (TF's shallow filter: the
    visitor returns a bool for a whole part, or a structure of bools for its parts)."""
    flags = []
    pending = [(state, None)]
    while pending:
        item, decided = pending.pop()
        verdict = decided if decided is not None else state_filter(item)
        if isinstance(verdict, bool):
            flags.extend([verdict] * len(nest.flatten(item)))
            continue
        for part, part_verdict in reversed(list(zip(item, verdict))):
            pending.append((part, part_verdict if isinstance(part_verdict, bool) else None))
    return flags


class DropoutWrapper(_RNNCellWrapper):
    """Dropout on the wrapped cell's inputs, outputs and (filtered) states."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None, **kwargs):
        super().__init__(cell, dtype=dtype, **kwargs)
        if dropout_state_filter_visitor is not None and not callable(
                dropout_state_filter_visitor):
            raise TypeError("dropout_state_filter_visitor must be callable. Received: "
                            f"{dropout_state_filter_visitor}")
        self._dropout_state_filter = dropout_state_filter_visitor or _default_state_filter
        with get_default_graph().name_scope("DropoutWrapperInit"):
            for prob, attr in [(input_keep_prob, "input_keep_prob"),
                               (state_keep_prob, "state_keep_prob"),
                               (output_keep_prob, "output_keep_prob")]:
                setattr(self, f"_{attr}", _keep_prob_value(prob, attr))
        self._variational_recurrent = variational_recurrent
        self._input_size = input_size
        self._seed = seed
        self._recurrent_input_noise = self._recurrent_state_noise = None
        self._recurrent_output_noise = None
        if variational_recurrent:
            self._make_recurrent_noise(cell, input_size, dtype)

    def _make_recurrent_noise(self, cell, input_size, dtype) -> None:
        if dtype is None:
            raise ValueError("When variational_recurrent=True, dtype must be provided")

        def batch_noise(size, inner_seed):
            shape = slicing_ops.concat(([1], TensorShape(size).as_list()
                                        if not isinstance(size, int) else [size]), 0)
            return random_ops.random_uniform(shape, seed=inner_seed, dtype=dtype)

        def noise_for(sizes, salt):
            flat = nest.flatten(sizes)
            return nest.pack_sequence_as(
                sizes, [batch_noise(s, self._gen_seed(salt, i)) for i, s in enumerate(flat)])
        if not isinstance(self._input_keep_prob, numbers.Real) or self._input_keep_prob < 1.0:
            if input_size is None:
                raise ValueError("When variational_recurrent=True and input_keep_prob < 1.0 "
                                 "or is unknown, input_size must be provided")
            self._recurrent_input_noise = noise_for(input_size, "input")
        self._recurrent_state_noise = noise_for(cell.state_size, "state")
        self._recurrent_output_noise = noise_for(cell.output_size, "output")

    def _gen_seed(self, salt_prefix, index):
        if self._seed is None:
            return None
        text = (str(self._seed) + f"{salt_prefix}_{index}").encode("utf-8")
        return int(hashlib.md5(text).hexdigest()[:8], 16) & 0x7FFFFFFF

    def build(self, input_shape) -> None:
        self.cell.build(input_shape)
        self.built = True

    def _dropout(self, values, salt_prefix, recurrent_noise, keep_prob, flags=None):
        flat = nest.flatten(values)
        flags = flags if flags is not None else [True] * len(flat)
        noises = (nest.flatten(recurrent_noise) if self._variational_recurrent
                  else [None] * len(flat))
        dropped = []
        for index, (value, do_dropout, noise) in enumerate(zip(flat, flags, noises)):
            if not do_dropout:
                dropped.append(value)
            elif self._variational_recurrent:
                dropped.append(_variational_dropout(value, noise, keep_prob))
            else:
                dropped.append(nn_impl.dropout(value, rate=1.0 - keep_prob,
                                               seed=self._gen_seed(salt_prefix, index)))
        return nest.pack_sequence_as(values, dropped)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        def should_dropout(p):
            return not isinstance(p, float) or p < 1
        if should_dropout(self._input_keep_prob):
            inputs = self._dropout(inputs, "input", self._recurrent_input_noise,
                                   self._input_keep_prob)
        output, new_state = cell_call_fn(inputs, state, **kwargs)
        if should_dropout(self._state_keep_prob):
            flags = _state_dropout_flags(new_state, self._dropout_state_filter)
            new_state = self._dropout(new_state, "state", self._recurrent_state_noise,
                                      self._state_keep_prob, flags)
        if should_dropout(self._output_keep_prob):
            output = self._dropout(output, "output", self._recurrent_output_noise,
                                   self._output_keep_prob)
        return output, new_state


def _keep_prob_value(prob, attr):
    """A keep probability as a float when it is known while building, else its tensor."""
    tensor = convert_to_tensor(prob)
    known = static_value(tensor)
    if known is None:
        return tensor
    if known < 0 or known > 1:
        raise ValueError(f"Parameter {attr} must be between 0 and 1. Received {known}")
    return float(known)


def _variational_dropout(value, noise, keep_prob):
    binary = unary_ops.floor(keep_prob + noise)
    result = math_ops.divide(value, keep_prob) * binary
    result.set_shape(value._shape)
    return result


class ResidualWrapper(_RNNCellWrapper):
    """The wrapped cell's outputs plus its inputs (or `residual_fn(inputs, outputs)`)."""

    def __init__(self, cell, residual_fn=None, **kwargs):
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        outputs, new_state = cell_call_fn(inputs, state, **kwargs)

        def default_residual_fn(inputs, outputs):
            nest.assert_same_structure(inputs, outputs)

            def added(inp, out):
                TensorShape(inp._shape).assert_is_compatible_with(TensorShape(out._shape))
                return inp + out
            return nest.map_structure(added, inputs, outputs)
        return (self._residual_fn or default_residual_fn)(inputs, outputs), new_state


class DeviceWrapper(_RNNCellWrapper):
    """The wrapped cell built on `device`."""

    def __init__(self, cell, device, **kwargs):
        super().__init__(cell, **kwargs)
        self._device = device

    def zero_state(self, batch_size, dtype):
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"), \
                device_scope(self._device):
            return self.cell.zero_state(batch_size, dtype)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        with device_scope(self._device):
            return cell_call_fn(inputs, state, **kwargs)


__all__ = ["DeviceWrapper", "DropoutWrapper", "ResidualWrapper"]
