"""tf.nn beyond the basics against numpy written out and central differences: dropout, moments,
batch normalization (fused and not), l2_normalize, LRN, top_k, in_top_k, the small activations,
the weighted and Poisson losses, the candidate samplers and the sampled losses."""

import central_differences
import numpy as np
import pytest

from graphshell import tf

RNG = np.random.default_rng(12)


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


def numeric_gradient(loss_of, x0, step=1e-3):
    """Central differences with this file's coarser default step."""
    return central_differences.numeric_gradient(loss_of, x0, eps=step)


def check_gradient(build, x0, weights=None, rtol=1e-4, atol=1e-6):
    """The gradient tf.gradients builds for sum(build(x) * weights) against central differences."""
    x = tf.placeholder(tf.float64, x0.shape)
    y = build(x)
    weights = RNG.normal(size=y.shape.as_list()) if weights is None else weights
    loss = tf.reduce_sum(y * weights)
    grad, = tf.gradients(loss, x)
    with tf.Session() as s:
        analytic = s.run(grad, {x: x0})
        numeric = numeric_gradient(lambda v: s.run(loss, {x: v}), x0)
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)


# -- dropout ---------------------------------------------------------------------------------------

def test_dropout_scales_kept_values_by_one_over_keep_prob():
    x = RNG.normal(size=(200, 50)).astype(np.float32)
    y = run(tf.nn.dropout(tf.constant(x), keep_prob=0.7))
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / np.float32(0.7), rtol=1e-6)
    assert 0.67 < kept.mean() < 0.73


def test_dropout_rate_tensor_divides_by_one_minus_rate():
    rate = tf.placeholder(tf.float32, [])
    y = run(tf.nn.dropout(tf.ones([100, 100]), rate=rate), {rate: 0.25})
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert 0.72 < np.mean(y != 0) < 0.78


def test_dropout_noise_shape_keeps_or_drops_whole_rows():
    y = run(tf.nn.dropout(tf.ones([300, 4]), rate=0.5, noise_shape=[300, 1]))
    assert np.all(y == y[:, :1])
    assert 0.4 < np.mean(y[:, 0] != 0) < 0.6


def test_dropout_with_a_seed_repeats_in_each_new_session():
    y = tf.nn.dropout(tf.ones([20, 20]), keep_prob=0.5, seed=5)
    first, second = run(y), run(y)
    np.testing.assert_array_equal(first, second)
    with tf.Session() as s:
        assert not np.array_equal(s.run(y), s.run(y))


def test_dropout_rate_zero_returns_x_and_keeps_the_seed_count():
    tf.set_random_seed(1)
    x = tf.constant([1.0, 2.0])
    assert tf.nn.dropout(x, rate=0) is x
    assert tf.get_default_graph()._seed_offset == 1


@pytest.mark.parametrize("kwargs, words", [
    ({"rate": 1}, "Received: rate=1"), ({"keep_prob": 0.0}, "Received: rate=1.0"),
    ({"rate": True}, "Received: rate=True"), ({}, "must be provided"),
    ({"rate": [0.5]}, "must be a scalar or scalar tensor")])
def test_dropout_refuses_bad_rates(kwargs, words):
    with pytest.raises(ValueError, match=words):
        tf.nn.dropout(tf.constant([1.0]), **kwargs)


def test_dropout_refuses_a_rate_of_another_float_type():
    with pytest.raises(ValueError, match="compatible with `rate.dtype`"):
        tf.nn.dropout(tf.constant([1.0]), rate=tf.constant(0.5, tf.float64))


def test_select_v2_broadcasts_and_differentiates():
    condition = tf.constant([[True], [False]])
    x = tf.constant([1.0, 2.0, 3.0])
    y = tf.constant(10.0)
    from graphshell.engine.ops.nn_impl import where_v2
    z = where_v2(condition, x, y)
    gx, gy = tf.gradients(tf.reduce_sum(z), [x, y])
    value, gx_value, gy_value = run([z, gx, gy])
    np.testing.assert_array_equal(value, [[1, 2, 3], [10, 10, 10]])
    np.testing.assert_array_equal(gx_value, [1, 1, 1])
    assert gy_value == 3


# -- moments and batch normalization ---------------------------------------------------------------

def test_moments_match_numpy_mean_and_population_variance():
    x = RNG.normal(size=(5, 4, 3))
    mean, variance = run(tf.nn.moments(tf.constant(x), [0, 2]))
    np.testing.assert_allclose(mean, x.mean(axis=(0, 2)))
    np.testing.assert_allclose(variance, x.var(axis=(0, 2)))


