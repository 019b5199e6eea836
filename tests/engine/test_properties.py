"""Property tests: random expression graphs against numpy, gradients against finite differences,
and random fetch structures against one-at-a-time evaluation.

Each random expression is one tree description (plain tuples) that two evaluators walk: one
builds graphshell ops and fetches every node in one Session.run, the other computes the same
thing directly with numpy in float64. Functions with restricted domains get arguments that stay in
the domain by construction (sqrt and log of x**2 + 1/2, exp of tanh(x), division by y**2 + 1/2).
"""

import collections
import functools
import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from graphshell import tf


def property_settings(max_examples):
    """Deterministic for CI. The function-scoped fixtures only reset global stacks or switch
    compiling on, and every example builds its own graph, so examples may share them."""
    return settings(max_examples=max_examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


MAX_DIM = 3
MAX_RANK = 3


# -- the two evaluators ------------------------------------------------------------------------
def _tf_positive(x):
    return tf.square(x) + 0.5


def _np_positive(x):
    return np.square(x) + 0.5


# name -> (graphshell function, numpy function); both get the same domain-keeping wrapper
UNARY = {
    "negative": (tf.negative, np.negative),
    "square": (tf.square, np.square),
    "tanh": (tf.tanh, np.tanh),
    "sigmoid": (tf.sigmoid, lambda x: 1.0 / (1.0 + np.exp(-x))),
    "sqrt_of_positive": (lambda x: tf.sqrt(_tf_positive(x)), lambda x: np.sqrt(_np_positive(x))),
    "log_of_positive": (lambda x: tf.log(_tf_positive(x)), lambda x: np.log(_np_positive(x))),
    "exp_of_bounded": (lambda x: tf.exp(tf.tanh(x)), lambda x: np.exp(np.tanh(x))),
    "abs": (tf.abs, np.abs),
}
BINARY = {
    "add": (tf.add, np.add),
    "subtract": (tf.subtract, np.subtract),
    "multiply": (tf.multiply, np.multiply),
    "divide_by_positive": (lambda x, y: tf.divide(x, _tf_positive(y)),
                           lambda x, y: np.divide(x, _np_positive(y))),
    "maximum": (tf.maximum, np.maximum),
    "minimum": (tf.minimum, np.minimum),
}
REDUCE = {
    "reduce_sum": (tf.reduce_sum, np.sum),
    "reduce_mean": (tf.reduce_mean, np.mean),
    "reduce_max": (tf.reduce_max, np.max),
}
# Kinks (|x| at 0, ties in max/min) make finite differences meaningless; gradient trees skip them.
NOT_SMOOTH = {"abs", "maximum", "minimum", "reduce_max"}


class GraphBuilder:
    """Evaluates a tree description by building graphshell ops."""

    index = 0  # position of a function in the UNARY/BINARY/REDUCE pairs

    def __init__(self, leaves):
        self.leaves = leaves  # leaf key -> placeholder
        self.nodes = []       # (tensor built, tree node) for every node, to fetch all at once

    def leaf(self, key):
        return self.leaves[key]

    def record(self, node, value):
        self.nodes.append((value, node))
        return value

    def matmul(self, a, b, transpose_a, transpose_b):
        return tf.matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b)

    def transpose(self, x, perm):
        return tf.transpose(x, perm)

    def reshape(self, x, shape):
        return tf.reshape(x, shape)

    def concat(self, xs, axis):
        return tf.concat(xs, axis)


class NumpyEvaluator:
    """Evaluates a tree description directly with numpy in float64, noting the largest
    magnitude seen anywhere, which scales the absolute tolerance."""

    index = 1

    def __init__(self, leaves):
        self.leaves = leaves  # leaf key -> float64 array
        self.values = {}      # id(tree node) -> value
        self.scale = 1.0

    def leaf(self, key):
        return self.leaves[key]

    def record(self, node, value):
        value = np.asarray(value, dtype=np.float64)
        self.values[id(node)] = value
        if value.size:
            self.scale = max(self.scale, float(np.max(np.abs(value))))
        return value

    def matmul(self, a, b, transpose_a, transpose_b):
        return np.matmul(a.T if transpose_a else a, b.T if transpose_b else b)

    def transpose(self, x, perm):
        return np.transpose(x, perm)

    def reshape(self, x, shape):
        return np.reshape(x, shape)

    def concat(self, xs, axis):
        return np.concatenate(xs, axis)


