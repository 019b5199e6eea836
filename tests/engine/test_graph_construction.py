"""Graph construction: device scopes, colocation, DeviceSpec, Graph.create_op, whole-graph checks
before a step (placement, cycles) and construction-time shape checks. Ported in our own words
from TF's framework/ops_test.py (DeviceTest, ColocationGroupTest, CreateOpTest),
framework/device_spec_test.py and the concat, constant, shape, reduction, argmax and cast kernel
tests; each test names the TF method it follows."""

import numpy as np
import pytest

from graphshell import tf

NO_DEVICE = "Cannot assign a device for operation"


def _op(graph, name="FloatOutput"):
    return graph.create_op("NoOp", [], [], name=name)


# -- DeviceTest (ops_test.py) ----------------------------------------------------------------------
def test_no_device_records_nothing():  # testNoDevice
    g = tf.Graph()
    assert _op(g).device == "" and _op(g).node_def.device == ""


def test_partial_and_full_device_strings():  # testDevicePartialString, testDeviceFull
    g = tf.Graph()
    with g.device("/job:worker/replica:2"):
        partial = _op(g)
    with g.device(tf.DeviceSpec(job="worker", replica=2, task=0, device_type="CPU",
                                device_index=3)):
        full = _op(g)
    assert partial.device == "/job:worker/replica:2"
    assert full.device == "/job:worker/replica:2/task:0/device:CPU:3"
    assert [n.device for n in g.as_graph_def().node] == [partial.device, full.device]


def test_nested_scopes_inner_wins():  # testNesting, testNestingString
    g = tf.Graph()
    with g.device("/job:worker/replica:2"):
        a = _op(g)
        with g.device("/job:worker/replica:3/task:0"):
            b = _op(g)
        c = _op(g)
    assert (a.device, b.device, c.device) == ("/job:worker/replica:2",
                                              "/job:worker/replica:3/task:0",
                                              "/job:worker/replica:2")


def test_nested_device_types_override():  # testNestingOverrideGpuCpu
    g = tf.Graph()
    with g.device("/job:worker/replica:2/device:CPU:1"):
        a = _op(g)
        with g.device("/job:worker/replica:2/device:GPU:2"):
            b = _op(g)
        c = _op(g)
    assert b.device == "/job:worker/replica:2/device:GPU:2"
    assert a.device == c.device == "/job:worker/replica:2/device:CPU:1"


def test_nesting_fills_unset_fields():  # testNestingWithMergeDeviceFunction
    g = tf.Graph()
    with g.device("/device:GPU:0"):
        a = _op(g)
        with g.device("/job:worker"):
            b = _op(g)
            with g.device("/device:CPU:0"):
                c = _op(g)
                with g.device("/job:ps"):
                    d = _op(g)
                    with g.device(""):  # an empty spec merges nothing
                        e = _op(g)
    assert [op.device for op in (a, b, c, d, e)] == [
        "/device:GPU:0", "/job:worker/device:GPU:0", "/job:worker/device:CPU:0",
        "/job:ps/device:CPU:0", "/job:ps/device:CPU:0"]


def test_wildcard_device_index():  # testNestingWithDeviceStringWildcard
    g = tf.Graph()
    with g.device("/device:GPU:7"), g.device("/device:GPU:*"):
        a = _op(g)
    with g.device("/device:CPU:*"), g.device("/device:CPU:5"):
        b = _op(g)
    assert (a.device, b.device) == ("/device:GPU:7", "/device:CPU:5")


def test_scopes_must_nest():  # testNestingErrorGraph
    g = tf.Graph()
    outer, inner = g.device("/device:GPU:0"), g.device("/device:CPU:0")
    outer.__enter__()
    inner.__enter__()
    with pytest.raises(RuntimeError, match="Exiting device scope without proper scope nesting"):
        outer.__exit__(None, None, None)


def test_none_clears_the_enclosing_scopes():  # testNoneClearsDefault, testNoneIgnoresOuter...
    g = tf.Graph()
    with g.device("/job:worker/replica:2/device:CPU:1"):
        a = _op(g)
        with g.device(None):
            b = _op(g)
            with g.device(lambda op: "/cpu:0"):
                c = _op(g)
        d = _op(g)
    assert (a.device, b.device, c.device, d.device) == (
        "/job:worker/replica:2/device:CPU:1", "", "/cpu:0", "/job:worker/replica:2/device:CPU:1")


