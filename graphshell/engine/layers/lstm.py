"""The TF 1.x LSTM cells: BasicLSTMCell and LSTMCell (peepholes, clipping, projection).

Both compute the gates i, j, f, o from one matmul of [inputs, h] with `kernel` plus `bias`
(split in that order), c = sigmoid(f + forget_bias) * c_prev + sigmoid(i) * tanh(j) and
h = tanh(c) * sigmoid(o), with the ops in the order TF's cells build them. The state is an
`LSTMStateTuple(c, h)`, or both concatenated when `state_is_tuple=False`.
"""

from __future__ import annotations

import collections

from ..graph import dtypes
from ..graph.convert import constant
from ..graph.shapes import TensorShape
from ..ops import (
    clip_ops,
    linalg_ops,
    math_ops,
    nn_ops,
    slicing_ops,
    split_ops,
    unary_ops,
)
from .rnn_cells import WEIGHTS_NAME, BuiltinCell, check_input_dtypes

_LSTMStateTupleBase = collections.namedtuple("LSTMStateTuple", ("c", "h"))


class LSTMStateTuple(_LSTMStateTupleBase):
    """(c, h): an LSTM's cell state and output, as a namedtuple."""

    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent dtypes for internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


class BasicLSTMCell(BuiltinCell):
    """The LSTM of Zaremba et al. (no peepholes, no clipping), forget bias added to f."""

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(num_units, activation, reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        units = self._num_units
        return LSTMStateTuple(units, units) if self._state_is_tuple else 2 * units

    def build(self, input_shape) -> None:
        units = self._num_units
        self._kernel, self._bias = self._add_cell_weights(
            self._input_depth(input_shape) + units, 4 * units)
        self.built = True

    def call(self, inputs, state):
        check_input_dtypes([inputs, state])
        one = constant(1, dtype=dtypes.int32)
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = split_ops.split(value=state, num_or_size_splits=2, axis=one)
        gate_inputs = linalg_ops.matmul(slicing_ops.concat([inputs, h], 1), self._kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._bias)
        i, j, f, o = split_ops.split(value=gate_inputs, num_or_size_splits=4, axis=one)
        forget_bias = constant(self._forget_bias, dtype=f.dtype)
        sigmoid = unary_ops.sigmoid
        new_c = math_ops.add(math_ops.multiply(c, sigmoid(math_ops.add(f, forget_bias))),
                             math_ops.multiply(sigmoid(i), self._activation(j)))
        new_h = math_ops.multiply(self._activation(new_c), sigmoid(o))
        if self._state_is_tuple:
            return new_h, LSTMStateTuple(new_c, new_h)
        return new_h, slicing_ops.concat([new_c, new_h], 1)


class LSTMCell(BuiltinCell):
    """The LSTM with optional peepholes, cell clipping and a projection of the output."""

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(num_units, activation, reuse=reuse, name=name, dtype=dtype, **kwargs)
        if num_unit_shards is not None or num_proj_shards is not None:
            raise NotImplementedError("LSTMCell: num_unit_shards and num_proj_shards are not "
                                      "supported; use a variable scope with a partitioner")
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        width = num_proj if num_proj else num_units
        self._state_size = (LSTMStateTuple(num_units, width) if state_is_tuple
                            else num_units + width)
        self._output_size = width

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size

    def build(self, input_shape) -> None:
        depth = self._input_depth(input_shape)
        units = self._num_units
        h_depth = units if self._num_proj is None else self._num_proj
        self._kernel, self._bias = self._add_cell_weights(
            depth + h_depth, 4 * units, kernel_initializer=self._initializer)
        if self._use_peepholes:
            self._w_f_diag = self.add_weight("w_f_diag", shape=[units],
                                             initializer=self._initializer)
            self._w_i_diag = self.add_weight("w_i_diag", shape=[units],
                                             initializer=self._initializer)
            self._w_o_diag = self.add_weight("w_o_diag", shape=[units],
                                             initializer=self._initializer)
        if self._num_proj is not None:
            self._proj_kernel = self.add_weight(f"projection/{WEIGHTS_NAME}",
                                                shape=[units, self._num_proj],
                                                initializer=self._initializer)
        self.built = True

    def call(self, inputs, state):
        check_input_dtypes([inputs, state])
        num_proj = self._num_units if self._num_proj is None else self._num_proj
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = slicing_ops.slice(state, [0, 0], [-1, self._num_units])
            m_prev = slicing_ops.slice(state, [0, self._num_units], [-1, num_proj])
        input_size = TensorShape(inputs._shape)[1].value if inputs._shape else None
        if input_size is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]."
                             f"Received input shape: {TensorShape(inputs._shape)}")
        lstm_matrix = linalg_ops.matmul(slicing_ops.concat([inputs, m_prev], 1), self._kernel)
        lstm_matrix = nn_ops.bias_add(lstm_matrix, self._bias)
        i, j, f, o = split_ops.split(value=lstm_matrix, num_or_size_splits=4, axis=1)
        c = self._new_cell_state(i, j, f, c_prev)
        if self._cell_clip is not None:
            c = clip_ops.clip_by_value(c, -self._cell_clip, self._cell_clip)
        sigmoid = unary_ops.sigmoid
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * self._activation(c)
        else:
            m = sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            m = linalg_ops.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = clip_ops.clip_by_value(m, -self._proj_clip, self._proj_clip)
        if self._state_is_tuple:
            return m, LSTMStateTuple(c, m)
        return m, slicing_ops.concat([c, m], 1)

    def _new_cell_state(self, i, j, f, c_prev):
        sigmoid = unary_ops.sigmoid
        if self._use_peepholes:
            return (sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev
                    + sigmoid(i + self._w_i_diag * c_prev) * self._activation(j))
        return sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * self._activation(j)