def test_moments_of_float16_compute_in_float32():
    mean, variance = tf.nn.moments(tf.constant([1.0, 2.0, 4.0], tf.float16), [0])
    assert mean.dtype == tf.float16
    assert any(op.type == "Cast" for op in tf.get_default_graph().get_operations())
    np.testing.assert_allclose(run([mean, variance]), [7 / 3, np.var([1, 2, 4])], rtol=1e-3)


def test_moments_variance_gradient_matches_central_differences():
    check_gradient(lambda x: tf.nn.moments(x, [0])[1], RNG.normal(size=(4, 3)))


def test_batch_normalization_matches_the_formula_and_its_gradient():
    x0 = RNG.normal(size=(4, 3))
    mean, var = np.array([0.1, -0.3, 1.0]), np.array([0.5, 2.0, 1.5])
    offset, scale = np.array([1.0, 0.0, -1.0]), np.array([0.5, 2.0, 1.0])
    y = run(tf.nn.batch_normalization(tf.constant(x0), mean, var, offset, scale, 1e-3))
    np.testing.assert_allclose(y, (x0 - mean) / np.sqrt(var + 1e-3) * scale + offset)
    check_gradient(lambda x: tf.nn.batch_normalization(x, mean, var, offset, scale, 1e-3), x0)


def test_sufficient_statistics_and_normalize_moments_give_the_moments():
    x = RNG.normal(size=(6, 2)).astype(np.float32)
    stats = tf.nn.sufficient_statistics(tf.constant(x), [0], shift=0.5)  # shift as float32, as TF
    mean, variance = run(tf.nn.normalize_moments(*stats))
    np.testing.assert_allclose(mean, x.mean(axis=0, dtype=np.float64), rtol=1e-5)
    np.testing.assert_allclose(variance, x.var(axis=0, dtype=np.float64), rtol=1e-4)


def test_sufficient_statistics_counts_unknown_sizes_at_run_time():
    x = tf.placeholder(tf.float32, [None, 3])
    count, _, _, _ = tf.nn.sufficient_statistics(x, [0])
    assert count.op.type == "Prod"
    assert run(count, {x: np.zeros((7, 3))}) == 7


def fused_reference(x, scale, offset, epsilon):
    mean, variance = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    return (x - mean) / np.sqrt(variance + epsilon) * scale + offset, mean, variance


def test_fused_batch_norm_training_normalizes_by_batch_statistics():
    x = RNG.normal(size=(2, 3, 3, 4)).astype(np.float32)
    scale, offset = np.float32([1, 2, 0.5, 1]), np.float32([0, 1, -1, 0.5])
    y, mean, variance = run(tf.nn.fused_batch_norm(x, scale, offset, epsilon=0.01))
    expected, batch_mean, batch_variance = fused_reference(x.astype(np.float64), scale, offset,
                                                           0.01)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(mean, batch_mean, rtol=1e-6)
    np.testing.assert_allclose(variance, batch_variance * 18 / 17, rtol=1e-5)  # Bessel


def test_fused_batch_norm_nchw_equals_nhwc_transposed():
    x = RNG.normal(size=(2, 3, 3, 4)).astype(np.float32)
    scale, offset = np.float32([1, 2, 0.5, 1]), np.float32([0, 1, -1, 0.5])
    nhwc = run(tf.nn.fused_batch_norm(x, scale, offset)[0])
    nchw = run(tf.nn.fused_batch_norm(np.transpose(x, [0, 3, 1, 2]), scale, offset,
                                      data_format="NCHW")[0])
    np.testing.assert_allclose(np.transpose(nchw, [0, 2, 3, 1]), nhwc, rtol=1e-6, atol=1e-6)


def test_fused_batch_norm_training_gradients_match_central_differences():
    x0 = RNG.normal(size=(2, 2, 2, 3)).astype(np.float32)
    scale0, offset0 = np.float32([1.0, 2.0, 0.5]), np.float32([0.0, 1.0, -1.0])
    weights = RNG.normal(size=x0.shape).astype(np.float32)
    x, scale, offset = (tf.placeholder(tf.float32, v.shape) for v in (x0, scale0, offset0))
    loss = tf.reduce_sum(tf.nn.fused_batch_norm(x, scale, offset)[0] * weights)
    grads = tf.gradients(loss, [x, scale, offset])
    feed = {x: x0, scale: scale0, offset: offset0}
    with tf.Session() as s:
        analytic = s.run(grads, feed)
        for placeholder, value, grad in zip((x, scale, offset), (x0, scale0, offset0), analytic):
            def loss_at(v, placeholder=placeholder):
                return float(s.run(loss, {**feed, placeholder: v.astype(np.float32)}))
            numeric = numeric_gradient(loss_at, value.astype(np.float64), step=1e-2)
            np.testing.assert_allclose(grad, numeric, rtol=2e-2, atol=2e-3)