def test_device_function_sees_the_op():  # testDeviceFunction (graph_util pin-by-type style)
    g = tf.Graph()

    def matmul_on_gpu(op):
        return "/device:GPU:0" if op.type == "MatMul" else "/cpu:0"
    with g.as_default(), g.device(matmul_on_gpu):
        m = tf.constant([[1.0]], name="m")
        product = tf.matmul(m, m)
    assert (m.device, product.device) == ("/cpu:0", "/device:GPU:0")


def test_device_function_outer_spec_merges_into_its_answer():
    g = tf.Graph()
    with g.device("/job:w"), g.device(lambda op: "/gpu:1"):
        a = _op(g)
    assert a.device == "/job:w/device:GPU:1"
    with g.device(lambda op: None), pytest.raises(TypeError, match="got None"):
        _op(g, "b")


# -- ColocationGroupTest (ops_test.py) -------------------------------------------------------------
def test_colocation_basic():  # testBasic
    g = tf.Graph()
    with g.as_default():
        a = tf.constant([2.0], name="a")
        with g.colocate_with(a.op):
            b = tf.constant(3.0)
        c = tf.constant(4.0)
    assert a.op.colocation_groups() == [b"loc:@a"] == b.op.colocation_groups()
    assert b.op.get_attr("_class") == [b"loc:@a"]
    assert c.op.colocation_groups() == [f"loc:@{c.op.name}".encode()]
    with pytest.raises(ValueError):
        c.op.get_attr("_class")
    text = str(b.op.node_def)
    assert 'key: "_class"' in text and 's: "loc:@a"' in text


def test_colocation_takes_the_device():  # testColocationDeviceInteraction, testLocationOverrides
    g = tf.Graph()
    with g.as_default():
        with g.device("/device:GPU:0"):
            a = tf.constant([2.0], name="a")
            with g.colocate_with(a.op), g.device("/cpu:0"):  # the colocated device wins
                b = tf.constant(3.0)
            c = tf.constant(4.0)
        with g.colocate_with(c):
            d = tf.constant(5.0)
    assert a.device == b.device == c.device == d.device == "/device:GPU:0"


def test_colocation_of_an_op_without_device_resets_the_scope():  # testColocationDeviceInteraction
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0, name="a")
        with g.device("/gpu:0"), g.colocate_with(a):
            b = tf.constant(1.0)
    assert b.device == ""


def test_nested_colocation_unions_groups():  # testNestedColocateWith, testMultiColocationGroups
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0, name="a")
        b = tf.constant(1.0, name="b")
        with g.colocate_with(a.op), g.colocate_with(b.op):
            c = tf.constant(4.0)
        with g.colocate_with(c):  # c's groups, not c itself
            d = tf.constant(4.0)
    assert c.op.colocation_groups() == [b"loc:@a", b"loc:@b"] == d.op.colocation_groups()


def test_colocation_ignore_existing():  # testColocationIgnoreStack
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0, name="a")
        b = tf.constant(1.0, name="b")
        with g.colocate_with(a.op), g.colocate_with(b.op, ignore_existing=True):
            c = tf.constant(4.0)
    assert c.op.colocation_groups() == [b"loc:@b"]


def test_colocation_reset():  # testColocateWithReset, testColocateWithInitialNoneThenNested
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0, name="a")
        with g.colocate_with(a.op), g.colocate_with(None, ignore_existing=True):
            c = tf.constant(4.0, name="c")
            with g.colocate_with(a):
                d = tf.constant(1.0, name="d")
    assert c.op.colocation_groups() == [b"loc:@c"] and d.op.colocation_groups() == [b"loc:@a"]
    with pytest.raises(ValueError, match="ignore_existing is not True"):
        g.colocate_with(None).__enter__()


def test_variable_ops_are_colocated():  # testColocateVariables
    g = tf.Graph()
    with g.as_default():
        with g.device("/job:ps"):
            v = tf.Variable(1.0, name="v")
        with g.device("/job:worker"):
            update = tf.assign(v, 2.0)
    read = g.get_operation_by_name("v/read")
    assert read.colocation_groups() == [b"loc:@v"] == update.op.colocation_groups()
    assert update.device == v.device == "/job:ps"


