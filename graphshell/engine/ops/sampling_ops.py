"""Candidate sampling: the samplers (UniformCandidateSampler, LogUniformCandidateSampler),
ComputeAccidentalHits, SparseToDense, and the sampled losses nce_loss and
sampled_softmax_loss built on them as TF builds them."""

from __future__ import annotations

import collections

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_op, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import (
    array_ops,
    embedding_ops,
    input_ops,
    linalg_ops,
    math_ops,
    nn_ops,
    random_ops,
    range_samplers,
    rules,
    slicing_ops,
    sparse_ops,  # noqa: F401 - defines the SparseToDense op sparse_to_dense builds
    unary_ops,
)
from .philox import PhiloxStream

_SAMPLED_FIELDS = ["sampled_candidates", "true_expected_count", "sampled_expected_count"]
# TF's results are namedtuples named after their op types
SAMPLED = {op_type: collections.namedtuple(op_type, _SAMPLED_FIELDS)
           for op_type in ("UniformCandidateSampler", "LogUniformCandidateSampler")}
ComputeAccidentalHits = collections.namedtuple("ComputeAccidentalHits",
                                               ["indices", "ids", "weights"])

# -- the samplers ---------------------------------------------------------------------------------


def _infer_sampler(op):
    true_classes = op._inputs[0]
    rules.check_exact_dtype(op, true_classes, dtypes.int64, "true_classes")
    num_sampled = op.attrs["num_sampled"]
    batch = None if true_classes._shape is None else true_classes._shape[0]
    return [(dtypes.int64, (num_sampled,)), (dtypes.float32, (batch, op.attrs["num_true"])),
            (dtypes.float32, (num_sampled,))]


def _check_sampler_input(op, true_classes, sampler, num_sampled, unique) -> None:
    """TF's kernel checks, in its order and words."""
    num_true = op.attrs["num_true"]
    if np.ndim(true_classes) != 2:
        raise InvalidArgumentError(None, op, "true_classes must be a matrix")
    if np.shape(true_classes)[1] != num_true:
        raise InvalidArgumentError(None, op, f"true_classes must have num_true columns, "
                                             f"expected: {np.shape(true_classes)[1]} was: "
                                             f"{num_true}")
    if unique and num_sampled > sampler.range_max:
        raise InvalidArgumentError(None, op, "Sampler's range is too small.")
    outside = (true_classes < 0) | (true_classes >= sampler.range_max)
    if outside.any():
        raise InvalidArgumentError(None, op, f"`true_candidate` out of range [0, "
                                             f"{sampler.range_max}), received "
                                             f"{int(true_classes[outside][0])}")


