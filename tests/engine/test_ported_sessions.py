"""TF's client/session_partial_run_test.py and session_test.py methods, ported in our own words
to graphshell's tf.test.TestCase: each method keeps the name of the TF test it follows (the
counter in tools/count_ported_tests.py counts them). Expected values are written out."""

import collections
import threading

import numpy as np

from graphshell import tf
from graphshell.engine.graph import errors


class PartialRunTest(tf.test.TestCase):
    """session_partial_run_test.PartialRunTest, against the direct session."""

    def _three_placeholders(self):
        return [tf.placeholder(tf.float32, shape=[]) for _ in range(3)]

    def testPartialRunDirect(self):
        a, b, c = self._three_placeholders()
        r1 = tf.add(a, b)
        r2 = tf.multiply(r1, c)
        with self.session() as sess:
            handle = sess.partial_run_setup([r1, r2], [a, b, c])
            first = sess.partial_run(handle, r1, feed_dict={a: 1, b: 2})
            self.assertEqual(3, first)
            self.assertEqual(153, sess.partial_run(handle, r2, feed_dict={c: first * 17}))
            again = sess.partial_run_setup([r1, r2], [a, b, c])  # a second step of the graph
            self.assertEqual(3, sess.partial_run(again, r1, feed_dict={a: 1, b: 2}))
            self.assertEqual(162, sess.partial_run(again, r2, feed_dict={c: 3 * 18}))

    def testPartialRunIncompleteDirect(self):
        a, b, c = self._three_placeholders()
        r1 = tf.add(a, b)
        r2 = tf.multiply(r1, c)
        with self.session() as sess:
            handle = sess.partial_run_setup([r1, r2], [a, b, c])
            self.assertEqual(3, sess.partial_run(handle, r1, feed_dict={a: 1, b: 2}))

    def testConcurrentPartialRunDirect(self):
        a, b, c = self._three_placeholders()
        r1 = tf.add(a, b)
        r2 = tf.multiply(r1, c)
        with self.session() as sess:
            first = sess.partial_run_setup([r1], [a, b, c])
            second = sess.partial_run_setup([r1, r2], [a, b, c])
            self.assertEqual(3, sess.partial_run(first, r1, feed_dict={a: 1, b: 2}))
            self.assertEqual(7, sess.partial_run(second, r1, feed_dict={a: 3, b: 4}))
            self.assertEqual(14, sess.partial_run(second, r2, feed_dict={c: 2}))

    def testManyPartialRunDirect(self):
        steps = 20
        inputs = [tf.placeholder(tf.float32, shape=[]) for _ in range(steps)]
        sums = [tf.identity(inputs[0])]
        for i in range(1, steps):
            sums.append(sums[-1] + inputs[i])
        with self.session() as sess:
            handle = sess.partial_run_setup(sums, inputs)
            for i in range(steps):
                total = sess.partial_run(handle, sums[i], feed_dict={inputs[i]: 1.0})
                self.assertEqual(float(i + 1), total)

    def testRunAndPartialRunDirect(self):
        a, b, c = (tf.constant(v, dtype=tf.float32) for v in (2.0, 3.0, 4.0))
        r1 = tf.add(a, b)
        r2 = tf.multiply(r1, c)
        with self.session() as sess:
            self.assertEqual([5.0, 20.0], sess.run([r1, r2]))
            handle = sess.partial_run_setup([r1, r2], [])
            self.assertEqual(5.0, sess.partial_run(handle, r1))
            self.assertEqual(20.0, sess.partial_run(handle, r2))

    def testPartialRunMissingPlaceholderFeedExceptionDirect(self):
        x = tf.placeholder(tf.float32, shape=(), name="x")
        fetch = x * 2
        with self.session() as sess:
            handle = sess.partial_run_setup([fetch], [x])
            with self.assertRaisesRegex(errors.InvalidArgumentError,
                                        "Fetch x:0 can't be computed from the feeds that have "
                                        "been fed so far."):
                sess.partial_run(handle, fetch)

    def testPartialRunUnspecifiedFeedDirect(self):
        a, b, c = self._three_placeholders()
        r1 = tf.add(a, b)
        with self.session() as sess:
            handle = sess.partial_run_setup([r1], [a, b])
            with self.assertRaisesRegex(errors.InvalidArgumentError,
                                        "was not specified in partial_run_setup.$"):
                sess.partial_run(handle, r1, feed_dict={a: 1, b: 2, c: 3})

    def testPartialRunUnspecifiedFetchDirect(self):
        a, b, c = self._three_placeholders()
        r1 = tf.add(a, b)
        r2 = tf.multiply(a, c)
        with self.session() as sess:
            handle = sess.partial_run_setup([r1], [a, b, c])
            with self.assertRaisesRegex(errors.InvalidArgumentError,
                                        "was not specified in partial_run_setup.$"):
                sess.partial_run(handle, r2, feed_dict={a: 1, c: 3})

    def testPartialRunAlreadyFedDirect(self):
        a, b, c = self._three_placeholders()
        r1 = tf.add(a, b)
        r2 = tf.multiply(a, c)
        with self.session() as sess:
            handle = sess.partial_run_setup([r1, r2], [a, b, c])
            sess.partial_run(handle, r1, feed_dict={a: 1, b: 2})
            with self.assertRaisesRegex(errors.InvalidArgumentError,
                                        "has already been fed.$"):
                sess.partial_run(handle, r2, feed_dict={a: 1, c: 3})

    def testPartialRunAlreadyFetchedDirect(self):
        a, b, c = self._three_placeholders()
        r1 = tf.add(a, b)
        r2 = tf.multiply(a, c)
        with self.session() as sess:
            handle = sess.partial_run_setup([r1, r2], [a, b, c])
            sess.partial_run(handle, r1, feed_dict={a: 1, b: 2})
            with self.assertRaisesRegex(errors.InvalidArgumentError,
                                        "has already been fetched.$"):
                sess.partial_run(handle, r1, feed_dict={c: 3})

    def testPartialRunEmptyFetchesDirect(self):
        x = tf.placeholder(tf.float32)
        y = x * 2.0
        with self.session() as sess:
            handle = sess.partial_run_setup(fetches=[y], feeds=[x])
            self.assertEqual([], sess.partial_run(handle, [], feed_dict={x: 3.0}))
            self.assertEqual(6.0, sess.partial_run(handle, y))

    def testPartialRunSetupNoFeedsPassedDirect(self):
        r1 = tf.constant([6.0])
        with self.session() as sess:
            handle = sess.partial_run_setup([r1])
            self.assertAllEqual([6.0], sess.partial_run(handle, r1))

    def test_partial_run_placement_direct(self):  # placement is checked at setup, as TF does
        with tf.device("/device:GPU:0"):
            x = tf.placeholder(tf.float32, name="x")
            y = tf.identity(x, name="y")
        with tf.Session() as sess, self.assertRaisesRegex(  # a test's own sessions are soft
                errors.InvalidArgumentError, "Cannot assign a device for operation y"):
            sess.partial_run_setup([y], [x])
        with self.session() as sess:
            handle = sess.partial_run_setup([y], [x])
            self.assertEqual(2.0, sess.partial_run(handle, y, {x: 2.0}))
        with self.session(force_gpu=True) as sess, \
                self.assertRaises(errors.InvalidArgumentError):
            sess.partial_run_setup([y], [x])

    def test_partial_run_fed_and_fetched_direct(self):
        x = tf.placeholder(tf.float32, name="x")
        y = x + 1.0
        with self.session() as sess, self.assertRaisesRegex(errors.InvalidArgumentError,
                                    "x:0 is both fed and fetched."):
            sess.partial_run_setup([x, y], [x])

    def test_partial_run_feed_needed_later_direct(self):  # names the feed it waits for
        x = tf.placeholder(tf.float32, shape=(), name="x")
        z = tf.placeholder(tf.float32, shape=(), name="z")
        with tf.control_dependencies([tf.identity(z, name="gate").op]):
            y = tf.identity(x, name="y")
        with self.session() as sess:
            handle = sess.partial_run_setup([y], [x, z])
            with self.assertRaisesRegex(errors.InvalidArgumentError, "Fetch z:0 can't be"):
                sess.partial_run(handle, y, {x: 1.0})
            with self.assertRaisesRegex(errors.InvalidArgumentError, "Fetch x:0 can't be"):
                sess.partial_run(handle, y, {z: 2.0})  # the refused call fed nothing
            self.assertEqual(1.0, sess.partial_run(handle, y, {x: 1.0, z: 2.0}))


