"""The global step, learning-rate schedules and moving averages against numpy formulas."""

import math

import numpy as np
import pytest

from graphshell import tf

STEPS = [0, 1, 4, 5, 9, 10, 11, 23, 40]


def values_along(schedule, steps=STEPS):
    step = tf.placeholder(tf.int64, [], name="step")
    rate = schedule(step)
    with tf.Session() as sess:
        return [float(sess.run(rate, {step: s})) for s in steps]


def close(got, want):
    np.testing.assert_allclose(got, want, rtol=2e-6)


# -- the global step -------------------------------------------------------------------------------
def test_get_or_create_global_step_makes_one_int64_counter():
    step = tf.train.get_or_create_global_step()
    assert (step.op.name, step.dtype.name, step.shape.as_list(), step.trainable) == \
        ("global_step", "int64_ref", [], False)
    assert step.initializer.inputs[1].op.name == "global_step/Initializer/zeros"
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [step]
    assert tf.global_variables() == [step]
    assert tf.train.get_or_create_global_step() is step
    assert tf.train.get_global_step() is step
    with tf.Session() as sess:
        sess.run(step.initializer)
        assert tf.train.global_step(sess, step) == 0


def test_get_global_step_falls_back_to_the_tensor_named_global_step():
    assert tf.train.get_global_step() is None
    counter = tf.Variable(0, name="global_step", trainable=False)
    assert tf.train.get_global_step() is counter._ref()
    with pytest.raises(ValueError, match='"global_step" already exists.'):
        tf.train.create_global_step()


@pytest.mark.parametrize(("candidate", "message"), [
    (lambda: tf.constant(1.0), 'Existing "global_step" does not have integer type: '),
    (lambda: tf.constant([1, 2]), r'Existing "global_step" is not scalar: \(2,\)'),
    (lambda: "step", 'Existing "global_step" must be a Variable or Tensor: step.'),
])
def test_assert_global_step_refuses_what_cannot_count(candidate, message):
    with pytest.raises(TypeError, match=message):
        tf.train.assert_global_step(candidate())


