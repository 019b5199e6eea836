"""The TF1 graph API on numpy: `from graphshell import tf`, then write TF 1.x code.

The names are those of `tf.compat.v1`; `tf.compat.v1` is this same namespace, so TF2-era
snippets that say `tf.compat.v1.Session()` run unchanged.
"""

from __future__ import annotations

import sys

from .engine.graph import errors
from .facade import array_extras as array_extras_api
from .facade import data as data_api
from .facade import framework_extras as framework_extras_api
from .facade import graph_io as graph_io_api
from .facade import image as image_api
from .facade import layers as layers_api
from .facade import namespace
from .facade import nn as nn_api
from .facade import nn_conv as nn_conv_api
from .facade import rnn as rnn_api
from .facade import platform as platform_api
from .facade import python_paths as python_paths_api
from .facade import queues as queues_api
from .facade import scopes as scopes_api
from .facade import sparse as sparse_api
from .facade import sparse_tensors as sparse_tensors_api
from .facade import summary as summary_api
from .facade import testing as testing_api
from .facade import train as train_api
from .engine.run import protos
from .engine.graph.convert import constant, convert_to_tensor, register_tensor_conversion_function
from .engine.graph.dtypes import (
    DType, as_dtype, bool_ as bool, complex64, complex128, double, float16, float32, float64, half,
    int8, int16, int32, int64, string, uint8, uint16, uint32, uint64,
)
from .engine.autodiff.gradients import (
    RegisterGradient, UnconnectedGradients, gradients, no_gradient,
)
from .engine.autodiff.hessians import hessians
from .engine.graph.devices import DeviceSpec
from .engine.graph.graph import Graph
from .engine.graph.graph_keys import GraphKeys
from .engine.graph.graph_api import (
    add_to_collection, add_to_collections, colocate_with, control_dependencies, device,
    disable_eager_execution, disable_v2_behavior, enable_eager_execution, enable_v2_behavior,
    executing_eagerly, get_collection, get_collection_ref, name_scope,
)
from .engine.graph.operation import Operation
from .engine.ops.array_ops import (
    expand_dims, identity, invert_permutation, rank, reshape, shape, size, squeeze, stack,
    stop_gradient, transpose, unstack,
)
from .engine.ops.clip_ops import (
    clip_by_average_norm, clip_by_global_norm, clip_by_norm, clip_by_value, global_norm,
    saturate_cast,
)
from .engine.ops.contract_ops import einsum, norm, reduce_euclidean_norm, tensordot
from .engine.ops.casts import to_double, to_int32, to_int64
from .engine.ops.check_ops import (
    add_check_numerics_ops, assert_equal, assert_greater, assert_greater_equal, assert_less,
    assert_less_equal, assert_negative, assert_non_negative, assert_non_positive,
    assert_none_equal, assert_positive, assert_rank, check_numerics,
)
from .engine.ops.control_case import case
from .engine.ops.control_flow import cond
from .engine.ops.while_loop import while_loop
from .engine.ops.py_func_ops import numpy_function, py_func
from .engine.ops.tensor_array_ops import TensorArray
from .engine.ops.functional_ops import foldl, foldr, map_fn, scan
from .engine.ops.control_ops import group, no_op, tuple, with_dependencies
from .engine.ops.index_ops import gather, one_hot, tile, unsorted_segment_sum
from .engine.ops.input_ops import (
    fill, ones, ones_like, placeholder, placeholder_with_default, range_ as range, zeros,
    zeros_like,
)
from .engine.ops.linalg_ops import matmul
from .engine.ops.triangular_solve_ops import matrix_triangular_solve
from .engine.ops.variable_scope import init_scope
from .engine.ops import logging_ops as _logging_ops, print_ops as _print_ops
from .engine.ops import checkpoint_ops as _checkpoint_ops
from .engine.ops import triangular_solve_ops as _triangular
from .engine.ops.logging_ops import Assert, print_v1 as Print
from .engine.ops.logic_ops import (
    equal, greater, greater_equal, is_finite, is_inf, is_nan, less, less_equal, logical_and,
    logical_not, logical_or, logical_xor, not_equal, where,
)
from .engine.ops.math_ops import (
    add, add_n, cast, div, divide, floordiv, floormod, maximum, minimum, mod, multiply, negative,
    pow, realdiv, squared_difference, subtract, to_float, truediv,
)
from .engine.ops import unary_ops
from .engine.ops.mask_ops import (
    boolean_mask, count_nonzero, gather_nd, meshgrid, reverse_v2, sequence_mask, setdiff1d, unique,
    where_v2,
)
from .engine.ops.ranking_ops import scatter_nd
from .engine.ops.matrix_ops import (
    cross, diag, diag_part, matrix_band_part, matrix_determinant, matrix_diag, matrix_diag_part,
    matrix_inverse, matrix_set_diag, matrix_transpose, trace,
)
from .engine.ops.nn_ops import log_softmax, softmax
from .engine.ops.random_gamma_ops import random_gamma, random_poisson
from .engine.ops.random_index_ops import multinomial, random_crop, random_shuffle
from .engine.ops.random_index_ops import categorical as _categorical
from .engine.ops.random_ops import random_normal, random_uniform, set_random_seed, truncated_normal
from .engine.ops.reduce_ops import (
    argmax, argmin, broadcast_to, cumprod, cumsum, reduce_all, reduce_any, reduce_logsumexp,
    reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum,
)
from .engine.ops.slicing_ops import concat, pad, slice, split
from .engine.ops.state_ops import assign, assign_add, assign_sub, is_variable_initialized
from .engine.ops.unary_ops import (
    abs, acos, asin, atan, ceil, cos, cosh, exp, expm1, floor, log, log1p, reciprocal, round,
    rsqrt, sigmoid, sign, sin, sinh, softplus, sqrt, square, tan, tanh,
)
from .engine.run.protos import (
    ConfigProto, GPUOptions, GraphOptions, OptimizerOptions, RunMetadata, RunOptions,
)
from .engine.run.session import InteractiveSession, Session
from .engine.graph.shapes import Dimension, TensorShape
from .engine.graph.stacks import get_default_session
from .engine.graph.graph import get_default_graph, reset_default_graph
from .engine.graph.tensor import Tensor, is_tensor
from .engine.ops.variables import (
    Variable, global_variables, global_variables_initializer, local_variables,
    local_variables_initializer, model_variables, report_uninitialized_variables,
    trainable_variables, variables_initializer,
)

