"""tf.nn.rnn_cell and the RNN functions of tf.nn (dynamic_rnn, static_rnn, bidirectional),
plus tf.reverse_sequence."""

from __future__ import annotations

from ..engine.layers import lstm, rnn, rnn_cells, rnn_static, rnn_wrappers
from ..engine.ops import sequence_ops
from . import namespace

RNN_CELL = namespace(
    "nn.rnn_cell", "TF 1.x RNN cells (tf.nn.rnn_cell).",
    RNNCell=rnn_cells.RNNCell, BasicRNNCell=rnn_cells.BasicRNNCell,
    GRUCell=rnn_cells.GRUCell, MultiRNNCell=rnn_cells.MultiRNNCell,
    BasicLSTMCell=lstm.BasicLSTMCell, LSTMCell=lstm.LSTMCell,
    LSTMStateTuple=lstm.LSTMStateTuple, DropoutWrapper=rnn_wrappers.DropoutWrapper,
    ResidualWrapper=rnn_wrappers.ResidualWrapper, DeviceWrapper=rnn_wrappers.DeviceWrapper,
)

# Added to tf.nn by facade/nn.py.
NN_MEMBERS: dict[str, object] = dict(
    rnn_cell=RNN_CELL, dynamic_rnn=rnn.dynamic_rnn, static_rnn=rnn_static.static_rnn,
    bidirectional_dynamic_rnn=rnn.bidirectional_dynamic_rnn,
    static_bidirectional_rnn=rnn_static.static_bidirectional_rnn,
)

TOP_LEVEL: dict[str, object] = {"reverse_sequence": sequence_ops.reverse_sequence}
