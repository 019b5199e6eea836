"""The shell on real TensorFlow (skipped without it): the seed lessons, the step commands on
TF's steps, an op graphshell lacks, and `--engine both` catching a planted difference.

Run with TensorFlow's Python and graphshell importable, e.g.
`PYTHONPATH=. /path/to/tf-venv/bin/python -m pytest -q tests/engines`.
"""

import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("tensorflow", reason="the tensorflow engine needs TensorFlow installed")

from graphshell.shell import transcript
from graphshell.shell.commands.graph import step_states
from graphshell.shell.core import Shell
from graphshell.shell.differential import compare_engines

LESSONS = pathlib.Path(__file__).resolve().parents[2] / "sample_graphs"
SEED_LESSONS = ["cond_branch_not_taken", "eval_vs_run", "feeds_and_pruning", "gradient_loop",
                "random_in_one_step", "session_stack", "variables_and_state"]
# On TensorFlow the lessons' transcripts hold but for two things, both TF's own:
# - TF's executor starts ready ops in an order of its own, not the same from run to run (its
#   inter-op threads race: `ut` before `tu`, all constants first), so step lines, `:step` and
#   `:diff` list the same ops in another order: they are compared as sets of names here;
# - a failed TF run returns no RunMetadata, so its step reports no executed ops (the numpy
#   engine lists those that ran before the failure).


@pytest.fixture
def shell():
    made = Shell(seed=0, engine="tensorflow")
    yield made
    made.close()


def _run(shell, *inputs):
    for text in inputs:
        result = shell.execute(text)
        assert result.error is None, (text, result.error)
    return result


def _text(result) -> str:
    return "\n".join(entry.body.plain if hasattr(entry.body, "plain") else str(entry.body)
                     for entry in result.entries)


def _canonical(entry) -> object:
    """An entry as both engines must give it: a step's facts with its ops as a set (the order
    is TF's executor's), the rest as text."""
    if entry.kind in ("step", "step-detail"):
        step = entry.data
        ran = None if step.error is not None else sorted(step.executed_names)
        return (entry.kind, step.number, step.origin, sorted(op.name for op in step.fed_ops),
                ran, type(step.error).__name__ if step.error else None)
    if entry.kind == "diff":
        first, second = (set(step.executed_names) for step in entry.data)
        return ("diff", sorted(first - second), sorted(second - first), sorted(first & second))
    return (entry.kind, entry.body.plain)


def _lesson_outputs(engine: str, lesson: str) -> list:
    shell = Shell(seed=0, engine=engine)
    shell.tb_hints = False
    try:
        examples = transcript.parse((LESSONS / f"{lesson}.transcript").read_text())
        return [(example.source, [_canonical(entry) for entry in shell.execute(
            example.source, example.line, f"<{lesson}>").entries])
            for example in examples if example.runs_something]
    finally:
        shell.reset()
        shell.close()


@pytest.mark.parametrize("lesson", SEED_LESSONS)
def test_the_lesson_transcript_is_the_same_on_tensorflow(lesson):
    numpy_outputs = _lesson_outputs("numpy", lesson)
    assert numpy_outputs == _lesson_outputs("tensorflow", lesson)
    assert any(kind == "step" for _, entries in numpy_outputs for kind, *_ in entries)


@pytest.mark.parametrize("lesson", SEED_LESSONS)
def test_both_engines_agree_on_every_step_of_the_lesson(lesson):
    path = LESSONS / f"{lesson}.gsh"
    comparison = compare_engines(path.read_text(), str(path))
    assert comparison.difference is None, str(comparison.difference)
    assert comparison.steps > 0


def test_tf_is_tensorflows_own_compat_v1_with_v2_behaviour_off(shell):
    import tensorflow.compat.v1 as tf1
    assert shell.namespace["tf"] is tf1
    assert not tf1.executing_eagerly()
    assert "TensorFlow's own tf.compat.v1" in _text(shell.execute("import tensorflow as tf"))
    assert shell.namespace["tf"] is tf1