def test_fused_batch_norm_inference_gradient_is_scale_over_std():
    x = tf.constant(RNG.normal(size=(1, 2, 2, 2)).astype(np.float32))
    y, _, _ = tf.nn.fused_batch_norm(x, [2.0, 3.0], [0.0, 0.0], mean=[0.5, 1.0],
                                     variance=[4.0, 9.0], epsilon=0.0, is_training=False)
    grad, = tf.gradients(tf.reduce_sum(y), x)
    np.testing.assert_allclose(run(grad), np.broadcast_to([1.0, 1.0], (1, 2, 2, 2)), rtol=1e-6)


def test_fused_batch_norm_inference_refuses_statistics_of_the_wrong_size_at_run_time():
    mean = tf.placeholder(tf.float32, [None])
    y, _, _ = tf.nn.fused_batch_norm(tf.ones([1, 1, 1, 2]), [1.0, 1.0], [0.0, 0.0], mean=mean,
                                     variance=[1.0, 1.0], is_training=False)
    with pytest.raises(tf.errors.InvalidArgumentError, match="mean must have"):
        run(y, {mean: [0.0, 0.0, 0.0]})


def test_l2_normalize_matches_numpy_and_its_gradient():
    x0 = RNG.normal(size=(3, 4))
    y = run(tf.nn.l2_normalize(tf.constant(x0), axis=1))
    np.testing.assert_allclose(y, x0 / np.linalg.norm(x0, axis=1, keepdims=True))
    check_gradient(lambda x: tf.nn.l2_normalize(x, axis=0), x0)


# -- LRN -------------------------------------------------------------------------------------------

def lrn_reference(x, radius, bias, alpha, beta):
    depth = x.shape[-1]
    out = np.empty_like(x)
    for d in range(depth):
        window = x[..., max(0, d - radius):min(depth, d + radius + 1)]
        out[..., d] = x[..., d] / (bias + alpha * np.sum(window ** 2, axis=-1)) ** beta
    return out


def test_lrn_matches_the_windowed_formula():
    x = RNG.normal(size=(2, 2, 3, 7)).astype(np.float32)
    y = run(tf.nn.lrn(x, depth_radius=2, bias=1.5, alpha=0.3, beta=0.75))
    np.testing.assert_allclose(y, lrn_reference(x.astype(np.float64), 2, 1.5, 0.3, 0.75),
                               rtol=1e-5)


def test_lrn_gradient_matches_central_differences():
    x0 = RNG.normal(size=(1, 2, 2, 6)).astype(np.float32)
    weights = RNG.normal(size=x0.shape)
    x = tf.placeholder(tf.float32, x0.shape)
    loss = tf.reduce_sum(tf.nn.lrn(x, 2, 1.0, 0.5, 0.75) * weights)
    grad, = tf.gradients(loss, x)
    with tf.Session() as s:
        analytic = s.run(grad, {x: x0})
    numeric = numeric_gradient(
        lambda v: np.sum(lrn_reference(v, 2, 1.0, 0.5, 0.75) * weights), x0.astype(np.float64))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-3, atol=1e-5)


# -- top_k and in_top_k ----------------------------------------------------------------------------

def test_top_k_orders_by_value_then_by_index():
    values, indices = run(tf.nn.top_k([[2, 5, 5, 1, 5], [0, -1, 3, 3, 2]], 4))
    np.testing.assert_array_equal(indices, [[1, 2, 4, 0], [2, 3, 4, 0]])
    np.testing.assert_array_equal(values, [[5, 5, 5, 2], [3, 3, 2, 0]])


def test_top_k_gradient_routes_to_the_chosen_entries():
    x0 = RNG.permutation(12).reshape(3, 4).astype(np.float64)
    check_gradient(lambda x: tf.nn.top_k(x, 2).values, x0)


def test_in_top_k_counts_strictly_larger_predictions():
    predictions = np.float32([[0.1, 0.3, 0.3, 0.2], [0.4, 0.1, 0.2, 0.3]])
    result = run(tf.nn.in_top_k(predictions, [2, 3], 1))
    np.testing.assert_array_equal(result, [True, False])
    np.testing.assert_array_equal(run(tf.nn.in_top_k(predictions, [0, 3], 2)), [False, True])


# -- activations and losses ------------------------------------------------------------------------

def test_selu_values_and_gradient():
    x0 = np.array([[-2.0, -0.5, 0.3], [1.5, -0.1, 2.0]])
    scale, alpha = 1.0507009873554805, 1.6732632423543772
    expected = np.where(x0 > 0, scale * x0, scale * alpha * (np.exp(x0) - 1))
    np.testing.assert_allclose(run(tf.nn.selu(tf.constant(x0))), expected)
    check_gradient(tf.nn.selu, x0)