def evaluate(node, evaluator):
    """Walks a tree description (depth is small, so recursion is fine here)."""
    kind = node[0]
    if kind == "input":
        return evaluator.record(node, evaluator.leaf(node[1]))
    if kind == "unary":
        value = UNARY[node[1]][evaluator.index](evaluate(node[2], evaluator))
    elif kind == "binary":
        left, right = evaluate(node[2], evaluator), evaluate(node[3], evaluator)
        value = BINARY[node[1]][evaluator.index](left, right)
    elif kind == "matmul":
        _, transpose_a, transpose_b, a, b = node
        value = evaluator.matmul(evaluate(a, evaluator), evaluate(b, evaluator), transpose_a,
                                 transpose_b)
    elif kind == "reduce":
        _, name, axis, keepdims, child = node
        function = REDUCE[name][evaluator.index]
        value = function(evaluate(child, evaluator), axis=axis, keepdims=keepdims)
    elif kind == "transpose":
        value = evaluator.transpose(evaluate(node[2], evaluator), node[1])
    elif kind == "reshape":
        value = evaluator.reshape(evaluate(node[2], evaluator), node[1])
    elif kind == "concat":
        value = evaluator.concat([evaluate(child, evaluator) for child in node[2]], node[1])
    else:
        raise AssertionError(f"unknown node kind {kind}")
    return evaluator.record(node, value)


def leaf_keys(node):
    """The distinct input keys a tree reads, in a stable order."""
    if node[0] == "input":
        return [node[1]]
    children = [part for part in node[1:] if isinstance(part, tuple) and part and
                isinstance(part[0], str)]
    for part in node[1:]:
        if isinstance(part, list):
            children.extend(part)
    return list(dict.fromkeys(key for child in children for key in leaf_keys(child)))


# -- random trees -------------------------------------------------------------------------------
def broadcast_partners(shape):
    """Shapes that broadcast against `shape` to give `shape` back."""
    partners = {shape, ()}
    partners.update(shape[i:] for i in range(len(shape)))
    partners.update(shape[:k] + (1,) + shape[k + 1:] for k in range(len(shape)))
    return sorted(partners, key=lambda s: (len(s), s))


@functools.cache
def shapes_with_size(size):
    """Every shape of rank <= MAX_RANK (dims <= 9) holding `size` elements."""
    found = [()] if size == 1 else []
    for rank in range(1, MAX_RANK + 1):
        for dims in itertools.product(range(1, 10), repeat=rank):
            if math.prod(dims) == size:
                found.append(dims)
    return tuple(found)


def feasible_kinds(shape):
    kinds = ["unary", "binary", "reduce", "reshape"]
    if len(shape) == 2:
        kinds.append("matmul")
    if len(shape) >= 2:
        kinds.append("transpose")
    if any(d >= 2 for d in shape):
        kinds.append("concat")
    return kinds


