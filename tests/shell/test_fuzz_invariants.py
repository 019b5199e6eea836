"""A bounded fuzz of the shell core that checks its promises after every line, not only at the
end: nothing escapes `Shell.execute`; `tf`, `np` and the user's earlier names are still bound;
the default-session and default-graph stacks are as `:stack` showed them (unless the line
itself changes them, as an InteractiveSession or `:enter` does); a probe session made at the
start still runs exactly one step per call, numbered one after the other; the values the shell
keeps stay under its budget; and a Ctrl-C delivered during a loop of steps stops the loop with
the three counters of `tf.group(assign_add(a, 1), assign_add(b, 1), assign_add(c, 1))` equal.

Lines are TF1 statements, `:commands` with odd arguments, garbage (from test_fuzz_lines.py),
BaseException raisers (SystemExit, KeyboardInterrupt, GeneratorExit raised by user code, also
inside `with` blocks and from a feed), threads, and allocations far too large to make. Ctrl-C
is deterministic: a tripwire wrapped around the counters' AssignAdd kernels calls
`signal.raise_signal(SIGINT)` before or after its k-th call, as tests/engine/test_atomic_steps.py
does. Hypothesis draws with a fixed seed (derandomize) and a bounded number of examples.
"""

from __future__ import annotations

import dataclasses
import math
import re
import signal
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_lines import VALID_STATEMENTS, command_lines, cut_statements, python_soup

from graphshell import tf
from graphshell.shell import commands
from graphshell.shell.core import Shell
from graphshell.shell.results import Result

INVARIANT_SETTINGS = settings(max_examples=300, derandomize=True, database=None, deadline=None,
                              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                     HealthCheck.too_slow])
KEEP_BYTES = 4 * 2**20  # small, so the lines below go over it
KEEP_STEPS = 8
LOOP_STEPS = 200  # steps of the interrupted loop: more than any tripwire reaches

# The user's names, defined before the fuzzed lines; no generator below rebinds them.
SETUP = [
    "import threading, sys",
    "anchor_value = 41",
    "anchor_tensor = tf.constant(1.5, name='anchor')",
    "pb = tf.placeholder(tf.float64, [None], name='pb'); yb = pb * 2.0 + 1.0",
    "mem_sess = tf.Session()",
    "ctrl_graph = tf.Graph()\n"
    "with ctrl_graph.as_default():\n"
    "    ctrl_vars = [tf.Variable(0.0, name=n) for n in 'abc']\n"
    "    ctrl_step = tf.group(*[tf.assign_add(v, 1.0) for v in ctrl_vars])\n"
    "    ctrl_loop = tf.while_loop(lambda i: i >= 0, lambda i: tf.tuple(\n"
    "        [i + 1], control_inputs=[tf.assign_add(v, 1.0) for v in ctrl_vars])[0],\n"
    "        [tf.constant(0)])\n"
    "    ctrl_init = tf.global_variables_initializer()\n"
    "ctrl_sess = tf.Session(graph=ctrl_graph)\n"
    "ctrl_sess.run(ctrl_init)",
]
USER_NAMES = ["anchor_value", "anchor_tensor", "pb", "yb", "mem_sess", "ctrl_graph",
              "ctrl_vars", "ctrl_step", "ctrl_loop", "ctrl_sess", "threading", "sys"]

