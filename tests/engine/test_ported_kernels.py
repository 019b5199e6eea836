"""TF's reduction, concat, cast, argmax, aggregate (add_n), constant and shape kernel tests, and
ops_test's colocation and cond-shape methods, ported in our own words to graphshell's
tf.test.TestCase: each method keeps the name of the TF test it follows (counted by
tools/count_ported_tests.py). Expected values are numpy written out."""

import numpy as np

from graphshell import tf
from graphshell.engine.graph import errors

RNG = np.random.RandomState(7)


class ReductionTest(tf.test.TestCase):
    """reduction_ops_test: Sum, Mean, Prod, Min, Max, All, Any and EuclideanNorm."""

    def _compare_all_axes(self, reduce_fn, numpy_fn, x, rtol=1e-6):
        axes_list = [None, 0, 1, 2, (0, 1), (1, 2), (0, 2), (0, 1, 2), -1]
        with self.session():
            for axes in axes_list:
                for keepdims in (False, True):
                    got = self.evaluate(reduce_fn(x, axis=axes, keepdims=keepdims))
                    want = numpy_fn(x, axis=axes, keepdims=keepdims)
                    self.assertAllClose(want, got, rtol=rtol, atol=1e-5)
                    self.assertEqual(np.shape(want), np.shape(got))

    def test_float_sum(self):  # testFloat32 (SumReductionTest)
        self._compare_all_axes(tf.reduce_sum, np.sum, RNG.rand(3, 4, 5).astype(np.float32))

    def test_int32_sum(self):  # testInt32 (SumReductionTest)
        x = RNG.randint(-50, 50, size=(3, 4, 5)).astype(np.int32)
        self._compare_all_axes(tf.reduce_sum, np.sum, x)

    def test_float_mean(self):  # testFloat32 (MeanReductionTest)
        self._compare_all_axes(tf.reduce_mean, np.mean, RNG.rand(3, 4, 5).astype(np.float32))

    def test_prod(self):  # testFloat32 (ProdReductionTest)
        x = (RNG.rand(3, 4, 5) + 0.5).astype(np.float32)
        self._compare_all_axes(tf.reduce_prod, np.prod, x, rtol=1e-5)

    def test_min_max(self):  # testFloatReduce3D (MinReductionTest, MaxReductionTest)
        x = RNG.rand(3, 4, 5).astype(np.float32)
        self._compare_all_axes(tf.reduce_min, np.min, x)
        self._compare_all_axes(tf.reduce_max, np.max, x)

    def test_all_any(self):  # testAll3D (AllReductionTest, AnyReductionTest)
        x = RNG.rand(3, 4, 5) > 0.3
        self._compare_all_axes(tf.reduce_all, np.all, x)
        self._compare_all_axes(tf.reduce_any, np.any, x)

    def test_euclidean_norm(self):  # testFloat32 (EuclideanNormReductionTest)
        def numpy_norm(x, axis=None, keepdims=False):
            return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))
        self._compare_all_axes(tf.math.reduce_euclidean_norm, numpy_norm,
                               RNG.rand(3, 4, 5).astype(np.float32), rtol=1e-5)

    def test_empty_reductions(self):  # testEmpty (SumReductionTest and the others)
        x = np.zeros([0, 3], np.float32)
        with self.session():
            self.assertAllEqual([0.0, 0.0, 0.0], self.evaluate(tf.reduce_sum(x, 0)))
            self.assertAllEqual([1.0, 1.0, 1.0], self.evaluate(tf.reduce_prod(x, 0)))
            self.assertTrue(np.all(np.isnan(self.evaluate(tf.reduce_mean(x, 0)))))
            self.assertEqual(True, self.evaluate(tf.reduce_all(np.zeros([0], bool))))
            self.assertEqual(False, self.evaluate(tf.reduce_any(np.zeros([0], bool))))

    def test_invalid_index(self):  # testInvalidIndex (SumReductionTest)
        x = tf.constant(np.ones([2, 3], np.float32))
        with self.assertRaisesRegex(ValueError, "Invalid reduction dimension 2"):
            tf.reduce_sum(x, 2)
        with self.assertRaisesRegex(ValueError, "Invalid reduction dimension -3"):
            tf.reduce_sum(x, -3)

    def test_axes_type(self):  # testAxesType (BaseReductionTest)
        x = np.arange(6, dtype=np.float32).reshape(2, 3)
        with self.session():
            for dtype in (tf.int32, tf.int64):
                total = tf.reduce_sum(x, tf.constant(1, dtype))
                self.assertEqual(dtype, total.op.get_attr("Tidx"))
                self.assertAllEqual([3.0, 12.0], self.evaluate(total))

    def test_partial_shapes(self):  # testPartialShapes (SumReductionTest)
        x = tf.placeholder(tf.float32, [None, 3, None])
        self.assertEqual([None, None], tf.reduce_sum(x, 1).shape.as_list())
        self.assertEqual([None, 1, None], tf.reduce_sum(x, 1, keepdims=True).shape.as_list())
        unknown_axis = tf.placeholder(tf.int32, [1])
        self.assertEqual(None, tf.reduce_sum(x, unknown_axis).shape.ndims)
        self.assertEqual(None, tf.reduce_sum(x, tf.placeholder(tf.int32)).shape.ndims)

    def test_gradient_sum(self):  # testGradient (SumReductionTest)
        x = tf.constant(RNG.rand(2, 3).astype(np.float32))
        with self.session():
            grad = tf.gradients(tf.reduce_sum(x, 1), x)[0]
            self.assertAllEqual(np.ones([2, 3], np.float32), self.evaluate(grad))
            mean_grad = tf.gradients(tf.reduce_mean(x), x)[0]
            self.assertAllClose(np.full([2, 3], 1 / 6, np.float32), self.evaluate(mean_grad))


