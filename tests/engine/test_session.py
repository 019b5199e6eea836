"""Session.run: fetch structures, closing, default sessions, eval vs run, InteractiveSession."""

import collections

import numpy as np
import pytest

from graphshell import tf

ABC = collections.namedtuple("ABC", ["a", "b", "c"])


def test_fetching_a_tensor_its_op_and_its_name(sess):
    a = tf.constant(42.0)
    assert sess.run(a) == 42.0 and sess.run(a.op) is None and sess.run(a.name) == 42.0
    assert isinstance(sess.run(a), np.float32)


def test_fetch_structures_keep_their_container_types(sess):
    a, b, c = tf.constant(42.0), tf.no_op(), tf.constant(44.0)
    assert sess.run([a, b, c, a.name]) == [42.0, None, 44.0, 42.0]
    assert sess.run((a, b, c)) == (42.0, None, 44.0)
    result = sess.run(ABC(a, b, c))
    assert type(result) is ABC and result == ABC(42.0, None, 44.0)
    ordered = sess.run(collections.OrderedDict([(3, a), (2, b), (1, c)]))
    assert type(ordered) is collections.OrderedDict and list(ordered.items()) == \
        [(3, 42.0), (2, None), (1, 44.0)]
    default = sess.run(collections.defaultdict(list, {"a": a}))
    assert default.default_factory is list and default["a"] == 42.0


def test_nested_and_empty_fetches(sess):
    a, b = tf.constant(11.0), tf.no_op()
    assert sess.run([[], (), {}, a]) == [[], (), {}, 11.0]
    nested = sess.run({"d": [a, b], "e": (a,), "f": ABC(a=a.name, b=b, c=[a])})
    assert nested == {"d": [11.0, None], "e": (11.0,), "f": ABC(11.0, None, [11.0])}


def test_duplicate_fetches_share_one_value_object(sess):
    a = tf.constant([1.0, 1.0])
    result = sess.run([a, tf.constant(2.0), a, a.name])
    assert result[0] is result[2] is result[3]


def test_one_step_computes_each_op_once():
    steps = []
    s = tf.Session()
    s.add_step_listener(steps.append)
    a = tf.constant(2.0)
    t, u = a * 3.0, a * 4.0
    s.run([t, u, t])
    assert len(steps) == 1
    assert sorted(op.name for op in steps[0].executed_ops) == \
        ["Const", "mul", "mul/y", "mul_1", "mul_1/y"]


@pytest.mark.parametrize("fetch, error, message", [
    (None, TypeError, 'Argument `fetch` = None has invalid type "NoneType". Cannot be None'),
    ([1.0, 3], TypeError, 'Argument `fetch` = 1.0 has invalid type "float" must be a string'),
    ("foo:0", ValueError, "Argument `fetch` = foo:0 cannot be interpreted as a Tensor."),
    ({"a": None}, TypeError, "Cannot be None"),
])
def test_bad_fetches_fail_before_running(sess, fetch, error, message):
    tf.constant(1.0)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        sess.run(fetch)


def test_fetching_an_element_of_another_graph():
    with tf.Graph().as_default() as g1:
        c1 = tf.constant(1.0, name="c")
    with tf.Graph().as_default():
        c2 = tf.constant(2.0, name="c")
    with tf.Session(graph=g1) as s:
        assert s.run(c1) == 1.0
        with pytest.raises(ValueError, match=r"is not an element of this graph"):
            s.run(c2)


def test_closed_sessions_refuse_to_run_and_close_twice():
    with tf.Session() as s:
        c = tf.constant(5.0)
        assert s.run(c) == 5.0
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session."):
        s.run(c)
    s.close()


def test_empty_graph_and_empty_fetches():
    with (tf.Session(graph=tf.Graph()) as s,
          pytest.raises(RuntimeError, match="The Session graph is empty.")):
        s.run([])
    tf.constant(1.0)
    with tf.Session() as s:
        assert (s.run([]), s.run({}), s.run(())) == ([], {}, ())


