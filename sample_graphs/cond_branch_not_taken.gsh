# Lesson 7: tf.cond runs one branch per step; the other branch's ops do not execute at all.
x = tf.placeholder(tf.float32, [], name="x")
big = tf.cond(x > 10.0, lambda: tf.sqrt(x, name="root"), lambda: tf.square(x, name="square"), name="pick")
sess = tf.InteractiveSession()
# x = 100 takes the true branch: pick/root runs, pick/square does not
:eval big --feed x=100.0
:why pick/square
# x = 3 takes the false branch
:eval big --feed x=3.0
:why pick/root
# the graph marks what the last step ran (*) and what it skipped
:graph
# a while loop runs its body once per iteration, all inside one step
n = tf.while_loop(lambda i, v: i < 4, lambda i, v: (i + 1, v * 2.0), [0, x], name="doubling")[1]
:eval n --feed x=1.5
:steps
