"""RandomShuffle, Multinomial, RandomGamma, tf.random_crop and the candidate samplers on TF's
streams: each against its algorithm written out by hand on the op's own Philox words."""

from __future__ import annotations

import math

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.ops import random_gamma_ops, random_index_ops, range_samplers
from graphshell.engine.ops.philox import PhiloxStream, philox_blocks, philox_words
from graphshell.engine.ops.random_distributions import uint64_to_double


def _stream(tensor) -> PhiloxStream:
    return PhiloxStream(tensor.op.get_attr("seed"), tensor.op.get_attr("seed2"))


def test_fisher_yates_by_hand():
    # i=0 swaps with 0 + 5 % 4 = 1, i=1 stays (0 % 3), i=2 swaps with 2 + 7 % 2 = 3
    permutation = random_index_ops.fisher_yates(np.array([5, 0, 7], np.uint32), 4)
    assert permutation.tolist() == [1, 0, 3, 2]


def test_shuffle_reserves_a_word_per_row_and_continues():
    tf.reset_default_graph()
    rows = np.arange(27).reshape(9, 3)
    shuffled = tf.random_shuffle(rows, seed=4)
    with tf.Session() as session:
        first, second = session.run(shuffled), session.run(shuffled)
    stream = _stream(shuffled)
    for value in (first, second):
        counter = stream.reserve(2)  # 8 words: two blocks
        order = random_index_ops.fisher_yates(philox_words(stream.key, counter, 8), 9)
        np.testing.assert_array_equal(value, rows[order])
    assert sorted(first[:, 0].tolist()) == list(range(0, 27, 3))


def test_categorical_samples_by_hand():
    logits = np.array([[0.0, math.log(3.0)], [-np.inf, 0.0]])
    uniforms = np.array([[0.1, 0.3, 0.9], [0.0, 0.5, 0.99]])
    # row 0: running sums 1, 4; targets 0.4, 1.2, 3.6. Row 1 has one finite class.
    samples = random_index_ops.categorical_samples(logits, uniforms)
    assert samples.tolist() == [[0, 1, 1], [1, 1, 1]]
    nothing = random_index_ops.categorical_samples(np.full((1, 3), -np.inf), np.array([[0.5]]))
    assert nothing.tolist() == [[3]]  # no finite logit: TF's upper bound runs off the end


def test_multinomial_takes_two_words_per_sample_in_row_order():
    tf.reset_default_graph()
    logits = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, -1.0]], np.float32)
    samples = tf.multinomial(logits, 5, seed=9, output_dtype=tf.int32)
    with tf.Session() as session:
        value = session.run(samples)
    stream = _stream(samples)
    words = philox_words(stream.key, stream.reserve_outputs(2 * 8 * 2), 20)
    uniforms = uint64_to_double(words[0::2], words[1::2]).reshape(2, 5)
    expected = random_index_ops.categorical_samples(logits, uniforms)
    assert value.dtype == np.int32 and value.tolist() == expected.tolist()


def test_multinomial_rejects_a_non_matrix():
    tf.reset_default_graph()
    samples = tf.multinomial(tf.placeholder(tf.float32), 2, seed=1)
    message = r"logits should be a matrix, got shape \[3\]"
    with tf.Session() as session, pytest.raises(tf.errors.InvalidArgumentError, match=message):
        session.run(samples, {samples.op.inputs[0]: [0.0, 1.0, 2.0]})


def test_random_crop_slices_at_the_drawn_offset():
    tf.reset_default_graph()
    image = np.arange(5 * 6 * 3, dtype=np.float32).reshape(5, 6, 3)
    crop = tf.random_crop(image, [3, 4, 3], seed=2)
    with tf.Session() as session:
        value = session.run(crop)
    draw = tf.get_default_graph().get_operation_by_name("random_crop/random_uniform")
    stream = PhiloxStream(draw.get_attr("seed"), draw.get_attr("seed2"))
    words = philox_words(stream.key, stream.reserve_outputs(3), 3).astype(np.int64)
    offset = (words % (2**31 - 1)) % np.array([3, 3, 1])  # uniform int32 in [0, max), mod limit
    np.testing.assert_array_equal(value, image[offset[0]:offset[0] + 3, offset[1]:offset[1] + 4])


