"""EngineContext: the defaults, numbering and run settings a program runs in, one per thread
unless installed."""

import threading
import warnings

import numpy as np

from graphshell import tf
from graphshell.engine.graph.context import EngineContext, current_context
from graphshell.engine.run import steps as steps_module


def in_new_thread(function):
    seen = []
    thread = threading.Thread(target=lambda: seen.append(function()))
    thread.start()
    thread.join()
    return seen[0]


def test_each_thread_has_its_own_context_and_default_graph():
    mine = current_context()
    theirs, their_graph = in_new_thread(lambda: (current_context(), tf.get_default_graph()))
    assert theirs is not mine and their_graph is not tf.get_default_graph()
    assert their_graph.name == "Graph#1"  # numbered in that thread's own context


def test_installing_nests_and_restores_what_was_current(fresh_engine):
    outer, inner = EngineContext(), EngineContext()
    with outer.installed():
        graph = tf.get_default_graph()
        with inner.installed():
            assert current_context() is inner and tf.get_default_graph() is not graph
        assert current_context() is outer and tf.get_default_graph() is graph
    assert current_context() is fresh_engine


def test_an_installed_context_brings_its_defaults_to_any_thread():
    context = EngineContext()
    with context.installed():
        sess = tf.Session()
        sess.__enter__()

    def look():
        with context.installed():
            return tf.get_default_session(), tf.get_default_graph()
    assert in_new_thread(look) == (sess, sess.graph)
    with context.installed():
        sess.__exit__(None, None, None)
    assert in_new_thread(look)[0] is None


def test_graphs_sessions_and_steps_are_numbered_per_context():
    names = []
    for _ in range(2):
        with EngineContext().installed():
            sess = tf.Session()
            sess.run(tf.constant(1.0))
            step = []
            steps_module.add_step_listener(step.append)
            sess.run(tf.constant(2.0))
            names.append((tf.get_default_graph().name, sess.name, step[0].number))
    assert names == [("Graph#1", "Session#1", 2)] * 2


def test_step_listeners_hear_only_their_own_context():
    heard_here, heard_there = [], []
    steps_module.add_step_listener(heard_here.append)
    other = EngineContext(step_listeners=[heard_there.append])
    with other.installed():
        tf.Session().run(tf.constant(1.0))
    tf.Session().run(tf.constant(2.0))
    assert len(heard_here) == len(heard_there) == 1
    steps_module.remove_step_listener(heard_here.append)
    tf.Session().run(tf.constant(3.0))
    assert len(heard_here) == 1


def test_keep_step_values_is_a_setting_of_the_context():
    c = tf.constant(4.0, name="c")
    recorded = []
    steps_module.add_step_listener(recorded.append)
    sess = tf.Session()
    sess.run(c)
    current_context().keep_step_values = True
    sess.run(c)
    assert recorded[0].value_of(c) is None and recorded[1].value_of(c) == 4.0


def test_the_unseeded_seed_is_a_setting_of_the_context():
    def draw(seed):
        with EngineContext(unseeded_seed=seed).installed():
            return tf.Session().run(tf.random_uniform([3])).tolist()
    assert draw(7) == draw(7) != draw(8)
    assert not np.array_equal(draw(None), draw(None))


def test_interactive_sessions_are_counted_per_context():
    first = tf.InteractiveSession()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with EngineContext().installed():  # another context has none active: no warning
            other = tf.InteractiveSession()
            other.close()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        second = tf.InteractiveSession()
    assert any("already active" in str(w.message) for w in caught)
    second.close()
    first.close()
    assert current_context().interactive_sessions == 0
