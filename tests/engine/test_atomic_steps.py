"""A step is all-or-none under Ctrl-C: it finishes, or every variable is as before it.

SIGINT is delivered deterministically: a tripwire wraps every kernel of a plan and calls
`signal.raise_signal(SIGINT)` before or after the k-th kernel call, for every k of a step.
"""

import signal
import threading

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.run.executor import COMPILE_AFTER_RUNS
from graphshell.engine.run.loops import LoopRunner


class Tripwire:
    """Raises SIGINT around the `at`-th kernel call (1-based) once installed in a plan."""

    def __init__(self):
        self.calls = 0
        self.at = None
        self.after = False

    def wrap(self, kernel):
        def tripped(*args):
            self.calls += 1
            if self.calls == self.at and not self.after:
                signal.raise_signal(signal.SIGINT)
            result = kernel(*args)
            if self.calls == self.at and self.after:
                signal.raise_signal(signal.SIGINT)
            return result
        return tripped

    def install(self, plan) -> None:
        """Wraps every kernel of the interpreter's program (loop frames too) and of the
        compiled tier's kernel list."""
        pending = [plan.program]
        while pending:
            program = pending.pop()
            for k, entry in enumerate(program):
                if isinstance(entry, LoopRunner):
                    pending += [entry.enters, entry.body]
                else:
                    program[k] = (self.wrap(entry[0]),) + entry[1:]
        plan.kernels[:] = [(self.wrap(kernel), refs) for kernel, refs in plan.kernels]
        plan.compiled.clear()

    def arm(self, at: int, after: bool) -> None:
        self.calls, self.at, self.after = 0, at, after


def plan_of(sess, fetch):
    """Runs `fetch` once and returns the plan it ran (cached for the later runs)."""
    recorded = []
    sess.add_step_listener(recorded.append)
    sess.run(fetch)
    sess._listeners.remove(recorded.append)
    return recorded[-1].plan


@pytest.fixture
def recorded(sess):
    steps = []
    sess.add_step_listener(steps.append)
    return steps


def counters_and_group():
    counters = [tf.Variable(0.0, name=name) for name in "abc"]
    return counters, tf.group(*[tf.assign_add(v, 1.0) for v in counters])


def values(sess, variables):
    return [float(v) for v in sess.run(variables)]


@pytest.mark.parametrize("compiled", [False, True], ids=["interpreted", "compiled"])
def test_a_ctrl_c_at_any_op_of_a_straight_step_waits_until_the_step_is_done(sess, recorded,
                                                                            compiled):
    counters, step = counters_and_group()
    sess.run(tf.global_variables_initializer())
    plan = plan_of(sess, step)
    tripwire = Tripwire()
    tripwire.install(plan)
    expected = 1.0
    calls = len(plan.kernels)
    for at in range(1, calls + 1):
        for after in (False, True):
            plan.runs = COMPILE_AFTER_RUNS if compiled else 0  # the next run's tier
            tripwire.arm(at, after)
            with pytest.raises(KeyboardInterrupt):
                sess.run(step)
            expected += 1.0
            assert values(sess, counters) == [expected] * 3
            assert recorded[-2].error is None  # the step finished and was recorded as such
    assert (plan.compiled.get(False) is not None) == compiled


def endless_counting_loop(counters):
    """A while loop whose every pass adds 1 to each counter, forever."""
    def body(i):
        updates = [tf.assign_add(v, tf.ones_like(v)) for v in counters]
        with tf.control_dependencies(updates):
            return i + 1
    return tf.while_loop(lambda i: i >= 0, body, [tf.constant(0)])


def finite_counting_loop(counters, passes):
    def body(i):
        updates = [tf.assign_add(v, 1.0) for v in counters]
        with tf.control_dependencies(updates):
            return i + 1
    return tf.while_loop(lambda i: i < passes, body, [tf.constant(0)])