def test_a_step_records_what_tensorflow_ran_fed_and_pruned(shell):
    _run(shell, 'x = tf.placeholder(tf.float32, [], name="x")',
         'big = tf.cond(x > 10.0, lambda: tf.sqrt(x, name="root"), '
         'lambda: tf.square(x, name="square"), name="pick")',
         "unused = tf.constant(7.0, name='unused')",
         "sess = tf.Session()")
    result = _run(shell, "sess.run(big, {x: 3.0})")
    step = shell.steps[-1]
    assert step.origin == "run" and step.number == 1 and step.error is None
    assert sorted(step.executed_names) == ["Greater", "Greater/y", "pick/Merge", "pick/pred_id",
                                           "pick/root/Switch", "pick/square",
                                           "pick/square/Switch"]
    assert step.executed_names.index("Greater") < step.executed_names.index("pick/square")
    assert [op.name for op in step.fed_ops] == ["x"]
    assert "unused" in [op.name for op in step.pruned_ops]
    assert all(nanoseconds >= 0 for _, nanoseconds in step.op_times_ns)
    assert step.results == 9.0
    states = step_states(step, step.graph)
    assert states["pick/root"] == "untaken"  # needed, but in the branch not taken
    assert states["pick/Merge"] == "fetched"
    assert states["x"] == "fed" and states["unused"] == "pruned"
    assert "step 1 on sess (run): fed x; ran 7 ops" in _text(result)


def test_eval_and_run_of_an_op_are_steps_of_their_own_kind(shell):
    _run(shell, "v = tf.Variable(1.0, name='v')", "s = tf.InteractiveSession()",
         "v.initializer.run()", "v.eval()")
    assert [step.origin for step in shell.steps] == ["op.run", "eval"]
    assert shell.steps[0].target_ops[0].name == "v/Assign"


def test_steps_step_why_and_diff_work_on_tensorflow_steps(shell):
    _run(shell, 't = tf.constant(42.0, name="t")', 'u = tf.constant(37.0, name="u")',
         'tu = tf.multiply(t, u, name="tu")', 'ut = tf.multiply(u, t, name="ut")',
         "sess = tf.Session()", ":enter sess", ":eval tu", ":run tu ut")
    steps = _text(shell.execute(":steps"))
    assert steps.splitlines()[1:] == ["1     sess     eval  tu:0        -    3",
                                      "2     sess     run   tu:0, ut:0  -    4"]
    detail = _text(shell.execute(":step 2"))
    assert "fetched: tu:0, ut:0" in detail and "executed, in order:" in detail
    assert sorted(line.split()[1] for line in detail.splitlines()[4:]) == ["t", "tu", "u", "ut"]
    assert _text(shell.execute(":why t 2")) == \
        "t in step 2: ran because tu was fetched and needs it: tu <- t"
    assert _text(shell.execute(":why ut 1")) == ("ut in step 1: pruned: nothing fetched in "
                                                 "this step depends on it (through data or "
                                                 "control edges)")
    assert _text(shell.execute(":diff 1 2")).splitlines()[:3] == [
        "step 1 ran 3 ops, step 2 ran 4; 3 in both", "only in step 1: nothing",
        "only in step 2: ut"]
    _run(shell, 'late = tf.constant(1.0, name="late")')
    assert _text(shell.execute(":why late 2")) == \
        "late in step 2: did not exist yet (it was created after this step)"


def test_the_stacks_shown_are_tensorflows_own(shell):
    import tensorflow.compat.v1 as tf1
    _run(shell, "g = tf.Graph()", "s = tf.Session(graph=g)", ":enter s")
    assert tf1.get_default_session() is None  # this thread's own stacks are TF's usual ones
    with shell.activated():
        assert tf1.get_default_session() is shell.namespace["s"]
    stack = _text(shell.execute(":stack"))
    assert "* s (Session#1)  graph g (Graph#2)  open  <- default" in stack
    _run(shell, ":exit")
    assert "(empty: t.eval() and op.run() have no default session)" in _text(
        shell.execute(":stack"))