BASE_EXCEPTION_RAISERS = [
    "raise SystemExit", "raise SystemExit(3)", "sys.exit('bye')", "raise KeyboardInterrupt",
    "raise GeneratorExit", "raise BaseException('odd')",
    "raise type('Odd', (BaseException,), {})()",
    "with mem_sess.as_default(): raise SystemExit(2)",
    "with tf.Graph().as_default(): raise KeyboardInterrupt",
    "with tf.Session() as tmp_sess: raise GeneratorExit",
    "with tf.name_scope('raising'): raise SystemExit",
    "with mem_sess.as_default():\n    with tf.Graph().as_default():\n"
    "        raise KeyboardInterrupt",
    ":eval (_ for _ in ()).throw(KeyboardInterrupt)",
    ":run (_ for _ in ()).throw(SystemExit(4))",
    ":eval (_ for _ in ()).throw(GeneratorExit)",
    ":enter (_ for _ in ()).throw(KeyboardInterrupt)",
    "mem_sess.run(yb, {pb: type('Bad', (), {'__array__': lambda self, *a, **k: "
    "(_ for _ in ()).throw(KeyboardInterrupt)})()})",
    "mem_sess.run(yb, {pb: type('Bye', (), {'__len__': lambda self: "
    "(_ for _ in ()).throw(SystemExit(6))})()})",
    "print(type('P', (), {'__str__': lambda self: (_ for _ in ()).throw(SystemExit(5))})())",
    "type('D', (), {'__del__': lambda self: (_ for _ in ()).throw(KeyboardInterrupt)})()",
]
THREADS = [
    "th = threading.Thread(target=print, args=('from a thread',)); th.start(); th.join()",
    "th = threading.Thread(target=lambda: mem_sess.run(yb, {pb: np.ones(3)})); th.start(); "
    "th.join()",
    "th = threading.Thread(target=lambda: 1 / 0); th.start(); th.join()",
    "th = threading.Thread(target=sys.exit, args=(3,)); th.start(); th.join()",
    "th = threading.Thread(target=lambda: tf.reset_default_graph()); th.start(); th.join()",
    "th = [threading.Thread(target=lambda: [mem_sess.run(yb, {pb: [1.0]}) for _ in range(5)])"
    " for _ in range(3)]; [t.start() for t in th]; [t.join() for t in th]",
    "late = threading.Thread(target=print, args=('late',)); late.start()",
    "late.join()",
]
HUGE_ALLOCATIONS = [
    "np.ones(10**13)", "bytearray(10**14)", "[0] * 10**13", "'x' * 10**14",
    "mem_sess.run(tf.tile(tf.constant([1.0]), [10**12]))",  # int32 here, int64 in TF
    "mem_sess.run(tf.tile(tf.constant([1.0]), tf.constant([10**12], tf.int64)))",
    "mem_sess.run(tf.zeros([10**7, 10**7]))",
    "mem_sess.run(tf.range(tf.constant(0, tf.int64), tf.constant(10**13, tf.int64)))",
    "mem_sess.run(tf.one_hot([1, 2], 10**12))",
    "mem_sess.run(tf.matmul(tf.ones([10**6, 1]), tf.ones([1, 10**6])))",
    "mem_sess.run(yb + tf.zeros([10**6, 1], tf.float64), {pb: np.ones(10**6)})",
    # real values, to fill the kept-values budget: one bigger than all of it, and many steps
    "r = mem_sess.run(yb, {pb: np.ones(10**6)})",
    "for _ in range(12): mem_sess.run(yb, {pb: np.ones(100_000)})",
    "mem_sess.run([yb, yb * 3.0], {pb: np.arange(300_000.0)})",
]


def _not_reset(line: str) -> bool:
    """:reset rebinds everything by design: test_fuzz_lines.py fuzzes it."""
    return commands.split_command(line.strip())[0] != "reset"


def _ctrl_c(kind: str):
    """(kind, k, after): Ctrl-C at the k-th AssignAdd of a loop of steps or of a while loop."""
    return st.tuples(st.just(kind), st.integers(1, 40), st.booleans())


fuzz_lines = st.one_of(
    st.sampled_from(VALID_STATEMENTS), command_lines().filter(_not_reset), python_soup(),
    cut_statements(), st.text(max_size=40), st.sampled_from(BASE_EXCEPTION_RAISERS),
    st.sampled_from(THREADS), st.sampled_from(HUGE_ALLOCATIONS))
actions = st.one_of(fuzz_lines, fuzz_lines, fuzz_lines, _ctrl_c("steps"), _ctrl_c("loop"))