# -- CreateOpTest (ops_test.py) --------------------------------------------------------------------
def test_create_op_names_and_outputs():  # testNodeDefArgs, testNoInputs
    g = tf.Graph()
    with g.as_default():
        a, b = tf.constant(1.0, name="a"), tf.constant(2.0, name="b")
    add = g.create_op("AddV2", [a, b], [tf.float32])
    again = g.create_op("AddV2", [a, b], [tf.float32])
    exact = g.create_op("AddV2", [a, b], name="total/")
    assert (add.name, again.name, exact.name) == ("AddV2", "AddV2_1", "total")
    assert add.node_def.input == ["a", "b"] and add.outputs[0].dtype == tf.float32
    with tf.Session(graph=g) as s:
        assert s.run(add.outputs[0]) == np.float32(3.0)


def test_create_op_with_attrs():  # testCreateOpWithAttrs (AttrValue-like attrs)
    g = tf.Graph()
    const = g.create_op("Const", [], [tf.int32], name="c",
                        attrs={"dtype": {"type": tf.int32.as_datatype_enum},
                               "value": {"tensor": np.array([1, 2])}})
    cast = g.create_op("Cast", const.outputs, attrs={"DstT": tf.float64})
    assert const.outputs[0].shape.as_list() == [2] and const.get_attr("dtype") == tf.int32
    with tf.Session(graph=g) as s:
        got = s.run(cast.outputs[0])
    assert got.dtype == np.float64 and got.tolist() == [1.0, 2.0]


def test_create_op_refusals():  # testNonTensorInput, testUnknownOpType, testMissingAttr
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0, name="a")
    with pytest.raises(TypeError, match=r"Input #1 is not a tensor: 1.0"):
        g.create_op("AddV2", [a, 1.0])
    with pytest.raises(RuntimeError, match="Op type not registered 'Nope'"):
        g.create_op("Nope", [])
    with pytest.raises(ValueError, match="NodeDef missing attr 'dtype'"):
        g.create_op("Const", [])
    g.finalize()
    with pytest.raises(RuntimeError, match="finalized"):
        g.create_op("NoOp", [])


def test_create_op_device_and_control_scopes():  # testCreateOpDevice
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0, name="a")
        with g.device("/gpu:0"), g.control_dependencies([a]):
            off = g.create_op("AddV2", [a, a], compute_device=False)
            on = g.create_op("NoOp", [])
    assert (off.device, on.device) == ("", "/device:GPU:0")
    assert on.control_inputs == [a.op]


# -- DeviceSpec (device_spec_test.py) --------------------------------------------------------------
def test_device_spec_parse_and_print():  # test_parse, test_to_string
    spec = tf.DeviceSpec.from_string("/job:foo/replica:0/task:3/device:cpu:*")
    assert (spec.job, spec.replica, spec.task, spec.device_type, spec.device_index) == (
        "foo", 0, 3, "CPU", None)
    assert spec.to_string() == "/job:foo/replica:0/task:3/device:CPU:*"
    assert tf.DeviceSpec.from_string("/gpu:2").to_string() == "/device:GPU:2"
    assert tf.DeviceSpec.from_string(None).to_string() == ""
    assert repr(tf.DeviceSpec(job="w")) == ("<DeviceSpec(job=w, replica=None, task=None, "
                                            "device_type=None, device_index=None)>")


def test_device_spec_merge():  # test_merge, test_make_merged_spec
    spec = tf.DeviceSpec.from_string("/job:foo/task:3")
    spec.merge_from(tf.DeviceSpec.from_string("/device:GPU:1"))
    assert spec.to_string() == "/job:foo/task:3/device:GPU:1"
    spec.merge_from(tf.DeviceSpec.from_string("/job:bar/cpu:0"))
    assert spec.to_string() == "/job:bar/task:3/device:CPU:0"
    merged = tf.DeviceSpec(job="a").make_merged_spec(tf.DeviceSpec(task=2))
    assert merged.to_string() == "/job:a/task:2" and spec.replace(task=None).task is None


def test_device_spec_parse_errors():  # test_parse_errors
    with pytest.raises(ValueError, match="Unknown attribute 'foo'"):
        tf.DeviceSpec.from_string("/foo:bar")
    with pytest.raises(ValueError, match="Multiple device types are not allowed"):
        tf.DeviceSpec.from_string("/cpu:0/gpu:0")
    with pytest.raises(ValueError):
        tf.DeviceSpec.from_string("/gpu:x")


