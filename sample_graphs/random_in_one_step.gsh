# Lesson 5: a random op gives one value per step, shared by all its uses in that step.
r = tf.random_uniform([], seed=7, name="r")
doubled = tf.add(r, r, name="doubled")
sess = tf.InteractiveSession()
# one step: r runs once, so the two fetches of r agree and doubled == 2 * r
a, b, c = sess.run([r, r, doubled])
a == b, c == 2 * a
# two evals: two steps, two different values
r.eval() == r.eval()
:steps