def test_simple_philox_exact_uniform_by_hand():
    rnd = range_samplers.SimplePhilox(1, 0)
    words = philox_words(1, 0, 8).tolist()
    assert rnd.uniform64(8) == (words[0] | words[1] << 32) & 7  # a power of two masks
    # n = 3: only draws below (2^64 - 1) % 3 + 1 = 1 are rejected
    assert rnd.uniform64(3) == (words[2] | words[3] << 32) % 3
    double = ((words[4] & 0xFFFFF) * 2**32 + words[5]) / 2**52
    assert rnd.rand_double() == double


def test_log_uniform_sampler_and_expected_counts():
    sampler = range_samplers.LogUniformSampler(1000)
    rnd = range_samplers.SimplePhilox(3, 5 << 64)
    words = philox_words(3, 5 << 64, 2).tolist()
    u = ((words[0] & 0xFFFFF) * 2**32 + words[1]) / 2**52
    assert sampler.sample(rnd) == int(math.exp(u * math.log(1001))) - 1
    p = sampler.probabilities(np.array([0, 9]))
    log_range = math.log(1001)
    np.testing.assert_allclose(p, [math.log(2) / log_range, math.log(11 / 10) / log_range],
                               rtol=1e-6)
    assert p.dtype == np.float32
    np.testing.assert_array_equal(range_samplers.expected_counts(p, 4, 4), p * np.float32(4))
    np.testing.assert_allclose(range_samplers.expected_counts(p, 4, 7),
                               1 - (1 - p.astype(np.float64)) ** 7, rtol=1e-5)


def test_unique_batch_rejects_repeats():
    sampler = range_samplers.UniformSampler(5)
    picked, tries = range_samplers.sample_batch(sampler, range_samplers.SimplePhilox(2, 0), 5,
                                                unique=True)
    assert sorted(picked) == [0, 1, 2, 3, 4] and tries >= 5


def test_gamma_alpha_one_is_an_exponential_of_the_last_uniform():
    values = random_gamma_ops.gamma_samples(7, 3 << 64, 2, np.array([1.0]), np.float64)
    for output in range(2):
        words = philox_blocks(7, 3 << 64, np.array([256 * output], np.uint64))[0]
        u = uint64_to_double(words[2:3], words[3:4])[0]  # a block's second uniform comes first
        assert values[output, 0] == -math.log(1.0 - u)


def test_gamma_moments():
    values = random_gamma_ops.gamma_samples(11, 0, 4000, np.array([0.4, 2.5, 9.0]), np.float32)
    np.testing.assert_allclose(values.mean(axis=0), [0.4, 2.5, 9.0], rtol=0.06)
    np.testing.assert_allclose(values.var(axis=0), [0.4, 2.5, 9.0], rtol=0.15)
    assert values.min() > 0


def test_poisson_below_ten_counts_uniform_products_above_exp_minus_rate():
    values = random_gamma_ops.poisson_samples(5, 1 << 64, 3, np.array([2.5]), np.float32)
    for output in range(3):
        uniforms, block = [], 0
        product, count = 1.0, 0
        while True:
            if not uniforms:
                words = philox_blocks(5, 1 << 64, np.array([256 * output + block], np.uint64))[0]
                uniforms = [uint64_to_double(words[i:i + 1], words[i + 1:i + 2])[0]
                            for i in (0, 2)]
                block += 1
            product *= uniforms.pop()
            if product <= math.exp(-2.5):
                break
            count += 1
        assert values[output, 0] == count


def test_poisson_moments_above_ten():
    values = random_gamma_ops.poisson_samples(13, 0, 3000, np.array([12.0, 400.0]), np.float64)
    np.testing.assert_allclose(values.mean(axis=0), [12.0, 400.0], rtol=0.03)
    np.testing.assert_allclose(values.var(axis=0), [12.0, 400.0], rtol=0.12)
    assert (values == np.floor(values)).all()