# -- whole-graph checks before a step (session_test.py) --------------------------------------------
def test_gpu_op_fails_every_step_without_soft_placement():  # testDeviceAssignment (CPU only)
    a = tf.constant(1.0, name="a")
    with tf.device("/gpu:0"):
        b = tf.add(a, a, name="b")
    with tf.Session() as s:
        for fetch in (b, a):  # TF places the whole graph, so even `a` fails
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=f"{NO_DEVICE} b: .* explicitly assigned to /device:GPU:0 "
                                     r"but available devices are \[ /job:localhost/replica:0/"
                                     r"task:0/device:CPU:0 \]"):
                s.run(fetch)
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as s:
        assert s.run(b) == np.float32(2.0)


def test_other_tasks_fail_even_softly_and_local_names_pass():
    a = tf.constant(1.0, name="a")
    with tf.device("/job:localhost/replica:0/task:0/cpu:0"):
        local = tf.identity(a, name="local")
    with tf.Session() as s:
        assert s.run(local) == np.float32(1.0)
    with tf.device("/job:worker/task:1"):
        tf.identity(a, name="far")
    soft = tf.ConfigProto(allow_soft_placement=True)
    with tf.Session(config=soft) as s, pytest.raises(tf.errors.InvalidArgumentError,
                                                     match=f"{NO_DEVICE} far:"):
        s.run(local)


def test_consumer_reported_before_its_generator():
    a = tf.constant(1.0, name="a")
    with tf.device("/cpu:1"):
        b = tf.multiply(a, 3.0, name="m")  # m/y, a Const, is made first
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match=f"{NO_DEVICE} m:"):
        s.run(b)


def test_cycle_is_reported():  # session_test testExtendWithGraphCycle-like
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(1.0, name="x")
        a = tf.identity(x, name="a")
        b = tf.identity(a, name="b")
        tf.multiply(b, 2.0, name="d")
        a.op._update_input(0, b)
        assert a.op.inputs[0] is b and a.op in b.consumers() and a.op not in x.consumers()
        with tf.Session() as s, pytest.raises(
                tf.errors.InvalidArgumentError,
                match="Graph is invalid, contains a cycle with 3 nodes, including: a, b, d"):
            s.run(x)


def test_while_loop_back_edge_is_not_a_cycle():
    r = tf.while_loop(lambda i: i < 5, lambda i: i + 1, [tf.constant(0)])
    with tf.Session() as s:
        assert s.run(r) == 5


# -- construction-time shape checks (kernel tests) -------------------------------------------------
def test_concat_refuses_scalars_and_mixed_ranks():  # concat_op_test testConcatScalars...
    with pytest.raises(ValueError, match=r"Can't concatenate scalars \(use tf.stack instead\)"):
        tf.concat([tf.constant(1), tf.constant(2)], 0)
    with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
        tf.concat([tf.constant([1]), tf.constant([[2]])], 0)
    with pytest.raises(ValueError, match="Shape must be at least rank 2 but is rank 1"):
        tf.concat([tf.constant([1]), tf.constant([2])], -2)


def test_concat_int64_axis():  # concat_op_test testConcatAxisType
    x = tf.constant([[1, 2]])
    with tf.Session() as s:
        got = s.run(tf.concat([x, x], tf.constant(1, tf.int64)))
    assert got.tolist() == [[1, 2, 1, 2]]


def test_fill_checks():  # constant_op_test FillTest testShapeFunctionEdgeCases
    with pytest.raises(ValueError, match="Fill dimensions must be >= 0"):
        tf.fill([2, -1], 1.0)
    with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
        tf.fill([[2]], 1.0)
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        tf.fill([2], [1.0, 2.0])
    assert tf.fill(tf.placeholder(tf.int32, [3]), 1.0).shape.as_list() == [None] * 3


def test_ones_and_zeros_of_scalar_tensors():  # constant_op_test OnesTest testDynamicSizes
    h, w = tf.constant(2), tf.placeholder(tf.int32, [])
    ones = tf.ones([h, 3])
    zeros = tf.zeros([h, w], dtype=tf.int64)
    assert ones.shape.as_list() == [2, 3] and zeros.shape.as_list() == [2, None]
    with tf.Session() as s:
        assert s.run(zeros, {w: 4}).tolist() == [[0] * 4] * 2


def test_reduction_axes_rank():  # reduction_ops_test testInvalidAxes-like
    with pytest.raises(ValueError, match="Shape must be at most rank 1 but is rank 2"):
        tf.reduce_sum(tf.ones([2, 3]), axis=[[0, 1]])


