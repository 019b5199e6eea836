"""Queues, queue runners and the Coordinator: values against plain Python lists, the steps
runners record, waiting (other threads, deadlines, closing, Ctrl-C) and atomicity."""

from __future__ import annotations

import os
import signal
import threading

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.ops.philox import philox_words
from graphshell.engine.run import steps


def _until_someone_waits(sess):
    """Returns once a step of `sess` waits on its condition (an event, not a duration)."""
    waiting = threading.Event()
    while not sess._waits.condition._waiters:
        waiting.wait(0.001)


def _run_runners(sess):
    coord = tf.train.Coordinator()
    return coord, tf.train.start_queue_runners(sess, coord)


def test_fifo_queue_hands_elements_out_in_order_and_stacks_many():
    q = tf.FIFOQueue(10, [tf.int32, tf.float32], shapes=[[], [2]])
    rows = [(i, [i * 1.0, i * 2.0]) for i in range(5)]
    with tf.Session() as s:
        for row in rows:
            s.run(q.enqueue(row))
        first = s.run(q.dequeue())
        ints, floats = s.run(q.dequeue_many(3))
        assert first[0] == 0 and first[1].tolist() == [0.0, 0.0]
        assert ints.tolist() == [1, 2, 3]
        assert floats.tolist() == [list(map(float, r[1])) for r in rows[1:4]]
        assert s.run(q.size()) == 1


def test_random_shuffle_queue_picks_are_philox_words_modulo_the_size():
    q = tf.RandomShuffleQueue(50, 0, tf.int32, shapes=[[]], seed=3)
    seed, seed2 = q.queue_ref.op.get_attr("seed"), q.queue_ref.op.get_attr("seed2")
    words = philox_words(seed, seed2 << 64, 16)
    items, expected = list(range(16)), []
    for word in words:  # TF's pick: a word modulo the size, the last element moved into the hole
        index = int(word) % len(items)
        expected.append(items[index])
        items[index] = items[-1]
        items.pop()
    with tf.Session() as s:
        s.run(q.enqueue_many([list(range(16))]))
        assert s.run(q.dequeue_many(16)).tolist() == expected


def test_a_runner_pipeline_delivers_every_element_once_through_a_small_queue():
    producer = tf.train.range_input_producer(100, num_epochs=1, shuffle=False, capacity=4)
    batch = tf.train.batch([producer.dequeue()], batch_size=7, capacity=8,
                           allow_smaller_final_batch=True)
    seen = []
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        coord, threads = _run_runners(s)
        with pytest.raises(tf.errors.OutOfRangeError):
            while True:
                seen.extend(s.run(batch).tolist())
        coord.request_stop()
        coord.join(threads)
    assert seen == list(range(100))


def test_runner_steps_are_recorded_with_their_origin():
    counter = tf.Variable(0)
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    enqueue = q.enqueue(tf.assign_add(counter, 1) + 0)
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [enqueue]))
    recorded = []
    steps.add_step_listener(recorded.append)
    try:
        with tf.Session() as s:
            s.run(counter.initializer)
            coord, threads = _run_runners(s)
            assert [s.run(q.dequeue()) for _ in range(4)] == [1, 2, 3, 4]
            coord.request_stop()
            coord.join(threads)
    finally:
        steps.remove_step_listener(recorded.append)
    runner_steps = [st for st in recorded if st.origin == "queue runner"]
    assert len(runner_steps) >= 4
    assert all(st.fetches in (enqueue, q.close(), q.close(True)) or st.fetches.type ==
               "QueueCloseV2" for st in runner_steps)
    assert runner_steps[0].fetches is enqueue


def test_join_reraises_the_runner_error_and_stops_the_coordinator():
    q = tf.FIFOQueue(3, tf.float32, shapes=[[]])
    bad = tf.debugging.assert_positive(tf.placeholder_with_default(-1.0, []))
    with tf.control_dependencies([bad]):
        enqueue = q.enqueue(1.0)
    runner = tf.train.QueueRunner(q, [enqueue])
    with tf.Session() as s:
        coord = tf.train.Coordinator()
        threads = runner.create_threads(s, coord=coord, start=True)
        with pytest.raises(tf.errors.OutOfRangeError):  # the cancel op closed the queue
            s.run(q.dequeue())
        assert coord.should_stop()
        with pytest.raises(tf.errors.InvalidArgumentError):
            coord.join(threads)