class Tripwire:
    """Wraps the AssignAdd kernels of a graph: calls `raise_signal(SIGINT)` before or after the
    `at`-th call once armed, and again every BACKUP_EVERY calls after it in case one is lost."""

    BACKUP_EVERY = 500

    def __init__(self, graph):
        self.calls, self.at, self.after, self.backups = 0, None, False, 0
        for op in graph.get_operations():
            if op.type == "AssignAdd":  # its own definition: the plan binds the wrapped kernel
                opdef = op._opdef
                op._opdef = dataclasses.replace(opdef, shared_kernel=None, inline=None,
                                                make_kernel=self._wrapping(opdef.make_kernel))

    def _wrapping(self, make_kernel):
        def make(op, runtime):
            kernel = make_kernel(op, runtime)

            def tripped(*args):
                self.calls += 1
                self._maybe_interrupt(before=True)
                result = kernel(*args)
                self._maybe_interrupt(before=False)
                return result
            return tripped
        return make

    def _maybe_interrupt(self, before: bool) -> None:
        if self.at is None or before == self.after or self.calls < self.at:
            return
        late = self.calls - self.at
        if late == 0:
            signal.raise_signal(signal.SIGINT)
        elif late % self.BACKUP_EVERY == 0:  # the first was lost: end the test, not hang it
            self.backups += 1
            if self.backups > 5:
                raise RuntimeError("Ctrl-C never stopped the step")
            signal.raise_signal(signal.SIGINT)

    def arm(self, at: int | None, after: bool = False) -> None:
        self.calls, self.at, self.after = 0, at, after


class Probe:
    """A session the user's lines cannot reach; each `step()` must be exactly one step."""

    def __init__(self, shell: Shell):
        self.shell = shell
        with shell.activated():
            self.graph = tf.Graph()
            with self.graph.as_default():
                self.count = tf.Variable(0, name="probe_count")
                self.bump = tf.assign_add(self.count, 1)
                init = tf.global_variables_initializer()
            self.session = tf.Session(graph=self.graph)
            self.session.run(init)
        self.seen = []
        self.session.add_step_listener(self.seen.append)
        self.calls = 0

    def step(self) -> None:
        before = len(self.seen)
        last_number = self.shell.steps[-1].number if self.shell.steps else 0
        with self.shell.activated():
            value = self.session.run(self.bump)
        self.calls += 1
        new = self.seen[before:]
        assert len(new) == 1, f"one run made {len(new)} steps"
        step = new[0]
        assert value == self.calls, value
        assert step.error is None and step.session_step == self.calls + 1  # +1: the init
        assert step.number == last_number + 1, (step.number, last_number)
        assert self.shell.steps[-1] is step


def stacks_as_shown(shell: Shell) -> tuple[list[str], list[str]]:
    """The default-session and default-graph stacks as `:stack` lists them: session and graph
    numbers, top first (names and op counts change with the user's lines)."""
    result = shell.execute(":stack")
    assert result.ok, result.text
    text = result.text
    sessions_part, _, rest = text.partition("default-graph stack")
    graphs_part = rest.partition("other sessions")[0]
    return (re.findall(r"\b\w*Session#\d+", sessions_part),
            re.findall(r"\bGraph#\d+", graphs_part))


# A line may change the stacks only through these; a `with` block's header pushes and pops.
_STACK_CHANGERS = re.compile(r"InteractiveSession|reset_default_graph|as_default|__enter__|"
                             r"__exit__|close|^\s*:(enter|exit|load)\b")
_WITH_HEADER = re.compile(r"with [^:\n]*:")


def may_change_stacks(line: str) -> bool:
    return bool(_STACK_CHANGERS.search(_WITH_HEADER.sub("", line)))


def distinct_kept_bytes(shell: Shell) -> int:
    """Bytes of the distinct arrays the shell's steps still hold (slots, feeds, results),
    counted here independently of the ledger; constants of the plan are not the shell's."""
    roots = {}
    for step in shell.steps:
        template = step.plan.template if step.plan is not None else ()
        held = [v for slot, v in enumerate(step.values or ())
                if v is not None and not (slot < len(template) and v is template[slot])]
        pending = held + [step.feed_dict, step.results]
        while pending:
            item = pending.pop()
            if isinstance(item, np.ndarray):
                while isinstance(item.base, np.ndarray):
                    item = item.base
                roots[id(item)] = item.nbytes
            elif isinstance(item, (list, tuple)):
                pending.extend(item)
            elif isinstance(item, dict):
                pending.extend(item.values())
    return sum(roots.values())


def check_memory(shell: Shell) -> None:
    kept, budget = shell.kept, shell.kept.budget
    assert kept.total_bytes <= budget.max_bytes, kept.status()
    assert len(kept.kept_steps) <= budget.max_steps, kept.status()
    holding = {id(s) for s in kept.kept_steps}
    for step in shell.steps:
        if id(step) not in holding:
            assert step.values is None and step.feed_dict is None and step.results is None, step
    assert distinct_kept_bytes(shell) <= budget.max_bytes


