"""Summary ops (ScalarSummary, HistogramSummary, TensorSummaryV2, MergeSummary): each step
they output a serialized `Summary` protocol buffer, built with tensorboard's copy of TF's protos.

tensorboard is an optional dependency, imported only when a summary op is built or run, so
`import graphshell.tf` stays numpy-only.
"""

from __future__ import annotations

import functools
import sys
from types import SimpleNamespace

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import rules

INSTALL_HINT = "pip install 'graphshell[tensorboard]'"

# TF's RealNumberTypes, in its order (bfloat16 named though graphshell has no such tensors)
_REAL_NUMBERS = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.uint8, dtypes.int16,
                 dtypes.int8, dtypes.int64, dtypes.uint16, dtypes.float16, dtypes.uint32,
                 dtypes.uint64)
_REAL_NUMBER_WORDS = ("float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, "
                      "float16, uint32, uint64")


@functools.cache
def protos() -> SimpleNamespace:
    """tensorboard's protobuf modules (summary, event, tensor); one clear line when missing."""
    try:
        from tensorboard.compat.proto import (  # TF's own .proto files, compiled
            event_pb2,
            summary_pb2,
            tensor_pb2,
            tensor_shape_pb2,
        )
    except ImportError:
        raise ImportError(f"tf.summary needs the tensorboard package: {INSTALL_HINT}") from None
    return SimpleNamespace(summary=summary_pb2, event=event_pb2, tensor=tensor_pb2,
                           tensor_shape=tensor_shape_pb2)


def serialized_summary(summary) -> np.ndarray:
    """A summary proto as the string scalar a summary op outputs."""
    return np.array(summary.SerializeToString(), dtype=object)


