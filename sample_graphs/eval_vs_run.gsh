# Lesson 1: t.eval() runs one step per tensor; sess.run([t, u]) runs one step for all.
t = tf.constant(42.0, name="t")
u = tf.constant(37.0, name="u")
tu = tf.multiply(t, u, name="tu")
ut = tf.multiply(u, t, name="ut")
sess = tf.Session()
:enter sess
# two evals: two steps, each running t and u again
:eval tu
:eval ut
# one run: one step, t and u run once and are shared
:run tu ut
:diff 1 3
# t.eval() is exactly tf.get_default_session().run(t)
tf.get_default_session() is sess
t.eval() == sess.run(t)
# eval() takes one tensor; run() takes any structure
:eval [tu, ut]  # error: AttributeError
sess.run({"tu": tu, "both": (tu, ut)})
:steps
