"""TF's ops/gradients_test.py, kernel_tests/variables_test.py, control_flow_ops_py_test.py and
framework/ops_test.py methods, ported in our own words to graphshell's tf.test.TestCase: a
method named in camelCase is TF's method of that name; the others are graphshell's own.
tools/run_ported_under_tf.py runs this file under real TensorFlow too."""

import numpy as np

from graphshell import tf
from graphshell.engine.graph import errors


class GradientsTest(tf.test.TestCase):
    """gradients_test.GradientsTest."""

    def testGradients(self):
        inp = tf.constant(1.0, shape=[32, 100], name="in")
        w = tf.constant(1.0, shape=[100, 10], name="w")
        b = tf.constant(1.0, shape=[10], name="b")
        xw = tf.matmul(inp, w, name="xw")
        h = tf.nn.bias_add(xw, b, name="h")
        w_grad = tf.gradients(h, w)[0]
        self.assertEqual("MatMul", w_grad.op.type)
        self.assertTrue(w_grad.op.get_attr("transpose_a"))
        self.assertFalse(w_grad.op.get_attr("transpose_b"))
        with self.session():
            self.assertAllEqual(np.full([100, 10], 32.0), self.evaluate(w_grad))

    def testUnusedOutput(self):
        w = tf.constant(1.0, shape=[2, 2])
        x = tf.constant(1.0, shape=[2, 2])
        wx = tf.matmul(w, x)
        split_wx = tf.split(value=wx, num_or_size_splits=2, axis=0)
        c = tf.reduce_sum(split_wx[1])
        gw = tf.gradients(c, [w])[0]
        self.assertEqual("MatMul", gw.op.type)
        with self.session():
            self.assertAllEqual([[0.0, 0.0], [2.0, 2.0]], self.evaluate(gw))

    def testColocateGradients(self):
        with tf.device("/device:GPU:0"):
            w = tf.constant(1.0, shape=[1, 1])
        x = tf.constant(1.0, shape=[1, 2])
        wx = tf.matmul(w, x)
        gw = tf.gradients(wx, [w], colocate_gradients_with_ops=True)[0]
        self.assertEqual(gw.op.colocation_groups(), wx.op.colocation_groups())

    def testBoundaryStop(self):
        c = tf.constant(1.0)
        c_2 = tf.add(c, 1.0)
        c_3 = tf.add(c_2, 1.0)
        with self.session():
            grads = tf.gradients(c_3, [c_2])
            self.assertEqual([1.0], self.evaluate(grads))

    def testBoundaryContinue(self):  # a gradient flows on past an x that is also on the path
        c = tf.constant(1.0)
        c_2 = tf.add(c, 1.0)
        c_3 = tf.add(c_2, 1.0)
        with self.session():
            grads = tf.gradients(c_3, [c, c_2])
            self.assertEqual([1.0, 1.0], self.evaluate(grads))

    def testStopGradient(self):
        a = tf.constant(0.0, name="a")
        b = tf.constant(0.0, name="b")
        c = tf.add(a, b, name="c")
        d = tf.stop_gradient(c)
        self.assertEqual([None, None], tf.gradients(d, [a, b]))

    def testStopGradients(self):  # the stop_gradients argument
        a = tf.constant(0.0, name="a")
        b = tf.constant(0.0, name="b")
        c = tf.add(a, b, name="c")
        d = tf.multiply(c, 2.0, name="d")
        grads = tf.gradients(d, [a, b, c], stop_gradients=[c])
        with self.session():
            self.assertEqual([0.0, 0.0, 2.0],
                             [0.0 if g is None else float(self.evaluate(g)) for g in grads])

    def testSingletonIndexedSlices(self):
        x = tf.placeholder(tf.float32)
        y = tf.identity(x)
        dy = tf.IndexedSlices(tf.placeholder(tf.float32), tf.placeholder(tf.int32))
        dx, = tf.gradients(y, x, grad_ys=dy)
        # a singleton IndexedSlices gradient stays one (TF does not densify it)
        self.assertIsInstance(dx, tf.IndexedSlices)
        with self.session() as sess:
            values, indices = sess.run([dx.values, dx.indices], {dy.values: [1.0, 2.0],
                                                                  dy.indices: [0, 3]})
            self.assertAllEqual([1.0, 2.0], values)
            self.assertAllEqual([0, 3], indices)

    def testNonDifferentiableSwitchInWhileLoop(self):
        v = tf.placeholder(tf.float32, [])

        def body(i, x):
            return i + 1, x * v
        _, total = tf.while_loop(lambda i, x: i < 4, body, [0, 1.0])
        grad = tf.gradients(total, v)[0]
        with self.session():
            self.assertAllClose(4 * 2.0 ** 3, grad.eval({v: 2.0}))

    def test_variable_read_value_gradient(self):
        with self.session():
            v = tf.Variable([1.0, 2.0])
            grad = tf.gradients(tf.reduce_sum(v.read_value() * 3.0), v)[0]
            self.evaluate(v.initializer)
            self.assertAllEqual([3.0, 3.0], self.evaluate(grad))

    def test_aggregation_methods(self):
        x = tf.constant([1.0, 2.0])
        y = x * 2.0 + x * 5.0
        for method in (tf.AggregationMethod.ADD_N, tf.AggregationMethod.EXPERIMENTAL_TREE,
                       tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N):
            grad = tf.gradients(y, x, aggregation_method=method)[0]
            with self.session():
                self.assertAllEqual([7.0, 7.0], self.evaluate(grad))

    def test_unconnected_gradients_zero(self):
        x = tf.constant(1.0, shape=[2, 2])
        y = tf.constant(3.0, shape=[3, 1])
        grad = tf.gradients([y], [x], unconnected_gradients="zero")[0]
        with self.session():
            self.assertAllEqual([[0.0, 0.0], [0.0, 0.0]], self.evaluate(grad))

    def testUnconnectedGradientsNoneUnconnectedGradients(self):
        x = tf.constant(1.0, shape=[2, 2])
        y = tf.constant(3.0, shape=[3, 1])
        self.assertIsNone(tf.gradients([y], [x], unconnected_gradients="none")[0])

    def testUnknownUnconnectedGradientsValueGiven(self):
        x = tf.constant(1.0)
        y = tf.constant(1.0)
        with self.assertRaisesRegex(ValueError,
                                    "Unknown value for unconnected_gradients: 'nonsense'"):
            tf.gradients([y], [x], unconnected_gradients="nonsense")

    def test_gradients_of_integer_tensor_are_none(self):  # TF: no gradient through int outputs
        x = tf.constant([1.0, 2.0])
        y = tf.cast(tf.cast(x, tf.int32), tf.float32)
        self.assertEqual([None], tf.gradients(y, x))


