""":graph on a wide fan-in and on a long chain: the time of the command grows linearly with the
graph (two sizes compared in one test, each the best of two runs in process time with the
garbage collector paused, against a bound a busy machine cannot reach by noise)."""

import gc
import time

import pytest

from graphshell.shell.core import Shell


def _graph_seconds(build_lines):
    shell = Shell()
    try:
        for line in build_lines:
            assert shell.execute(line).ok, line
        gc.collect()
        gc.disable()  # the collector's passes grow with everything alive, not with :graph
        try:
            start = time.process_time()
            result = shell.execute(":graph")
            seconds = time.process_time() - start
        finally:
            gc.enable()
        assert result.ok, result.text
        return seconds
    finally:
        shell.close()


GRAPHS = {
    "series": lambda n: [f"xs = [tf.constant(1.0) for _ in range({n})]", "y = tf.add_n(xs)"],
    "distinct names": lambda n: [f"xs = [tf.constant(1.0, name=f'c{{i}}x') for i in range({n})]",
                                 "y = tf.add_n(xs)"],
    "chain": lambda n: ["x = tf.constant(1.0)", f"for _ in range({n}): x = x + 1.0\n"],
}


@pytest.mark.parametrize("build", GRAPHS.values(), ids=GRAPHS.keys())
def test_graph_command_time_grows_linearly(build):
    small = min(_graph_seconds(["from graphshell import tf"] + build(1_500)) for _ in range(2))
    large = min(_graph_seconds(["from graphshell import tf"] + build(15_000)) for _ in range(2))
    assert large / max(small, 1e-3) < 30, f"10x the ops took {large / small:.1f}x the time"