class Harness:
    def __init__(self, shell: Shell):
        self.shell = shell
        for line in SETUP:
            result = shell.execute(line, show_values=False)
            assert result.ok, result.text
        self.names = {name: shell.namespace[name] for name in USER_NAMES}
        self.probe = Probe(shell)
        self.tripwire = Tripwire(shell.namespace["ctrl_graph"])
        self.stacks = stacks_as_shown(shell)

    def run(self, action) -> None:
        if isinstance(action, tuple):
            self.interrupt(*action)
            return
        stdout, stderr = sys.stdout, sys.stderr
        result = self.shell.execute(action)
        assert isinstance(result, Result) and isinstance(result.text, str)
        assert (sys.stdout, sys.stderr) == (stdout, stderr)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        self.check(changes_stacks=may_change_stacks(action))

    def check(self, changes_stacks: bool = False) -> None:
        namespace = self.shell.namespace
        assert namespace["tf"] is tf and namespace["np"] is np
        for name, value in self.names.items():
            assert namespace.get(name) is value, name
        stacks = stacks_as_shown(self.shell)
        if not changes_stacks:
            assert stacks == self.stacks
        self.stacks = stacks
        self.probe.step()
        check_memory(self.shell)

    def counters(self) -> list[float]:
        session, variables = self.names["ctrl_sess"], self.names["ctrl_vars"]
        return [float(v) for v in session.run(variables)]

    def interrupt(self, kind: str, at: int, after: bool) -> None:
        """Runs a loop of steps (or one endless while-loop step) that only Ctrl-C stops."""
        before = self.counters()
        assert len(set(before)) == 1, before
        source = (f"for _ in range({LOOP_STEPS}):\n    ctrl_sess.run(ctrl_step)" if
                  kind == "steps" else "ctrl_sess.run(ctrl_loop)")
        self.tripwire.arm(at, after)
        try:
            result = self.shell.execute(source)
        finally:
            self.tripwire.arm(None)
        assert result.error is not None and result.error.type_name == "KeyboardInterrupt", \
            result.text
        assert self.tripwire.backups == 0, "the first Ctrl-C was lost"
        after_values = self.counters()
        assert len(set(after_values)) == 1, f"a step was torn: {after_values}"
        if kind == "steps":  # the step it landed in finished (or was undone, also all-or-none)
            landed = math.ceil(at / 3)
            assert after_values[0] - before[0] in (landed, landed - 1), (before, after_values)
        else:  # an endless step is stopped and undone
            assert after_values == before
        self.check()


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # `:load` finds no real file


@pytest.fixture
def python_ctrl_c():
    """SIGINT raises KeyboardInterrupt in the main thread, as in a terminal."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.filterwarnings("ignore::SyntaxWarning",
                            "ignore::pytest.PytestUnhandledThreadExceptionWarning",
                            "ignore::pytest.PytestUnraisableExceptionWarning")
@INVARIANT_SETTINGS
@given(st.lists(actions, min_size=4, max_size=14))
def test_every_line_keeps_the_shell_s_promises(elsewhere, python_ctrl_c, typed):
    shell = Shell(keep_bytes=KEEP_BYTES, keep_steps=KEEP_STEPS)
    try:
        harness = Harness(shell)
        harness.check()
        for action in typed:
            harness.run(action)
    finally:
        shell.close()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning",
                            "ignore::pytest.PytestUnraisableExceptionWarning")
def test_each_kind_of_line_once_in_one_shell(elsewhere, python_ctrl_c):
    """Every hand-written line in order, then a Ctrl-C at each AssignAdd of three steps, so
    each is checked whatever hypothesis draws."""
    shell = Shell(keep_bytes=KEEP_BYTES, keep_steps=KEEP_STEPS)
    try:
        harness = Harness(shell)
        for line in BASE_EXCEPTION_RAISERS + THREADS + HUGE_ALLOCATIONS:
            harness.run(line)
        for at in range(1, 10):
            for after in (False, True):
                harness.run(("steps", at, after))
        harness.run(("loop", 1, False))
        harness.run(("loop", 40, True))
    finally:
        shell.close()