class VariablesTest(tf.test.TestCase):
    """variables_test.VariablesTestCase."""

    def testInitialization(self):
        with self.session():
            var0 = tf.Variable(0.0)
            self.assertEqual("Variable:0", var0.name)
            self.assertEqual("Variable", var0._shared_name)
            self.assertEqual([], var0.get_shape())
            var1 = tf.Variable(1.1)
            self.assertEqual("Variable_1:0", var1.name)
            with self.assertRaisesOpError("Attempting to use uninitialized value"):
                self.evaluate(var0)
            self.evaluate(tf.global_variables_initializer())
            self.assertAllClose(0.0, self.evaluate(var0))
            self.assertAllClose(1.1, self.evaluate(var1))

    def testInitializationOrder(self):
        with self.session():
            rnd = tf.Variable(tf.random_uniform([3, 6]), name="rnd")
            dep = tf.Variable(rnd.initialized_value(), name="dep")
            depdep = tf.Variable(dep.initialized_value(), name="depdep")
            self.evaluate(tf.global_variables_initializer())
            self.assertAllClose(self.evaluate(rnd), self.evaluate(dep))
            self.assertAllClose(self.evaluate(rnd), self.evaluate(depdep))

    def testIterable(self):
        with self.assertRaisesRegex(TypeError, "Iterating over a symbolic `tf.Tensor` is not"):
            for _ in tf.Variable(0.0):
                pass
        with self.assertRaisesRegex(TypeError, "Iterating over a symbolic `tf.Tensor` is not"):
            for _ in tf.Variable([0.0, 1.0]):
                pass

    def testAssignments(self):
        with self.session():
            var = tf.Variable(0.0)
            plus_one = var.assign_add(1.0)
            minus_one = var.assign_sub(2.0)
            four = var.assign(4.0)
            self.evaluate(tf.global_variables_initializer())
            self.assertAllClose(0.0, self.evaluate(var))
            self.assertAllClose(1.0, self.evaluate(plus_one))
            self.assertAllClose(-1.0, self.evaluate(minus_one))
            self.assertAllClose(4.0, self.evaluate(four))
            self.assertAllClose(4.0, self.evaluate(var))

    def testZeroSizeStringAssign(self):
        with self.session():
            array = tf.Variable(initial_value=np.zeros((0,), dtype=object), validate_shape=False,
                                name="foo", trainable=False,
                                collections=[tf.GraphKeys.LOCAL_VARIABLES])
            self.evaluate(tf.local_variables_initializer())
            old_value = array.value()
            copy_op = tf.assign(array, old_value)
            self.assertEqual([], list(self.evaluate(copy_op)))

    def testCountUpTo(self):
        with self.session():
            var = tf.Variable(0, dtype=tf.int32)
            count_up_to = var.count_up_to(3)
            self.evaluate(tf.global_variables_initializer())
            self.assertEqual(0, self.evaluate(var))
            self.assertEqual(0, self.evaluate(count_up_to))
            self.assertEqual(1, self.evaluate(var))
            self.assertEqual(1, self.evaluate(count_up_to))
            self.assertEqual(2, self.evaluate(count_up_to))
            self.assertEqual(3, self.evaluate(var))
            with self.assertRaisesOpError("Reached limit of 3"):
                self.evaluate(count_up_to)

    def testControlDepsNone(self):
        with self.session():
            c = tf.constant(1.0)
            with tf.control_dependencies([c]):
                d = tf.constant(2.0)
                var_x = tf.Variable(2.0)
            self.assertEqual([c.op], d.op.control_inputs)
            self.assertEqual([], var_x.initializer.control_inputs)
            self.assertEqual([], var_x.value().op.control_inputs)
            self.assertEqual([], var_x._ref().op.control_inputs)

    def testCachingDevice(self):
        with self.session():
            var = tf.Variable(2.0)
            self.assertEqual(var.device, var.initialized_value().device)

    def testCollections(self):
        with self.session():
            var_x = tf.Variable(2.0)
            var_y = tf.Variable(2.0, trainable=False)
            var_z = tf.Variable(2.0, trainable=True)
            var_t = tf.Variable(2.0, trainable=True,
                                collections=[tf.GraphKeys.TRAINABLE_VARIABLES,
                                             tf.GraphKeys.GLOBAL_VARIABLES])
            self.assertEqual([var_x, var_y, var_z, var_t], tf.global_variables())
            self.assertEqual([var_x, var_z, var_t], tf.trainable_variables())

    def testOperators(self):
        with self.session():
            var_f = tf.Variable([2.0])
            add = var_f + 0.0
            radd = 1.0 + var_f
            sub = var_f - 1.0
            rsub = 1.0 - var_f
            mul = var_f * 10.0
            rmul = 10.0 * var_f
            div = var_f / 10.0
            neg = -var_f
            abs_v = abs(var_f)
            lt = var_f < 3.0
            var_m = tf.Variable([[2.0, 3.0]])
            matmul = var_m.__matmul__([[10.0], [20.0]])
            self.evaluate(tf.global_variables_initializer())
            self.assertAllClose([2.0], self.evaluate(add))
            self.assertAllClose([3.0], self.evaluate(radd))
            self.assertAllClose([1.0], self.evaluate(sub))
            self.assertAllClose([-1.0], self.evaluate(rsub))
            self.assertAllClose([20.0], self.evaluate(mul))
            self.assertAllClose([20.0], self.evaluate(rmul))
            self.assertAllClose([0.2], self.evaluate(div))
            self.assertAllClose([-2.0], self.evaluate(neg))
            self.assertAllClose([2.0], self.evaluate(abs_v))
            self.assertAllEqual([True], self.evaluate(lt))
            self.assertAllClose([[80.0]], self.evaluate(matmul))

    def testSession(self):
        with self.session() as sess:
            var = tf.Variable([1, 12])
            self.evaluate(tf.global_variables_initializer())
            self.assertAllClose([1, 12], sess.run(var))

    def testColocation(self):
        with tf.device("/job:ps"):
            var = tf.Variable(0, name="v")
        with tf.device("/job:worker/task:7"):
            assign_op = var.assign(1)
        self.assertDeviceEqual("/job:ps", assign_op.device)
        self.assertEqual([b"loc:@v"], assign_op.op.colocation_groups())

    def testInitializerFunction(self):
        value = [[-42], [133.7]]
        shape = [2, 1]
        with self.session():
            initializer = lambda: tf.constant(value)  # noqa: E731
            v1 = tf.Variable(initializer, dtype=tf.float32)
            self.assertEqual(shape, v1.get_shape())
            self.assertEqual(shape, v1.shape)
            self.assertAllClose(value, self.evaluate(v1.initial_value))
            with self.assertRaises(errors.FailedPreconditionError):
                self.evaluate(v1)
            v2 = tf.Variable(tf.negative(v1.initialized_value()), dtype=tf.float32)
            self.assertEqual(v1.get_shape(), v2.get_shape())
            self.assertAllClose(np.negative(value), self.evaluate(v2.initial_value))
            with self.assertRaises(errors.FailedPreconditionError):
                self.evaluate(v2)
            self.evaluate(tf.global_variables_initializer())
            self.assertAllClose(np.negative(value), self.evaluate(v2))

    def testNoRefDataRace(self):
        with self.session():
            a = tf.Variable([1, 2, 3], dtype=tf.float32)
            b = tf.Variable(a.initialized_value() + 2)
            c = tf.Variable(b.initialized_value() + 2)
            self.evaluate(tf.global_variables_initializer())
            self.assertAllEqual(self.evaluate(a), [1, 2, 3])
            self.assertAllEqual(self.evaluate(b), [3, 4, 5])
            self.assertAllEqual(self.evaluate(c), [5, 6, 7])

    def testLoad(self):
        with self.session():
            var = tf.Variable(np.zeros((5, 5), np.float32))
            self.evaluate(tf.global_variables_initializer())
            var.load(np.ones((5, 5), np.float32))
            self.assertAllClose(np.ones((5, 5), np.float32), self.evaluate(var))

    def testRepr(self):
        var = tf.Variable(np.zeros((5, 5), np.float32), name="noop")
        self.assertEqual("<tf.Variable 'noop:0' shape=(5, 5) dtype=float32_ref>", repr(var))