class ConcatTest(tf.test.TestCase):
    """concat_op_test.ConcatOpTest."""

    def test_basic(self):
        a = RNG.rand(4, 4, 4).astype(np.float32)
        b = RNG.rand(4, 3, 4).astype(np.float32)
        with self.session():
            self.assertAllEqual(np.concatenate([a, b], 1), self.evaluate(tf.concat([a, b], 1)))

    def test_concat_negative_axis(self):  # testConcatNegativeAxis
        a = np.array([[1, 2], [3, 4]], np.int32)
        b = np.array([[5, 6], [7, 8]], np.int32)
        with self.session():
            self.assertAllEqual(np.concatenate([a, b], -1), self.evaluate(tf.concat([a, b], -1)))
            self.assertAllEqual(np.concatenate([a, b], -2), self.evaluate(tf.concat([a, b], -2)))

    def test_concat_empty(self):  # testConcatEmpty
        a = np.zeros([0, 3], np.float32)
        b = np.ones([2, 3], np.float32)
        with self.session():
            self.assertAllEqual(b, self.evaluate(tf.concat([a, b], 0)))

    def test_concat_single_tensor_is_identity(self):  # testConcatTuple-like
        a = tf.constant([1.0, 2.0])
        result = tf.concat([a], 0)
        self.assertEqual("Identity", result.op.type)

    def test_shape_with_unknown_concat_dim(self):  # testShapeWithUnknownConcatDim
        p1 = tf.placeholder(tf.float32)
        c1 = tf.constant(5.0, shape=[4, 4, 4, 4])
        p2 = tf.placeholder(tf.float32)
        c2 = tf.constant(5.0, shape=[4, 4, 4, 4])
        dim = tf.placeholder(tf.int32)
        self.assertEqual([None, 4, 4, 4], tf.concat([p1, c1, p2, c2], 0).shape.as_list())
        self.assertEqual(4, tf.concat([p1, c1, p2, c2], dim).shape.ndims)
        self.assertEqual([None, None, None, None], tf.concat([c1, c2], dim).shape.as_list())

    def test_incompatible_shapes(self):
        # TF numbers the dims without the concatenation axis
        with self.assertRaisesRegex(ValueError, r"Dimension 0 in both shapes must be equal, but "
                                                r"are 3 and 4. Shapes are \[3\] and \[4\]."):
            tf.concat([tf.ones([2, 3]), tf.ones([2, 4])], 0)

    def test_concat_scalars_refused(self):  # ConcatInvalidAxis / scalars
        with self.assertRaisesRegex(ValueError, r"Can't concatenate scalars \(use tf.stack"):
            tf.concat([tf.constant(1.0), tf.constant(2.0)], 0)

    def test_concat_axis_out_of_range(self):
        with self.assertRaisesRegex(ValueError, "Shape must be at least rank 3 but is rank 2"):
            tf.concat([tf.ones([2, 2]), tf.ones([2, 2])], 2)

    def test_gradients_simple(self):  # testGradientsSimple
        a = tf.constant(RNG.rand(2, 3).astype(np.float32))
        b = tf.constant(RNG.rand(2, 5).astype(np.float32))
        upstream = RNG.rand(2, 8).astype(np.float32)
        with self.session():
            grads = tf.gradients(tf.concat([a, b], 1), [a, b], grad_ys=upstream)
            ga, gb = self.evaluate(grads)
            self.assertAllEqual(upstream[:, :3], ga)
            self.assertAllEqual(upstream[:, 3:], gb)

    def test_concat_tidx_attr(self):  # testConcatAxisType
        for dtype in (tf.int32, tf.int64):
            c = tf.concat([tf.ones([1]), tf.ones([2])], tf.constant(0, dtype))
            self.assertEqual(dtype, c.op.get_attr("Tidx"))