# -- schedules ------------------------------------------------------------------------------------
def test_exponential_decay_and_its_staircase():
    close(values_along(lambda s: tf.train.exponential_decay(0.1, s, 10, 0.5)),
          [0.1 * 0.5 ** (s / 10) for s in STEPS])
    close(values_along(lambda s: tf.train.exponential_decay(0.1, s, 10, 0.5, staircase=True)),
          [0.1 * 0.5 ** (s // 10) for s in STEPS])


def test_exponential_decay_is_a_mul_named_after_its_scope():
    step = tf.train.get_or_create_global_step()
    rate = tf.train.exponential_decay(0.1, step, 10, 0.5, staircase=True)
    assert (rate.op.name, rate.op.type) == ("ExponentialDecay", "Mul")
    assert [t.op.type for t in rate.op.inputs] == ["Const", "Pow"]
    assert rate.op.inputs[1].op.inputs[1].op.type == "Floor"
    again = tf.train.exponential_decay(0.1, step, 10, 0.5, name="again")
    assert again.op.name == "again"


def test_natural_exp_and_inverse_time_decay():
    close(values_along(lambda s: tf.train.natural_exp_decay(0.1, s, 10, 0.5)),
          [0.1 * math.exp(-0.5 * s / 10) for s in STEPS])
    close(values_along(lambda s: tf.train.inverse_time_decay(0.1, s, 10, 0.5, staircase=True)),
          [0.1 / (1 + 0.5 * (s // 10)) for s in STEPS])


def test_polynomial_decay_holds_at_the_end_or_cycles():
    def held(s):
        return (0.1 - 0.01) * (1 - min(s, 10) / 10) ** 2 + 0.01

    def cycled(s):
        steps = 10 * max(1, math.ceil(s / 10))
        return (0.1 - 0.01) * (1 - s / steps) ** 2 + 0.01
    close(values_along(lambda s: tf.train.polynomial_decay(0.1, s, 10, 0.01, power=2.0)),
          [held(s) for s in STEPS])
    close(values_along(lambda s: tf.train.polynomial_decay(0.1, s, 10, 0.01, power=2.0,
                                                           cycle=True)),
          [cycled(s) for s in STEPS])


def test_cosine_decay_reaches_alpha_times_the_rate():
    def cosine(s):
        fraction = min(s, 10) / 10
        return 0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * fraction)) + 0.1)
    close(values_along(lambda s: tf.train.cosine_decay(0.1, s, 10, alpha=0.1)),
          [cosine(s) for s in STEPS])


def test_piecewise_constant_picks_the_value_of_the_interval():
    close(values_along(lambda s: tf.train.piecewise_constant(s, [5, 10], [1.0, 0.5, 0.1])),
          [1.0 if s <= 5 else 0.5 if s <= 10 else 0.1 for s in STEPS])


def test_piecewise_constant_refuses_mismatched_dtypes():
    step = tf.placeholder(tf.int64, [])
    with pytest.raises(ValueError, match="Boundaries .* must have the same dtype as x"):
        tf.train.piecewise_constant(step, [5.0], [1.0, 0.5])
    with pytest.raises(ValueError, match="Values must have elements all with the same dtype"):
        tf.train.piecewise_constant(step, [5], [1.0, 2])
    with pytest.raises(ValueError, match="The length of boundaries should be 1 less"):
        tf.train.piecewise_constant(step, [5, 6], [1.0, 2.0])


# -- moving averages ------------------------------------------------------------------------------
def test_moving_average_starts_at_the_variable_and_moves_by_one_minus_decay():
    v = tf.Variable([1.0, 2.0], name="v")
    ema = tf.train.ExponentialMovingAverage(0.75)
    update = ema.apply([v])
    shadow = ema.average(v)
    assert (update.name, update.type, shadow.op.name, ema.average_name(v)) == \
        ("ExponentialMovingAverage", "NoOp", "v/ExponentialMovingAverage",
         "v/ExponentialMovingAverage")
    assert tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES) == [v]
    assert tf.trainable_variables() == [v]
    want = np.array([1.0, 2.0], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for value in (3.0, -1.0, 0.5):
            sess.run(v.assign([value, value]))
            sess.run(update)
            want = want - (want - np.float32(value)) * np.float32(1 - 0.75)
            np.testing.assert_allclose(sess.run(shadow), want, rtol=1e-6)


def test_num_updates_caps_the_decay():
    v = tf.Variable(0.0, name="v")
    count = tf.Variable(0, name="count", trainable=False)
    ema = tf.train.ExponentialMovingAverage(0.999, num_updates=count)
    update = ema.apply([v])
    want = 0.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for n in range(3):
            sess.run([v.assign(10.0 * (n + 1)), count.assign(n)])
            sess.run(update)
            decay = min(0.999, (1 + n) / (10 + n))
            want = want - (want - 10.0 * (n + 1)) * (1 - decay)
            np.testing.assert_allclose(sess.run(ema.average(v)), want, rtol=1e-6)


def test_a_tensors_average_starts_at_zero():
    t = tf.constant(4.0) * 2.0
    ema = tf.train.ExponentialMovingAverage(0.5)
    update = ema.apply([t])
    assert ema.average(t).op.name == "mul/ExponentialMovingAverage"
    assert tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES) == []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        seen = []
        for _ in range(3):
            sess.run(update)
            seen.append(float(sess.run(ema.average(t))))
    assert seen == [4.0, 6.0, 7.0]


def test_variables_to_restore_maps_shadow_names_to_the_averaged_variables():
    v = tf.Variable(1.0, name="v")
    step = tf.Variable(0, name="step", trainable=False)
    ema = tf.train.ExponentialMovingAverage(0.9)
    assert ema.average_name(v) == "v/ExponentialMovingAverage"
    ema.apply([v])
    assert ema.variables_to_restore() == {"v/ExponentialMovingAverage": v, "step": step}


def test_integer_variables_cannot_be_averaged():
    with pytest.raises(TypeError, match="The variables must be half, float, or double: i:0"):
        tf.train.ExponentialMovingAverage(0.9).apply([tf.Variable(3, name="i")])


def test_zero_debias_divides_a_zero_started_average_by_the_bias_factor():
    t = tf.placeholder(tf.float32, [])
    ema = tf.train.ExponentialMovingAverage(0.8, zero_debias=True)
    update = ema.apply([t])
    names = sorted(v.op.name for v in tf.global_variables())
    assert names == ["Placeholder/ExponentialMovingAverage",
                     "Placeholder/ExponentialMovingAverage/biased",
                     "Placeholder/ExponentialMovingAverage/local_step"]
    biased, want = 0.0, []
    for step, value in enumerate([5.0, 5.0, 1.0], start=1):
        biased = biased - (biased - value) * (1 - 0.8)
        want.append(biased / (1 - 0.8 ** step))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        seen = []
        for value in [5.0, 5.0, 1.0]:
            sess.run(update, {t: value})
            seen.append(float(sess.run(ema.average(t))))
    close(seen, want)