class ControlFlowTest(tf.test.TestCase):
    """control_flow_ops_py_test.ControlFlowTest."""

    def testRefIdentity(self):
        with self.session():
            v = tf.Variable(7)
            read = tf.identity(v)
            self.assertEqual(tf.int32, read.dtype)  # the value, not a reference
            self.evaluate(tf.global_variables_initializer())
            self.assertEqual(7, self.evaluate(read))

    def testCondBool(self):
        values = tf.constant(10)
        fn1 = lambda: tf.add(values, 1)  # noqa: E731
        fn2 = lambda: tf.subtract(values, 1)  # noqa: E731
        with self.assertRaisesRegex(TypeError, "must not be a Python bool"):
            tf.cond(False, fn1, fn2)

    def testCondInt(self):
        p = tf.placeholder(tf.bool, shape=[])
        v = tf.constant(10)
        fn1 = lambda: tf.add(v, 1)  # noqa: E731
        fn2 = lambda: tf.subtract(v, 1)  # noqa: E731
        y = tf.cond(p, fn1, fn2)
        grad = tf.gradients(y, [v])
        self.assertAllEqual([None], grad)

    def testCondIndexedSlices(self):
        with self.session():
            values = tf.constant([10])
            indices = tf.constant([0])
            x = tf.IndexedSlices(values, indices)
            pred = tf.less(1, 2)
            fn1 = lambda: tf.IndexedSlices(tf.add(x.values, 1), indices)  # noqa: E731
            fn2 = lambda: tf.IndexedSlices(tf.subtract(x.values, 1), indices)  # noqa: E731
            r = tf.cond(pred, fn1, fn2)
            val = r.values
            ind = r.indices
            self.assertAllEqual([11], self.evaluate(val))
            self.assertAllEqual([0], self.evaluate(ind))

    def testCondSparseTensor(self):
        with self.session():
            values = tf.constant([2.0, 4.0], name="values")
            indices = tf.constant([[0], [3]], dtype=tf.int64, name="indices")
            shape = tf.constant([10], dtype=tf.int64, name="dense_shape")
            x = tf.SparseTensor(indices, values, dense_shape=shape)
            pred = tf.less(1, 2)
            fn1 = lambda: tf.SparseTensor(indices + 1, x.values + 1, dense_shape=shape)  # noqa
            fn2 = lambda: tf.SparseTensor(indices, x.values - 1, dense_shape=shape)  # noqa
            r = tf.cond(pred, fn1, fn2)
            self.assertIsInstance(r, tf.SparseTensor)
            self.assertAllEqual([3.0, 5.0], self.evaluate(r.values))
            self.assertAllEqual([[1], [4]], self.evaluate(r.indices))
            self.assertAllEqual(r.values.get_shape(), (2,))

    def test_converted_dimension_is_named_shape_as_tensor(self):
        converted = tf.convert_to_tensor(tf.Dimension(3))
        self.assertEqual("shape_as_tensor:0", converted.name)
        shape = tf.convert_to_tensor(tf.TensorShape([2, 3]))
        self.assertEqual("shape_as_tensor_1:0", shape.name)
        self.assertEqual("four:0", tf.convert_to_tensor(tf.Dimension(4), name="four").name)

    def testCond_1(self):
        with self.session():
            x = tf.constant(10)
            pred = tf.less(1, 2)
            fn1 = lambda: tf.add(x, 1)  # noqa: E731
            fn2 = lambda: tf.subtract(x, 1)  # noqa: E731
            r = tf.cond(pred, fn1, fn2)
            self.assertAllEqual(11, self.evaluate(r))

    def testCond_3(self):
        with self.session():
            x = tf.constant(10)
            pred = tf.less(1, 2)
            fn1 = lambda: tf.add(x, 1)  # noqa: E731
            fn2 = lambda: tf.subtract(x, 1)  # noqa: E731
            fn3 = lambda: tf.add(tf.cond(pred, fn1, fn2), 1)  # noqa: E731
            r = tf.cond(pred, fn3, fn2)
            self.assertAllEqual(12, self.evaluate(r))

    def testCondGrad_1(self):
        with self.session():
            x = tf.constant(10.0, name="x")
            pred = tf.less(1, 2)
            fn1 = lambda: tf.identity(x)  # noqa: E731
            fn2 = lambda: tf.identity(x)  # noqa: E731
            r = tf.cond(pred, fn1, fn2)
            grad = tf.gradients(r, [x])[0]
            self.assertAllEqual(1.0, self.evaluate(grad))

    def testCondGrad_2(self):
        with self.session():
            c = tf.placeholder(tf.int32, shape=[])
            x = tf.constant(10.0)
            pred = tf.less(c, 2)
            fn1 = lambda: tf.multiply(x, 42.0)  # noqa: E731
            fn2 = lambda: tf.multiply(x, 3.0)  # noqa: E731
            r = tf.cond(pred, fn1, fn2)
            grad = tf.gradients(r, [x])[0]
            self.assertAllEqual(42.0, grad.eval(feed_dict={c: 1}))
            self.assertAllEqual(3.0, grad.eval(feed_dict={c: 3}))

    def testWhile_1(self):
        with self.session():
            n = tf.constant(0)
            r = tf.while_loop(lambda x: tf.less(x, 10000), lambda x: tf.add(x, 1), [n],
                              parallel_iterations=20)
            self.assertEqual(10000, self.evaluate(r))

    def testWhileShapeInference(self):
        i = tf.constant(0)
        m = tf.ones([2, 2])
        c = lambda i, j: tf.less(i, 2)  # noqa: E731

        def b(i, j):
            new_i = tf.add(i, 1)
            new_j = tf.concat([j, j], 0)
            return [new_i, new_j]
        r = tf.while_loop(c, b, [i, m],
                          [i.get_shape(), tf.TensorShape([None, 2])])
        self.assertTrue(r[1].shape.is_compatible_with([8, 2]))
        self.assertEqual([None, 2], r[1].shape.as_list())
        with self.assertRaisesRegex(ValueError, "Input tensor 'ones:0' enters the loop with "
                                                "shape \\(2, 2\\), but has shape \\(4, 2\\) "
                                                "after one iteration."):
            tf.while_loop(c, b, [i, m])

    def test_while_with_maximum_iterations(self):
        with self.session():
            r = tf.while_loop(lambda i: i < 100, lambda i: i + 1, [0], maximum_iterations=7)
            self.assertEqual(7, self.evaluate(r))

    def testWhileGrad_Square(self):
        with self.session():
            v = tf.constant(2.0, name="v")
            c = lambda v: tf.less(v, 100.0)  # noqa: E731
            b = tf.square
            r = tf.while_loop(c, b, [v], parallel_iterations=1)
            r = tf.cond(tf.less(1, 2), lambda: r, lambda: v)
            r = tf.gradients(r, v)[0]
            self.assertAllClose(1024.0, self.evaluate(r))

    def testWhileGrad_Mul(self):
        with self.session():
            a = tf.constant(3.0, name="a")
            v = tf.constant(2.0, name="v")
            c = lambda v: tf.less(v, 100.0)  # noqa: E731
            b = lambda v: tf.multiply(v, a)  # noqa: E731
            r = tf.while_loop(c, b, [v], parallel_iterations=1)
            grad_a, grad_v = tf.gradients(r, [a, v])
            grad_a_val, grad_v_val = self.evaluate([grad_a, grad_v])
            self.assertAllClose(216.0, grad_a_val)
            self.assertAllClose(81.0, grad_v_val)

    def testWhileUpdateVariable_2(self):
        with self.session():
            select1 = tf.Variable([3.0, 4.0, 5.0])
            select2 = tf.Variable([3.0, 4.0, 5.0])
            n = tf.constant(0)

            def loop_iterator(j):
                return tf.less(j, 3)

            def loop_body(j):
                ns1 = tf.scatter_update(select1, j, 10.0)
                ns2 = tf.scatter_update(select2, j, 10.0)
                nj = tf.add(j, 1)
                op = tf.group(ns1, ns2)
                nj = tf.tuple([nj], control_inputs=[op])[0]
                return [nj]
            r = tf.while_loop(loop_iterator, loop_body, [n], parallel_iterations=1)
            self.evaluate(tf.global_variables_initializer())
            self.assertEqual(3, self.evaluate(r))
            self.assertAllClose(np.array([10.0, 10.0, 10.0]), self.evaluate(select1))
            self.assertAllClose(np.array([10.0, 10.0, 10.0]), self.evaluate(select2))

    def test_while_scatters_each_iteration(self):  # the counter feeds a scatter per iteration
        with self.session():
            v = tf.Variable(np.zeros(5, np.int32))

            def body(i):
                with tf.control_dependencies([tf.scatter_update(v, i, i * 10)]):
                    return i + 1
            r = tf.while_loop(lambda i: i < 5, body, [0], parallel_iterations=1)
            self.evaluate(v.initializer)
            self.assertEqual(5, self.evaluate(r))
            self.assertAllEqual([0, 10, 20, 30, 40], self.evaluate(v))