class CastTest(tf.test.TestCase):
    """cast_op_test.CastOpTest and SaturateCastTest."""

    def test_basic(self):
        x = np.array([-2.7, -0.5, 0.0, 0.5, 1.9], np.float32)
        with self.session():
            self.assertAllEqual(x.astype(np.int32), self.evaluate(tf.cast(x, tf.int32)))
            self.assertAllEqual(x.astype(np.float64), self.evaluate(tf.cast(x, tf.float64)))
            self.assertAllEqual([True, True, False, True, True],
                                self.evaluate(tf.cast(x, tf.bool)))

    def test_cast_to_same_type_is_identity(self):  # such a cast adds no op
        x = tf.constant([1.0, 2.0])
        self.assertIs(x, tf.cast(x, tf.float32))

    def test_int_to_float_boundary(self):  # testIntToFloatBoundary
        x = np.array([np.iinfo(np.int32).max, np.iinfo(np.int32).min], np.int32)
        with self.session():
            self.assertAllEqual(x.astype(np.float32), self.evaluate(tf.cast(x, tf.float32)))

    def test_gradients(self):  # testGradients (CastOpTest)
        x = tf.constant([1.0, 2.0, 3.0], tf.float32)
        with self.session():
            grad = tf.gradients(tf.reduce_sum(tf.cast(x, tf.float64) * 2.0), x)[0]
            self.assertEqual(tf.float32, grad.dtype)
            self.assertAllEqual([2.0, 2.0, 2.0], self.evaluate(grad))

    def test_not_implemented(self):  # testNotImplemented (CastOpTest)
        with self.session(), self.assertRaisesRegex(errors.UnimplementedError,
                                    "Cast int64 to string is not supported"):
            self.evaluate(tf.cast(tf.constant(1, tf.int64), tf.string))

    def test_saturate(self):  # testSaturate (SaturateCastTest)
        x = np.array([-300.0, -1.5, 0.0, 200.0, 300.0], np.float32)
        with self.session():
            self.assertAllEqual([0, 0, 0, 200, 255],
                                self.evaluate(tf.saturate_cast(x, tf.uint8)))
            self.assertAllEqual([-128, -1, 0, 127, 127],
                                self.evaluate(tf.saturate_cast(x, tf.int8)))


class ArgMaxTest(tf.test.TestCase):
    """argmax_op_test.ArgMaxTest."""

    def test_float_int32_output(self):  # testFloatInt32Output (ArgMaxTest)
        x = RNG.rand(5, 6).astype(np.float32)
        with self.session():
            for axis in (0, 1):
                got = self.evaluate(tf.argmax(x, axis, output_type=tf.int32))
                self.assertEqual(np.int32, got.dtype)
                self.assertAllEqual(np.argmax(x, axis), got)
                self.assertAllEqual(np.argmin(x, axis), self.evaluate(tf.argmin(x, axis)))

    def test_default_output_is_int64(self):
        self.assertEqual(tf.int64, tf.argmax([1.0, 3.0, 2.0], 0).dtype)

    def test_tie_breaking(self):  # the first of equal values wins, as numpy's
        x = np.array([[1, 3, 3], [2, 2, 0]], np.int32)
        with self.session():
            self.assertAllEqual([1, 0], self.evaluate(tf.argmax(x, 1)))
            self.assertAllEqual([0, 2], self.evaluate(tf.argmin(x, 1)))

    def test_empty(self):  # testEmpty (ArgMaxTest)
        with self.session(), self.assertRaisesRegex(errors.InvalidArgumentError,
                                    r"Reduction axis 0 is empty in shape \[0\]"):
            self.evaluate(tf.argmax(np.zeros([0], np.float32), 0))

    def test_default_axis(self):  # testDefaultAxis (ArgMaxTest)
        with self.session():
            x = np.array([[1.0, 5.0], [7.0, 2.0]], np.float32)
            self.assertAllEqual([1, 0], self.evaluate(tf.argmax(x)))


