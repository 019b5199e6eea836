"""The seed question, run on graphshell: Session.run() versus Tensor.eval().

Run it with `python sample_graphs/seed.py`. Every step the session runs is printed with the
number of ops it executed, so you can see that t.eval() twice is two steps and
sess.run([tu, ut]) is one.
"""

from graphshell import tf
from graphshell.engine.run.steps import add_step_listener


def show_step(step):
    names = [op.name for op in step.executed_ops]
    shown = ", ".join(names[:6]) + (f", ... +{len(names) - 6} more" if len(names) > 6 else "")
    print(f"  step {step.number} ({step.origin}) ran {len(names)} ops: {shown}")


add_step_listener(show_step)

print("# eval() cannot take a list, run() can")
tf.reset_default_graph()
a = tf.Variable(0.2, name="a")
b = tf.Variable(0.3, name="b")
z = tf.constant(0.0, name="z0")
for i in range(100):
    z = a * tf.cos(z + i) + z * tf.sin(b - i)
grad = tf.gradients(z, [a, b])
init = tf.global_variables_initializer()
with tf.Session() as sess:
    init.run()
    print("z:", z.eval())
    try:
        grad.eval()
    except AttributeError as error:
        print("grad.eval():", error)
    print("grad", sess.run(grad))

print("# t.eval() is tf.get_default_session().run(t)")
t = tf.constant(42.0)
u = tf.constant(37.0)
tu = tf.multiply(t, u)
ut = tf.multiply(u, t)
sess = tf.compat.v1.Session()
with sess.as_default():
    assert t.eval() == sess.run(t)
    tu.eval()
    ut.eval()
    sess.run([tu, ut])
