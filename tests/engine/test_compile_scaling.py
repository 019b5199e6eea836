"""The compiled tier on big plans: compiling is linear (bounded chunks), a share per run,
interruptible by Ctrl-C, and what was compiled before an interrupt is kept."""

from __future__ import annotations

import signal

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.run import compiled, executor

FACTOR = 1.0001


def chain(length):
    """A placeholder multiplied `length` times: one Mul per op of the plan."""
    x = tf.placeholder(tf.float64, [])
    z = x
    for _ in range(length):
        z = z * FACTOR
    return x, z


def expected(length, start=1.0):
    value = np.float64(start)
    for _ in range(length):
        value = value * np.float64(FACTOR)
    return value


def plan_of(sess):
    return list(sess._plans.values())[-1]


def compiled_sources(monkeypatch):
    """The line count of every source text the compiled tier hands to compile()."""
    sizes = []

    def counting_compile(source, *args, **kwargs):
        sizes.append(source.count("\n") + 1)
        return compile(source, *args, **kwargs)
    monkeypatch.setattr(compiled, "compile", counting_compile, raising=False)
    return sizes


def run_until_compiled(sess, x, z, limit=50):
    """Runs the step until its plan is compiled whole; the number of runs it took."""
    for runs in range(1, limit + 1):
        assert sess.run(z, {x: 1.0}) == expected_value[0]
        if plan_of(sess).compiled.get(False) is not None and \
                plan_of(sess).compiled[False].ready:
            return runs
    raise AssertionError("the plan was never compiled")


expected_value = [None]


@pytest.mark.parametrize("length", [4_000, 16_000])
def test_compiled_chain_gives_numpys_value(length):
    with tf.Graph().as_default():
        x, z = chain(length)
        sess = tf.Session()
        expected_value[0] = expected(length)
        run_until_compiled(sess, x, z)
        assert sess.run(z, {x: 1.0}) == expected(length)
        assert sess.run(z, {x: 2.0}) == expected(length, 2.0)


def test_compile_work_grows_linearly_in_bounded_chunks(monkeypatch):
    totals = {}
    for length in (5_000, 20_000):
        with tf.Graph().as_default():
            x, z = chain(length)
            sess = tf.Session()
            sess.run(z, {x: 1.0})
            sizes = compiled_sources(monkeypatch)
            compiled.CompiledPlan(plan_of(sess), plan_of(sess).kernels)
            # no function grows with the plan: a line per op and per constant it loads
            assert max(sizes) <= 2 * compiled.CHUNK_OPS + 10
            totals[length] = sum(sizes)
    assert 3.8 < totals[20_000] / totals[5_000] < 4.2


def test_a_big_plan_is_compiled_a_share_per_run(monkeypatch):
    with tf.Graph().as_default():
        x, z = chain(16_000)
        sess = tf.Session()
        steps = []
        sess._listeners.append(steps.append)
        expected_value[0] = expected(16_000)
        runs = run_until_compiled(sess, x, z)
        # two interpreted runs, then a share (1/COMPILE_SHARE) compiled on each later run
        assert runs == executor.COMPILE_AFTER_RUNS + compiled.COMPILE_SHARE
        assert len(steps[-2].executed_ops) == len(steps[-1].executed_ops) == 2 * 16_000  # + Consts


def test_ctrl_c_during_compilation_stops_it_and_keeps_the_chunks_compiled(monkeypatch):
    starts = []
    real_compile_chunk = compiled._compile_chunk

    def compile_chunk(plan, kernels, keep_values, start, stop, chained, into):
        starts.append(start)
        if len(starts) == 2:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C while the second chunk compiles
        return real_compile_chunk(plan, kernels, keep_values, start, stop, chained, into)
    monkeypatch.setattr(compiled, "_compile_chunk", compile_chunk)
    monkeypatch.setattr(compiled, "COMPILE_SHARE", 1)  # all of it in one run
    with tf.Graph().as_default():
        x, z = chain(6_000)
        sess = tf.Session()
        for _ in range(executor.COMPILE_AFTER_RUNS):
            assert sess.run(z, {x: 1.0}) == expected(6_000)
        with pytest.raises(KeyboardInterrupt):
            sess.run(z, {x: 1.0})
        assert sess.run(z, {x: 1.0}) == expected(6_000)  # the next run works...
        assert plan_of(sess).compiled[False].ready
    chunk = compiled.CHUNK_OPS
    assert starts == [0, chunk, chunk, 2 * chunk]  # ...and does not start over


def test_a_plan_that_fails_to_compile_is_not_compiled_again(monkeypatch):
    calls = []

    def refuse(*args):
        calls.append(args)
        raise RecursionError("too deep for Python's compiler")
    monkeypatch.setattr(compiled, "_compile_chunk", refuse)
    with tf.Graph().as_default():
        x, z = chain(5_000)
        sess = tf.Session()
        for _ in range(executor.COMPILE_AFTER_RUNS + 4):
            assert sess.run(z, {x: 1.0}) == expected(5_000)
    assert len(calls) == 1