class AddNTest(tf.test.TestCase):
    """aggregate_ops_test.AddNTest."""

    def test_add_n(self):
        parts = [RNG.rand(3, 4).astype(np.float32) for _ in range(5)]
        with self.session():
            self.assertAllClose(sum(parts), self.evaluate(tf.add_n(parts)))

    def test_unknown_shapes(self):  # AddN with partially known shapes merges them
        a = tf.placeholder(tf.float32, [None, 3])
        b = tf.placeholder(tf.float32, [2, None])
        self.assertEqual([2, 3], tf.add_n([a, b]).shape.as_list())

    def test_incompatible_shapes(self):
        with self.assertRaisesRegex(ValueError, "Dimension 0 in both shapes must be equal"):
            tf.add_n([tf.ones([2]), tf.ones([3])])

    def test_single_input_is_returned(self):
        x = tf.constant([1.0])
        self.assertIs(x, tf.add_n([x]))

    def test_empty_list(self):
        with self.assertRaisesRegex(ValueError, "Inputs must be an iterable of at least one "
                                                "Tensor/IndexedSlices with the same dtype"):
            tf.add_n([])

    def test_gradients_of_sum(self):
        a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
        with self.session():
            ga, gb = self.evaluate(tf.gradients(tf.add_n([a, b, a]), [a, b]))
            self.assertAllEqual([2.0, 2.0], ga)
            self.assertAllEqual([1.0, 1.0], gb)


class ConstantTest(tf.test.TestCase):
    """constant_op_test: ConstantTest, ZerosTest, OnesTest, FillTest."""

    def test_float_and_int_types(self):
        for value in (np.float32(1.5), np.int64(3), np.array([1, 2], np.int16)):
            c = tf.constant(value)
            self.assertEqual(np.asarray(value).dtype, c.dtype.as_numpy_dtype)

    def test_shape_broadcast_of_scalar(self):
        with self.session():
            self.assertAllEqual(np.full([2, 3], 7.0), self.evaluate(tf.constant(7.0, shape=[2, 3])))

    def test_too_large_value_for_shape(self):
        with self.assertRaisesRegex(ValueError, "Too many elements provided. Takes at most 3, "
                                                "but got 4."):
            tf.constant([1, 2, 3, 4], shape=[3])

    def test_zeros_and_ones(self):
        with self.session():
            self.assertAllEqual(np.zeros([2, 3], np.int32),
                                self.evaluate(tf.zeros([2, 3], tf.int32)))
            self.assertAllEqual(np.ones([4], np.float64), self.evaluate(tf.ones([4], tf.float64)))

    def test_zeros_like_keeps_type(self):
        x = tf.constant([[1, 2]], tf.int64)
        with self.session():
            z = tf.zeros_like(x)
            self.assertEqual(tf.int64, z.dtype)
            self.assertAllEqual([[0, 0]], self.evaluate(z))

    def test_fill_shape_function_edge_cases(self):  # testShapeFunctionEdgeCases (FillTest)
        with self.assertRaisesRegex(ValueError, "Shape must be rank 1 but is rank 2"):
            tf.fill([[0, 1], [2, 3]], 1.0)
        with self.assertRaisesRegex(ValueError, "Shape must be rank 0 but is rank 1"):
            tf.fill([3, 2], [1.0, 2.0])
        self.assertEqual([None, None], tf.fill(tf.placeholder(tf.int32, [2]), 1.0).shape.as_list())

    def test_fill_index_type(self):  # the dims' type is the index_type attr
        for dtype in (tf.int32, tf.int64):
            filled = tf.fill(tf.constant([2], dtype), 1.0)
            self.assertEqual(dtype, filled.op.get_attr("index_type"))


