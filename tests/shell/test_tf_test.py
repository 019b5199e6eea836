"""tf.test for users' own tests: a test file run by `graphshell prog.py` (and by python with
graphshell's tf) passes or fails with unittest's exit status; TestCase's helpers behave as TF's."""

import subprocess
import sys
import textwrap

PASSING = textwrap.dedent("""\
    import numpy as np
    import tensorflow as tf

    class GraphTest(tf.test.TestCase):
        def test_fresh_graph_per_test_a(self):
            tf.constant(1.0, name="only")
            self.assertEqual([op.name for op in tf.get_default_graph().get_operations()], ["only"])

        def test_fresh_graph_per_test_b(self):
            tf.constant(1.0, name="only")
            self.assertEqual([op.name for op in tf.get_default_graph().get_operations()], ["only"])

        def test_evaluate_and_sessions(self):
            x = tf.constant([1.0, 2.0])
            self.assertAllClose(self.evaluate(x * 2), [2.0, 4.0])
            with self.cached_session() as sess:
                self.assertIs(tf.get_default_session(), sess)
                self.assertAllEqual(sess.run(x + 1), [2.0, 3.0])
                self.assertAllEqual((x * 3).eval(), [3.0, 6.0])
            with self.cached_session() as again:
                self.assertIs(again, sess)
            with self.session() as fresh:
                self.assertIsNot(fresh, sess)
            with self.test_session() as old_style:
                self.assertIs(old_style, sess)

        def test_assertions(self):
            x = tf.constant([[1.0, 2.0]])
            self.assertAllClose({"a": [x, 1.0]}, {"a": [np.array([[1.0, 2.0]]), 1.0]})
            self.assertAllCloseAccordingToType(np.float16(1.0005), np.float16(1.0))
            self.assertNear(1.0, 1.05, 0.1)
            self.assertArrayNear([1.0, 2.0], [1.01, 2.01], 0.02)
            self.assertShapeEqual(np.zeros((1, 2)), x)
            self.assertAllGreater(x, 0.5)
            self.assertAllLess(x, 2.5)
            self.assertAllInRange(x, 1.0, 2.0)
            self.assertTrue(self.get_temp_dir())
            with self.assertRaises(AssertionError):
                self.assertAllInRange(x, 1.0, 2.0, open_upper_bound=True)

        def test_op_errors(self):
            p = tf.placeholder(tf.float32)
            with self.assertRaisesOpError("must feed a value"):
                self.evaluate(p)
            with self.assertRaisesWithPredicateMatch(ValueError, "Dimensions must be equal"):
                tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])

        def test_module_functions(self):
            self.assertFalse(tf.test.is_gpu_available())
            self.assertFalse(tf.test.is_built_with_cuda())
            self.assertEqual(tf.test.gpu_device_name(), "")

    if __name__ == "__main__":
        tf.test.main()
    """)

FAILING = textwrap.dedent("""\
    import tensorflow as tf

    class Failing(tf.test.TestCase):
        def test_values_differ(self):
            self.assertAllClose(self.evaluate(tf.constant([1.0, 2.0])), [1.0, 2.5])

    if __name__ == "__main__":
        tf.test.main()
    """)


def _run(tmp_path, text, *command):
    """Runs the test file; `.report` is unittest's report (stderr, or the shell's output)."""
    program = tmp_path / "test_user.py"
    program.write_text(text)
    done = subprocess.run([*command, str(program)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    done.report = done.stdout + done.stderr
    return done


GRAPHSHELL = (sys.executable, "-m", "graphshell.cli")


def test_passing_user_tests_exit_0_under_graphshell(tmp_path):
    done = _run(tmp_path, PASSING, *GRAPHSHELL)
    assert done.returncode == 0, done.report
    # unittest also collects the inherited test_session method, which skips itself as TF's does
    assert "Ran 7 tests" in done.report and "OK (skipped=1)" in done.report


def test_failing_user_test_exits_1_under_graphshell_and_names_the_test(tmp_path):
    done = _run(tmp_path, FAILING, *GRAPHSHELL)
    assert done.returncode == 1
    assert "FAIL: test_values_differ" in done.report and "Not equal to tolerance" in done.report


def test_user_tests_run_under_python_with_graphshell_tf(tmp_path):
    text = PASSING.replace("import tensorflow as tf", "from graphshell import tf")
    done = _run(tmp_path, text, sys.executable)
    assert done.returncode == 0, done.report
    assert "Ran 7 tests" in done.report


def test_failing_user_test_exits_1_under_python(tmp_path):
    done = _run(tmp_path, FAILING.replace("import tensorflow as tf", "from graphshell import tf"),
                sys.executable)
    assert done.returncode == 1 and "FAILED (failures=1, skipped=1)" in done.report