def test_create_threads_twice_in_one_session_makes_none():
    q = tf.FIFOQueue(3, tf.float32, shapes=[[]])
    runner = tf.train.QueueRunner(q, [q.enqueue(1.0)])
    with tf.Session() as s:
        assert len(runner.create_threads(s)) == 1
        assert runner.create_threads(s) == []


def test_a_dequeue_waiting_lets_another_thread_enqueue():
    q = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    enqueue = q.enqueue_many([[4, 5, 6]])
    with tf.Session() as s:
        def enqueue_once_the_dequeue_waits():
            _until_someone_waits(s)
            s.run(enqueue)
        worker = threading.Thread(target=enqueue_once_the_dequeue_waits)
        worker.start()
        assert s.run(q.dequeue_many(3)).tolist() == [4, 5, 6]
        worker.join()


def test_an_enqueue_into_a_full_queue_waits_for_another_threads_dequeue():
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    taken = []
    with tf.Session() as s:
        s.run(q.enqueue(1))
        worker = threading.Thread(target=lambda: taken.append(s.run(q.dequeue())))
        worker.start()
        s.run(q.enqueue(2))
        worker.join()
        assert taken == [1] and s.run(q.dequeue()) == 2


def test_closing_the_session_cancels_a_waiting_dequeue():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    dequeue = q.dequeue()
    s = tf.Session()
    outcome = []

    def wait():
        try:
            s.run(dequeue)
        except tf.errors.CancelledError as error:
            outcome.append(error.message)
    worker = threading.Thread(target=wait)
    worker.start()
    _until_someone_waits(s)
    s.close()
    worker.join()
    assert outcome and outcome[0].startswith("Session has been closed.")


def test_a_timeout_ends_a_wait_with_deadline_exceeded():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    with tf.Session() as s:
        with pytest.raises(tf.errors.DeadlineExceededError, match="Timed out waiting"):
            s.run(q.dequeue(), options=tf.RunOptions(timeout_in_ms=20))
        config = tf.ConfigProto(operation_timeout_in_ms=20)
    with tf.Session(config=config) as s, pytest.raises(tf.errors.DeadlineExceededError):
        s.run(q.dequeue())


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="Ctrl-C reaches the main thread only")
def test_ctrl_c_in_a_waiting_step_gives_back_what_it_dequeued():
    full = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    empty = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    both = [full.dequeue_many(2), empty.dequeue()]
    with tf.Session() as s:
        s.run(full.enqueue_many([[7, 8, 9]]))

        def interrupt_once_waiting():
            _until_someone_waits(s)
            os.kill(os.getpid(), signal.SIGINT)
        worker = threading.Thread(target=interrupt_once_waiting)
        worker.start()
        with pytest.raises(KeyboardInterrupt):
            s.run(both)
        worker.join()
        assert s.run(full.size()) == 3
        assert s.run(full.dequeue_many(3)).tolist() == [7, 8, 9]


def test_a_priority_queue_and_a_padding_queue_batch_as_numpy_would():
    priority = tf.PriorityQueue(5, [tf.string], shapes=[[]])
    padding = tf.PaddingFIFOQueue(5, [tf.int32], shapes=[[None]])
    with tf.Session() as s:
        s.run(priority.enqueue_many(([5, 2, 9], ["e", "b", "i"])))
        ranks, names = s.run(priority.dequeue_many(3))
        assert ranks.tolist() == [2, 5, 9] and names.tolist() == [b"b", b"e", b"i"]
        for row in ([1], [2, 3, 4], [5, 6]):
            s.run(padding.enqueue([row]))
        expected = np.zeros((3, 3), np.int32)
        for i, row in enumerate(([1], [2, 3, 4], [5, 6])):
            expected[i, :len(row)] = row
        np.testing.assert_array_equal(s.run(padding.dequeue_many(3)), expected)


def test_coordinator_join_names_live_real_threads_after_the_grace_period():
    coord = tf.train.Coordinator()
    release = threading.Event()
    worker = threading.Thread(target=release.wait, name="stuck")
    worker.start()
    coord.register_thread(worker)
    coord.request_stop()
    with pytest.raises(RuntimeError, match="threads still running: stuck"):
        coord.join(stop_grace_period_secs=0)
    release.set()
    worker.join()
