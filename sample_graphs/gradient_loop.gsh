# Lesson 2: the seed question's loop. 100 steps of z = a*cos(z + i) + z*sin(b - i), then
# tf.gradients: about 2,000 ops in one graph, and one step computes both gradients.
tf.reset_default_graph()
a = tf.Variable(0.2, name="a")
b = tf.Variable(0.3, name="b")
z = tf.constant(0.0, name="z0")
for i in range(100):
    z = a * tf.cos(z + i) + z * tf.sin(b - i)
grad = tf.gradients(z, [a, b])
init = tf.global_variables_initializer()
len(tf.get_default_graph().get_operations())
sess = tf.Session()
:enter sess
init.run()
print("z:", z.eval())
# grad is a Python list: eval() cannot take it, run() can
grad.eval()  # error: AttributeError
print("grad", sess.run(grad))
# computing z and grad in one step shares the forward pass
:run z grad
:why a/read
:why gradients/AddN
