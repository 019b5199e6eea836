# Lesson 6: the default-session stack. with sess.as_default() pushes (and does not close);
# with tf.Session() pushes and closes; t.eval() always uses the top of the stack.
c = tf.constant(5.0, name="c")
outer = tf.Session()
inner = tf.Session()
:stack
with outer.as_default():
    with inner.as_default():
        print("top is inner:", tf.get_default_session() is inner)
        c.eval()
    print("top is outer again:", tf.get_default_session() is outer)
    c.eval()
:stack
with tf.Session() as temporary:
    c.eval()
temporary.run(c)  # error: RuntimeError
outer.run(c)
