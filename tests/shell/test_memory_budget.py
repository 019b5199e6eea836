"""The shell keeps its steps' values under a budget of bytes and steps (issue 13, memory): the
oldest go first, a value bigger than the budget is not kept, a dropped step stays in the
history, and keeping never makes a step fail."""

import os
import subprocess
import sys
import tracemalloc

import pytest

from graphshell.shell import keep
from graphshell.shell.core import Shell

MiB = 2**20
N = 10**5  # float64 elements: 0.8 MB per array


def make_shell(**budget):
    shell = Shell(**budget)
    for line in ["p = tf.placeholder(tf.float64, [None], name='p')", "y = p * 2.0",
                 "s = tf.InteractiveSession()"]:
        assert shell.execute(line).error is None
    return shell


def run(shell, line):
    result = shell.execute(line)
    assert result.error is None, result.error
    return result.text


def rss_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_a_loop_of_big_steps_keeps_values_under_the_budget_and_memory_bounded():
    budget = 4 * MiB
    shell = make_shell(keep_bytes=budget, keep_steps=100)
    watch_rss = os.path.exists("/proc/self/statm")
    rss_before = rss_bytes() if watch_rss else 0
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        for _ in range(10):  # 200 steps, the ledger checked between inputs
            shell.execute(f"for i in range(20): s.run(y, {{p: np.ones({N})}})",
                          show_values=False)
            assert 0 < shell.kept.total_bytes <= budget
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(shell.steps) == 200  # every step is still in the history
    # without the budget this is 200 steps x (feed + result) = 320 MB
    assert current - start < budget + 8 * MiB
    if watch_rss:
        assert rss_bytes() - rss_before < 64 * MiB
    kept = shell.kept.kept_steps
    assert kept[-1] is shell.steps[-1] and len(kept) == budget // (2 * N * 8)
    shell.close()


def test_a_dropped_step_keeps_what_ran_and_says_why_its_values_are_gone():
    shell = make_shell(keep_bytes=16 * MiB, keep_steps=3)
    run(shell, "for i in range(5): s.run(y, {p: np.arange(4.0) + i})")
    first, last = shell.steps[0], shell.steps[-1]
    assert first.values is None and first.feed_dict is None and first.results is None
    assert first.executed_names == last.executed_names == ["mul/y", "mul"]
    assert first.duration_ns >= 0 and [t.name for t in first.fed_tensors] == ["p:0"]
    note = run(shell, ":inspect y 1")
    assert note == ("mul:0 in step 1: value not kept: values are kept for the last 3 steps "
                    "only (:keep 16M 30 raises it)\n")
    assert run(shell, ":inspect y 5") == "mul:0 in step 5: array([ 8., 10., 12., 14.])\n"
    assert run(shell, ":inspect y") == run(shell, ":inspect y 5")  # the last step is the default
    step_text = run(shell, ":step 1")
    assert "executed, in order:" in step_text and step_text.rstrip().splitlines()[-1] == (
        "values: not kept: values are kept for the last 3 steps only (:keep 16M 30 raises it)")
    assert "values:" not in run(shell, ":step 5")
    assert "only in step 1: nothing" in run(shell, ":diff 1 5")
    assert "ran" in run(shell, ":why mul 1")
    shell.close()


def test_the_byte_budget_drops_the_oldest_steps_first():
    shell = make_shell(keep_bytes=4 * MiB, keep_steps=100)
    run(shell, f"for i in range(6): s.run(y, {{p: np.ones({N})}})")
    assert [s.number for s in shell.kept.kept_steps] == [5, 6]  # 1.6 MB each
    assert "older values are dropped to stay under the 4 MiB budget (:keep 16M raises it)" in \
        run(shell, ":inspect y 4")
    shell.close()