class SessionTest(tf.test.TestCase):
    """session_test.SessionTest: fetch structures, feeds and the session's life."""

    def testFetchNone(self):
        with self.session() as sess:
            tf.constant(1.0)
            with self.assertRaises(TypeError):
                sess.run(None)
            with self.assertRaises(TypeError):
                sess.run([None])
            with self.assertRaises(TypeError):
                sess.run({"b": None})

    def testFetchSingleton(self):
        with self.session() as sess:
            a = tf.constant(42.0)
            self.assertEqual(42.0, sess.run(a))
            self.assertIsNone(sess.run(a.op))

    def testFetchList(self):
        with self.session() as sess:
            a, b, c = tf.constant(10), tf.constant(20), tf.constant(30)
            values = sess.run([a, b, c, a.op])
            self.assertIsInstance(values, list)
            self.assertEqual([10, 20, 30, None], values)

    def testFetchTuple(self):
        with self.session() as sess:
            a, b = tf.constant(10), tf.constant(20)
            values = sess.run((a, b, a.op))
            self.assertIsInstance(values, tuple)
            self.assertEqual((10, 20, None), values)

    def testFetchNamedTuple(self):
        pair = collections.namedtuple("pair", ["x", "y"])
        with self.session() as sess:
            values = sess.run(pair(tf.constant(1), tf.constant(2)))
            self.assertIsInstance(values, pair)
            self.assertEqual((1, 2), (values.x, values.y))

    def testFetchDict(self):
        with self.session() as sess:
            a, b = tf.constant(10), tf.constant(20)
            values = sess.run({"a": a, "b": b, "op": a.op})
            self.assertEqual({"a": 10, "b": 20, "op": None}, values)

    def testFetchOrderedDict(self):
        with self.session() as sess:
            fetches = collections.OrderedDict([(3, tf.constant(3)), (1, tf.constant(1))])
            values = sess.run(fetches)
            self.assertIsInstance(values, collections.OrderedDict)
            self.assertEqual([3, 1], list(values))
            self.assertEqual([3, 1], list(values.values()))

    def testFetchNestingEmptyOneLevel(self):
        with self.session() as sess:
            a = tf.constant(1)
            values = sess.run([[], (), {}, a])
            self.assertEqual([[], (), {}, 1], values)

    def testFetchNestingOneLevel(self):
        with self.session() as sess:
            a, b = tf.constant(10.0), tf.constant(20.0)
            values = sess.run([[a, b], (a, b), {"a": a, "b": [b]}])
            self.assertEqual([[10.0, 20.0], (10.0, 20.0), {"a": 10.0, "b": [20.0]}], values)

    def testFetchTensorObject(self):
        with self.session() as sess:
            a = tf.constant(1.0, shape=[1, 2])
            b = tf.constant(2.0, shape=[2, 3])
            c = tf.matmul(a, b)
            self.assertAllEqual([[4.0, 4.0, 4.0]], sess.run(c))
            self.assertAllEqual([[4.0, 4.0, 4.0]], c.eval())

    def testFetchScalar(self):
        with self.session() as sess:
            for dtype in (tf.float32, tf.float64, tf.int32, tf.int64, tf.bool):
                x = tf.constant(True if dtype == tf.bool else 1, dtype=dtype)
                value = sess.run(x)
                self.assertEqual(np.dtype(dtype.as_numpy_dtype), value.dtype)
                self.assertEqual((), value.shape)

    def testFetchByNameDifferentStringTypes(self):
        with self.session() as sess:
            tf.constant(42.0, name="c")
            self.assertEqual(42.0, sess.run("c:0"))
            self.assertEqual(42.0, sess.run(b"c:0"))
            self.assertIsNone(sess.run("c"))

    def test_fetch_tensor_and_operation_twice(self):  # FetchWithDuplicates-like
        with self.session() as sess:
            a = tf.constant([1.0, 2.0])
            values = sess.run([a, a, a.op, a])
            self.assertAllEqual([1.0, 2.0], values[0])
            self.assertAllEqual(values[0], values[1])
            self.assertIsNone(values[2])

    def testFeedAndFetch(self):  # testFeedAndFetchSameTensor-like
        with self.session() as sess:
            p = tf.placeholder(tf.float32, shape=[2])
            doubled = p * 2.0
            fed, out = sess.run([p, doubled], {p: [1.0, 3.0]})
            self.assertAllEqual([1.0, 3.0], fed)
            self.assertAllEqual([2.0, 6.0], out)

    def testFeedShapeCompatibility(self):
        with self.session() as sess:
            p = tf.placeholder(tf.float32, shape=[3])
            with self.assertRaisesRegex(ValueError, "Cannot feed value of shape"):
                sess.run(p * 2.0, {p: [1.0, 2.0]})

    def test_feed_constant(self):  # a constant's value may be replaced for a step
        with self.session() as sess:
            c = tf.constant([1.0, 2.0])
            plus = c + 1.0
            self.assertAllEqual([11.0, 21.0], sess.run(plus, {c: [10.0, 20.0]}))
            self.assertAllEqual([2.0, 3.0], sess.run(plus))

    def testOperationRunMethod(self):
        with self.session():
            v = tf.Variable([1.0, 2.0])
            v.initializer.run()
            tf.assign_add(v, [1.0, 1.0]).op.run()
            self.assertAllEqual([2.0, 3.0], v.eval())

    def testDefaultGraph(self):
        with self.session() as sess:
            self.assertIs(tf.get_default_graph(), sess.graph)
            a = tf.constant(1.0)
            self.assertIs(a.graph, sess.graph)

    def testUseAfterClose(self):
        sess = tf.Session()
        c = tf.constant(5.0)
        self.assertEqual(5.0, sess.run(c))
        sess.close()
        with self.assertRaisesRegex(RuntimeError, "Attempted to use a closed Session."):
            sess.run(c)

    def testUseAfterCloseConcurrent(self):  # a closed session refuses steps from any thread
        sess = tf.Session()
        c = tf.constant(5.0)
        sess.close()
        caught = []

        def run_in_thread():
            try:
                sess.run(c)
            except RuntimeError as error:
                caught.append(str(error))
        thread = threading.Thread(target=run_in_thread)
        thread.start()
        thread.join()
        self.assertEqual(["Attempted to use a closed Session."], caught)

    def testUseEmptyGraph(self):
        with tf.Session(graph=tf.Graph()) as sess, \
                self.assertRaisesRegex(RuntimeError, "The Session graph is empty."):
            sess.run([])

    def testNotEntered(self):
        self.assertIsNone(tf.get_default_session())
        c = tf.constant(5.0)
        with self.assertRaisesRegex(ValueError, "No default session is registered"):
            c.eval()

    def testExtendWithStatelessOperations(self):
        with self.session() as sess:
            a = tf.constant(1.0, shape=[1, 2])
            b = tf.constant(2.0, shape=[2, 3])
            c = tf.matmul(a, b)
            self.assertAllEqual([[4.0, 4.0, 4.0]], sess.run(c))
            d = tf.constant([1.0, 2.0, 3.0], shape=[3, 1])
            e = tf.matmul(c, d)
            self.assertAllEqual([[24.0]], sess.run(e))

    def testExtendWithStatefulOperations(self):
        with self.session() as sess:
            v = tf.Variable(10.0, name="v")
            sess.run(v.initializer)
            self.assertEqual(10.0, sess.run(v))
            assign = tf.assign(v, v * 3.0)  # built after the first step
            sess.run(assign)
            self.assertEqual(30.0, sess.run(v))

    def test_invalid_argument(self):  # ErrorsReported / OpConstructionErrorPayload-like
        with self.session() as sess:
            p = tf.placeholder(tf.int32, name="p")
            with self.assertRaisesRegex(errors.InvalidArgumentError,
                                        "You must feed a value for placeholder tensor 'p'"):
                sess.run(p + 1)

    def testFeedError(self):
        with self.session() as sess:
            c = tf.constant(1.0)
            with self.assertRaises(TypeError):
                sess.run(c * 2.0, {c: object()})
            with self.assertRaisesRegex(TypeError, "The value of a feed cannot be a"):
                sess.run(c * 2.0, {c: c})

    def test_run_options_timeout(self):  # TimeoutWithShortOperations-like
        loop = tf.while_loop(lambda i: i < 2_000_000_000, lambda i: i + 1, [0])
        with self.session() as sess:
            with self.assertRaises(errors.DeadlineExceededError):
                sess.run(loop, options=tf.RunOptions(timeout_in_ms=20))
            self.assertEqual(3, sess.run(tf.constant(3)))

    def testInteractive(self):
        sess = tf.InteractiveSession()
        try:
            self.assertIs(sess, tf.get_default_session())
            self.assertEqual(2.0, tf.constant(2.0).eval())
        finally:
            sess.close()