class OpsTest(tf.test.TestCase):
    """ops_test: names, control dependencies and collections."""

    def test_op_names_are_unique(self):
        g = tf.Graph()
        with g.as_default():
            a = tf.constant(1.0, name="myop")
            b = tf.constant(1.0, name="myop")
        self.assertEqual(["myop", "myop_1"], [a.op.name, b.op.name])

    def test_name_scopes(self):  # ops_test NameTest-like
        g = tf.Graph()
        with g.as_default():
            with tf.name_scope("outer"):
                a = tf.constant(1.0, name="a")
                with tf.name_scope("inner"):
                    b = tf.constant(1.0, name="a")
            with tf.name_scope("outer"):
                c = tf.constant(1.0, name="a")
        self.assertEqual(["outer/a", "outer/inner/a", "outer_1/a"],
                         [a.op.name, b.op.name, c.op.name])

    def test_control_dependencies(self):  # testBasic (ControlDependenciesTest)
        g = tf.Graph()
        with g.as_default():
            a = tf.constant(1.0)
            b = tf.constant(2.0)
            with g.control_dependencies([a]):
                c = tf.constant(3.0)
                d = tf.add(a, b)
                e = tf.add(c, d)
        self.assertEqual([a.op], c.op.control_inputs)
        self.assertEqual([], d.op.control_inputs)  # a is already an input
        self.assertEqual([], e.op.control_inputs)  # c and d are inside the scope already

    def testClear(self):  # ControlDependenciesTest
        g = tf.Graph()
        with g.as_default():
            a = tf.constant(1.0)
            b = tf.constant(2.0)
            with g.control_dependencies([a]), g.control_dependencies(None), \
                    g.control_dependencies([b]):
                c = tf.constant(3.0)
        self.assertEqual([b.op], c.op.control_inputs)

    def test_collections(self):  # CollectionTest-like
        g = tf.Graph()
        g.add_to_collection("key", 12)
        g.add_to_collection("other", "foo")
        g.add_to_collection("key", 34)
        self.assertEqual([12, 34], g.get_collection("key"))
        self.assertEqual(["foo"], g.get_collection("other"))
        self.assertEqual([], g.get_collection("nothing"))
        ref = g.get_collection_ref("key")
        ref.append(56)
        self.assertEqual([12, 34, 56], g.get_collection("key"))

    def test_finalized(self):  # GraphTest.Finalize-like
        g = tf.Graph()
        g.finalize()
        with self.assertRaisesRegex(RuntimeError, "Graph is finalized and cannot be modified"), \
                g.as_default():
            tf.constant(1.0)