__version__ = "1.15.0"
VERSION = __version__
newaxis = None
initialize_all_variables = global_variables_initializer
all_variables = global_variables
NotDifferentiable = no_gradient
arg_max, arg_min = argmax, argmin
reverse = reverse_v2


nn = namespace("nn", "Neural-network functions (tf.nn).", **nn_api.MEMBERS,
               **nn_conv_api.MEMBERS, **sparse_api.NN_MEMBERS)
math = namespace(
    "math", "Math functions (tf.math).", add=add, subtract=subtract, multiply=multiply,
    divide=divide, truediv=truediv, floordiv=floordiv, floormod=floormod, mod=mod, pow=pow,
    negative=negative, add_n=add_n, abs=abs, sin=sin, cos=cos, tan=tan, asin=asin, acos=acos,
    atan=atan, sinh=sinh, cosh=cosh, exp=exp, expm1=expm1, log=log, log1p=log1p, sqrt=sqrt,
    rsqrt=rsqrt, square=square, tanh=tanh, sigmoid=sigmoid, sign=sign, reciprocal=reciprocal,
    floor=floor, ceil=ceil, round=round, maximum=maximum, minimum=minimum,
    squared_difference=squared_difference, reduce_sum=reduce_sum, reduce_mean=reduce_mean,
    reduce_max=reduce_max, reduce_min=reduce_min, reduce_prod=reduce_prod,
    reduce_all=reduce_all, reduce_any=reduce_any, reduce_logsumexp=reduce_logsumexp,
    argmax=argmax, argmin=argmin, cumsum=cumsum, cumprod=cumprod, equal=equal,
    not_equal=not_equal, less=less, less_equal=less_equal, greater=greater,
    greater_equal=greater_equal, logical_and=logical_and, logical_or=logical_or,
    logical_not=logical_not, logical_xor=logical_xor, is_nan=is_nan, is_inf=is_inf,
    is_finite=is_finite, softplus=softplus, count_nonzero=count_nonzero,
    reduce_euclidean_norm=reduce_euclidean_norm, **array_extras_api.MATH_MEMBERS)
random = namespace(
    "random", "Random ops (tf.random).", uniform=random_uniform, normal=random_normal,
    truncated_normal=truncated_normal, set_random_seed=set_random_seed,
    set_seed=set_random_seed, shuffle=random_shuffle, multinomial=multinomial,
    categorical=_categorical, gamma=random_gamma, poisson=random_poisson)
linalg = namespace(
    "linalg", "Linear algebra (tf.linalg).", matmul=matmul, inv=matrix_inverse,
    det=matrix_determinant, norm=norm, einsum=einsum, tensordot=tensordot, diag=matrix_diag,
    diag_part=matrix_diag_part, set_diag=matrix_set_diag, band_part=matrix_band_part,
    trace=trace, cross=cross, transpose=matrix_transpose, matrix_transpose=matrix_transpose,
    triangular_solve=matrix_triangular_solve, adjoint=_triangular.adjoint,
    **array_extras_api.LINALG_MEMBERS)
strings = namespace("strings", "String ops (tf.strings).", format=_logging_ops.string_format,
                    join=_checkpoint_ops.string_join,
                    regex_full_match=_checkpoint_ops.regex_full_match)
string_join = _checkpoint_ops.string_join
globals()["print"] = _print_ops.print_v2  # tf.print: `print` is a builtin, so set by key
debugging = namespace(
    "debugging", "Run-time checks (tf.debugging).", Assert=Assert, assert_equal=assert_equal,
    assert_none_equal=assert_none_equal, assert_less=assert_less,
    assert_less_equal=assert_less_equal, assert_greater=assert_greater,
    assert_greater_equal=assert_greater_equal, assert_positive=assert_positive,
    assert_non_negative=assert_non_negative, assert_negative=assert_negative,
    assert_non_positive=assert_non_positive, assert_rank=assert_rank, is_nan=is_nan,
    is_inf=is_inf, is_finite=is_finite, check_numerics=check_numerics)
dtypes = namespace(
    "dtypes", "Element types (tf.dtypes).", DType=DType, as_dtype=as_dtype, float16=float16,
    float32=float32, float64=float64, int8=int8, int16=int16, int32=int32, int64=int64,
    uint8=uint8, bool=bool, string=string, complex64=complex64, complex128=complex128)
compat = namespace("compat", "Compatibility namespaces: tf.compat.v1 is this module.",
                   v1=sys.modules[__name__], **framework_extras_api.COMPAT_MEMBERS)
sys.modules[f"{__name__}.compat.v1"] = sys.modules[__name__]

# Each area of the API lists its names in a module of graphshell/facade/.
for _area in (platform_api, scopes_api, sparse_api, summary_api, train_api, layers_api,
              image_api, testing_api, array_extras_api, framework_extras_api,
              sparse_tensors_api, graph_io_api, rnn_api, data_api, queues_api):
    globals().update(_area.TOP_LEVEL)
del _area
# Last, as it maps `tensorflow.python.*` paths onto the names above.
python_paths_api.install(sys.modules[__name__])
