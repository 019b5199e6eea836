"""TF 1.x RNN cells (tf.nn.rnn_cell): the RNNCell base, BasicRNNCell, GRUCell, MultiRNNCell.

A cell is a layer called as `cell(inputs, state) -> (output, new_state)`. On its first call it
captures the current variable scope, so inside `dynamic_rnn`'s `rnn` scope its weights are
`rnn/<cell name>/kernel` and `rnn/<cell name>/bias`, made by `get_variable` (outside any while
loop) and reused on every later call. `zero_state` builds the zero tensors under
`<CellClass>ZeroState/` as TF's `_zero_state_tensors` does (a concat of the batch size and the
state size, then zeros). The LSTM cells are in `lstm.py`, the wrappers in `rnn_wrappers.py`.
"""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, nest
from ..graph.convert import constant
from ..graph.graph import get_default_graph
from ..graph.shapes import TensorShape
from ..graph.tensor import Tensor
from ..ops import (
    array_ops,
    init_ops,
    input_ops,
    linalg_ops,
    nn_ops,
    slicing_ops,
    split_ops,
    unary_ops,
    variables,
)
from ..ops import variable_scope as vs
from ..ops.static import static_value
from .base import InputSpec, Layer
from .core import activation_function

WEIGHTS_NAME, BIAS_NAME = "kernel", "bias"


def assert_like_rnncell(cell_name: str, cell) -> None:
    """TypeError naming what `cell` lacks to be used as an RNN cell (TF's wording)."""
    checks = [(hasattr(cell, "output_size"), "'output_size' property is missing"),
              (hasattr(cell, "state_size"), "'state_size' property is missing"),
              (hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state"),
               "either 'zero_state' or 'get_initial_state' method is required"),
              (callable(cell), "is not callable")]
    missing = [error for passed, error in checks if not passed]
    if missing:
        raise TypeError(f"The argument {cell_name!r} ({cell}) is not an RNNCell: "
                        + ", ".join(missing) + ".")


def concat_shape(prefix, suffix, static=False):
    """prefix + suffix as an int32 shape tensor (or, static, a list): TF's rnn_cell `_concat`.

    Known parts become constants even when only the static shape is wanted, as in TF."""
    if isinstance(prefix, Tensor):
        prefix_tensor = prefix
        prefix_static = _static_dims(prefix)
        if prefix._shape == ():
            prefix_tensor = array_ops.expand_dims(prefix, 0)
        elif prefix._shape is not None and len(prefix._shape) != 1:
            raise ValueError(f"Prefix tensor must be either a scalar or vector, but saw "
                             f"tensor: {prefix}")
    else:
        prefix_tensor, prefix_static = _constant_shape(prefix)
    if isinstance(suffix, Tensor):
        suffix_tensor = suffix
        suffix_static = _static_dims(suffix)
        if suffix._shape == ():
            suffix_tensor = array_ops.expand_dims(suffix, 0)
    else:
        suffix_tensor, suffix_static = _constant_shape(suffix)
    if static:
        combined = TensorShape(prefix_static).concatenate(TensorShape(suffix_static))
        return combined.as_list() if combined.ndims is not None else None
    if prefix_tensor is None or suffix_tensor is None:
        raise ValueError(f"Provided a prefix or suffix of None: {prefix} and {suffix}")
    return slicing_ops.concat((prefix_tensor, suffix_tensor), 0)


def _static_dims(part: Tensor):
    """The dims a shape tensor holds as far as they are known while building (unknown ones
    None, as TF's shape inference sees a concat of them)."""
    known = static_value(part)
    if known is not None:
        return np.atleast_1d(known).tolist()
    if part._shape == ():
        return [None]
    if part._shape is not None and part._shape[0] is not None:
        return [None] * part._shape[0]
    return None


def _constant_shape(part):
    shape = TensorShape(part if not isinstance(part, int) else [part])
    if isinstance(part, TensorShape):
        shape = part
    static = shape.as_list() if shape.ndims is not None else None
    if not shape.is_fully_defined():
        return None, static
    return constant(np.array(shape.as_list(), dtype=np.int32), dtype=dtypes.int32), static


def zero_state_tensors(state_size, batch_size, dtype):
    """Zeros of shape [batch_size] + s for each size s in the (nested) state_size."""
    def zeros_for(size):
        shape = concat_shape(batch_size, size)
        zeros = input_ops.zeros(shape, dtype=dtype)
        zeros.set_shape(concat_shape(batch_size, size, static=True))
        return zeros
    return nest.map_structure(zeros_for, state_size)


def check_supported_dtype(dtype) -> None:
    if dtype is None:
        return
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_complex):
        raise ValueError(f"RNN cell only supports floating point inputs, but received dtype: "
                         f"{dtype}")