@pytest.mark.parametrize("build", [tf.nn.swish, tf.nn.crelu,
                                   lambda x: tf.nn.weighted_cross_entropy_with_logits(
                                       labels=tf.constant([[0.0, 1.0, 0.3]] * 2, tf.float64),
                                       logits=x, pos_weight=3.0),
                                   lambda x: tf.nn.log_poisson_loss(
                                       tf.constant([[0.0, 2.0, 4.0]] * 2, tf.float64), x,
                                       compute_full_loss=True)])
def test_composite_gradients_match_central_differences(build):
    check_gradient(build, RNG.normal(size=(2, 3)))


def test_weighted_cross_entropy_matches_its_definition():
    x, z = RNG.normal(size=(3, 4)), RNG.uniform(size=(3, 4))
    loss = run(tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=2.5))
    sigmoid = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(loss, -(2.5 * z * np.log(sigmoid) + (1 - z) * np.log(1 - sigmoid)))


def test_log_poisson_full_loss_adds_stirling_above_one():
    targets, log_input = np.array([0.5, 3.0]), np.array([0.2, 1.0])
    loss = run(tf.nn.log_poisson_loss(targets, log_input, compute_full_loss=True))
    stirling = 3 * np.log(3) - 3 + 0.5 * np.log(2 * np.pi * 3)
    np.testing.assert_allclose(loss, np.exp(log_input) - log_input * targets + [0, stirling])


def test_zero_fraction_counts_zeros():
    assert run(tf.nn.zero_fraction(tf.constant([[0, 1, 0, 0], [2, 0, 3, 0]]))) == 0.625


# -- candidate sampling and sampled losses ---------------------------------------------------------

def test_unique_log_uniform_samples_are_distinct_and_their_counts_follow_the_tries():
    labels = tf.constant([[0], [9]], tf.int64)
    sampled, true_count, sampled_count = run(
        tf.nn.log_uniform_candidate_sampler(labels, 1, 8, True, 10, seed=4))
    assert len(set(sampled.tolist())) == 8
    p = (np.log([2, 11]) - np.log([1, 10])) / np.log(11)
    tries = np.log1p(-true_count[:, 0]) / np.log1p(-p)  # 1 - (1 - p)^tries
    np.testing.assert_allclose(tries, tries[0], rtol=1e-4)
    assert tries[0] >= 8 and sampled_count.shape == (8,)


def test_uniform_sampler_with_a_seed_repeats():
    sample = tf.nn.uniform_candidate_sampler(tf.constant([[1]], tf.int64), 1, 5, False, 100,
                                             seed=9)
    np.testing.assert_array_equal(run(sample.sampled_candidates),
                                  run(sample.sampled_candidates))


def test_nce_loss_with_given_samples_matches_numpy():
    weights = RNG.normal(size=(6, 3))
    biases = RNG.normal(size=6)
    inputs = RNG.normal(size=(2, 3))
    labels = np.array([[2], [4]])
    sampled, true_expected, sampled_expected = np.array([0, 3, 5]), np.array([[0.3], [0.2]]), \
        np.array([0.5, 0.25, 0.1])
    loss = run(tf.nn.nce_loss(weights, biases, labels, inputs, 3, 6,
                              sampled_values=(sampled, true_expected, sampled_expected)))
    true_logits = np.sum(inputs * weights[labels[:, 0]], 1) + biases[labels[:, 0]] - \
        np.log(true_expected[:, 0])
    sampled_logits = inputs @ weights[sampled].T + biases[sampled] - np.log(sampled_expected)

    def softplus(v):
        return np.log1p(np.exp(v))
    expected = softplus(-true_logits) + np.sum(softplus(sampled_logits), 1)
    np.testing.assert_allclose(loss, expected, rtol=1e-6)


def test_sampled_softmax_removes_accidental_hits():
    weights, biases = RNG.normal(size=(5, 2)), np.zeros(5)
    inputs, labels = RNG.normal(size=(1, 2)), np.array([[1]])
    sampled = (np.array([1, 3]), np.array([[1.0]]), np.array([1.0, 1.0]))
    loss = run(tf.nn.sampled_softmax_loss(weights, biases, labels, inputs, 2, 5,
                                          sampled_values=sampled))
    logits = inputs @ weights[[1, 3]].T  # the sampled copy of class 1 is masked out
    np.testing.assert_allclose(loss, -logits[0, 0] + np.log(np.exp(logits[0]).sum()), rtol=1e-6)
