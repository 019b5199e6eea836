import pytest

from graphshell.shell.core import Shell


@pytest.fixture
def shell():
    instance = Shell()
    yield instance
    instance.close()

