"""tf.variable_scope, tf.get_variable, initializers and the variable collections."""

from __future__ import annotations

from ..engine.ops import init_ops, keras_initializers, regularizers, variables
from ..engine.ops import variable_scope as vs
from . import namespace

_INITIALIZER_CLASSES = dict(
    constant_initializer=init_ops.Constant, zeros_initializer=init_ops.Zeros,
    ones_initializer=init_ops.Ones, random_normal_initializer=init_ops.RandomNormal,
    truncated_normal_initializer=init_ops.TruncatedNormal,
    random_uniform_initializer=init_ops.RandomUniform,
    uniform_unit_scaling_initializer=init_ops.UniformUnitScaling,
    variance_scaling_initializer=init_ops.VarianceScaling,
    glorot_uniform_initializer=init_ops.GlorotUniform,
    glorot_normal_initializer=init_ops.GlorotNormal,
    orthogonal_initializer=init_ops.Orthogonal,
)

initializers = namespace(
    "initializers", "Initializers and the variable-initializing ops (tf.initializers).",
    constant=init_ops.Constant, zeros=init_ops.Zeros, ones=init_ops.Ones,
    random_normal=init_ops.RandomNormal, truncated_normal=init_ops.TruncatedNormal,
    random_uniform=init_ops.RandomUniform, uniform_unit_scaling=init_ops.UniformUnitScaling,
    variance_scaling=init_ops.VarianceScaling, glorot_uniform=init_ops.GlorotUniform,
    glorot_normal=init_ops.GlorotNormal, orthogonal=init_ops.Orthogonal,
    identity=init_ops.Identity, lecun_normal=init_ops.lecun_normal,
    lecun_uniform=init_ops.lecun_uniform, he_normal=init_ops.he_normal,
    he_uniform=init_ops.he_uniform,
    global_variables=variables.global_variables_initializer,
    local_variables=variables.local_variables_initializer,
    variables=variables.variables_initializer,
)

_keras_initializers = namespace(
    "keras.initializers", "Keras' initializers as TF1 mode has them (tf.keras.initializers).",
    Initializer=init_ops.Initializer, Constant=init_ops.Constant, constant=init_ops.Constant,
    Zeros=init_ops.Zeros, zeros=init_ops.Zeros, Ones=init_ops.Ones, ones=init_ops.Ones,
    VarianceScaling=init_ops.VarianceScaling,
    glorot_uniform=init_ops.GlorotUniform, glorot_normal=init_ops.GlorotNormal,
    Orthogonal=init_ops.Orthogonal, orthogonal=init_ops.Orthogonal,
    Identity=init_ops.Identity, identity=init_ops.Identity,
    RandomNormal=keras_initializers.RandomNormal, random_normal=keras_initializers.RandomNormal,
    normal=keras_initializers.RandomNormal, RandomUniform=keras_initializers.RandomUniform,
    random_uniform=keras_initializers.RandomUniform, uniform=keras_initializers.RandomUniform,
    TruncatedNormal=keras_initializers.TruncatedNormal,
    truncated_normal=keras_initializers.TruncatedNormal,
    lecun_normal=keras_initializers.LecunNormal, lecun_uniform=keras_initializers.LecunUniform,
    he_normal=keras_initializers.HeNormal, he_uniform=keras_initializers.HeUniform,
)

_keras_regularizers = namespace(
    "keras.regularizers", "Keras' weight regularizers (tf.keras.regularizers).",
    Regularizer=regularizers.Regularizer, L1=regularizers.L1, L2=regularizers.L2,
    L1L2=regularizers.L1L2, l1=regularizers.L1, l2=regularizers.L2, l1_l2=regularizers.l1_l2,
    get=regularizers.get,
)

keras = namespace("keras", "Keras, as far as graph-mode TF1 programs use it (tf.keras).",
                  initializers=_keras_initializers, regularizers=_keras_regularizers)

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
TOP_LEVEL: dict[str, object] = dict(
    variable_scope=vs.variable_scope, variable_op_scope=vs.variable_op_scope,
    get_variable=vs.get_variable, get_local_variable=vs.get_local_variable,
    get_variable_scope=vs.get_variable_scope, VariableScope=vs.VariableScope,
    AUTO_REUSE=vs.AUTO_REUSE, no_regularizer=vs.no_regularizer,
    initializers=initializers, keras=keras, **_INITIALIZER_CLASSES,
)
