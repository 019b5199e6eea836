"""The compiled tier's fast paths (engine/run/fast_paths.py): scalar variable reads as numpy
scalars, libm results kept as Python floats, buffer forwarding (`out=`) and freeing dead
intermediates. Each must give the interpreter's values bit for bit and never write into a fed
array, a variable, a constant, a fetched value or a kept value."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import errors
from graphshell.engine.run import executor
from graphshell.engine.run.compiled import _generate
from graphshell.engine.run.fast_paths import FORWARD_MIN_BYTES, find_fast_paths

RUNS = executor.COMPILE_AFTER_RUNS + 3  # the last three run compiled
BIG = FORWARD_MIN_BYTES // 4 * 4  # float32 elements: four times the forwarding threshold


def plan_of(sess):
    return list(sess._plans.values())[-1]


def fast_paths_of(plan, keep_values=False):
    return find_fast_paths(plan, plan.kernels, 0, len(plan.program), keep_values, False)


def both_tiers(build, feeds_for=lambda inputs: {}, runs=RUNS, monkeypatch=None):
    """(interpreted values per run, compiled values per run, the compiled plan)."""
    results = []
    for interpreted in (True, False):
        with tf.Graph().as_default():
            fetches, inputs = build()
            monkeypatch.setattr(executor, "COMPILE_AFTER_RUNS", 10**9 if interpreted else 2)
            sess = tf.Session()
            sess.run(tf.global_variables_initializer())
            results.append(([sess.run(fetches, feeds_for(inputs)) for _ in range(runs)],
                            plan_of(sess)))
    (slow, _), (fast, plan) = results
    assert plan.compiled.get(False) is not None
    return slow, fast, plan


def assert_bit_identical(a, b):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_bit_identical(x, y)
        return
    assert type(a) is type(b)
    assert np.asarray(a).dtype == np.asarray(b).dtype
    assert np.asarray(a).tobytes() == np.asarray(b).tobytes()


# -- scalar reads and Python floats -------------------------------------------------------------
def scalar_loop():
    a = tf.Variable(0.2, name="a")
    b = tf.Variable(0.3, name="b")
    z = tf.constant(0.0)
    for i in range(30):
        z = a * tf.cos(z + i) + z * tf.sin(b - i)
    return tf.gradients(z, [a, b]) + [z], None


def test_a_scalar_loop_reads_scalars_and_keeps_trig_floats_bit_for_bit(monkeypatch):
    slow, fast, plan = both_tiers(scalar_loop, monkeypatch=monkeypatch)
    assert_bit_identical(slow, fast)
    paths = fast_paths_of(plan)
    assert len(paths.scalar_reads) == 2 and len(paths.scalar_fills) == 1  # tf.gradients' seed
    assert len(paths.python_floats) >= 60  # the loop's sin and cos, and their gradients' ones
    assert all(type(v) is np.float32 for v in fast[-1])


def test_a_trig_value_that_is_fetched_or_squared_stays_a_numpy_float32(monkeypatch):
    def build():
        x = tf.Variable(0.7)
        c = tf.cos(x)
        return [c, tf.sin(x) * tf.sin(x) + c, tf.cos(c) * tf.sin(c), tf.sin(c) * 3.0], None
    slow, fast, plan = both_tiers(build, monkeypatch=monkeypatch)
    assert_bit_identical(slow, fast)
    assert all(type(v) is np.float32 for v in fast[-1])
    # the fetched cos and both sides of each product of two trig values are float32 again;
    # only sin(c) * 3.0 has a numpy operand for a Python float
    assert len(fast_paths_of(plan).python_floats) == 1
    source, _, _ = _generate(plan, plan.kernels, False)
    assert source.count("k0(") == 5  # k0 is np.float32: five of the six trig results


def test_a_step_that_writes_variables_reads_them_as_arrays(monkeypatch):
    def build():
        v = tf.Variable(1.5)
        r = v.value()
        up = tf.assign_add(v, 1.0)
        with tf.control_dependencies([up]):
            out = r * 2.0  # r aliases v's buffer: it sees the update in both tiers
        return [out, tf.cos(r)], None
    slow, fast, plan = both_tiers(build, monkeypatch=monkeypatch)
    assert_bit_identical(slow, fast)
    assert [float(v[0]) for v in fast] == [5.0, 7.0, 9.0, 11.0, 13.0]
    assert not fast_paths_of(plan).scalar_reads


# -- buffer forwarding and freeing --------------------------------------------------------------
def chain(x):
    y = tf.abs((x * 2.0 + 1.0) * x - 3.0)
    return tf.sqrt(y * 0.5 + 1.0) + x


def fed_chain():
    x = tf.placeholder(tf.float32, [BIG], name="x")
    return chain(x), x


def test_forwarded_buffers_give_the_interpreters_values(monkeypatch):
    value = np.linspace(-3, 3, BIG, dtype=np.float32)
    slow, fast, plan = both_tiers(fed_chain, lambda x: {x: value}, monkeypatch=monkeypatch)
    assert_bit_identical(slow, fast)
    paths = fast_paths_of(plan)
    assert len(paths.forwarded) == 8  # every op but the first writes into its input's buffer
    assert paths.frees


def test_a_fed_array_and_fetched_values_are_never_overwritten(sess):
    x = tf.placeholder(tf.float32, [BIG], name="x")
    doubled = x * 2.0
    shifted = doubled + 1.0  # fetched: its buffer must not take the next op's result
    out = chain(shifted)
    value = np.linspace(-3, 3, BIG, dtype=np.float32)
    original = value.copy()
    results = [sess.run([shifted, out], {x: value}) for _ in range(RUNS)]
    assert plan_of(sess).compiled.get(False) is not None
    assert fast_paths_of(plan_of(sess)).forwarded
    np.testing.assert_array_equal(value, original)
    expected_shifted = original * np.float32(2.0) + np.float32(1.0)
    for fetched_shifted, fetched_out in results:  # earlier steps' results are untouched
        np.testing.assert_array_equal(fetched_shifted, expected_shifted)
        np.testing.assert_array_equal(fetched_out, results[0][1])
    assert len({id(r[1]) for r in results}) == RUNS


def test_a_variable_and_a_constant_are_never_written_into(sess):
    w = tf.Variable(np.full(BIG, 2.0, np.float32))
    c = tf.constant(np.full(BIG, 3.0, np.float32))
    out = tf.sqrt((w.value() + c) * 2.0) - c
    sess.run(w.initializer)
    for _ in range(RUNS):
        np.testing.assert_array_equal(sess.run(out), np.sqrt(np.float32(10.0)) - 3.0)
    np.testing.assert_array_equal(sess.run(w), np.full(BIG, 2.0, np.float32))
    np.testing.assert_array_equal(sess.run(c), np.full(BIG, 3.0, np.float32))


def test_a_buffer_a_view_still_reads_is_not_reused(sess):
    x = tf.placeholder(tf.float32, [BIG])
    y = x * 2.0
    view = tf.reshape(y, [BIG // 4, 4])  # a view of y's buffer, read after y's last ufunc
    z = y + 1.0
    out = tf.reduce_sum(tf.reshape(z, [BIG // 4, 4]) * 0.0 + view, axis=1)
    value = np.ones(BIG, np.float32)
    for _ in range(RUNS):
        np.testing.assert_array_equal(sess.run(out, {x: value}), np.full(BIG // 4, 8.0))
    assert not any(slot == plan_of(sess).slots[y] for slot in
                   fast_paths_of(plan_of(sess)).forwarded.values())


def test_kept_values_are_never_forwarded_into(fresh_engine):
    fresh_engine.keep_step_values = True
    x = tf.placeholder(tf.float32, [BIG], name="x")
    a = x * 2.0
    b = a + 1.0
    sess = tf.Session()
    records = []
    sess.add_step_listener(records.append)
    value = np.ones(BIG, np.float32)
    for _ in range(RUNS):
        sess.run(b, {x: value})
    assert plan_of(sess).compiled.get(True) is not None
    np.testing.assert_array_equal(records[-1].value_of(a), np.full(BIG, 2.0))
    np.testing.assert_array_equal(records[-1].value_of(b), np.full(BIG, 3.0))
    assert not fast_paths_of(plan_of(sess), keep_values=True).forwarded


def traced_peak(function) -> int:
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        function()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("compiled", [False, True])
def test_a_compiled_chain_frees_and_reuses_its_intermediates(sess, compiled):
    x = tf.placeholder(tf.float32, [BIG * 4])
    y = x
    for i in range(12):
        y = tf.abs(y * 1.0001 - 0.5) if i % 2 else tf.sqrt(y + 1.0)
    value = np.ones(BIG * 4, np.float32)
    runs = RUNS if compiled else 1
    for _ in range(runs - 1):
        sess.run(y, {x: value})
    peak = traced_peak(lambda: sess.run(y, {x: value}))
    buffers = peak / value.nbytes
    if compiled:  # one buffer for the whole chain (and the fetched result is that buffer)
        assert buffers < 1.5
    else:  # the interpreter holds every intermediate until the step ends
        assert buffers > 20


def test_a_failing_op_after_forwarded_and_freed_ones_is_named(sess):
    x = tf.placeholder(tf.float32, [BIG], name="x")
    indices = tf.placeholder(tf.int32, [None], name="indices")
    picked = tf.gather(chain(x), indices, name="picked")
    out = tf.negative(picked, name="out")
    value = np.ones(BIG, np.float32)
    for _ in range(RUNS):
        sess.run(out, {x: value, indices: [0]})
    paths = fast_paths_of(plan_of(sess))
    assert paths.forwarded and paths.frees
    with pytest.raises(errors.InvalidArgumentError) as raised:
        sess.run(out, {x: value, indices: [BIG]})
    assert raised.value.op.name == "picked"