@st.composite
def expressions(draw, shape, depth, smooth):
    """A tree description whose value has exactly `shape`."""
    # a leaf one time in five above the bottom, so trees are bushy but still shrink to leaves
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        kind = "input"
    else:
        kind = draw(st.sampled_from(feasible_kinds(shape)))
    below = depth - 1
    if kind == "input":
        return ("input", (shape, draw(st.integers(0, 1))))  # index 1 shares a leaf's shape
    if kind == "unary":
        names = [n for n in UNARY if not (smooth and n in NOT_SMOOTH)]
        return ("unary", draw(st.sampled_from(names)), draw(expressions(shape, below, smooth)))
    if kind == "binary":
        names = [n for n in BINARY if not (smooth and n in NOT_SMOOTH)]
        partner = draw(st.sampled_from(broadcast_partners(shape)))
        operands = [draw(expressions(shape, below, smooth)),
                    draw(expressions(partner, below, smooth))]
        if draw(st.booleans()):
            operands.reverse()
        return ("binary", draw(st.sampled_from(names)), *operands)
    if kind == "matmul":
        inner = draw(st.integers(1, MAX_DIM))
        transpose_a, transpose_b = draw(st.booleans()), draw(st.booleans())
        rows, columns = shape
        a_shape = (inner, rows) if transpose_a else (rows, inner)
        b_shape = (columns, inner) if transpose_b else (inner, columns)
        return ("matmul", transpose_a, transpose_b, draw(expressions(a_shape, below, smooth)),
                draw(expressions(b_shape, below, smooth)))
    if kind == "reduce":
        return draw(reductions(shape, below, smooth))
    if kind == "transpose":
        perm = tuple(draw(st.permutations(range(len(shape)))))
        input_shape = [0] * len(shape)
        for i, source in enumerate(perm):
            input_shape[source] = shape[i]
        return ("transpose", perm, draw(expressions(tuple(input_shape), below, smooth)))
    if kind == "reshape":
        return draw(reshapes(shape, below, smooth))
    return draw(concats(shape, below, smooth))


@st.composite
def reductions(draw, shape, depth, smooth):
    names = [n for n in REDUCE if not (smooth and n in NOT_SMOOTH)]
    keepdims = len(shape) > 0 and 1 in shape and draw(st.booleans())
    reduced = draw(st.integers(1, MAX_DIM))
    if keepdims:
        axis = draw(st.sampled_from([i for i, d in enumerate(shape) if d == 1]))
        input_shape = shape[:axis] + (reduced,) + shape[axis + 1:]
    elif len(shape) < MAX_RANK:
        axis = draw(st.integers(0, len(shape)))
        input_shape = shape[:axis] + (reduced,) + shape[axis:]
    else:
        return draw(expressions(shape, depth, smooth))
    if draw(st.booleans()):
        axis -= len(input_shape)  # negative axes count from the end
    return ("reduce", draw(st.sampled_from(names)), axis, keepdims,
            draw(expressions(input_shape, depth, smooth)))


@st.composite
def reshapes(draw, shape, depth, smooth):
    size = math.prod(shape)
    input_shape = draw(st.sampled_from(shapes_with_size(size)))
    target = list(shape)
    if target and draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1  # let reshape infer one dimension
    return ("reshape", tuple(target), draw(expressions(input_shape, depth, smooth)))


@st.composite
def concats(draw, shape, depth, smooth):
    axis = draw(st.sampled_from([i for i, d in enumerate(shape) if d >= 2]))
    first = draw(st.integers(1, shape[axis] - 1))
    parts = [shape[:axis] + (first,) + shape[axis + 1:],
             shape[:axis] + (shape[axis] - first,) + shape[axis + 1:]]
    return ("concat", axis, [draw(expressions(part, depth, smooth)) for part in parts])


shapes = st.lists(st.integers(1, MAX_DIM), max_size=2).map(tuple)


@st.composite
def problems(draw, dtype, smooth, max_depth):
    """(tree, {leaf key: input array}, {leaf key: placeholder shape with unknown dims})."""
    tree = draw(expressions(draw(shapes), max_depth, smooth))
    width = 32 if dtype == np.float32 else 64
    elements = st.floats(-2, 2, allow_nan=False, width=width)
    inputs, static_shapes = {}, {}
    for key in leaf_keys(tree):
        shape = key[0]
        inputs[key] = draw(hnp.arrays(dtype, shape, elements=elements))
        hidden = draw(st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)))
        static_shapes[key] = [None if h else d for d, h in zip(shape, hidden)]
    return tree, inputs, static_shapes


def build_graph(tree, inputs, static_shapes, dtype):
    placeholders = {key: tf.placeholder(dtype, static_shapes[key], name=f"in{i}")
                    for i, key in enumerate(inputs)}
    builder = GraphBuilder(placeholders)
    root = evaluate(tree, builder)
    return placeholders, builder.nodes, root