def test_a_ctrl_c_at_any_op_of_a_loop_step_undoes_the_whole_step(sess, recorded):
    counters = [tf.Variable(0.0, name=name) for name in "abc"]
    loop = finite_counting_loop(counters, 3)
    sess.run(tf.global_variables_initializer())
    plan = plan_of(sess, loop)
    tripwire = Tripwire()
    tripwire.install(plan)
    tripwire.arm(None, False)
    sess.run(loop)
    calls = tripwire.calls  # kernel calls of one whole step
    assert values(sess, counters) == [6.0] * 3
    for at in range(1, calls + 1):
        for after in (False, True):
            tripwire.arm(at, after)
            if at == calls and after:  # after the last kernel: the step is over
                continue
            with pytest.raises(KeyboardInterrupt):
                sess.run(loop)
            assert values(sess, counters) == [6.0] * 3, (at, after)
            assert recorded[-2].interrupted


def loop_plan(sess, loop):
    """The plan `sess.run(loop)` will run, made without running it (the loop may not end)."""
    return sess._plan([loop], [], {})


def test_an_endless_loop_step_is_interruptible_and_leaves_no_trace(sess, recorded):
    counters = [tf.Variable(np.zeros(3), name=name) for name in "abc"]
    loop = endless_counting_loop(counters)
    sess.run(tf.global_variables_initializer())
    sess.run([c.assign_add(np.full(3, 5.0)) for c in counters])
    tripwire = Tripwire()
    tripwire.install(loop_plan(sess, loop))
    for at in (1, 2, 3, 1000, 1001, 1002):  # at its start, and deep inside, after many passes
        tripwire.arm(at, True)
        with pytest.raises(KeyboardInterrupt):
            sess.run(loop)
        step = recorded[-1]
        assert step.interrupted
        for counter in counters:
            np.testing.assert_array_equal(sess.run(counter), np.full(3, 5.0))
    assert step.loop_iterations[0][1] > 10


def test_an_interrupted_loop_step_uninitialises_what_it_initialised(sess):
    fresh = tf.Variable([1.0, 2.0], name="fresh")
    with tf.control_dependencies([fresh.initializer]):
        start = tf.constant(0)
    loop = tf.while_loop(lambda i: i >= 0, lambda i: i + 1, [start])
    tripwire = Tripwire()
    tripwire.install(loop_plan(sess, loop))
    tripwire.arm(50, False)
    with pytest.raises(KeyboardInterrupt):
        sess.run(loop)
    assert sess.run(tf.report_uninitialized_variables()).tolist() == [b"fresh"]


def test_a_held_back_ctrl_c_goes_to_the_handler_that_was_installed(sess):
    counters, step = counters_and_group()
    sess.run(tf.global_variables_initializer())
    plan = plan_of(sess, step)
    tripwire = Tripwire()
    tripwire.install(plan)
    seen = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    try:
        tripwire.arm(1, False)
        sess.run(step)  # the shell's handler between inputs does not raise
    finally:
        signal.signal(signal.SIGINT, previous)
    assert seen == [signal.SIGINT]
    assert values(sess, counters) == [2.0] * 3
    assert signal.getsignal(signal.SIGINT) is previous


def test_a_step_on_another_thread_is_undone_when_interrupted_there(sess):
    counters, step = counters_and_group()
    sess.run(tf.global_variables_initializer())
    plan = plan_of(sess, step)

    def interrupted(kernel):  # the explorer cancels with an asynchronous KeyboardInterrupt
        def run(*args):
            kernel(*args)
            raise KeyboardInterrupt
        return run
    kernels = [entry for entry in plan.program]
    plan.program[1] = (interrupted(kernels[1][0]),) + kernels[1][1:]
    outcome = []

    def run_step():
        try:
            sess.run(step)
        except KeyboardInterrupt:
            outcome.append("interrupted")
    worker = threading.Thread(target=run_step)
    worker.start()
    worker.join()
    assert outcome == ["interrupted"]
    assert values(sess, counters) == [1.0] * 3
