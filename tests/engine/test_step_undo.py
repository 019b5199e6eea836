"""One undo log for every resource a step changes (Runtime.record_undo): Ctrl-C in a queue wait
ends even a straight-line step, which holds Ctrl-C back (so a plan with an op that may wait
journals its variables, as a loop's does), and the step then gives back what it dequeued, what
it took from a dataset iterator and what it wrote to variables."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from graphshell import tf
from graphshell.engine.run.runtime import Runtime


def _interrupt_once_waiting(sess) -> threading.Thread:
    """A thread that sends Ctrl-C once a step of `sess` waits on its condition."""
    def interrupt():
        waiting = threading.Event()
        for _ in range(60_000):  # a minute at most, however busy the machine
            if sess._waits.condition._waiters:
                break
            waiting.wait(0.001)
        os.kill(os.getpid(), signal.SIGINT)
    worker = threading.Thread(target=interrupt)
    worker.start()
    return worker


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="Ctrl-C reaches the main thread only")
def test_ctrl_c_in_a_wait_gives_back_the_iterator_element_and_the_dequeued_ones():
    element = tf.data.Dataset.range(5).make_one_shot_iterator().get_next()
    full = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    empty = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    with tf.control_dependencies([element]):
        taken = full.dequeue_many(2)
    with tf.control_dependencies([taken]):
        waiting = empty.dequeue()
    with tf.Session() as sess:
        sess.run(full.enqueue_many([[7, 8, 9]]))
        worker = _interrupt_once_waiting(sess)
        with pytest.raises(KeyboardInterrupt):
            sess.run([element, taken, waiting])
        worker.join()
        assert sess._runtime.journal is None and sess._runtime.undo_log == []
        assert sess.run(element) == 0  # given back: produced again, then the next one
        assert sess.run(element) == 1
        assert sess.run(full.dequeue_many(3)).tolist() == [7, 8, 9]


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="Ctrl-C reaches the main thread only")
def test_ctrl_c_in_a_wait_puts_back_the_variables_a_straight_line_step_wrote():
    """A plan with an op that may wait journals its variable writes like a loop's: a queue's
    dequeue takes a held-back Ctrl-C, so even a straight-line step can stop midway."""
    v = tf.Variable(0, name="v")
    empty = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    with tf.control_dependencies([tf.assign_add(v, 1)]):
        waiting = empty.dequeue()
    with tf.Session() as sess:
        sess.run(v.initializer)
        worker = _interrupt_once_waiting(sess)
        with pytest.raises(KeyboardInterrupt):
            sess.run(waiting)
        worker.join()
        assert sess.run(v) == 0


def test_rollback_undoes_newest_first_and_empties_the_log():
    runtime = Runtime()
    undone: list = []
    for name in ("first", "second", "third"):
        runtime.record_undo(lambda name=name: undone.append(name))
    runtime.rollback()
    assert undone == ["third", "second", "first"]
    assert runtime.undo_log == [] and runtime.journal is None
    runtime.rollback()  # a second rollback (the step scope's, after the executor's) undoes nothing
    assert undone == ["third", "second", "first"]


def test_a_finished_step_leaves_nothing_to_undo():
    element = tf.data.Dataset.range(3).make_one_shot_iterator().get_next()
    queue = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    with tf.Session() as sess:
        sess.run(queue.enqueue_many([[1, 2]]))
        assert sess.run([element, queue.dequeue()]) == [0, 1]
        assert sess._runtime.undo_log == []