def numpy_reference(tree, inputs):
    evaluator = NumpyEvaluator({k: v.astype(np.float64) for k, v in inputs.items()})
    return evaluate(tree, evaluator), evaluator


# Relative tolerances; the absolute one is this times the largest magnitude in the tree (a
# subtraction may cancel big terms). Observed errors stay below 1% of these.
TOLERANCE = {np.float32: 1e-5, np.float64: 1e-12}


# -- a. values ----------------------------------------------------------------------------------
# A plan's third run goes through generated code instead of the interpreter; running each graph
# this often checks both tiers against the same reference.
RUNS_PER_GRAPH = 3


@pytest.fixture
def compiling_engine(fresh_engine):
    """Plans may compile (a context that keeps step values, as a shell's does, keeps them
    interpreted)."""
    fresh_engine.keep_step_values = False


def assert_matches_reference(tensor, value, expected, dtype, scale):
    value = np.asarray(value)
    assert value.dtype == dtype, f"{tensor.name} came back as {value.dtype}"
    assert value.shape == expected.shape, f"{tensor.name}: {value.shape} vs {expected.shape}"
    assert tensor.shape.is_compatible_with(value.shape), \
        f"{tensor.name}: static shape {tensor.shape} but value shape {value.shape}"
    rtol = TOLERANCE[dtype]
    np.testing.assert_allclose(value, expected, rtol=rtol, atol=rtol * scale,
                               err_msg=f"{tensor.name} ({tensor.op.type})")


@property_settings(300)
@given(st.sampled_from([np.float32, np.float64]).flatmap(
    lambda dtype: st.tuples(st.just(dtype), problems(dtype, smooth=False, max_depth=5))))
def test_every_node_of_a_random_expression_matches_numpy(compiling_engine, case):
    dtype, (tree, inputs, static_shapes) = case
    with tf.Graph().as_default():
        placeholders, nodes, _ = build_graph(tree, inputs, static_shapes, dtype)
        feeds = {placeholders[k]: v for k, v in inputs.items()}
        with tf.Session() as sess:
            runs = [sess.run([tensor for tensor, _ in nodes], feeds)
                    for _ in range(RUNS_PER_GRAPH)]
    _, reference = numpy_reference(tree, inputs)
    for values in runs:
        for (tensor, node), value in zip(nodes, values):
            assert_matches_reference(tensor, value, reference.values[id(node)], dtype,
                                     reference.scale)


# -- b. gradients -------------------------------------------------------------------------------
def finite_difference_gradient(tree, inputs, key, step=1e-6):
    """d sum(tree) / d inputs[key] by central differences, one element at a time."""
    base = inputs[key]
    gradient = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        totals = []
        for sign in (1, -1):
            moved = base.copy()
            moved[index] += sign * step
            value, _ = numpy_reference(tree, {**inputs, key: moved})
            totals.append(np.sum(value))
        gradient[index] = (totals[0] - totals[1]) / (2 * step)
    return gradient


@property_settings(200)
@given(problems(np.float64, smooth=True, max_depth=3))
def test_gradients_of_a_random_smooth_expression_match_finite_differences(compiling_engine,
                                                                          problem):
    tree, inputs, static_shapes = problem
    keys = list(inputs)
    with tf.Graph().as_default():
        placeholders, _, root = build_graph(tree, inputs, static_shapes, tf.float64)
        grads = tf.gradients(tf.reduce_sum(root), [placeholders[k] for k in keys])
        assert all(g is not None for g in grads), "every input reaches the expression"
        feeds = {placeholders[k]: v for k, v in inputs.items()}
        with tf.Session() as sess:
            runs = [sess.run(grads, feeds) for _ in range(RUNS_PER_GRAPH)]
    _, reference = numpy_reference(tree, inputs)
    expected = {key: finite_difference_gradient(tree, inputs, key) for key in keys}
    for values in runs:
        for key, value in zip(keys, values):
            assert np.shape(value) == expected[key].shape
            np.testing.assert_allclose(value, expected[key], rtol=1e-5,
                                       atol=1e-6 * reference.scale,
                                       err_msg=f"gradient for input of shape {key[0]}")