def check_input_dtypes(values) -> None:
    for value in nest.flatten(values):
        check_supported_dtype(value.dtype)


def last_dimension(input_shape) -> int:
    """The input depth a cell's weights need; TF's error when it is unknown."""
    shape = TensorShape(input_shape)
    depth = shape[-1].value if shape.ndims else None
    if depth is None:
        shown = tuple(shape.as_list()) if shape.ndims is not None else None
        raise ValueError(f"Expected inputs.shape[-1] to be known, received shape: {shown}")
    return depth


def _check_rank(layer_name: str, spec: InputSpec, shape: TensorShape) -> None:
    """Keras's input spec error for a cell (TF 1 shapes show their dims as Dimension(n))."""
    if spec.ndim is None or shape.ndims is None or shape.ndims == spec.ndim:
        return
    raise ValueError(f'Input 0 of layer "{layer_name}" is incompatible with the layer: '
                     f"expected ndim={spec.ndim}, found ndim={shape.ndims}. Full shape "
                     f"received: {tuple(shape.dims)!r}")


class RNNCell(Layer):
    """An RNN cell: `call(inputs, state)` returns `(output, new_state)`."""

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)
        self._is_tf_rnn_cell = True
        self._rnncell_scope = None

    def __call__(self, inputs, state, scope=None, *args, **kwargs):
        """Runs the cell in `scope`, or in the variable scope current at its first call."""
        if scope is not None:
            with vs.variable_scope(scope, custom_getter=self._rnn_get_variable) as entered:
                return self._call_layer(inputs, state, entered, *args, **kwargs)
        if self._rnncell_scope is None:
            self._rnncell_scope = vs.get_variable_scope()
        with vs.variable_scope(self._rnncell_scope, custom_getter=self._rnn_get_variable):
            return self._call_layer(inputs, state, None, *args, **kwargs)

    def _rnn_get_variable(self, getter, *args, **kwargs):
        """Tracks the variables a cell's call() gets with tf.get_variable as its weights."""
        variable = getter(*args, **kwargs)
        trainable = variable in variables.trainable_variables()
        tracked = self._trainable_weights if trainable else self._non_trainable_weights
        if all(variable is not known for known in tracked):
            tracked.append(variable)
        return variable

    def _call_layer(self, inputs, state, scope, *args, **kwargs):
        spec = getattr(self, "input_spec", None)
        if isinstance(spec, InputSpec) and isinstance(inputs, Tensor):
            _check_rank(self.name, spec, TensorShape(inputs._shape))
        if scope is not None:
            kwargs["scope"] = scope
        return Layer.__call__(self, inputs, state, *args, **kwargs)

    def _convert_inputs(self, inputs):
        if nest.is_nested(inputs):
            return nest.map_structure(lambda x: x, inputs)
        return super()._convert_inputs(inputs)

    def _build_for(self, inputs) -> None:
        first = nest.flatten(inputs)[0]
        if self._dtype is None:  # an integer input too: build then refuses it, as in TF
            self._dtype = first.dtype.base_dtype
        shapes = nest.map_structure(lambda x: TensorShape(x._shape), inputs)
        self.build(shapes)
        self.built = True

    add_variable = Layer.add_weight  # TF 1.x's name for it, which custom cells' build() use

    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """zero_state for a batch size and dtype (given, or read from `inputs`)."""
        if inputs is not None:
            from ..graph.convert import convert_to_tensor
            inputs = convert_to_tensor(inputs, name="inputs")
            if dtype is not None and inputs.dtype != dtypes.as_dtype(dtype):
                raise ValueError("dtype from input tensor is different from the input param. "
                                 f"Input tensor dtype: {inputs.dtype}, dtype: {dtype}")
            static_batch = inputs._shape[0] if inputs._shape else None
            batch_size = static_batch or array_ops.shape(inputs)[0]
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise ValueError("batch_size and dtype cannot be None while constructing initial "
                             f"state: batch_size={batch_size}, dtype={dtype}")
        return self.zero_state(batch_size, dtype)

    def zero_state(self, batch_size, dtype):
        """Zero-filled state tensor(s) of shape [batch_size, s] for each state size s."""
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return zero_state_tensors(self.state_size, batch_size, dtypes.as_dtype(dtype))


class LayerRNNCell(RNNCell):
    """A cell that makes its weights in `build`, as a layer does: called as a layer, in the
    current scopes, without re-entering the scope of its first call."""

    def __call__(self, inputs, state, scope=None, *args, **kwargs):
        return self._call_layer(inputs, state, scope, *args, **kwargs)


