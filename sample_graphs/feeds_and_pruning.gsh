# Lesson 3: a step runs only what its fetches need; feeding a tensor cuts the graph there.
x = tf.placeholder(tf.float32, [], name="x")
h = tf.multiply(x, 2.0, name="h")
y = tf.add(h, 1.0, name="y")
unused = tf.sqrt(x, name="unused")
sess = tf.InteractiveSession()
# x must be fed: y depends on it
:eval y  # error: InvalidArgumentError
:eval y --feed x=3.0
# feeding h (an intermediate tensor) means x and h do not run at all
:eval y --feed h=10.0
:why unused 2
:why x 3
:why h 3
:step 3
