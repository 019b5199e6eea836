"""The compiled tier: a plan run a third time becomes generated code. It must give the same
values (bit for bit), errors and step records as the interpreter."""

from __future__ import annotations

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import errors
from graphshell.engine.run import compiled, executor


def plan_of(sess):
    return list(sess._plans.values())[-1]


def run_both_ways(build, feeds_for=lambda graph_inputs: {}, runs=5, monkeypatch=None):
    """[(values, executed names)] per run: first forced through the interpreter, then on a
    fresh graph and session allowed to compile."""
    results = []
    for interpreted in (True, False):
        with tf.Graph().as_default():
            fetches, inputs = build()
            monkeypatch.setattr(executor, "COMPILE_AFTER_RUNS", 10**9 if interpreted else 2)
            sess = tf.Session()
            steps = []
            sess._listeners.append(steps.append)
            init = tf.global_variables_initializer()
            sess.run(init)
            values = [sess.run(fetches, feeds_for(inputs)) for _ in range(runs)]
            results.append((values, [s.executed_names for s in steps[1:]], plan_of(sess)))
    return results


def assert_identical(a, b):
    if isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            assert_identical(x, y)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            assert_identical(a[key], b[key])
    else:
        assert type(a) is type(b)
        np.testing.assert_array_equal(a, b)
        assert np.asarray(a).dtype == np.asarray(b).dtype


def seed_like():
    a = tf.Variable(0.2, name="a")
    b = tf.Variable(0.3, name="b")
    z = tf.constant(0.0)
    for i in range(20):
        z = a * tf.cos(z + i) + z * tf.sin(b - i)
    return tf.gradients(z, [a, b]) + [z], None


def test_compiled_steps_match_the_interpreter_bit_for_bit(monkeypatch):
    (slow, slow_names, slow_plan), (fast, fast_names, fast_plan) = run_both_ways(
        seed_like, monkeypatch=monkeypatch)
    assert not slow_plan.compiled and fast_plan.compiled
    assert_identical(slow, fast)
    assert slow_names == fast_names


def mixed_ops():
    counter = tf.Variable(0, name="counter")
    bump = tf.assign_add(counter, 7)
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    parts = tf.unstack(x, axis=1)
    total = tf.add_n(parts + parts + parts)  # 12 inputs: the block-summing kernel
    small = tf.add_n(parts[:3])
    wrapped = tf.constant(2**31 - 1, dtype=tf.int32) + tf.constant(5, dtype=tf.int32)
    neg = -tf.reduce_max(x, axis=0)
    word = tf.identity(tf.constant(b"ab"))
    fetches = {"bump": bump, "total": total, "small": small, "wrapped": wrapped,
               "neg": neg, "word": word, "counter": counter}
    return fetches, x


def test_mixed_ops_refs_and_multiple_outputs(monkeypatch):
    batch = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    (slow, slow_names, _), (fast, fast_names, fast_plan) = run_both_ways(
        mixed_ops, lambda x: {x: batch}, monkeypatch=monkeypatch)
    assert fast_plan.compiled
    assert_identical(slow, fast)
    assert [v["bump"] for v in fast] == [7, 14, 21, 28, 35]
    assert slow_names == fast_names


def test_random_sequences_continue_across_the_switch_to_compiled(monkeypatch):
    def build():
        tf.set_random_seed(5)
        return tf.random_normal([3]) + tf.random_uniform([3]), None
    (slow, _, _), (fast, _, fast_plan) = run_both_ways(build, runs=6, monkeypatch=monkeypatch)
    assert fast_plan.compiled
    assert_identical(slow, fast)


def test_a_failing_compiled_step_names_the_op_and_records_what_ran():
    indices = tf.placeholder(tf.int32, [None], name="indices")
    doubled = tf.multiply(tf.constant([1.0, 2.0, 3.0]), 2.0, name="doubled")
    picked = tf.gather(doubled, indices, name="picked")
    result = tf.negative(picked, name="result")
    sess = tf.Session()
    steps = []
    sess._listeners.append(steps.append)
    for _ in range(executor.COMPILE_AFTER_RUNS + 1):
        sess.run(result, {indices: [0, 2]})
    assert plan_of(sess).compiled
    with pytest.raises(errors.InvalidArgumentError) as raised:
        sess.run(result, {indices: [1, 7]})
    failed = steps[-1]
    assert raised.value.op.name == "picked" and failed.failed_op.name == "picked"
    assert "doubled" in failed.executed_names and "result" not in failed.executed_names
    assert failed.duration_ns >= 0
    np.testing.assert_array_equal(sess.run(result, {indices: [2]}), [-6.0])


def test_traced_runs_take_the_timed_path_and_report_every_node():
    x = tf.constant(3.0)
    y = x * x + 1.0
    sess = tf.Session()
    for _ in range(executor.COMPILE_AFTER_RUNS + 2):
        sess.run(y)
    assert plan_of(sess).compiled
    metadata = tf.RunMetadata()
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    assert sess.run(y, options=options, run_metadata=metadata) == 10.0
    names = {node.node_name for device in metadata.step_stats.dev_stats
             for node in device.node_stats}
    assert {"mul", "add"} <= names


def test_kept_values_of_compiled_steps_match_the_interpreter(fresh_engine):
    """The shell keeps every tensor's value per step (for :inspect); compiled steps too."""
    fresh_engine.keep_step_values = True
    x = tf.placeholder(tf.float32, [3], name="x")
    parts = tf.unstack(x * 2.0)
    y = tf.add_n(parts, name="y")
    sess = tf.Session()
    steps = []
    sess._listeners.append(steps.append)
    feed = {x: np.array([1.0, 2.0, 4.0], np.float32)}
    for _ in range(executor.COMPILE_AFTER_RUNS + 2):
        assert sess.run(y, feed) == 14.0
    assert plan_of(sess).compiled.get(True) is not None
    first, last = steps[0], steps[-1]
    for tensor in [x, parts[0], parts[2], y]:
        np.testing.assert_array_equal(first.value_of(tensor), last.value_of(tensor))
    assert last.executed_names == first.executed_names


def test_a_plan_python_cannot_compile_stays_on_the_interpreter(monkeypatch):
    def refuse(*args, **kwargs):
        raise SyntaxError("too many nested parentheses")
    monkeypatch.setattr(compiled, "_compile_chunk", refuse)
    y = tf.add_n([tf.constant(float(i)) for i in range(30)])
    sess = tf.Session()
    assert [sess.run(y) for _ in range(executor.COMPILE_AFTER_RUNS + 3)] == [435.0] * 5
    assert plan_of(sess).compiled == {False: None}