class BuiltinCell(LayerRNNCell):
    """What the built-in cells share: a float dtype, rank-2 inputs, `num_units`, an activation
    (tanh by default), and kernel/bias pairs made in `build`."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None,
                 **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        check_supported_dtype(self._dtype)
        self.input_spec = InputSpec(ndim=2)
        self._num_units = num_units
        self._activation = activation_function(activation) if activation else unary_ops.tanh

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def _input_depth(self, input_shape) -> int:
        """The inputs' last dimension, after checking the dtype the first call settled."""
        depth = last_dimension(input_shape)
        check_supported_dtype(self._dtype)
        return depth

    def _add_cell_weights(self, rows: int, columns: int, prefix: str = "",
                          kernel_initializer=None, bias_initializer=None) -> tuple:
        """Adds `<prefix>kernel` [rows, columns] and `<prefix>bias` [columns] (zeros unless
        `bias_initializer` is given), in that order."""
        kernel = self.add_weight(f"{prefix}{WEIGHTS_NAME}", shape=[rows, columns],
                                 initializer=kernel_initializer)
        bias = self.add_weight(f"{prefix}{BIAS_NAME}", shape=[columns],
                               initializer=bias_initializer or init_ops.Zeros(dtype=self._dtype))
        return kernel, bias


class BasicRNNCell(BuiltinCell):
    """output = new_state = activation(W [inputs, state] + b)."""

    def build(self, input_shape) -> None:
        depth = self._input_depth(input_shape)
        self._kernel, self._bias = self._add_cell_weights(depth + self._num_units,
                                                          self._num_units)
        self.built = True

    def call(self, inputs, state):
        check_input_dtypes([inputs, state])
        gate_inputs = linalg_ops.matmul(slicing_ops.concat([inputs, state], 1), self._kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._bias)
        output = self._activation(gate_inputs)
        return output, output


class GRUCell(BuiltinCell):
    """Gated recurrent unit: reset and update gates, then a candidate state."""

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(num_units, activation, reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def build(self, input_shape) -> None:
        depth = self._input_depth(input_shape)
        units = self._num_units
        gate_bias = self._bias_initializer or init_ops.Constant(1.0, dtype=self._dtype)
        self._gate_kernel, self._gate_bias = self._add_cell_weights(
            depth + units, 2 * units, "gates/", self._kernel_initializer, gate_bias)
        self._candidate_kernel, self._candidate_bias = self._add_cell_weights(
            depth + units, units, "candidate/", self._kernel_initializer,
            self._bias_initializer)
        self.built = True

    def call(self, inputs, state):
        check_input_dtypes([inputs, state])
        gate_inputs = linalg_ops.matmul(slicing_ops.concat([inputs, state], 1),
                                        self._gate_kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._gate_bias)
        value = unary_ops.sigmoid(gate_inputs)
        reset, update = split_ops.split(value=value, num_or_size_splits=2, axis=1)
        reset_state = reset * state
        candidate = linalg_ops.matmul(slicing_ops.concat([inputs, reset_state], 1),
                                      self._candidate_kernel)
        candidate = nn_ops.bias_add(candidate, self._candidate_bias)
        c = self._activation(candidate)
        new_h = update * state + (1 - update) * c
        return new_h, new_h


class MultiRNNCell(RNNCell):
    """Cells stacked in depth: each layer's output is the next one's input."""

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not nest.is_nested(cells):
            raise TypeError(f"cells must be a list or tuple, but received: {cells}.")
        self._cells = cells
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(nest.is_nested(c.state_size) for c in cells):
            raise ValueError("Some cells return tuples of states, but the flag state_is_tuple "
                             "is not set. State sizes are: "
                             f"{[c.state_size for c in cells]}")

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    def zero_state(self, batch_size, dtype):
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return zero_state_tensors(self.state_size, batch_size, dtypes.as_dtype(dtype))

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [w for cell in self._cells if isinstance(cell, Layer)
                for w in cell.trainable_weights]

    @property
    def non_trainable_weights(self) -> list:
        weights = [w for cell in self._cells if isinstance(cell, Layer)
                   for w in cell.non_trainable_weights]
        if not self.trainable:
            return [w for cell in self._cells if isinstance(cell, Layer)
                    for w in cell.trainable_weights] + weights
        return weights

    def call(self, inputs, state):
        position, current, new_states = 0, inputs, []
        for index, cell in enumerate(self._cells):
            with vs.variable_scope(f"cell_{index}"):
                if self._state_is_tuple:
                    if not nest.is_nested(state):
                        raise ValueError(f"Expected state to be a tuple of length "
                                         f"{len(self.state_size)}, but received: {state}")
                    cell_state = state[index]
                else:
                    cell_state = slicing_ops.slice(state, [0, position], [-1, cell.state_size])
                    position += cell.state_size
                current, new_state = cell(current, cell_state)
                new_states.append(new_state)
        if self._state_is_tuple:
            return current, tuple(new_states)
        return current, slicing_ops.concat(new_states, 1)