def test_a_while_loop_counts_its_iterations(shell):
    result = _run(shell, "i = tf.constant(0, name='i')",
                  "n = tf.while_loop(lambda i: i < 4, lambda i: i + 1, [i], name='count')",
                  "sess = tf.Session()", "sess.run(n)")
    assert "(count 4 iterations)" in _text(result)
    repeated = dict((op.name, runs) for op, runs in shell.steps[-1].repeated_ops)
    assert repeated["count/add"] == 4 and repeated["count/LoopCond"] == 5
    assert _text(shell.execute(":why count/add")).startswith(
        "count/add in step 1: ran 4 times (in while loop 'count') because count/Exit was "
        "fetched")


def test_an_op_graphshell_lacks_runs_and_is_explained(shell):
    import graphshell.tf as graphshell_tf
    assert not hasattr(graphshell_tf.math, "igamma")
    result = _run(shell, "a = tf.constant(2.0, name='a')",
                  "g = tf.math.igamma(a, tf.constant(1.0, name='x'), name='lower')",
                  "sess = tf.Session()", "sess.run(g)")
    assert "ran 3 ops: " in _text(result)
    assert abs(float(shell.steps[-1].results) - 0.26424111) < 1e-6
    assert _text(shell.execute(":why lower")) == "lower in step 1: ran because it was fetched"
    assert _text(shell.execute(":ops lower")).splitlines()[1].split() == [
        "lower", "Igamma", "()", "float32", "a:0,", "x:0"]
    assert step_states(shell.steps[-1], shell.steps[-1].graph)["lower"] == "fetched"


def test_a_failed_step_keeps_tensorflows_error_class(shell):
    _run(shell, "p = tf.placeholder(tf.float32, name='p')", "sess = tf.Session()")
    result = shell.execute("sess.run(p * 2.0)  # error: InvalidArgumentError")
    assert result.error is None and result.expected_error.type_name == "InvalidArgumentError"
    step = shell.steps[-1]
    assert type(step.error).__module__.startswith("tensorflow.")
    assert step.failed_op.name == "p"


def test_a_refused_request_is_no_step(shell):
    _run(shell, "c = tf.constant(1.0)", "sess = tf.Session()")
    assert shell.execute("sess.run(3)  # error: TypeError").expected_error is not None
    _run(shell, "sess.close()")
    assert shell.execute("sess.run(tf.constant(1.0))  # error: RuntimeError"
                         ).expected_error is not None
    assert shell.steps == []


def test_grappler_is_off_unless_the_users_config_turns_it_on(shell):
    _run(shell, "sess = tf.Session()")
    options = shell.namespace["sess"]._config.graph_options
    assert options.rewrite_options.disable_meta_optimizer
    result = _run(shell, "from tensorflow.core.protobuf import rewriter_config_pb2",
                  "on = tf.ConfigProto(graph_options=tf.GraphOptions(rewrite_options="
                  "rewriter_config_pb2.RewriterConfig()))", "tuned = tf.Session(config=on)")
    assert "the steps show the ops of the rewritten graph" in _text(result)


def test_load_imports_a_graph_def_with_tensorflow(shell, tmp_path):
    import tensorflow.compat.v1 as tf1
    graph = tf1.Graph()
    with graph.as_default():
        tf1.math.igamma(tf1.constant(2.0, name="a"), tf1.constant(1.0, name="x"), name="lower")
    path = tmp_path / "model.pb"
    path.write_bytes(graph.as_graph_def().SerializeToString())
    result = _run(shell, f":load {path}")
    assert _text(result).endswith("loaded " + str(path) + ": 3 ops into a new default graph "
                                  "(Graph#2)")
    _run(shell, "sess = tf.Session()", "sess.run('lower:0')")
    assert shell.steps[-1].executed_names[-1] == "lower"


