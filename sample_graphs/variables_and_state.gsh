# Lesson 4: a variable's value lives in each session, not in the graph.
v = tf.Variable(1.0, name="v")
inc = v.assign_add(1.0, name="inc")
s1 = tf.Session()
s2 = tf.Session()
:enter s1
v.initializer.run()
inc.eval()
inc.eval()
v.eval()
:exit
:enter s2
# s2 never initialized v: reading it is a FailedPreconditionError
v.eval()  # error: FailedPreconditionError
v.initializer.run()
v.eval()
:exit
s1.run(v)
# one assign op fetched twice runs once in the step
s1.run([inc, inc])