def test_a_value_bigger_than_the_budget_is_not_kept_and_the_others_are():
    shell = make_shell(keep_bytes=1 * MiB, keep_steps=10)
    run(shell, "total = tf.reduce_sum(p)")
    run(shell, f"s.run(total, {{p: np.ones({2 * N})}})")  # a 1.6 MB feed, a scalar result
    assert run(shell, ":inspect total") == "Sum:0 in step 1: np.float64(200000.0)\n"
    assert run(shell, ":inspect p") == (
        "p:0 in step 1: value not kept: at 1.5 MiB it is bigger than the whole budget of 1 MiB "
        "(:keep 16M raises it)\n")
    assert shell.kept.total_bytes == 8
    assert run(shell, ":step 1").rstrip().splitlines()[-1].startswith("values: p:0 not kept: ")
    shell.close()


def test_a_buffer_held_by_several_steps_and_slots_counts_once():
    shell = make_shell()
    run(shell, f"x = np.ones({N})")
    run(shell, "for i in range(10): s.run(p, {p: x})")  # a fed fetch: the same array each time
    assert shell.kept.total_bytes == N * 8
    shell.close()


def test_failed_steps_are_trimmed_too_and_their_tracebacks_release_the_values():
    budget = 2 * MiB
    shell = make_shell(keep_bytes=budget, keep_steps=100)
    run(shell, "bad = tf.reshape(y, [3])")
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        run(shell, f"for i in range(40):\n    try:\n        s.run(bad, {{p: np.ones({N})}})\n"
                   "    except tf.errors.InvalidArgumentError as caught:\n        pass")
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert all(step.error is not None for step in shell.steps[-40:])
    assert shell.kept.total_bytes <= budget
    assert current - start < budget + 8 * MiB  # 40 x 1.6 MB without the budget
    shell.close()


def test_keep_shows_and_changes_the_budget():
    shell = make_shell(keep_bytes=64 * MiB, keep_steps=10)
    assert run(shell, ":keep") == \
        "keeping step values up to 64 MiB, for the last 10 steps; none kept now\n"
    run(shell, "for i in range(4): s.run(y, {p: np.ones(8)})")
    assert run(shell, ":keep") == ("keeping step values up to 64 MiB, for the last 10 steps; "
                                   "now 4 steps (1-4), 512 B\n")
    assert run(shell, ":keep 1G 2") == ("keeping step values up to 1 GiB, for the last 2 steps; "
                                        "now 2 steps (3-4), 256 B\n")
    assert run(shell, ":keep 0") == "keeping no step values (off); none kept now\n"
    run(shell, "s.run(y, {p: np.ones(8)})")
    assert "keeping values is off (:keep 256M turns it on)" in run(shell, ":inspect y")
    for bad, message in [(":keep lots", "not a size: 'lots'"),
                         (":keep 1G many", "not a number of steps: 'many'"),
                         (":keep 1 2 3", "usage: :keep [SIZE [STEPS]]")]:
        result = shell.execute(bad)
        assert result.error.type_name == "CommandError" and message in result.error.message
    assert ":keep [SIZE [STEPS]]" in run(shell, ":help") and "GRAPHSHELL_KEEP_BYTES" in \
        run(shell, ":help keep")
    run(shell, ":reset")
    assert shell.kept.total_bytes == 0 and shell.kept.kept_steps == []
    shell.close()


def test_running_out_of_memory_drops_every_kept_value():
    shell = make_shell()
    run(shell, f"s.run(y, {{p: np.ones({N})}})")
    huge = shell.execute("s.run(tf.zeros([10**7, 10**7]))")
    assert huge.error.type_name == "ResourceExhaustedError"
    assert shell.kept.total_bytes == 0
    assert "dropped to free memory when step 2 ran out of it" in run(shell, ":inspect y 1")
    shell.close()


def test_keeping_never_makes_a_step_fail(monkeypatch):
    shell = make_shell()

    def no_memory(step):
        raise MemoryError

    monkeypatch.setattr(keep, "_step_buffers", no_memory)
    assert "array([2., 4.])" in run(shell, "s.run(y, {p: [1.0, 2.0]})")
    assert "there was no memory left to keep them" in run(shell, ":inspect y")
    shell.close()


