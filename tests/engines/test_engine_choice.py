"""Choosing an engine: --engine, $GRAPHSHELL_ENGINE and :engine, and the one line said when
TensorFlow is not installed (these run without TensorFlow)."""

import importlib.util
import subprocess
import sys

import pytest

from graphshell import engines
from graphshell.shell import engine_choice
from graphshell.shell.core import Shell

HAS_TENSORFLOW = importlib.util.find_spec("tensorflow") is not None
needs_no_tensorflow = pytest.mark.skipif(HAS_TENSORFLOW, reason="TensorFlow is installed here")


@pytest.fixture
def shell():
    made = Shell(seed=0)
    yield made
    made.close()


def test_the_default_engine_is_numpy(shell, monkeypatch):
    monkeypatch.delenv(engines.ENGINE_ENV, raising=False)
    assert engine_choice.chosen_name() == "numpy"
    assert shell.engine.name == "numpy"
    assert shell.namespace["tf"] is engines.load("numpy").tf


def test_an_unknown_engine_name_is_one_line_listing_the_engines(monkeypatch):
    with pytest.raises(engines.EngineUnavailable, match="unknown engine 'jax': choose one of "
                                                        "numpy, tensorflow"):
        Shell(engine="jax")
    monkeypatch.setenv(engines.ENGINE_ENV, "torch")
    with pytest.raises(engines.EngineUnavailable, match=r"^\$GRAPHSHELL_ENGINE: unknown engine"):
        engine_choice.chosen_name()


@needs_no_tensorflow
def test_without_tensorflow_the_engine_says_how_to_install_it():
    with pytest.raises(engines.EngineUnavailable) as caught:
        Shell(engine="tensorflow")
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith("install it with: pip install 'graphshell[tensorflow]'")


@needs_no_tensorflow
@pytest.mark.parametrize("how", [["--engine", "tensorflow"], ["--engine", "both"]])
def test_the_command_line_says_it_in_one_line_and_exits_2(tmp_path, how):
    script = tmp_path / "lesson.gsh"
    script.write_text("x = 1\n")
    done = subprocess.run([sys.executable, "-m", "graphshell", *how, str(script)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "pip install 'graphshell[tensorflow]'" in done.stderr


def test_engine_both_needs_a_script():
    done = subprocess.run([sys.executable, "-m", "graphshell", "--engine", "both", "-c", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == "graphshell: --engine both runs a script: give a FILE\n"


def test_engine_command_shows_the_engine(shell):
    result = shell.execute(":engine")
    assert result.error is None
    assert result.entries[0].body.plain == ("engine: numpy (:engine tensorflow switches "
                                              "before a graph is built)")
    assert shell.execute(":engine numpy").entries[0].body.plain == \
        "already on the numpy engine"


def test_engine_command_refuses_once_a_graph_is_built(shell):
    shell.execute("c = tf.constant(1.0)")
    result = shell.execute(":engine tensorflow")
    assert result.error.message == ("cannot switch engines with 1 op in the default graph on "
                                    "numpy: :reset first, then :engine tensorflow")
    assert shell.execute(":engine torch").error.message == \
        "unknown engine 'torch': choose one of numpy, tensorflow"


@needs_no_tensorflow
def test_engine_command_without_tensorflow_keeps_the_shell_on_numpy(shell):
    result = shell.execute(":engine tensorflow")
    assert "pip install 'graphshell[tensorflow]'" in result.error.message
    assert shell.engine.name == "numpy"
    assert shell.execute("tf.constant(2.0)").error is None
