""":graph draws the default graph with the last step's states."""

from shell_helpers import run_lines


def test_graph_marks_executed_fed_fetched_and_pruned_ops(shell):
    run_lines(shell, "x = tf.placeholder(tf.float32, name='x')",
              "h = tf.multiply(x, 2.0, name='h')", "y = tf.add(h, 1.0, name='y')",
              "unused = tf.sqrt(x, name='unused')", "s = tf.InteractiveSession()",
              ":run y --feed h=3.0")
    picture = shell.execute(":graph").entries[0].body
    styles = {}
    for style, text in picture.fragments:
        for name in ("x", "h", "y", "unused"):
            if f" {name} " in text or f"*{name}" in text:
                styles.setdefault(name, style)
    assert styles == {"x": "graph.pruned", "h": "graph.fed", "y": "graph.fetched",
                      "unused": "graph.pruned"}
    assert "┏━┓ executed  ╔═╗ fed" in picture.plain


def test_graph_of_a_scope_and_errors(shell):
    run_lines(shell, "with tf.name_scope('layer'):\n    w = tf.constant(1.0, name='w')\n",
              "out = w * 2")
    assert "layer/w" in shell.execute(":graph layer").text
    assert shell.execute(":graph nowhere").error.message.startswith("no scope or op named")
    shell.execute(":reset")
    assert "empty" in shell.execute(":graph").error.message


def test_large_graphs_open_folded(shell):
    run_lines(shell, "a = tf.Variable(0.2, name='a')", "b = tf.Variable(0.3, name='b')",
              "z = tf.constant(0.0, name='z0')",
              "for i in range(100):\n    z = a * tf.cos(z + i) + z * tf.sin(b - i)\n",
              "grad = tf.gradients(z, [a, b])")
    text = shell.execute(":graph").text
    assert "gradients" in text and "Cos_[0-99]" in text and "add_[0-199]" in text
    assert len(text.splitlines()) < 120


def test_graph_marks_the_branch_not_taken(shell):
    run_lines(shell, "x = tf.placeholder(tf.float32, [], name='x')",
              "out = tf.cond(x > 10.0, lambda: tf.sqrt(x, name='root'), "
              "lambda: tf.square(x, name='square'), name='pick')",
              "s = tf.InteractiveSession()", ":eval out --feed x=100.0")
    picture = shell.execute(":graph pick").entries[0].body
    styles = {}
    for style, text in picture.fragments:
        for name in ("pick/root", "pick/square"):
            if f" {name} " in text:
                styles.setdefault(name, style)
    assert styles == {"pick/root": "graph.executed", "pick/square": "graph.untaken"}
    assert "not taken" in picture.plain
    assert "branch of tf.cond that was not taken" in shell.execute(":why pick/square").text


def test_why_counts_loop_iterations_and_explains_an_empty_loop(shell):
    run_lines(shell, "n = tf.placeholder(tf.int32, [])",
              "r = tf.while_loop(lambda i: i < n, lambda i: tf.add(i, 1, name='step'), "
              "[tf.constant(0)], name='loop')", "s = tf.InteractiveSession()")
    text, _ = run_lines(shell, ":eval r --feed n=4", ":why loop/step")
    assert "(loop 4 iterations)" in text and "ran 4 times (in while loop 'loop')" in text
    text, _ = run_lines(shell, ":eval r --feed n=0", ":why loop/step")
    assert "did not run" in text and "0 iterations" in text