class ShapeTest(tf.test.TestCase):
    """shape_ops_test.ShapeOpsTest."""

    def test_shape_size_rank(self):
        x = np.zeros([2, 3, 4], np.float32)
        with self.session():
            self.assertAllEqual([2, 3, 4], self.evaluate(tf.shape(x)))
            self.assertEqual(24, self.evaluate(tf.size(x)))
            self.assertEqual(3, self.evaluate(tf.rank(x)))
            self.assertEqual(tf.int64, tf.shape(x, out_type=tf.int64).dtype)

    def test_shape_n(self):
        with self.session():
            shapes = self.evaluate(tf.shape_n([tf.ones([1, 2]), tf.ones([3])]))
            self.assertAllEqual([1, 2], shapes[0])
            self.assertAllEqual([3], shapes[1])

    def test_expand_dims_with_tensor_axis(self):
        x = tf.ones([2, 3])
        with self.session():
            self.assertEqual((2, 1, 3), self.evaluate(tf.expand_dims(x, tf.constant(1))).shape)
        self.assertEqual(None, tf.expand_dims(x, tf.placeholder(tf.int32, [])).shape.ndims)

    def test_squeeze(self):
        x = np.zeros([1, 2, 1, 3], np.float32)
        with self.session():
            self.assertEqual((2, 3), self.evaluate(tf.squeeze(x)).shape)
            self.assertEqual((1, 2, 3), self.evaluate(tf.squeeze(x, [2])).shape)
        with self.assertRaisesRegex(ValueError, "Can not squeeze dim"):
            tf.squeeze(x, [1])

    def test_tile(self):
        x = np.array([[1, 2], [3, 4]], np.int32)
        with self.session():
            self.assertAllEqual(np.tile(x, [2, 3]), self.evaluate(tf.tile(x, [2, 3])))
            for dtype in (tf.int32, tf.int64):
                tiled = tf.tile(x, tf.constant([1, 2], dtype))
                self.assertEqual(dtype, tiled.op.get_attr("Tmultiples"))

    def test_reshape_and_transpose(self):
        x = np.arange(6, dtype=np.float32)
        with self.session():
            self.assertAllEqual(x.reshape(2, 3).T,
                                self.evaluate(tf.transpose(tf.reshape(x, [2, 3]))))
            for dtype in (tf.int32, tf.int64):
                reshaped = tf.reshape(x, tf.constant([3, 2], dtype))
                self.assertEqual(dtype, reshaped.op.get_attr("Tshape"))
                moved = tf.transpose(reshaped, tf.constant([1, 0], dtype))
                self.assertEqual(dtype, moved.op.get_attr("Tperm"))


class ShapeErrorMessageTest(tf.test.TestCase):
    """The node summary in construction errors lists the attrs TF's NodeDef has."""

    def test_concat_summary_has_tidx(self):
        with self.assertRaisesRegex(ValueError, r"ConcatV2\[N=2, T=DT_FLOAT, Tidx=DT_INT32\]"):
            tf.concat([tf.constant([1.0]), tf.constant([[2.0]])], 0)

    def test_fill_summary_has_index_type(self):
        with self.assertRaisesRegex(ValueError, r"Fill\[T=DT_FLOAT, index_type=DT_INT32\]"):
            tf.fill([[2]], 1.0)

    def test_tile_and_pad_summaries(self):
        with self.assertRaisesRegex(ValueError, r"Tile\[T=DT_FLOAT, Tmultiples=DT_INT32\]"):
            tf.tile(tf.ones([2]), [1, 2])
        with self.assertRaisesRegex(ValueError, r"Pad\[T=DT_FLOAT, Tpaddings=DT_INT32\]"):
            tf.pad(tf.ones([2]), [[1, 1], [1, 1]])

    def test_gather_summary_names_each_type_attr(self):
        pattern = r"GatherV2\[Taxis=DT_INT32, Tindices=DT_INT32, Tparams=DT_FLOAT, batch_dims=0\]"
        with self.assertRaisesRegex(ValueError, pattern):
            tf.gather(tf.ones([2]), [[0]], axis=3)


class CondShapeTest(tf.test.TestCase):
    """control_flow_ops_py_test: what a cond's output shape keeps of its branches'."""

    def test_cond_merged_partial_shape(self):
        pred = tf.placeholder(tf.bool)
        merged = tf.cond(pred, lambda: tf.zeros([1, 2]), lambda: tf.zeros([3, 2]))
        self.assertEqual([None, 2], merged.shape.as_list())
        with self.session():
            self.assertEqual((3, 2), merged.eval({pred: False}).shape)

    def test_cond_different_ranks_has_unknown_rank(self):
        pred = tf.placeholder(tf.bool)
        merged = tf.cond(pred, lambda: tf.zeros([1, 2]), lambda: tf.zeros([3]))
        self.assertIsNone(merged.shape.ndims)

    def test_cond_keeps_agreed_shape(self):
        pred = tf.placeholder(tf.bool)
        merged = tf.cond(pred, lambda: tf.zeros([4, 2]), lambda: tf.ones([4, 2]))
        self.assertEqual([4, 2], merged.shape.as_list())