def _make_sampler_kernel(op, runtime):
    num_sampled, range_max = op.attrs["num_sampled"], op.attrs["range_max"]
    unique = op.attrs["unique"]
    if range_max <= 0:
        raise InvalidArgumentError(None, op, "range_max must be positive")
    sampler = range_samplers.SAMPLERS[op.type](range_max)

    def sample(true_classes):
        true_classes = np.asarray(true_classes)
        _check_sampler_input(op, true_classes, sampler, num_sampled, unique)
        stream = runtime.random_state(op, PhiloxStream)
        # TF reserves 2048 words per sampled class (ReserveSamples32), in whole blocks
        counter = stream.reserve((2048 * num_sampled + 3) // 4)
        rnd = range_samplers.SimplePhilox(stream.key, counter)
        sampled, tries = range_samplers.sample_batch(sampler, rnd, num_sampled, unique)
        sampled = np.array(sampled, np.int64)
        return (sampled,
                range_samplers.expected_counts(sampler.probabilities(true_classes),
                                               num_sampled, tries),
                range_samplers.expected_counts(sampler.probabilities(sampled), num_sampled,
                                               tries))
    return sample


for _type in range_samplers.SAMPLERS:
    define(_type, infer=_infer_sampler, make_kernel=_make_sampler_kernel, stateful=True,
           grad=NOT_DIFFERENTIABLE, multi_output=True)


def _sampler(op_type):
    def build(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
        if unique and num_sampled > range_max:
            raise ValueError("With unique=True, num_sampled must be at most range_max, got "
                             f"{num_sampled} > {range_max}")
        seed1, seed2 = random_ops.get_seed(seed)
        with OpScope(name, op_type, [true_classes]) as scope:
            true_classes = convert_to_tensor(true_classes, name="true_classes")
            attrs = {"num_true": int(num_true), "num_sampled": int(num_sampled),
                     "unique": bool(unique), "range_max": int(range_max), "seed": seed1 or 0,
                     "seed2": seed2 or 0}
            op = make_op(op_type, [true_classes], scope, attrs)
            return SAMPLED[op_type](*op._outputs)
    return build


uniform_candidate_sampler = _sampler("UniformCandidateSampler")
uniform_candidate_sampler.__doc__ = "num_sampled classes drawn uniformly from [0, range_max)."
log_uniform_candidate_sampler = _sampler("LogUniformCandidateSampler")
log_uniform_candidate_sampler.__doc__ = "num_sampled classes drawn with P(c) ~ log((c+2)/(c+1))."


# -- ComputeAccidentalHits ------------------------------------------------------------------------


def _accidental_hits(true_classes, sampled):
    # a candidate sampled twice is a hit at its last position only, as TF's kernel maps them
    position = {int(candidate): j for j, candidate in enumerate(np.ravel(sampled))}
    indices, ids = [], []
    for row, classes in enumerate(np.asarray(true_classes)):
        for true_class in classes:
            if int(true_class) in position:
                indices.append(row)
                ids.append(position[int(true_class)])
    weights = np.full(len(indices), -np.finfo(np.float32).max, np.float32)
    return np.array(indices, np.int32), np.array(ids, np.int64), weights


define("ComputeAccidentalHits",
       infer=lambda op: [(dtypes.int32, (None,)), (dtypes.int64, (None,)),
                         (dtypes.float32, (None,))],
       kernel=_accidental_hits, grad=NOT_DIFFERENTIABLE, multi_output=True)


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """(row, sampled position, -FLT_MAX) for each sampled candidate equal to a true class."""
    seed1, seed2 = random_ops.get_seed(seed)
    with OpScope(name, "ComputeAccidentalHits", [true_classes, sampled_candidates]) as scope:
        true_classes = convert_to_tensor(true_classes, name="true_classes")
        sampled_candidates = convert_to_tensor(sampled_candidates, name="sampled_candidates")
        attrs = {"num_true": int(num_true), "seed": seed1 or 0, "seed2": seed2 or 0}
        op = make_op("ComputeAccidentalHits", [true_classes, sampled_candidates], scope, attrs)
        return ComputeAccidentalHits(*op._outputs)


# -- SparseToDense --------------------------------------------------------------------------------


# the SparseToDense op itself is defined in sparse_ops


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    with OpScope(name, "SparseToDense", [sparse_indices, output_shape, sparse_values]) as scope:
        indices = convert_to_tensor(sparse_indices, name="sparse_indices")
        shape = convert_to_tensor(output_shape, name="output_shape")
        values = convert_to_tensor(sparse_values, name="sparse_values")
        default = convert_to_tensor(default_value, dtype=values.dtype.base_dtype,
                                    name="default_value")
        return make_tensor("SparseToDense", [indices, shape, values, default], scope,
                           {"validate_indices": bool(validate_indices)})


# -- sampled logits and the two losses ------------------------------------------------------------


def _sum_rows(x):
    ones = input_ops.ones(array_ops.stack([array_ops.shape(x)[1], 1]), x.dtype.base_dtype)
    sums = array_ops.reshape(linalg_ops.matmul(x, ones), [-1])
    sums.set_shape(x.get_shape()[:1])  # TF knows the rows statically (it folds the ones' shape)
    return sums


def compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes,
                           num_true=1, sampled_values=None, subtract_log_q=True,
                           remove_accidental_hits=False, name=None, seed=None):
    """Logits and labels of the true classes and the sampled ones, as TF's helper builds them."""
    with OpScope(name, "compute_sampled_logits", [biases, inputs, labels]):
        labels = convert_to_tensor(labels, name="labels")
        inputs = convert_to_tensor(inputs, name="inputs")
        labels = math_ops.cast(labels, dtypes.int64)
        labels_flat = array_ops.reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(labels, num_true, num_sampled, True,
                                                           num_classes, seed=seed)
        sampled, true_expected, sampled_expected = (array_ops.stop_gradient(s)
                                                    for s in sampled_values)
        sampled = math_ops.cast(sampled, dtypes.int64)
        all_ids = slicing_ops.concat([labels_flat, sampled], 0)
        dtype = inputs.dtype.base_dtype
        all_w = math_ops.cast(embedding_ops.embedding_lookup(weights, all_ids), dtype)
        true_count = array_ops.shape(labels_flat)[0]
        true_w = slicing_ops.slice(all_w, [0, 0], array_ops.stack([true_count, -1]))
        sampled_w = slicing_ops.slice(all_w, array_ops.stack([array_ops.shape(labels_flat)[0],
                                                               0]), [-1, -1])
        sampled_logits = linalg_ops.matmul(inputs, sampled_w, transpose_b=True)
        all_b = math_ops.cast(embedding_ops.embedding_lookup(biases, all_ids), dtype)
        true_b = slicing_ops.slice(all_b, [0], array_ops.shape(labels_flat))
        sampled_b = slicing_ops.slice(all_b, array_ops.shape(labels_flat), [-1])
        dim = array_ops.shape(true_w)[1:2]
        row_wise_dots = math_ops.multiply(
            array_ops.expand_dims(inputs, 1),
            array_ops.reshape(true_w, slicing_ops.concat([[-1, num_true], dim], 0)))
        dots = array_ops.reshape(row_wise_dots, slicing_ops.concat([[-1], dim], 0))
        true_logits = array_ops.reshape(_sum_rows(dots), [-1, num_true])
        true_logits += array_ops.reshape(true_b, [-1, num_true])
        sampled_logits += sampled_b
        if remove_accidental_hits:
            sampled_logits += _accidental_hit_mask(labels, sampled, num_true, num_sampled,
                                                   sampled_logits.dtype.base_dtype)
        if subtract_log_q:
            true_logits -= unary_ops.log(true_expected)
            sampled_logits -= unary_ops.log(sampled_expected)
        out_logits = slicing_ops.concat([true_logits, sampled_logits], 1)
        out_labels = slicing_ops.concat([input_ops.ones_like(true_logits) / num_true,
                                         input_ops.zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def _accidental_hit_mask(labels, sampled, num_true, num_sampled, dtype):
    """-FLT_MAX at each (row, sampled position) whose candidate is one of the row's labels."""
    indices, ids, hit_weights = compute_accidental_hits(labels, sampled, num_true=num_true)
    indices_2d = array_ops.reshape(indices, [-1, 1])
    ids_2d = array_ops.reshape(math_ops.cast(ids, dtypes.int32), [-1, 1])
    sparse_indices = slicing_ops.concat([indices_2d, ids_2d], 1, "sparse_indices")
    shape = slicing_ops.concat([array_ops.shape(labels)[:1],
                                array_ops.expand_dims(num_sampled, 0)], 0)
    return sparse_to_dense(sparse_indices, shape, math_ops.cast(hit_weights, dtype),
                           default_value=0.0, validate_indices=False)


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss"):
    """Noise-contrastive estimation: per example, the sigmoid cross entropy of its true and
    sampled classes, summed."""
    logits, labels = compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true=num_true,
        sampled_values=sampled_values, subtract_log_q=True,
        remove_accidental_hits=remove_accidental_hits, name=name)
    losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                      name="sampled_losses")
    return _sum_rows(losses)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """Softmax cross entropy over each example's true classes and the sampled ones."""
    logits, labels = compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true=num_true,
        sampled_values=sampled_values, subtract_log_q=True,
        remove_accidental_hits=remove_accidental_hits, name=name, seed=seed)
    labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
    return nn_ops.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)


__all__ = ["uniform_candidate_sampler", "log_uniform_candidate_sampler",
           "compute_accidental_hits", "sparse_to_dense", "compute_sampled_logits", "nce_loss",
           "sampled_softmax_loss"]
