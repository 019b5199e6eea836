"""Random ops with TF's CPU streams: Philox4x32-10 keyed by the op's (seed, seed2), the same
values as TensorFlow bit for bit; seeded ops restart their sequence in each session."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.graph import get_default_graph
from ..graph.registry import NOT_DIFFERENTIABLE, define
from ..run.runtime import check_allocation
from . import math_ops, random_distributions
from .philox import PhiloxStream
from .static import static_shape_value

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


def get_seed(op_seed):
    """TF's (graph seed, op seed) pair: a graph seed alone derives the op seed from the op count."""
    graph = get_default_graph()
    if graph.seed is not None:
        if op_seed is None:
            op_seed = graph._seed_offset
            graph._seed_offset += 1
        seeds = (graph.seed % 2**31, op_seed % 2**31)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, op_seed % 2**31)
    else:
        seeds = (None, None)
    return (0, _MAXINT32) if seeds == (0, 0) else seeds


def set_random_seed(seed) -> None:
    graph = get_default_graph()
    graph.seed = seed
    graph._seed_offset = 0


def _infer_random(op):
    return [(op.attrs["dtype"], static_shape_value(op._inputs[0]))]


def _philox_sampler(distribution):
    """A kernel drawing from the op's Philox stream as TF's CPU kernel does: it reserves 256
    blocks per output element, so each run continues the stream where the last one left it."""
    def make(op, runtime):
        np_type = op.attrs["dtype"].as_numpy_dtype

        def sample(shape, *bounds):
            shape = tuple(int(d) for d in np.ravel(shape))
            check_allocation(shape, np_type, op.name)
            bounds = tuple(_scalar_bound(op, bound, name)
                           for bound, name in zip(bounds, ("minval", "maxval")))
            if bounds and bounds[0] >= bounds[1]:
                raise InvalidArgumentError(None, op, f"Need minval < maxval, got {bounds[0]} >= "
                                                     f"{bounds[1]}")
            stream = runtime.random_state(op, PhiloxStream)
            count = int(np.prod(shape, dtype=np.int64))
            counter = stream.reserve_outputs(count)
            values = distribution(stream.key, counter, count, np_type, *bounds)
            return values.reshape(shape)
        return sample
    return make


def _scalar_bound(op, bound, name: str) -> int:
    if np.ndim(bound) != 0:
        raise InvalidArgumentError(None, op, f"{name} must be 0-D, got shape "
                                             f"{list(np.shape(bound))}")
    return int(bound)


for _type, _distribution in (("RandomUniform", random_distributions.uniform),
                             ("RandomStandardNormal", random_distributions.normal),
                             ("TruncatedNormal", random_distributions.truncated_normal),
                             ("RandomUniformInt", random_distributions.uniform_int)):
    define(_type, infer=_infer_random, make_kernel=_philox_sampler(_distribution),
           stateful=True, grad=NOT_DIFFERENTIABLE)


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in [minval, maxval) (maxval defaults to 1 for floats)."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    if maxval is None:
        if dtype.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        maxval = 1
    with OpScope(name, "random_uniform", [shape, minval, maxval]) as scope:
        shape_tensor = convert_to_tensor(_shape_list(shape), dtype=dtypes.int32, name="shape")
        # As TF: only the Python ints 0 and 1 (not 0.0) leave min and max out of the graph.
        zero_min, one_max = _is_python_int(minval, 0), _is_python_int(maxval, 1)
        unit = not dtype.is_integer and zero_min and one_max
        if not unit:
            low = convert_to_tensor(minval, dtype=dtype, name="min")
            high = convert_to_tensor(maxval, dtype=dtype, name="max")
        attrs = _seed_attrs(seed, dtype)
        if dtype.is_integer:
            attrs["Tout"] = attrs.pop("dtype")
            attrs["dtype"] = dtype
            return make_tensor("RandomUniformInt", [shape_tensor, low, high], scope, attrs)
        if unit:
            return make_tensor("RandomUniform", [shape_tensor], None, attrs)
        sample = make_tensor("RandomUniform", [shape_tensor], None, attrs)
        if zero_min:
            return math_ops.multiply(sample, high)
        return _add(sample * (high - low), low, scope)


def _is_python_int(value, number) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == number


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    return _scaled("random_normal", "RandomStandardNormal", shape, mean, stddev, dtype, seed, name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    return _scaled("truncated_normal", "TruncatedNormal", shape, mean, stddev, dtype, seed, name)


def _scaled(default_name, op_type, shape, mean, stddev, dtype, seed, name):
    dtype = dtypes.as_dtype(dtype).base_dtype
    with OpScope(name, default_name, [shape, mean, stddev]) as scope:
        shape_tensor = convert_to_tensor(_shape_list(shape), dtype=dtypes.int32, name="shape")
        mean = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        sample = make_tensor(op_type, [shape_tensor], None, _seed_attrs(seed, dtype))
        return _add(sample * stddev, mean, scope)


def _seed_attrs(seed, dtype):
    seed1, seed2 = get_seed(seed)
    return {"dtype": dtype, "seed": seed1 or 0, "seed2": seed2 or 0}


def _shape_list(shape):
    return list(shape) if isinstance(shape, tuple) else shape


def _add(x, y, name):
    return math_ops.add(x, y, name=name)
