"""tf.gradients against central finite differences in float64, plus TF's structural rules."""

import numpy as np
import pytest
from central_differences import numeric_gradient

from graphshell import tf

RNG = np.random.default_rng(11)




def check_gradient(build, *inputs, rtol=1e-5, atol=1e-7):
    """build(*placeholders) -> tensor; compares d(sum(out * w))/d(inputs) with differences."""
    placeholders = [tf.placeholder(tf.float64, np.shape(v)) for v in inputs]
    out = build(*placeholders)
    weights = RNG.uniform(0.5, 1.5, size=out.shape.as_list())
    loss = tf.reduce_sum(out * weights)
    # gather's gradient is an IndexedSlices (as in TF): compared in its dense form
    grads = [tf.convert_to_tensor(g) for g in tf.gradients(loss, placeholders)]
    with tf.Session() as s:
        feed = dict(zip(placeholders, inputs))
        analytic = s.run(grads, feed)
        for i, value in enumerate(inputs):
            def loss_at(v, i=i):
                return s.run(loss, {**feed, placeholders[i]: v})
            np.testing.assert_allclose(analytic[i], numeric_gradient(loss_at, value),
                                       rtol=rtol, atol=atol)


A = RNG.uniform(0.5, 1.5, (3, 4))
B = RNG.uniform(0.5, 1.5, (3, 4))
MIXED = RNG.uniform(-1.5, 1.5, (3, 4))

UNARY = [tf.negative, tf.abs, tf.square, tf.sqrt, tf.rsqrt, tf.exp, tf.log, tf.log1p, tf.sin,
         tf.cos, tf.tan, tf.tanh, tf.sigmoid, tf.reciprocal, tf.nn.relu, tf.nn.softplus,
         tf.nn.elu, tf.nn.relu6, tf.math.expm1, tf.math.atan, tf.math.sinh, tf.math.cosh]


@pytest.mark.parametrize("function", UNARY, ids=lambda f: f.__name__)
def test_unary_gradients(function):
    positive = function in (tf.sqrt, tf.rsqrt, tf.log, tf.log1p)
    check_gradient(function, A if positive else MIXED + 0.05)


BINARY = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
          lambda a, b: a ** b, tf.maximum, tf.minimum, tf.squared_difference,
          lambda a, b: tf.floormod(a, b)]


@pytest.mark.parametrize("function", BINARY)
@pytest.mark.parametrize("right", [B, B[0], B[:, :1], np.float64(1.3)],
                         ids=["same", "row", "column", "scalar"])
def test_binary_gradients_reduce_broadcasting(function, right):
    check_gradient(function, A + 0.5 * (A > 1), right)


@pytest.mark.parametrize("build", [
    lambda x: tf.reduce_sum(x), lambda x: tf.reduce_sum(x, 1, keepdims=True),
    lambda x: tf.reduce_mean(x, 0), lambda x: tf.reduce_max(x, 1), lambda x: tf.reduce_min(x),
    lambda x: tf.reduce_prod(x, 1), lambda x: tf.reduce_logsumexp(x, 1),
    lambda x: tf.reshape(x, [2, 6]), lambda x: tf.transpose(x), lambda x: tf.concat([x, 2 * x], 1),
    lambda x: tf.stack([x, x * x]), lambda x: tf.unstack(x)[1] * 3, lambda x: tf.expand_dims(x, 1),
    lambda x: tf.squeeze(tf.reshape(x, [1, 12])), lambda x: tf.tile(x, [2, 1]),
    lambda x: x[1:, ::2], lambda x: x[..., 0], lambda x: tf.gather(x, [2, 0, 2]),
    lambda x: tf.split(x, 2, axis=1)[0], lambda x: tf.identity(x), lambda x: tf.add_n([x, x, x]),
    lambda x: tf.nn.softmax(x), lambda x: tf.nn.log_softmax(x),
    lambda x: tf.where(x > 1.0, x, x * x), lambda x: tf.pad(x, [[1, 0], [0, 2]]),
    lambda x: tf.slice(x, [1, 1], [2, 2]), lambda x: tf.cumsum(x, 1),
    lambda x: tf.broadcast_to(x[0], [2, 4]), lambda x: tf.nn.l2_loss(x),
])
def test_array_and_reduction_gradients(build):
    check_gradient(build, A)