class ColocationTest(tf.test.TestCase):
    """ops_test.ColocationGroupTest and the colocation TF's builders record."""

    def test_colocation_groups_of_add_n_gradient(self):
        x = tf.placeholder(tf.float32, [2], name="x")
        grad = tf.gradients(x * 2.0 + tf.sin(x), x)[0]
        self.assertEqual("AddN", grad.op.type)
        self.assertEqual([("loc:@" + grad.op.inputs[0].op.name).encode()],
                         grad.op.colocation_groups())

    def test_cond_switch_colocated_with_its_input(self):
        v = tf.Variable(1.0, name="v")
        pred = tf.placeholder(tf.bool, name="p")
        tf.cond(pred, lambda: v * 2.0, lambda: v + 1.0)
        switches = [op for op in tf.get_default_graph().get_operations()
                    if op.type == "Switch" and op.inputs[0].op.name == "v/read"]
        self.assertEqual(2, len(switches))
        for op in switches:
            self.assertEqual([b"loc:@v"], op.colocation_groups())

    def test_while_switch_colocated_with_merge(self):
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
        switch = tf.get_default_graph().get_operation_by_name("while/Switch")
        self.assertEqual([b"loc:@while/Merge"], switch.colocation_groups())

    def test_initializer_ops_of_get_variable(self):
        w = tf.get_variable("w", [2], initializer=tf.random_normal_initializer())
        for op in tf.get_default_graph().get_operations():
            if op.name.startswith("w/Initializer") or op.name == "w":
                self.assertEqual([b"loc:@w"], op.colocation_groups(), op.name)
        self.assertEqual([b"loc:@w"], w.op.node_def.attr["_class"].list.s)

    def test_slots_colocated_with_their_variable(self):
        w = tf.Variable([1.0, 2.0], name="w")
        tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(w * w))
        graph = tf.get_default_graph()
        for name in ("w/Adam", "w/Adam_1", "beta1_power", "beta2_power",
                     "Adam/update_w/ApplyAdam", "Adam/Assign"):
            self.assertEqual([b"loc:@w"], graph.get_operation_by_name(name).colocation_groups())

    def test_merge_of_a_ref_and_a_value_is_not_colocated(self):
        v = tf.Variable(1.0, name="v")
        pred = tf.placeholder(tf.bool, name="p")
        merged = tf.cond(pred, lambda: tf.assign_add(v, 1.0), lambda: tf.identity(v))
        self.assertEqual([b"loc:@cond/Merge"], merged.op.colocation_groups())

    def test_conflicting_group_devices_fail_at_run_time(self):
        a = tf.constant(1.0, name="a")
        with tf.colocate_with(a):
            with tf.device("/device:GPU:0"):
                b = tf.identity(a, name="b")
            with tf.device("/device:CPU:0"):
                c = tf.identity(a, name="c")
        with tf.Session() as sess, self.assertRaisesRegex(
                errors.InvalidArgumentError,
                r"Cannot colocate nodes \{\{colocation_node c\}\} and "
                r"\{\{colocation_node a\}\}: Cannot merge devices with incompatible types: "
                r"'/device:GPU:0' and '/device:CPU:0'"):
            sess.run(c)
        with self.session() as sess:  # soft placement drops the conflicting type
            self.assertEqual(1.0, sess.run(b))

    def test_group_on_missing_device_names_its_first_member(self):
        v = tf.Variable(1.0, name="v")
        with tf.colocate_with(v.op), tf.device("/device:GPU:0"):
            tf.identity(v, name="w")
        with tf.Session() as sess, self.assertRaisesRegex(
                errors.InvalidArgumentError,
                r"Cannot assign a device for operation v: Could not satisfy explicit device "
                r"specification '' because the node \{\{colocation_node v\}\} was colocated "
                r"with a group of nodes that required incompatible device '/device:GPU:0'"):
            sess.run(v.initializer)
