"""Step records: what each run fetched, fed and executed; listeners; RunMetadata traces."""

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.graph import registry
from graphshell.engine.graph.build import make_tensor
from graphshell.engine.run import steps as steps_module


@pytest.fixture
def recorded():
    seen = []
    steps_module.add_step_listener(seen.append)
    yield seen
    steps_module.remove_step_listener(seen.append)


def test_eval_twice_is_two_steps_and_run_of_both_is_one(recorded):
    t, u = tf.constant(42.0, name="t"), tf.constant(37.0, name="u")
    tu, ut = tf.multiply(t, u, name="tu"), tf.multiply(u, t, name="ut")
    with tf.Session() as sess:
        tu.eval()
        ut.eval()
        sess.run([tu, ut])
    assert [s.origin for s in recorded] == ["eval", "eval", "run"]
    assert [s.executed_names for s in recorded] == [["t", "u", "tu"], ["t", "u", "ut"],
                                                    ["t", "u", "tu", "ut"]]
    assert [s.session_step for s in recorded] == [1, 2, 3]
    numbers = [s.number for s in recorded]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


def test_steps_record_fed_and_pruned_ops(recorded):
    x = tf.placeholder(tf.float32, [], name="x")
    h = tf.multiply(x, 2.0, name="h")
    y = tf.add(h, 1.0, name="y")
    tf.sqrt(x, name="unused")
    with tf.Session() as sess:
        sess.run(y, {h: 3.0})
    step = recorded[-1]
    assert step.executed_names == ["y/y", "y"]
    assert [op.name for op in step.fed_ops] == ["h"]
    assert {op.name for op in step.pruned_ops} == {"x", "h/y", "unused"}
    assert step.feed_dict == {h: 3.0} and step.fetches is y


def test_op_run_is_recorded_with_its_origin(recorded):
    v = tf.Variable(1.0, name="v")
    with tf.Session():
        v.initializer.run()
    assert recorded[-1].origin == "op.run"
    assert recorded[-1].executed_names == ["v/initial_value", "v", "v/Assign"]


def test_op_times_are_measured_for_each_executed_op(recorded):
    a = tf.constant([1.0, 2.0])
    b = tf.reduce_sum(a * a)
    with tf.Session() as sess:
        sess.run(b)
    times = recorded[-1].op_times_ns
    assert [op.name for op, _ in times] == recorded[-1].executed_names
    assert all(t >= 0 for _, t in times) and sum(t for _, t in times) > 0


def test_failed_steps_are_recorded_with_their_error(recorded):
    p = tf.placeholder(tf.float32, name="p")
    y = tf.identity(p * 2.0, name="y")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(y)
    step = recorded[-1]
    assert isinstance(step.error, tf.errors.InvalidArgumentError) and not step.interrupted
    assert step.failed_op.name == "p" and "y" not in step.executed_names


def test_a_broken_listener_does_not_break_the_step():
    def broken(step):
        raise RuntimeError("listener bug")
    steps_module.add_step_listener(broken)
    try:
        with tf.Session() as sess, pytest.warns(RuntimeWarning, match="listener bug"):
            assert sess.run(tf.constant(3.0)) == 3.0
    finally:
        steps_module.remove_step_listener(broken)


def test_run_metadata_is_filled_only_with_a_trace_request():
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        c = tf.constant(1.0)
        sess.run(c, run_metadata=metadata)
        assert not metadata.HasField("step_stats")
        sess.run(c, options=options, run_metadata=metadata)
        assert metadata.HasField("step_stats") and len(metadata.step_stats.dev_stats) == 1


def executed_user_nodes(fetch, feed=None):
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    metadata = tf.RunMetadata()
    with tf.Session(config=tf.ConfigProto()) as sess:
        sess.run(fetch, feed, options=options, run_metadata=metadata)
    names = [n.node_name for d in metadata.step_stats.dev_stats for n in d.node_stats]
    return sorted(n for n in names if not n.startswith("_")), names


def test_traced_nodes_are_the_pruned_subgraph():
    a, b = tf.constant(2.0, name="a"), tf.constant(3.0, name="b")
    c = tf.multiply(a, b, name="c")
    d = tf.add(c, 1.0, name="d")
    tf.sqrt(a, name="unused")
    user, everything = executed_user_nodes(d)
    assert user == ["a", "b", "c", "d", "d/y"]
    assert everything[0] == "_SOURCE" and "_retval_d_0_0" in everything
    user, everything = executed_user_nodes(d, {c: 10.0})
    assert user == ["d", "d/y"] and "_arg_c_0_0" in everything


def test_traces_follow_control_edges():
    x = tf.placeholder(tf.float32, name="x")
    i1 = tf.identity(x, name="i1")
    k = tf.constant(1.0, name="k")
    with tf.control_dependencies([i1]):
        cd = tf.identity(k, name="cd")
    assert executed_user_nodes(cd, {x: 1.0})[0] == ["cd", "i1", "k"]
    assert executed_user_nodes(tf.no_op(name="n"))[0] == ["n"]


def test_config_protos_accept_tensorflow_settings():
    config = tf.ConfigProto(allow_soft_placement=True)
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    config.graph_options.optimizer_options.opt_level = tf.OptimizerOptions.L0
    config.gpu_options.allow_growth = True
    with tf.Session(config=config) as sess:
        assert sess.run(tf.constant(2.0)) == 2.0
    with pytest.raises(ValueError, match='has no "nope" field'):
        tf.ConfigProto(nope=1)


def test_nested_loop_iterations_are_the_passes_of_its_body(recorded):
    def outer_body(i):
        inner = tf.while_loop(lambda j: j < 3, lambda j: j + 1, [tf.constant(0)], name="inner")
        return i + 1 + 0 * inner
    tf.while_loop(lambda i: i < 4, outer_body, [tf.constant(0)], name="outer")
    with tf.Session() as sess:
        sess.run(tf.get_default_graph().get_tensor_by_name("outer/Exit:0"))
    assert recorded[-1].loop_iterations == [("outer", 4), ("outer/inner", 4 * 3)]


def _stop_at_five(value):
    if np.all(value >= 5):
        raise KeyboardInterrupt  # Ctrl-C pressed while this kernel runs
    return value


if "StopAtFiveForTest" not in registry.registered_types():
    registry.define("StopAtFiveForTest", kernel=_stop_at_five, stateful=True,
                    infer=lambda op: [(op._inputs[0].dtype, op._inputs[0]._shape)])


def test_a_step_interrupted_in_a_loop_condition_counts_the_passes_that_finished(recorded):
    def condition(i):
        stopped = make_tensor("StopAtFiveForTest", [i], "stop_at_five")
        return stopped < 100
    loop = tf.while_loop(condition, lambda i: i + 1, [tf.constant(0)])
    with tf.Session() as sess, pytest.raises(KeyboardInterrupt):
        sess.run(loop)
    step = recorded[-1]
    assert step.interrupted and step.failed_op is None
    assert step.loop_iterations == [("while", 5)]  # i went 0 -> 5: five bodies finished