def text_of(value) -> str:
    """A string tensor's element as text."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _shape_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def summary_output(op):
    """The one output of every summary op: a string scalar."""
    return [(dtypes.string, ())]


# -- ScalarSummary ---------------------------------------------------------------------------------
def _infer_scalar(op):
    rules.check_exact_dtype(op, op._inputs[0], dtypes.string, arg="tags")
    rules.check_dtype(op, op._inputs[1], _REAL_NUMBERS, arg="values", words=_REAL_NUMBER_WORDS)
    return summary_output(op)


def _scalar_kernel(tags, values):
    tags, values = np.asarray(tags, dtype=object), np.asarray(values)
    if tags.shape != values.shape:
        single = f" (tag '{text_of(tags.ravel()[0])}')" if tags.size == 1 else ""
        raise errors.InvalidArgumentError(
            None, None, f"tags and values are not the same shape: {_shape_text(tags.shape)} != "
                        f"{_shape_text(values.shape)}{single}")
    summary = protos().summary.Summary()
    for tag, value in zip(tags.ravel(), values.ravel()):
        summary.value.add(tag=text_of(tag), simple_value=float(np.float32(value)))
    return serialized_summary(summary)


define("ScalarSummary", infer=_infer_scalar, kernel=_scalar_kernel, grad=NOT_DIFFERENTIABLE)


def scalar_summary(tags, values, name=None):
    """A string scalar: a serialized Summary with one simple_value per tag."""
    protos()
    with OpScope(name, "ScalarSummary", [tags, values]) as scope:
        tags = convert_to_tensor(tags, dtype=dtypes.string, name="tags")
        values = convert_to_tensor(values, name="values")
        return make_tensor("ScalarSummary", [tags, values], scope,
                           {"T": values.dtype.base_dtype})


# -- HistogramSummary (TF's default buckets, lib/histogram/histogram.cc) ---------------------------
@functools.cache
def default_bucket_limits() -> np.ndarray:
    """TF's bucket limits: 1e-12 growing by x1.1 while below 1e20, then DBL_MAX; mirrored
    for negatives around 0.0."""
    positive = []
    limit = 1.0e-12
    while limit < 1.0e20:
        positive.append(limit)
        limit *= 1.1
    positive.append(sys.float_info.max)
    negative = [-v for v in reversed(positive)]
    return np.array(negative + [0.0] + positive, dtype=np.float64)


def histogram_proto(values: np.ndarray):
    """The HistogramProto of finite values, each run of empty buckets collapsed into one."""
    limits = default_bucket_limits()
    counts = np.bincount(np.searchsorted(limits, values, side="right"),
                         minlength=len(limits)).astype(np.float64)
    proto = protos().summary.HistogramProto()
    # TF adds values one by one in double precision: sequential sums, not numpy's pairwise ones
    proto.min = values.min() if values.size else sys.float_info.max
    proto.max = values.max() if values.size else -sys.float_info.max
    proto.num = values.size
    proto.sum = np.cumsum(values)[-1] if values.size else 0.0
    proto.sum_squares = np.cumsum(values * values)[-1] if values.size else 0.0
    # an empty bucket is kept only where its run of empty buckets ends, limit and all
    run_ends = np.append(counts[1:] > 0, True)
    kept = np.flatnonzero((counts > 0) | run_ends)
    proto.bucket_limit.extend(limits[kept].tolist())
    proto.bucket.extend(counts[kept].tolist())
    return proto


def _infer_histogram(op):
    rules.check_exact_dtype(op, op._inputs[0], dtypes.string, arg="tag")
    rules.check_dtype(op, op._inputs[1], _REAL_NUMBERS, arg="values", words=_REAL_NUMBER_WORDS)
    return summary_output(op)


def _histogram_kernel(op, runtime):
    def run(tag, values):
        values = np.asarray(values, dtype=np.float64).ravel()
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            what = "Nan in summary histogram" if np.isnan(values[bad[0]]) else \
                "Infinity in Histogram"
            raise errors.InvalidArgumentError(None, None, f"{what} for: {op.name}")
        summary = protos().summary.Summary()
        summary.value.add(tag=text_of(np.asarray(tag, dtype=object).ravel()[0]),
                          histo=histogram_proto(values))
        return serialized_summary(summary)
    return run


define("HistogramSummary", infer=_infer_histogram, make_kernel=_histogram_kernel,
       grad=NOT_DIFFERENTIABLE)


def histogram_summary(tag, values, name=None):
    """A string scalar: a serialized Summary holding the histogram of `values` under `tag`."""
    protos()
    with OpScope(name, "HistogramSummary", [tag, values]) as scope:
        tag = convert_to_tensor(tag, dtype=dtypes.string, name="tag")
        values = convert_to_tensor(values, name="values")
        return make_tensor("HistogramSummary", [tag, values], scope,
                           {"T": values.dtype.base_dtype})


# -- TensorSummaryV2 -------------------------------------------------------------------------------
def tensor_proto(value: np.ndarray, dtype):
    """A TensorProto as TF's AsProtoTensorContent writes it: strings as string_val, other
    types as the raw little-endian bytes of tensor_content."""
    proto = protos().tensor.TensorProto(dtype=dtype.as_datatype_enum)
    proto.tensor_shape.SetInParent()  # a scalar's shape is written too, with no dims
    for size in value.shape:
        proto.tensor_shape.dim.add(size=size)
    if dtype.base_dtype is dtypes.string:
        proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode()
                                for v in value.ravel())
    else:
        little_endian = value.astype(value.dtype.newbyteorder("<"), copy=False)
        proto.tensor_content = np.ascontiguousarray(little_endian).tobytes()
    return proto


def _infer_tensor_summary(op):
    rules.check_exact_dtype(op, op._inputs[0], dtypes.string, arg="tag")
    rules.check_exact_dtype(op, op._inputs[2], dtypes.string, arg="serialized_summary_metadata")
    return summary_output(op)


def _tensor_summary_kernel(op, runtime):
    dtype = op.attrs["T"]

    def run(tag, tensor, serialized_metadata):
        summary = protos().summary.Summary()
        value = summary.value.add(tag=text_of(np.asarray(tag, dtype=object).ravel()[0]))
        value.metadata.ParseFromString(np.asarray(serialized_metadata, dtype=object).item())
        value.tensor.CopyFrom(tensor_proto(np.asarray(tensor), dtype))
        return serialized_summary(summary)
    return run


define("TensorSummaryV2", infer=_infer_tensor_summary, make_kernel=_tensor_summary_kernel,
       grad=NOT_DIFFERENTIABLE)


def tensor_summary_v2(tag, tensor, serialized_summary_metadata, name=None):
    """A string scalar: a serialized Summary holding `tensor` and its metadata under `tag`."""
    protos()
    with OpScope(name, "TensorSummaryV2", [tag, tensor]) as scope:
        tag = convert_to_tensor(tag, dtype=dtypes.string, name="tag")
        tensor = convert_to_tensor(tensor, name="tensor")
        metadata = convert_to_tensor(serialized_summary_metadata, dtype=dtypes.string,
                                     name="serialized_summary_metadata")
        return make_tensor("TensorSummaryV2", [tag, tensor, metadata], scope,
                           {"T": tensor.dtype.base_dtype})


# -- MergeSummary ----------------------------------------------------------------------------------
def _infer_merge(op):
    kinds = [t.dtype.base_dtype for t in op._inputs]
    if any(kind is not dtypes.string for kind in kinds):
        raise TypeError(f"Tensors in list passed to 'inputs' of 'MergeSummary' Op have types "
                        f"[{', '.join(k.name for k in kinds)}] that do not match expected type "
                        f"string.")
    return summary_output(op)


def _merge_kernel(*inputs):
    summary_class = protos().summary.Summary
    merged, seen = summary_class(), set()
    for serialized in inputs:
        for item in np.asarray(serialized, dtype=object).ravel():
            part = summary_class()
            try:
                part.ParseFromString(item)
            except Exception:  # protobuf's DecodeError, whose module varies by backend
                raise errors.InvalidArgumentError(
                    None, None, "Could not parse one of the summary inputs") from None
            for value in part.value:
                if value.tag in seen:
                    raise errors.InvalidArgumentError(
                        None, None, f"Duplicate tag {value.tag} found in summary inputs ")
                seen.add(value.tag)
                merged.value.add().CopyFrom(value)
    return serialized_summary(merged)


define("MergeSummary", infer=_infer_merge, kernel=_merge_kernel, grad=NOT_DIFFERENTIABLE)


def merge_summary(inputs, name=None):
    """A string scalar: the union of the values of the serialized Summaries in `inputs`."""
    protos()
    inputs = list(inputs)
    with OpScope(name, "MergeSummary", inputs) as scope:
        tensors = [convert_to_tensor(t, name=f"inputs_{i}") for i, t in enumerate(inputs)]
        return make_tensor("MergeSummary", tensors, scope, {"N": len(tensors)})
