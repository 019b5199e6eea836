"""The TF 1.x layer base (tf.layers.Layer): names, variable scopes, weights, losses, updates.

A layer gets a unique name per graph from its class (`dense`, `dense_1`...) and, on its first
call, a variable scope (`dense/`, made unique as variable scopes are). Its weights are
`get_variable`s in that scope; calling it again reuses them, and its ops go under the scope's
first name scope (`dense/MatMul`, then `dense/MatMul_1`). Regularization losses go to
REGULARIZATION_LOSSES as the weights are made; update ops (batch norm's moving averages) go to
UPDATE_OPS after each call.
"""

from __future__ import annotations

import re
import weakref

from ..graph import dtypes
from ..graph.convert import convert_to_tensor
from ..graph.graph import get_default_graph
from ..graph.graph_keys import GraphKeys
from ..graph.shapes import TensorShape
from ..ops import init_ops, variables
from ..ops import variable_scope as vs

# The layer names taken in each graph, per base name (Keras's per-graph object name uids).
_NAME_UIDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def to_snake_case(name: str) -> str:
    """`Conv2DTranspose` -> `conv2d_transpose`, as Keras names layers after their class."""
    spaced = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    snake = re.sub("([a-z])([A-Z])", r"\1_\2", spaced).lower()
    return snake if snake[0] != "_" else "private" + snake


def unique_layer_name(base_name: str) -> str:
    """`base_name_1`, `base_name_2`... counted per graph (TF 1.x layers number from 1; their
    variable scopes, counted apart, start at `base_name`)."""
    uids = _NAME_UIDS.setdefault(get_default_graph(), {})
    uids[base_name] = uids.get(base_name, 0) + 1
    return f"{base_name}_{uids[base_name]}"


def add_to_collection_once(elements, collection: str) -> None:
    """Appends each element not already in the collection."""
    items = get_default_graph().get_collection_ref(collection)
    present = {id(item) for item in items}
    for element in elements:
        if id(element) not in present:
            items.append(element)
            present.add(id(element))


