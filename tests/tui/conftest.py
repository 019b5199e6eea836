import pytest

from graphshell.shell.core import Shell


@pytest.fixture
def shell():
    """A shell for the explorer to run over, closed after the test."""
    instance = Shell(timings=False)
    yield instance
    instance.close()
