"""Classic TF1 ref variables: structure, per-session state, initializers and assigns."""

import numpy as np
import pytest

from graphshell import tf


def test_a_variable_builds_tensorflows_four_ops():
    a = tf.Variable(0.2, name="a")
    ops = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
    assert ops == [("a/initial_value", "Const"), ("a", "VariableV2"), ("a/Assign", "Assign"),
                   ("a/read", "Identity")]
    assert (a.name, a.op.name, a.dtype.name, a.initializer.name, a.value().name) == \
        ("a:0", "a", "float32_ref", "a/Assign", "a/read:0")
    assert repr(a) == "<tf.Variable 'a:0' shape=() dtype=float32_ref>"


def test_variable_names_are_uniquified_and_default_to_variable():
    names = [tf.Variable(1.0).op.name, tf.Variable(1.0).op.name, tf.Variable(1.0, name="a").op.name,
             tf.Variable(1.0, name="a").op.name]
    assert names == ["Variable", "Variable_1", "a", "a_1"]


def test_reading_an_uninitialized_variable_is_a_failed_precondition(sess):
    w = tf.Variable(2.0, name="w")
    with pytest.raises(tf.errors.FailedPreconditionError,
                       match="Attempting to use uninitialized value w"):
        sess.run(w)
    with pytest.raises(tf.errors.FailedPreconditionError) as info:
        sess.run(w + 1)
    assert info.value.op.name == "w/read"
    assert list(sess.run(tf.report_uninitialized_variables())) == [b"w"]
    sess.run(tf.global_variables_initializer())
    assert sess.run(w) == 2.0
    assert sess.run(tf.report_uninitialized_variables()).size == 0


def test_global_variables_initializer_is_a_noop_named_init(sess):
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    init = tf.global_variables_initializer()
    assert (init.name, init.type) == ("init", "NoOp")
    assert init.control_inputs == [a.initializer, b.initializer]
    assert sess.run(init) is None and sess.run([a, b]) == [1.0, 2.0]
    assert tf.variables_initializer([]).type == "NoOp"


def test_state_belongs_to_the_session():
    v = tf.Variable(1.0)
    inc = v.assign_add(1.0)
    s1, s2 = tf.Session(), tf.Session()
    s1.run(v.initializer)
    s1.run(inc)
    assert s1.run(v) == 2.0
    with pytest.raises(tf.errors.FailedPreconditionError):
        s2.run(v)
    s2.run(v.initializer)
    assert s2.run(v) == 1.0 and s1.run(v) == 2.0


def test_one_assign_op_runs_once_per_step_and_two_run_twice(sess):
    v = tf.Variable(0.0)
    inc, inc2 = v.assign_add(1.0), v.assign_add(1.0)
    sess.run(v.initializer)
    assert (sess.run(inc), sess.run(inc), sess.run(v)) == (1.0, 2.0, 2.0)
    assert sess.run([inc, inc]) == [3.0, 3.0]
    sess.run([inc, inc2])
    assert sess.run(v) == 5.0


def test_assign_functions_and_methods(sess):
    v = tf.Variable([1.0, 2.0], name="v")
    sess.run(v.initializer)
    sess.run(tf.assign(v, [5.0, 6.0]))
    sess.run(tf.assign_sub(v, [1.0, 1.0]))
    np.testing.assert_array_equal(sess.run(v), [4.0, 5.0])
    op = v.assign([0.0, 0.0], read_value=False)
    assert isinstance(op, tf.Operation) and sess.run(op) is None
    np.testing.assert_array_equal(sess.run(v), [0.0, 0.0])


def test_assign_converts_python_values_to_the_variable_dtype(sess):
    v = tf.Variable(1.0)
    sess.run(v.initializer)
    assert sess.run(v.assign(3)) == 3.0 and isinstance(sess.run(v), np.float32)


def test_assign_of_the_wrong_shape_is_a_build_time_error():
    v = tf.Variable(1.0)
    with pytest.raises(ValueError, match="Shapes must be equal rank"):
        v.assign([1.0, 2.0])


def test_initializer_resets_and_load_assigns(sess):
    v = tf.Variable(1.0)
    sess.run(v.initializer)
    sess.run(v.assign(5.0))
    sess.run(v.initializer)
    assert sess.run(v) == 1.0
    v.load(7.0, sess)
    assert sess.run(v) == 7.0


def test_initialized_value_lets_initializers_run_in_any_order(sess):
    w = tf.Variable(3.0, name="w")
    w2 = tf.Variable(w.initialized_value() * 2, name="w2")
    sess.run(w2.initializer)
    assert sess.run(w2) == 6.0
    sess.run(tf.global_variables_initializer())
    assert sess.run([w, w2]) == [3.0, 6.0]


def test_collections_and_trainable_flag():
    a = tf.Variable(1.0)
    b = tf.Variable(1.0, trainable=False)
    assert tf.global_variables() == [a, b] and tf.trainable_variables() == [a]


def test_read_value_inside_control_dependencies_sees_the_update(sess):
    v = tf.Variable(1.0)
    update = v.assign_add(10.0)
    with tf.control_dependencies([update]):
        after = v.read_value()
    sess.run(v.initializer)
    assert sess.run(after) == 11.0


def test_variable_operators_use_the_read_snapshot(sess):
    v = tf.Variable(2.0, name="v")
    product = v * 3.0
    assert product.op.inputs[0].name == "v/read:0"
    sess.run(v.initializer)
    assert sess.run(product) == 6.0 and sess.run(-v) == -2.0 and sess.run(v[()] + 1) == 3.0


def test_callable_initial_value_is_built_under_initializer_scope(sess):
    v = tf.Variable(lambda: tf.ones([2]), name="v")
    assert v.initial_value.op.name.startswith("v/Initializer/")
    sess.run(v.initializer)
    np.testing.assert_array_equal(sess.run(v), [1.0, 1.0])


def test_variable_without_initial_value_is_an_error():
    with pytest.raises(ValueError, match="initial_value must be specified"):
        tf.Variable()