def test_cast_gradient_casts_back(sess):
    x = tf.placeholder(tf.float64, [2])
    grad = tf.gradients(tf.cast(x, tf.float32) * 2.0, x)[0]
    assert grad.dtype == tf.float64
    np.testing.assert_array_equal(sess.run(grad, {x: [1.0, 2.0]}), [2.0, 2.0])


def test_reduce_prod_gradient_with_zeros():
    check_gradient(lambda x: tf.reduce_prod(x, 1), np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 1.5]]))


@pytest.mark.parametrize("ta, tb", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_gradients(ta, tb):
    a = RNG.normal(size=(4, 3) if ta else (3, 4))
    b = RNG.normal(size=(2, 4) if tb else (4, 2))
    check_gradient(lambda x, y: tf.matmul(x, y, transpose_a=ta, transpose_b=tb), a, b)


def test_batch_matmul_gradients():
    check_gradient(tf.matmul, RNG.normal(size=(2, 3, 4)), RNG.normal(size=(4, 2)))


def test_cross_entropy_gradients():
    labels = np.eye(4)[[0, 3, 1]]
    check_gradient(lambda x: tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=x),
                   MIXED)
    check_gradient(lambda x: tf.nn.sigmoid_cross_entropy_with_logits(labels=A / 2, logits=x),
                   MIXED)


def test_gradients_returns_a_list_with_none_for_unconnected_xs(sess):
    x, w, z = tf.constant(3.0), tf.constant(2.0), tf.constant(5.0)
    y = x * x + w * x
    g = tf.gradients(y, [x, z])
    assert isinstance(g, list) and g[1] is None
    assert sess.run(g[0]) == 8.0
    assert sess.run(tf.gradients([y, 2 * y], x)) == [24.0]
    assert sess.run(tf.gradients(y, [z], unconnected_gradients="zero")) == [0.0]
    with pytest.raises(TypeError, match="Cannot be None"):
        sess.run(g)


def test_grad_ys_stop_gradient_integers_and_second_order(sess):
    x, w = tf.constant(3.0), tf.constant(2.0)
    y = x * x + w * x
    assert sess.run(tf.gradients(y, x, grad_ys=tf.constant(10.0))) == [80.0]
    assert sess.run(tf.gradients(tf.stop_gradient(x * x) + w * x, x)) == [2.0]
    xi = tf.constant(3)
    assert tf.gradients(xi * 2, xi) == [None]
    first = tf.gradients(x * x * x, x)[0]
    assert sess.run(tf.gradients(first, x)) == [18.0]
    assert sess.run(tf.gradients(x * x + w * x, x, stop_gradients=[x * x])) != [None]


def test_grad_ys_length_must_match(sess):
    x = tf.constant(1.0)
    with pytest.raises(ValueError, match="Length mismatch. Passed 2 grad_ys for 1 ys"):
        tf.gradients(x * 2, x, grad_ys=[1.0, 2.0])


def test_gradient_ops_live_under_a_gradients_scope():
    x = tf.placeholder(tf.float32, [])
    tf.gradients(x * x, x)
    tf.gradients(x * 3, x)
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert "gradients/mul_grad/Mul" in names and "gradients/AddN" in names
    assert any(name.startswith("gradients_1/") for name in names)


def test_gradient_of_a_non_differentiable_path_is_none():
    x = tf.placeholder(tf.float32, [3])
    assert tf.gradients(tf.cast(tf.argmax(x), tf.float32), x) == [None]
    assert tf.gradients(tf.round(x), x) == [None]


def test_gradient_with_respect_to_variables(sess):
    a = tf.Variable(2.0)
    b = tf.Variable(3.0)
    grads = tf.gradients(a * a * b, [a, b])
    sess.run(tf.global_variables_initializer())
    assert sess.run(grads) == [12.0, 4.0]


def test_custom_gradient_through_override_map(sess):
    @tf.RegisterGradient("DoubledSquareGrad")
    def _doubled(op, grad):
        return [grad * 4.0 * op.inputs[0]]
    x = tf.constant(3.0)
    with tf.get_default_graph().gradient_override_map({"Square": "DoubledSquareGrad"}):
        y = tf.square(x)
    assert sess.run(tf.gradients(y, x)) == [12.0]