def test_sizes_parse_and_print_as_people_write_them():
    assert [keep.parse_size(t) for t in ["0", "off", "512", "64K", "256M", "1.5G", "2GiB",
                                         "3mb"]] == \
        [0, 0, 512, 64 * 2**10, 256 * MiB, 3 * 2**29, 2 * 2**30, 3 * MiB]
    assert [keep.format_size(n) for n in [0, 800, 2**10, 3 * 2**29, 256 * MiB]] == \
        ["0 B", "800 B", "1 KiB", "1.5 GiB", "256 MiB"]
    with pytest.raises(ValueError, match="not a size"):
        keep.parse_size("-1M")
    with pytest.raises(ValueError, match="cannot be negative"):
        Shell(keep_bytes=-1)


def test_the_default_budget_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(keep.ENV_KEEP_BYTES, "32M")
    monkeypatch.setenv(keep.ENV_KEEP_STEPS, "7")
    shell = Shell()
    assert shell.kept.budget == keep.Budget(32 * MiB, 7)
    assert Shell(keep_steps=3).kept.budget == keep.Budget(32 * MiB, 3)
    monkeypatch.setenv(keep.ENV_KEEP_BYTES, "plenty")  # the command line reports it
    assert Shell().kept.budget == keep.Budget(keep.DEFAULT_KEEP_BYTES, keep.DEFAULT_KEEP_STEPS)
    assert keep.Budget() == keep.Budget(256 * MiB, 100)


def graphshell(*args, env=None):
    environment = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "graphshell.cli", *args], capture_output=True,
                          timeout=60, env=environment)


def test_the_command_line_sets_the_budget_and_reports_a_bad_one():
    done = graphshell("--keep-bytes", "1M", "--keep-steps", "2", "-c", ":keep")
    assert done.returncode == 0
    assert done.stdout == b"keeping step values up to 1 MiB, for the last 2 steps; none kept now\n"
    done = graphshell("-c", ":keep", env={keep.ENV_KEEP_STEPS: "9"})
    assert b"for the last 9 steps" in done.stdout
    bad = graphshell("-c", ":keep", env={keep.ENV_KEEP_BYTES: "plenty"})
    assert bad.returncode == 2 and bad.stderr == (
        b"graphshell: $GRAPHSHELL_KEEP_BYTES: not a size: 'plenty' (write it like 256M, 1G or "
        b"0)\n")
    assert graphshell("--keep-bytes", "lots", "-c", "1").returncode == 2
    helped = graphshell("--help").stdout.decode()
    assert "--keep-bytes SIZE" in helped and "GRAPHSHELL_KEEP_STEPS" in helped


def test_the_explorer_inspector_says_a_value_was_not_kept():
    panels = pytest.importorskip("graphshell.faces.tui.panels")
    shell = make_shell(keep_bytes=16 * MiB, keep_steps=1)
    run(shell, "for i in range(2): s.run(y, {p: [1.0, 2.0]})")
    first, last = shell.steps
    mul = shell.namespace["y"].op
    assert "value in step 1: not kept: values are kept for the last step only" in \
        panels.op_text(mul, first).plain
    assert "value in step 2: array([2., 4.])" in panels.op_text(mul, last).plain
    shell.close()


def test_a_loop_of_bare_expressions_shows_each_value_but_keeps_only_the_newest(shell):
    """As in Python's REPL, `for ...: expr` shows every value; the input keeps only the newest
    object, so a loop of runs does not hold every array it made until the input ends."""
    for line in ("import weakref", "class Big:\n    def __repr__(self):\n        return 'Big'\n",
                 "made = []"):
        assert shell.execute(line).error is None
    result = shell.execute("for i in range(3):\n    made.append(weakref.ref(b := Big()))\n"
                           "    b\n")
    shown = [entry for entry in result.entries if entry.kind == "value"]
    assert [entry.body.plain for entry in shown] == ["Big", "Big", "Big"]
    assert [entry.data is None for entry in shown] == [True, True, False]
    shell.execute("del b")
    alive = [ref() is not None for ref in shell.namespace["made"]]
    assert alive == [False, False, True]  # the newest is still held by the entry and `_`
