"""A layer's other weight names (trainable_variables, non_trainable_variables, weights,
variables) read trainable_weights and non_trainable_weights through the instance, so stacked
cells and wrappers, which override only those two, answer all six consistently."""

from __future__ import annotations

import numpy as np

from graphshell import tf


def _names(variables) -> list[str]:
    return [v.name for v in variables]


def _assert_consistent(layer) -> None:
    assert layer.trainable_variables == layer.trainable_weights
    assert layer.non_trainable_variables == layer.non_trainable_weights
    assert layer.weights == layer.trainable_weights + layer.non_trainable_weights
    assert layer.variables == layer.weights


def test_a_stacked_cell_and_a_wrapper_answer_with_their_cells_weights():
    cells = [tf.nn.rnn_cell.GRUCell(3, name="gru"), tf.nn.rnn_cell.BasicLSTMCell(2, name="lstm")]
    stacked = tf.nn.rnn_cell.MultiRNNCell(cells)
    wrapped = tf.nn.rnn_cell.DropoutWrapper(stacked, output_keep_prob=1.0)
    inputs = tf.constant(np.ones((2, 4), np.float32))
    wrapped(inputs, wrapped.zero_state(2, tf.float32))
    inner = cells[0].trainable_weights + cells[1].trainable_weights
    assert len(inner) == 6
    for layer in (stacked, wrapped):
        assert _names(layer.trainable_variables) == _names(inner)
        assert _names(layer.variables) == _names(inner)
        _assert_consistent(layer)


def test_a_frozen_stacked_cell_lists_its_weights_as_non_trainable():
    cell = tf.nn.rnn_cell.BasicRNNCell(3, name="rnn")
    stacked = tf.nn.rnn_cell.MultiRNNCell([cell])
    stacked(tf.constant(np.ones((1, 2), np.float32)), stacked.zero_state(1, tf.float32))
    stacked.trainable = False
    assert stacked.trainable_variables == []
    assert _names(stacked.non_trainable_variables) == _names(cell.trainable_weights)
    _assert_consistent(stacked)