def test_eval_and_op_run_need_a_default_session():
    c = tf.constant(5.0)
    s = tf.Session()
    with pytest.raises(ValueError, match="Cannot evaluate tensor using `eval\\(\\)`: No default"):
        c.eval()
    with pytest.raises(ValueError, match="Cannot execute operation using `run\\(\\)`: No default"):
        c.op.run()
    assert c.eval(session=s) == 5.0


def test_as_default_does_not_close_and_with_closes():
    c = tf.constant(37)
    s = tf.Session()
    with s.as_default():
        assert c.eval() == 37 and tf.get_default_session() is s
    assert tf.get_default_session() is None and s.run(c) == 37
    with s:
        assert c.eval() == 37
    with pytest.raises(RuntimeError, match="closed Session"):
        s.run(c)


def test_as_default_keeps_the_default_graph_and_with_session_pushes_it():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
    s = tf.Session(graph=g)
    with s.as_default():
        assert tf.get_default_graph() is not g and c.eval() == 1.0
    with tf.Session(graph=g):
        assert tf.get_default_graph() is g


def test_default_session_graph_must_match_the_tensor():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        tf.constant(1.0)
    with g2.as_default():
        c2 = tf.constant(2.0)
    s1, s2 = tf.Session(graph=g1), tf.Session(graph=g2)
    with s1.as_default():
        with pytest.raises(ValueError, match="Cannot use the default session to evaluate"):
            c2.eval()
        with pytest.raises(ValueError, match="Cannot use the default session to execute"):
            c2.op.run()
        with pytest.raises(ValueError, match="Cannot use the given session to evaluate"):
            c2.eval(session=s1)
        assert c2.eval(session=s2) == 2.0


def test_session_context_managers_are_not_reentrant():
    s = tf.Session()
    with pytest.raises(RuntimeError, match="not re-entrant"), s, s:
        pass


def test_default_sessions_nest_and_restore():
    sa, sb = tf.Session(), tf.Session()
    with sa.as_default():
        with sb.as_default():
            assert tf.get_default_session() is sb
            with sb.as_default():
                assert tf.get_default_session() is sb
        assert tf.get_default_session() is sa
    assert tf.get_default_session() is None


def test_leaving_default_sessions_out_of_order_is_an_assertion_error():
    c1, c2 = tf.Session().as_default(), tf.Session().as_default()
    c1.__enter__()
    c2.__enter__()
    with pytest.raises(AssertionError, match="Nesting violated for default stack"):
        c1.__exit__(None, None, None)


def test_interactive_session_installs_itself_and_sees_graph_growth():
    s = tf.InteractiveSession()
    a = tf.constant(1.0, shape=[1, 2])
    c = tf.matmul(a, tf.constant(2.0, shape=[2, 3]))
    assert tf.get_default_session() is s
    np.testing.assert_array_equal(c.eval(), [[4.0, 4.0, 4.0]])
    e = tf.matmul(c, tf.constant([1.0, 2.0, 3.0], shape=[3, 1]))
    np.testing.assert_array_equal(e.eval(), [[24.0]])
    assert e.op.run() is None
    s.close()
    assert tf.get_default_session() is None


def test_second_interactive_session_warns_and_closing_out_of_order_fails():
    s1 = tf.InteractiveSession()
    with pytest.warns(UserWarning, match="An interactive session is already active"):
        s2 = tf.InteractiveSession()
    assert tf.get_default_session() is s2
    with pytest.raises(AssertionError, match="Nesting violated"):
        s1.close()
    s2.close()
    with (pytest.raises(TypeError, match="does not support the context manager protocol"),
          tf.InteractiveSession()):
        pass