class Layer:
    """A TF 1.x layer: call it on a tensor to build its weights (once) and its ops."""

    def __init__(self, trainable=True, name=None, dtype=None, _scope=None, _reuse=None,
                 **kwargs):
        unknown = set(kwargs) - {"input_shape", "batch_input_shape", "batch_size",
                                 "weights", "activity_regularizer", "autocast"}
        if unknown:
            raise TypeError(f"Keyword argument not understood: {sorted(unknown)[0]}")
        self.trainable = trainable
        self.built = False
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype).base_dtype
        self._reuse = _reuse
        self._scope = None
        if _scope:  # the functional forms pass their name: its name scope opens now
            with vs.variable_scope(_scope) as captured:
                self._scope = captured
        self._current_scope = None
        self._trainable_weights: list = []
        self._non_trainable_weights: list = []
        self._losses: list = []
        self._callable_losses: list = []
        self._updates: list = []
        self._init_set_name(name)

    def _init_set_name(self, name) -> None:
        if isinstance(name, vs.VariableScope):
            base_name = name.name
            self._name = unique_layer_name(to_snake_case(type(self).__name__))
        elif name:
            base_name = self._name = name
        else:
            base_name = to_snake_case(type(self).__name__)
            self._name = unique_layer_name(base_name)
        self._base_name = base_name

    # -- what users read ------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self):
        return None if self._dtype is None else self._dtype.name

    @property
    def scope_name(self) -> str:
        if not self._scope:
            raise ValueError(
                f'No name available for layer scope because the layer "{self._name}" has not '
                "been used yet. The scope name  is determined the first time the layer "
                "instance is called. You must therefore call the layer before querying "
                "`scope_name`.")
        return self._scope.name

    @property
    def trainable_weights(self) -> list:
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list:
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    # The other names read the two above through `self`, so a subclass (a stacked cell, a
    # wrapper) overrides only trainable_weights and non_trainable_weights.
    @property
    def trainable_variables(self) -> list:
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list:
        return self.non_trainable_weights

    @property
    def weights(self) -> list:
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self) -> list:
        return self.weights

    @property
    def losses(self) -> list:
        """The losses added as tensors, then each regularizer evaluated anew (Keras rebuilds
        those ops on every read, under the name scope of the reader)."""
        fresh = [loss() for loss in self._callable_losses]
        return list(self._losses) + [t for t in fresh if t is not None]

    @property
    def updates(self) -> list:
        return list(self._updates)

    def add_loss(self, losses, inputs=None) -> None:
        """Records regularization losses (tensors or callables) and adds them to the
        REGULARIZATION_LOSSES collection."""
        losses = losses if isinstance(losses, (list, tuple)) else [losses]
        tensors = [loss for loss in losses if not callable(loss)]
        self._losses.extend(tensors)
        for loss in losses:
            if callable(loss):
                self._callable_losses.append(loss)
                tensors.append(loss())
        add_to_collection_once([t for t in tensors if t is not None],
                               GraphKeys.REGULARIZATION_LOSSES)

    def add_update(self, updates, inputs=None) -> None:
        updates = updates if isinstance(updates, (list, tuple)) else [updates]
        self._updates.extend(updates)

    def get_weights(self) -> list:
        from ..graph.stacks import get_default_session
        session = get_default_session()
        if session is None:
            raise ValueError("get_weights needs a default session (tf.Session().as_default())")
        return session.run(self.weights)

    # -- scopes ------------------------------------------------------------------------------
    def _set_scope(self, scope=None) -> None:
        if self._scope is not None:
            return
        if self._reuse:
            with vs.variable_scope(scope if scope is not None else self._base_name) as captured:
                self._scope = captured
        else:
            with vs.variable_scope(scope, default_name=self._base_name) as captured:
                self._scope = captured

    def _name_scope(self) -> str:
        return self._current_scope.original_name_scope

    # -- weights -----------------------------------------------------------------------------
    def _keep_kernel_and_bias_options(self, use_bias, kernel_initializer, bias_initializer,
                                      kernel_regularizer, bias_regularizer, kernel_constraint,
                                      bias_constraint) -> None:
        """The options of a layer with a kernel and an optional bias (Dense, Conv2D...);
        the bias starts at zeros unless told otherwise, as in TF."""
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer or init_ops.Zeros()
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint

    def _add_kernel_and_bias(self, kernel_shape, bias_shape) -> None:
        """`kernel` and (with use_bias) `bias`, made with the options kept above."""
        self.kernel = self.add_weight("kernel", shape=kernel_shape,
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=bias_shape,
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, use_resource=None, partitioner=None,
                   **kwargs):
        """A `get_variable` in the layer's scope, tracked as a (non-)trainable weight; its
        regularization loss is built at once, under `<scope>/<name>/Regularizer/`."""
        trainable = True if trainable is None else trainable
        existing = set(variables.global_variables())
        dtype = dtypes.as_dtype(dtype or self._dtype or dtypes.float32)
        self._set_scope(None)
        reuse = self.built or self._reuse
        graph = get_default_graph()
        with vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with graph.name_scope(self._name_scope()):
                if initializer is None:
                    initializer = scope.initializer
                variable = vs.get_variable(
                    name, shape=shape, dtype=dtype, initializer=initializer,
                    trainable=trainable and self.trainable, constraint=constraint,
                    partitioner=partitioner)
                tracked = self._trainable_weights if trainable and self.trainable \
                    else self._non_trainable_weights
                if variable not in tracked:
                    if trainable and self.trainable \
                            and variable not in variables.trainable_variables():
                        self._non_trainable_weights.append(variable)  # a getter said so
                    else:
                        tracked.append(variable)
                if regularizer and variable not in existing:
                    self._add_regularization(name, variable, regularizer)
        return variable

    def _add_regularization(self, name, variable, regularizer) -> None:
        def loss_for_variable():
            with get_default_graph().name_scope(name + "/Regularizer"):
                return regularizer(variable)
        self.add_loss(loss_for_variable)

    # -- calling ---------------------------------------------------------------------------
    def build(self, input_shape) -> None:
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        raise NotImplementedError(f"{type(self).__name__} does not compute output shapes")

    def __call__(self, inputs, *args, **kwargs):
        """Builds the layer on its first call, then adds its ops for `inputs`."""
        scope = kwargs.pop("scope", None)
        inputs = self._convert_inputs(inputs)  # numpy inputs become constants outside the scope
        self._set_scope(scope)
        reuse = True if self.built else self._reuse
        graph = get_default_graph()
        with vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with graph.name_scope(self._name_scope()):
                if not self.built:
                    self._build_for(inputs)
                outputs = self.call(inputs, *args, **kwargs)
        add_to_collection_once(self._updates, GraphKeys.UPDATE_OPS)
        return outputs

    def _convert_inputs(self, inputs):
        if isinstance(inputs, (list, tuple)):
            return type(inputs)(convert_to_tensor(x) for x in inputs)
        return convert_to_tensor(inputs)

    def _build_for(self, inputs) -> None:
        first = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        if self._dtype is None and first.dtype.base_dtype.is_floating:
            self._dtype = first.dtype.base_dtype  # TF1 layers take the first input's dtype
        if isinstance(inputs, (list, tuple)):
            self.build([TensorShape(x._shape) for x in inputs])
        else:
            self.build(TensorShape(first._shape))
        self.built = True

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object named {self._name!r}>"


class InputSpec:
    """The rank and axes a layer accepts (tf.layers.InputSpec), checked while building."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}

    def check(self, layer_name: str, shape: TensorShape) -> None:
        rank = shape.ndims
        if rank is None:
            return
        if self.ndim is not None and rank != self.ndim:
            raise ValueError(f'Input 0 of layer "{layer_name}" is incompatible with the layer: '
                             f"expected ndim={self.ndim}, found ndim={rank}. Full shape "
                             f"received: {tuple(shape.as_list())}")
        if self.min_ndim is not None and rank < self.min_ndim:
            raise ValueError(f'Input 0 of layer "{layer_name}" is incompatible with the layer: '
                             f"expected min_ndim={self.min_ndim}, found ndim={rank}. Full "
                             f"shape received: {tuple(shape.as_list())}")
