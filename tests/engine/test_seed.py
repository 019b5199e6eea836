"""The seed question's snippets (shared/seed-question.txt) run and print what TF prints."""

import contextlib
import io
import json
import pathlib

import numpy as np
import pytest

from graphshell import tf

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "seed_tf.json").read_text())


def build_seed():
    tf.reset_default_graph()
    a = tf.Variable(0.2, name="a")
    b = tf.Variable(0.3, name="b")
    z = tf.constant(0.0, name="z0")
    for i in range(100):
        z = a * tf.cos(z + i) + z * tf.sin(b - i)
    grad = tf.gradients(z, [a, b])
    init = tf.global_variables_initializer()
    return z, grad, init


def test_seed_values_are_bit_identical_to_tensorflow():
    z, grad, init = build_seed()
    with tf.Session() as sess:
        init.run()
        z_value = z.eval()
        grad_value = sess.run(grad)
    expected = GOLDEN["plain_pruned_graph"]
    assert float(z_value).hex() == expected["z_hex"]
    assert [float(g).hex() for g in grad_value] == expected["grad_hex"]
    assert all(isinstance(g, np.float32) for g in grad_value)


def test_seed_graph_has_tensorflows_ops_names_and_types():
    build_seed()
    ops = tf.get_default_graph().get_operations()
    assert [[op.name, op.type] for op in ops] == GOLDEN["op_names_types"]


def test_seed_prints_what_tensorflow_prints():
    z, grad, init = build_seed()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), tf.Session() as sess:
        init.run()
        print("z:", z.eval())
        print("grad", sess.run(grad))
    expected = GOLDEN["plain_pruned_graph"]
    assert out.getvalue() == f"z: {expected['printed_z']}\ngrad {expected['printed_grad']}\n"


def test_eval_of_the_gradient_list_raises_attribute_error():
    _, grad, init = build_seed()
    with tf.Session():
        init.run()
        with pytest.raises(AttributeError, match="'list' object has no attribute 'eval'"):
            grad.eval()


def test_run_and_eval_of_a_constant_agree():
    sess = tf.Session()
    c = tf.constant(5.0)
    assert sess.run(c) == 5.0
    with tf.Session():
        assert c.eval() == 5.0


def test_tf2_compat_snippet_runs_unchanged():
    tf.compat.v1.disable_eager_execution()
    t = tf.constant(42.0)
    sess = tf.compat.v1.Session()
    with sess.as_default():
        assert sess is tf.compat.v1.get_default_session()
        assert t.eval() == sess.run(t)
    t = tf.constant(42.0)
    u = tf.constant(37.0)
    tu = tf.multiply(t, u)
    ut = tf.multiply(u, t)
    steps = []
    sess.add_step_listener(steps.append)
    with sess.as_default():
        tu.eval()
        ut.eval()
        sess.run([tu, ut])
    assert [len(s.executed_ops) for s in steps] == [3, 3, 4]
    assert [s.origin for s in steps] == ["eval", "eval", "run"]