@pytest.mark.parametrize("kwargs, message", [
    ({"target": 37}, 'Argument `target` must be a string, but got "int"'),
    ({"config": 37}, 'Argument `config` must be a tf.ConfigProto, but got "int"'),
    ({"graph": 37}, 'Argument `graph` must be a tf.Graph, but got "int"'),
    ({"target": tf.ConfigProto()}, 'Did you do "Session\\(config\\)"'),
])
def test_session_constructor_checks_its_arguments(kwargs, message):
    with pytest.raises(TypeError, match=message):
        tf.Session(**kwargs)


def test_fetched_value_types(sess):
    values = sess.run([tf.constant(1.0), tf.constant(2), tf.constant("hi"), tf.constant(True),
                       tf.constant([1, 2])])
    assert [type(v).__name__ for v in values] == ["float32", "int32", "bytes", "bool", "ndarray"]


def test_fetched_arrays_are_private_copies(sess):
    c = tf.constant([1.0, 2.0])
    v = tf.Variable([3.0, 4.0])
    sess.run(v.initializer)
    fetched_c, fetched_v = sess.run([c, v])
    fetched_c[0] = fetched_v[0] = 99.0
    np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])
    np.testing.assert_array_equal(sess.run(v), [3.0, 4.0])


def test_make_callable_with_and_without_feed_list(sess):
    a = tf.constant(42.0)
    p = tf.placeholder(tf.float32, shape=[])
    y = p + 1.0
    assert sess.make_callable(a)() == 42.0 and sess.make_callable(a.op)() is None
    assert sess.make_callable([y, p], feed_list=[p])(41.0) == [42.0, 41.0]
    with pytest.raises(TypeError, match="`feed_list` must be a list or tuple"):
        sess.make_callable(y, feed_list=p)


def test_partial_run_feeds_and_fetches_within_one_step(sess):
    a, b, c = (tf.placeholder(tf.float32, shape=[]) for _ in range(3))
    r1 = a + b
    r2 = r1 * c
    handle = sess.partial_run_setup([r1, r2], [a, b, c])
    first = sess.partial_run(handle, r1, feed_dict={a: 1, b: 2})
    assert first == 3.0 and sess.partial_run(handle, r2, feed_dict={c: first}) == 9.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="Must run 'setup'"):
        sess.partial_run(handle, r2)


def test_prevent_feeding_and_fetching(sess):
    g = tf.get_default_graph()
    unfeedable = tf.constant(1.0)
    g.prevent_feeding(unfeedable)
    unfetchable = tf.constant(2.0)
    g.prevent_fetching(unfetchable.op)
    with pytest.raises(ValueError, match="may not be fed"):
        sess.run(unfeedable, {unfeedable: 3.0})
    with pytest.raises(tf.errors.InaccessibleTensorError, match="marked as not fetchable"):
        sess.run(unfetchable)


def test_run_time_errors_name_the_failing_op(sess):
    r = tf.reshape(tf.constant([1.0, 2.0]), tf.placeholder(tf.int32, [2], name="target"),
                   name="reshaped")
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(r, {"target:0": [3, 7]})
    assert info.value.op is r.op and "node reshaped" in str(info.value)
    assert sess.run(tf.constant(1.0)) == 1.0


def test_each_thread_has_its_own_default_session_stack():
    import threading
    s = tf.Session()
    seen = []
    with s.as_default():
        thread = threading.Thread(target=lambda: seen.append(tf.get_default_session()))
        thread.start()
        thread.join()
        assert tf.get_default_session() is s
    assert seen == [None]


def test_repeated_steps_reuse_the_cached_plan(sess, monkeypatch):
    from graphshell.engine.run import plan, prune
    y = tf.constant(2.0) * 3.0
    sess.run(y)
    calls = []
    monkeypatch.setattr(prune, "needed_ops", lambda *a: calls.append(a))
    monkeypatch.setattr(plan, "needed_ops", lambda *a: calls.append(a))
    for _ in range(3):
        assert sess.run(y) == 6.0
    assert calls == []
