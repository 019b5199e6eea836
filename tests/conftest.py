"""Every test starts from a fresh default graph and empty default stacks."""

import itertools

import pytest

from graphshell import tf
from graphshell.engine.graph import graph, stacks
from graphshell.engine.run import runtime, session, steps
from graphshell.engine.graph.graph import default_graph_stack


@pytest.fixture(autouse=True)
def fresh_engine():
    stacks.default_session_stack.reset()
    default_graph_stack.reset()
    tf.reset_default_graph()
    session.InteractiveSession._active_count = 0
    runtime.set_unseeded_entropy(None)
    steps.restart_step_numbers()
    session._session_ids = itertools.count(1)
    graph._graph_ids = itertools.count(1)
    yield
    stacks.default_session_stack.reset()
    default_graph_stack.reset()
    session.InteractiveSession._active_count = 0


@pytest.fixture
def sess():
    with tf.Session() as s:
        yield s
