"""Variable scopes and tf.get_variable: naming, reuse, scope defaults, errors, collections."""

import threading

import numpy as np
import pytest

from graphshell import tf


def _op_names():
    return [op.name for op in tf.get_default_graph().get_operations()]


def test_get_variable_names_the_variable_by_scope_and_its_initializer_below_it():
    with tf.variable_scope("foo"), tf.variable_scope("bar"):
        v = tf.get_variable("v", [2, 3])
    assert v.name == "foo/bar/v:0"
    assert v.op.type == "VariableV2"
    assert "foo/bar/v/Initializer/random_uniform/RandomUniform" in _op_names()
    assert v.initializer.name == "foo/bar/v/Assign"


def test_default_float_initializer_is_glorot_uniform_within_its_limit(sess):
    v = tf.get_variable("v", [40, 60])
    sess.run(v.initializer)
    values = sess.run(v)
    limit = np.sqrt(6.0 / (40 + 60))
    assert values.dtype == np.float32
    assert np.abs(values).max() <= limit
    assert np.abs(values).max() > 0.9 * limit  # spread over the whole range, not a constant
    max_const = tf.get_default_graph().get_tensor_by_name("v/Initializer/random_uniform/max:0")
    assert sess.run(max_const) == np.float32(limit)


def test_integer_and_bool_variables_start_at_zero(sess):
    i = tf.get_variable("i", [3], dtype=tf.int64)
    b = tf.get_variable("b", [2], dtype=tf.bool)
    sess.run(tf.global_variables_initializer())
    np.testing.assert_array_equal(sess.run(i), np.zeros(3, np.int64))
    np.testing.assert_array_equal(sess.run(b), np.zeros(2, bool))
    assert "i/Initializer/zeros" in _op_names()


def test_reuse_true_returns_the_same_object_and_adds_no_variable_ops():
    with tf.variable_scope("s"):
        v = tf.get_variable("v", [1])
    count = len(_op_names())
    with tf.variable_scope("s", reuse=True):
        assert tf.get_variable("v", [1]) is v
    assert len(_op_names()) == count
    assert tf.global_variables() == [v]


def test_auto_reuse_creates_once_then_shares():
    def make():
        with tf.variable_scope("layer", reuse=tf.AUTO_REUSE):
            return tf.get_variable("w", [2])
    assert make() is make()
    assert [v.name for v in tf.global_variables()] == ["layer/w:0"]


def test_ops_in_a_reentered_scope_string_go_to_a_new_name_scope():
    with tf.variable_scope("foo"):
        first = tf.constant(1.0) + 1
    with tf.variable_scope("foo"):
        second = tf.constant(1.0) + 1
        v = tf.get_variable("v", [1])
    assert (first.name, second.name, v.name) == ("foo/add:0", "foo_1/add:0", "foo/v:0")


def test_reentering_a_scope_object_opens_a_name_scope_from_its_last_component():
    with tf.variable_scope("outer"), tf.variable_scope("inner") as inner:
        pass
    with tf.variable_scope(inner) as again:
        c = tf.constant(0, name="c")
        w = tf.get_variable("w", [1])
    assert (again.name, again.original_name_scope) == ("outer/inner", "outer/inner/")
    assert (c.name, w.name) == ("inner/c:0", "outer/inner/w:0")


def test_existing_variable_without_reuse_names_the_line_that_made_it():
    tf.get_variable("v", [1])
    with pytest.raises(ValueError) as info:
        tf.get_variable("v", [1])
    message = str(info.value)
    assert message.startswith("Variable v already exists, disallowed. Did you mean to set "
                              "reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally "
                              "defined at:")
    assert "test_variable_scopes.py" in message and "graphshell/engine" not in message


def test_missing_variable_under_reuse_is_refused():
    missing = r"Variable s/v does not exist, or was not created with tf.get_variable\(\)"
    with tf.variable_scope("s", reuse=True), pytest.raises(ValueError, match=missing):
        tf.get_variable("v", [1])


def test_reuse_with_other_shape_or_dtype_is_refused():
    tf.get_variable("v", [2])
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        with pytest.raises(ValueError, match=r"specified shape \(3,\) and found shape \(2,\)"):
            tf.get_variable("v", [3])
        with pytest.raises(ValueError, match="specified dtype int32 and found dtype "
                                             "float32_ref"):
            tf.get_variable("v", [2], dtype=tf.int32)