def test_int64_index_tensors():  # reduction/shape/argmax tests' int64 variants
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    i64 = lambda v: tf.constant(v, tf.int64)  # noqa: E731
    with tf.Session() as s:
        assert s.run(tf.reduce_sum(x, axis=i64(1))).tolist() == [3.0, 12.0]
        assert s.run(tf.tile(x, i64([1, 2]))).shape == (2, 6)
        assert s.run(tf.transpose(x, i64([1, 0]))).tolist() == [[0, 3], [1, 4], [2, 5]]
        assert s.run(tf.argmax(x, i64(0))).tolist() == [1, 1, 1]
        assert s.run(tf.expand_dims(x, i64(0))).shape == (1, 2, 3)
        assert s.run(tf.fill(i64([2]), 7)).tolist() == [7, 7]


def test_unknown_shapes_follow_tf():  # shape_ops_test testTileUnknown..., testSqueezeUnknown...
    assert tf.tile(tf.placeholder(tf.float32), tf.placeholder(tf.int32, [3])).shape.ndims == 3
    assert tf.squeeze(tf.placeholder(tf.float32, [None, 1, 3])).shape.ndims is None
    assert tf.squeeze(tf.placeholder(tf.float32, [None, 1, 3]), [1]).shape.as_list() == [None, 3]
    assert tf.expand_dims(tf.ones([2, 3]), tf.placeholder(tf.int32, [])).shape.ndims is None
    assert tf.expand_dims(tf.ones([2, 3]), tf.constant(1)).shape.as_list() == [2, 1, 3]


def test_convert_dimension_and_shape():  # tensor_shape / constant_op conversion tests
    with tf.Session() as s:
        assert s.run(tf.convert_to_tensor(tf.Dimension(3))) == 3
        assert s.run(tf.convert_to_tensor(tf.TensorShape([2, 3]))).tolist() == [2, 3]
    assert tf.convert_to_tensor(tf.Dimension(3), dtype=tf.int64).dtype == tf.int64
    with pytest.raises(ValueError, match=r"Cannot convert unknown Dimension \? to a Tensor."):
        tf.convert_to_tensor(tf.Dimension(None))
    with pytest.raises(ValueError, match="partially known TensorShape"):
        tf.convert_to_tensor(tf.TensorShape([None, 2]))
    with pytest.raises(TypeError, match="Allowed dtypes are tf.int32 and tf.int64"):
        tf.convert_to_tensor(tf.Dimension(2), dtype=tf.float32)


def test_reduce_all_and_any_of_empty_list():  # reduction_ops_test AllReductionTest testEmpty
    with tf.Session() as s:
        assert s.run(tf.reduce_all([])) is np.True_ and s.run(tf.reduce_any([])) is np.False_


def test_integer_mean_does_not_overflow():  # reduction_ops_test MeanReductionTest testInt8...
    with tf.Session() as s:
        assert s.run(tf.reduce_mean(tf.ones([1000], tf.int8))) == 1
        assert s.run(tf.reduce_mean(tf.constant([127, 127, 0], tf.int8))) == 84
        assert s.run(tf.reduce_mean(tf.constant([-7, 2, 3], tf.int8))) == 0  # toward zero
        assert s.run(tf.reduce_mean(tf.constant([30000, 30000, 3], tf.int16))) == 20001


def test_cast_to_or_from_string_is_unimplemented():  # cast_op_test testUnsupportedCasts-like
    with tf.Session() as s:
        with pytest.raises(tf.errors.UnimplementedError,
                           match="Cast int64 to string is not supported"):
            s.run(tf.cast(tf.constant([1], tf.int64), tf.string))
        with pytest.raises(tf.errors.UnimplementedError,
                           match="Cast string to float is not supported"):
            s.run(tf.cast(tf.constant(["1"]), tf.float32))


def test_argmin_of_empty_axis():  # argmax_op_test testEmpty
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Reduction axis 0 is empty in shape \[0\]"):
            s.run(tf.argmin(tf.zeros([0]), 0))
        assert s.run(tf.argmax(tf.zeros([0, 3]), 1)).shape == (0,)


def test_numpy_dtype_arguments():  # constant_op_test testDtype-like
    assert tf.constant(1, dtype=np.float32).dtype == tf.float32
    assert tf.zeros([2], dtype=np.dtype("int64")).dtype == tf.int64
    assert tf.placeholder(np.int32).dtype == tf.int32