def test_tensorboard_writes_tensorflows_own_run_metadata(shell, tmp_path):
    _run(shell, "c = tf.constant(1.0, name='c')", "sess = tf.Session()", "sess.run(c)",
         f":tensorboard {tmp_path}")
    assert list(tmp_path.glob("events.out.tfevents.*"))


PLANTED = """\
c = tf.constant(2.0, name="c")
d = tf.identity(c, name="d") if tf.__name__.startswith("graphshell") else c
sess = tf.Session()
sess.run(c)
sess.run(d)
"""


def test_engine_both_flags_a_planted_difference(tmp_path):
    script = tmp_path / "planted.py"
    script.write_text(PLANTED)
    done = subprocess.run([sys.executable, "-m", "graphshell", "--engine", "both", str(script)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert done.stdout == (f"{script}: engines differ at line 5 (sess.run(d)): step 2: "
                           "executed ops differ: only on numpy: d; only on tensorflow: "
                           "nothing\n")


def test_engine_both_flags_a_planted_value_difference():
    text = "c = tf.constant(2.0 if tf.__name__.startswith('graphshell') else 3.0)\n" \
           "sess = tf.Session()\nsess.run(c)\n"
    comparison = compare_engines(text, "planted.gsh")
    assert str(comparison.difference) == ("line 3 (sess.run(c)): step 1: fetched values "
                                          "differ: numpy np.float32(2.0), tensorflow "
                                          "np.float32(3.0)")


def test_reset_closes_tensorflow_sessions_and_starts_over(shell):
    _run(shell, "c = tf.constant(1.0, name='c')", "sess = tf.Session()", ":enter sess",
         "i = tf.InteractiveSession()", "c.eval()")
    old = shell.namespace["sess"]
    _run(shell, ":reset")
    assert old._closed and shell.steps == []
    assert "(empty: t.eval()" in _text(shell.execute(":stack"))
    _run(shell, "d = tf.constant(2.0, name='d')", "s = tf.Session()", "s.run(d)")
    assert shell.steps[-1].number == 1
    assert shell.engine.op_count(shell.default_graph()) == 1


def test_engine_command_switches_a_fresh_shell_to_tensorflow(monkeypatch):
    import tensorflow.compat.v1 as tf1
    monkeypatch.delenv("GRAPHSHELL_ENGINE", raising=False)
    shell = Shell(seed=0)
    try:
        assert shell.engine.name == "numpy"
        assert _text(shell.execute(":engine tensorflow")) == (
            "engine: tensorflow; `tf` is now TensorFlow's tf.compat.v1 (v2 behaviour off)")
        assert shell.namespace["tf"] is tf1
        _run(shell, "s = tf.Session()", "s.run(tf.constant(3.0, name='three'))")
        assert shell.steps[-1].executed_names == ["three"]
    finally:
        shell.close()


def test_the_environment_chooses_the_engine_of_new_shells(monkeypatch):
    monkeypatch.setenv("GRAPHSHELL_ENGINE", "tensorflow")
    shell = Shell()
    try:
        assert shell.engine.name == "tensorflow"
    finally:
        shell.close()


def test_the_command_line_runs_a_lesson_on_tensorflow():
    lesson = LESSONS / "session_stack.transcript"  # its steps run one op each: one order
    done = subprocess.run([sys.executable, "-m", "graphshell", "--engine", "tensorflow",
                           "--check", str(lesson)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout
    assert done.stdout.endswith("all 9 inputs give the expected output\n")


def test_inspect_shows_fetched_values_and_says_why_others_have_none(shell):
    _run(shell, "a = tf.constant(2.0, name='a')", "b = tf.square(a, name='b')",
         "c = tf.add(b, 1.0, name='c')", "sess = tf.Session()", "sess.run(c)")
    assert _text(shell.execute(":inspect c")) == "c:0 in step 1: np.float32(5.0)"
    assert _text(shell.execute(":inspect b")) == (
        "b:0 in step 1: value not kept: TensorFlow returns only fetched and fed values; fetch "
        "b:0 to see it")
    _run(shell, "sess.run(c, {b: 10.0})")
    assert _text(shell.execute(":inspect b")) == "b:0 in step 2: array(10., dtype=float32)"


def test_a_session_on_a_cluster_target_records_its_steps(shell):
    result = _run(shell, "server = tf.train.Server.create_local_server()",
                  "with tf.device('/job:localhost/task:0'):\n"
                  "    c = tf.multiply(tf.constant(2.0, name='two'), 3.0, name='c')",
                  "sess = tf.Session(server.target)", "sess.run(c)")
    assert shell.namespace["sess"].sess_str.startswith(b"grpc://")
    assert _text(result).startswith("step 1 on sess (run): ran 3 ops: ")
    assert sorted(shell.steps[-1].executed_names) == ["c", "c/y", "two"]
    assert shell.steps[-1].results == 6.0


def test_composite_fetches_keep_their_values_beside_their_tensors(shell):
    result = _run(shell, "sp = tf.SparseTensor(indices=[[0, 1]], values=[5.0], dense_shape=[2, 2])",
                  "c = tf.constant(1.0, name='c')", "sess = tf.Session()",
                  "sess.run({'sparse': sp, 'pair': (c, c)})")
    step = shell.steps[-1]
    assert sorted(t.name for t in step.fetched_tensors) == [
        "SparseTensor/dense_shape:0", "SparseTensor/indices:0", "SparseTensor/values:0", "c:0"]
    assert step.value_of(step.graph.get_tensor_by_name("SparseTensor/values:0")).tolist() == [5.0]
    assert step.value_of(step.graph.get_tensor_by_name("c:0")) == 1.0
    assert "SparseTensorValue(indices=array([[0, 1]])" in _text(result)


def _free_ports(count: int) -> list[int]:
    import socket
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("localhost", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def test_a_step_on_a_two_task_cluster_lists_the_ops_of_both_tasks(shell):
    first, second = _free_ports(2)
    _run(shell, f"cluster = tf.train.ClusterSpec({{'worker': ['localhost:{first}', "
                f"'localhost:{second}']}})",
         "w0 = tf.train.Server(cluster, job_name='worker', task_index=0)",
         "w1 = tf.train.Server(cluster, job_name='worker', task_index=1)",
         "with tf.device('/job:worker/task:1'):\n    b = tf.square(tf.constant(2.0, name='a'), "
         "name='b')",
         "with tf.device('/job:worker/task:0'):\n    c = tf.multiply(b, 3.0, name='c')",
         "sess = tf.Session(w0.target)", "sess.run(c)")
    step = shell.steps[-1]
    assert sorted(step.executed_names) == ["a", "b", "c", "c/y"]
    devices = {device.device for device in step.run_metadata.step_stats.dev_stats}
    assert {"/job:worker/replica:0/task:0/device:CPU:0",
            "/job:worker/replica:0/task:1/device:CPU:0"} <= devices


def test_make_callable_runs_are_steps_of_their_own_kind(shell):
    _run(shell, "x = tf.placeholder(tf.float32, [], name='x')", "y = tf.multiply(x, 2.0, name='y')",
         "c = tf.constant(1.0, name='c')", "sess = tf.Session()",
         "double = sess.make_callable(y, [x])", "one = sess.make_callable(c)",
         "double(4.0)", "one()")
    assert [(step.origin, step.results) for step in shell.steps] == [("callable", 8.0),
                                                                     ("callable", 1.0)]
    assert [op.name for op in shell.steps[0].fed_ops] == ["x"]