# -- c. fetch structures ------------------------------------------------------------------------
Pair = collections.namedtuple("Pair", "first second")
Triple = collections.namedtuple("Triple", "x y z")


def fetchable_pool():
    """Tensors of several dtypes, their names, ops and op names: every kind of fetch leaf."""
    a = tf.constant(1.5, name="a")
    b = tf.constant([1, 2, 3], name="b")
    total = tf.add(a, 2.0, name="total")
    word = tf.constant("hi", name="word")
    flag = tf.constant([True, False], name="flag")
    matrix = tf.constant(np.arange(6.0).reshape(2, 3), name="matrix")
    quiet = tf.no_op(name="quiet")
    grouped = tf.group(total, matrix, name="grouped")
    return [a, b, total, word, flag, matrix, quiet, grouped, "total:0", "b:0", "quiet",
            total.op]


def fetch_structures(leaf_count):
    leaves = st.integers(0, leaf_count - 1).map(lambda i: ("leaf", i))

    def containers(children):
        return st.one_of(
            st.lists(children, max_size=4),
            st.lists(children, max_size=4).map(tuple),
            st.dictionaries(st.text("abcxyz", min_size=1, max_size=3), children, max_size=4),
            st.tuples(children, children).map(lambda items: Pair(*items)),
            st.tuples(children, children, children).map(lambda items: Triple(*items)))
    return st.recursive(leaves, containers, max_leaves=12)


def materialize(structure, pool):
    """Replaces ("leaf", i) markers by pool[i], keeping every container's type."""
    if isinstance(structure, tuple) and structure[:1] == ("leaf",):
        return pool[structure[1]]
    if isinstance(structure, dict):
        return {key: materialize(item, pool) for key, item in structure.items()}
    if hasattr(structure, "_fields"):
        return type(structure)(*[materialize(item, pool) for item in structure])
    return type(structure)(materialize(item, pool) for item in structure)


def assert_same_structure_and_values(fetch, result, expected_of):
    if isinstance(fetch, (list, tuple, dict)):
        assert type(result) is type(fetch), f"{type(fetch)} came back as {type(result)}"
        assert len(result) == len(fetch)
        if isinstance(fetch, dict):
            assert list(result) == list(fetch)
            pairs = [(fetch[key], result[key]) for key in fetch]
        else:
            pairs = list(zip(fetch, result))
        for inner_fetch, inner_result in pairs:
            assert_same_structure_and_values(inner_fetch, inner_result, expected_of)
        return
    expected = expected_of(fetch)
    if expected is None:
        assert result is None
    else:
        assert type(result) is type(expected)
        np.testing.assert_array_equal(result, expected)


@property_settings(150)
@given(fetch_structures(leaf_count=12))
def test_a_random_fetch_structure_comes_back_with_the_same_shape_and_values(structure):
    with tf.Graph().as_default():
        pool = fetchable_pool()
        fetches = materialize(structure, pool)
        with tf.Session() as sess:
            result = sess.run(fetches)
            alone = {}

            def expected_of(leaf):
                key = leaf if isinstance(leaf, str) else id(leaf)
                if key not in alone:
                    alone[key] = sess.run(leaf)
                return alone[key]
            assert_same_structure_and_values(fetches, result, expected_of)


def test_the_pool_covers_every_kind_of_fetch_leaf():
    """Guards the property test above: its pool holds tensors, ops and both kinds of name."""
    pool = fetchable_pool()
    kinds = {type(leaf).__name__ for leaf in pool}
    assert {"Tensor", "Operation", "str"} <= kinds
    with tf.Session() as sess:
        assert sess.run("quiet") is None and sess.run("total:0") == np.float32(3.5)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (1, 1)])
def test_broadcast_partners_all_broadcast_back_to_the_shape(shape):
    """Guards the tree generator: a binary node's output must keep the requested shape."""
    for partner in broadcast_partners(shape):
        assert np.broadcast_shapes(shape, partner) == shape