def test_partitioned_variables_are_refused_clearly():
    def two_parts(shape, dtype):
        return [2, 1]
    with pytest.raises(NotImplementedError, match="partitioned variables"):
        tf.get_variable("v", [4, 2], partitioner=two_parts)
    scalar = tf.get_variable("s", [], partitioner=two_parts)  # scalars are never partitioned
    assert scalar.shape.as_list() == []


def test_scope_initializer_dtype_and_regularizer_are_inherited(sess):
    def halve_sum(w):
        return tf.reduce_sum(w) * 0.5

    with tf.variable_scope("a", initializer=tf.constant_initializer(3.0), dtype=tf.float64,
                           regularizer=halve_sum), tf.variable_scope("b"):
        v = tf.get_variable("v", [2])
    sess.run(v.initializer)
    np.testing.assert_array_equal(sess.run(v), np.array([3.0, 3.0]))
    assert v.dtype.name == "float64_ref"
    (loss,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert loss.name.startswith("a/b/v/Regularizer/")
    assert sess.run(loss) == 3.0


def test_collected_regularization_loss_builds_new_ops_each_time_it_is_used(sess):
    v = tf.get_variable("v", initializer=tf.constant([2.0]), regularizer=lambda w: w * 3.0)
    (loss,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    first, second = tf.identity(loss), tf.identity(loss)
    assert first.op.inputs[0] is not second.op.inputs[0]
    assert all(t.op.inputs[0].name.startswith("v/Regularizer/") for t in (first, second))
    sess.run(v.initializer)
    assert sess.run([loss, first, second]) == [[6.0], [6.0], [6.0]]


def test_custom_getter_receives_the_true_getter_and_keyword_arguments():
    seen = {}

    def no_training(getter, name, *args, **kwargs):  # TF passes `getter` by keyword
        seen.update(kwargs, name=name)
        kwargs["trainable"] = False
        return getter(name, *args, **kwargs)

    with tf.variable_scope("g", custom_getter=no_training):
        v = tf.get_variable("v", [2], initializer=tf.zeros_initializer())
    assert seen["name"] == "g/v" and seen["shape"] == [2] and "constraint" in seen
    assert not v.trainable and tf.trainable_variables() == []


def test_get_local_variable_goes_to_local_variables_only():
    loc = tf.get_local_variable("loc", [1], initializer=tf.zeros_initializer())
    assert tf.local_variables() == [loc]
    assert tf.global_variables() == [] and not loc.trainable


def test_variable_collections_argument_must_be_a_collection_of_names():
    with pytest.raises(ValueError, match="collections argument to Variable constructor must be "
                                         "a list, tuple, or set"):
        tf.Variable(1.0, collections="mine")
    v = tf.Variable(1.0, collections=("mine",))
    assert tf.get_collection("mine") == [v] and tf.trainable_variables() == [v]
    assert tf.global_variables() == []


def test_improper_nesting_of_variable_scopes_is_an_error():
    outer = tf.variable_scope("outer")
    inner = tf.variable_scope("inner")
    outer.__enter__()
    inner.__enter__()
    with pytest.raises(RuntimeError, match="Improper nesting of variable_scope."):
        outer.__exit__(None, None, None)


def test_each_thread_starts_in_the_root_scope_but_shares_the_graphs_variables():
    graph = tf.get_default_graph()
    seen = []

    def worker():
        with graph.as_default():
            seen.append(tf.get_variable_scope().name)
            with tf.variable_scope("t", reuse=True):
                seen.append(tf.get_variable("v", [1]))

    with tf.variable_scope("t"):
        v = tf.get_variable("v", [1])
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen == ["", v]


def test_initializer_class_is_instantiated():
    v = tf.get_variable("v", [2], initializer=tf.ones_initializer)
    assert "v/Initializer/ones" in _op_names()
    assert v.shape.as_list() == [2]


def test_no_argument_callable_initializes_a_variable_of_unknown_shape(sess):
    v = tf.get_variable("v", initializer=lambda: tf.constant([1, 2, 3]))
    sess.run(v.initializer)
    np.testing.assert_array_equal(sess.run(v), [1, 2, 3])
