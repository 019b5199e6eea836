"""Every test runs in a fresh EngineContext, as a shell runs its inputs: its own default graph,
empty default stacks, numbering from 1 and default settings; nothing global is reset."""

import pytest

from graphshell import tf
from graphshell.engine.graph.context import EngineContext


@pytest.fixture(autouse=True)
def fresh_engine():
    context = EngineContext()
    with context.installed():
        tf.get_default_graph()  # Graph#1 is the test's default graph, whatever it makes first
        yield context


@pytest.fixture
def sess():
    with tf.Session() as s:
        yield s
