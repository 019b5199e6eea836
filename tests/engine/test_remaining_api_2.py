"""Variables made inside tf.cond / tf.while_loop, the run-time weights check, tf.metrics.auc
and the *_at_thresholds metrics, bicubic and area resizing, adjust_contrast, the Qr gradient,
triangular solves and tf.print: values against numpy written out with explicit loops,
gradients against central differences (float64)."""

import numpy as np
import pytest
from central_differences import numeric_gradient as central_difference

from graphshell import tf
from graphshell.engine.ops import set_ops

RNG = np.random.default_rng(12)


def run(*fetches, feed=None):
    with tf.Session() as s:
        s.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        return s.run(list(fetches), feed)


# -- variables inside control flow ---------------------------------------------------------------
def test_get_variable_in_a_while_body_is_built_once_outside_the_frame():
    def body(i, x):
        v = tf.get_variable("v", [2], initializer=tf.ones_initializer())
        return i + 1, x * v + 1.0

    _, x = tf.while_loop(lambda i, x: i < 3, body, [tf.constant(0), tf.constant([1.0, 2.0])])
    graph = tf.get_default_graph()
    for name in ("v", "v/Assign", "v/read", "v/Initializer/ones"):
        assert graph.get_operation_by_name(name)._control_flow_context is None
    assert graph.get_operation_by_name("while/mul/Enter").inputs[0].name == "v/read:0"
    assert [v.name for v in tf.global_variables()] == ["v:0"]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        # x -> x * 1 + 1 three times: the loop never re-runs the initializer
        assert s.run(x).tolist() == [4.0, 5.0]


def test_layers_in_cond_branches_share_one_set_of_variables():
    flag = tf.placeholder(tf.bool, [])

    def layer(scale, reuse):
        return tf.layers.dense(tf.ones([1, 2]) * scale, 1, name="d", reuse=reuse,
                               kernel_initializer=tf.ones_initializer())

    out = tf.cond(flag, lambda: layer(1.0, None), lambda: layer(2.0, True))
    assert [v.name for v in tf.global_variables()] == ["d/kernel:0", "d/bias:0"]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(out, {flag: True}).tolist() == [[2.0]]
        assert s.run(out, {flag: False}).tolist() == [[4.0]]


def test_a_tensor_initial_value_from_inside_a_loop_is_refused():
    def body(i):
        tf.Variable(tf.zeros([2]) + tf.cast(i, tf.float32), name="w")
        return i + 1

    with pytest.raises(ValueError, match=r"Initializer for variable while/w/ is from inside a "
                                         r"control-flow construct"):
        tf.while_loop(lambda i: i < 3, body, [0])


def test_init_scope_leaves_control_flow_and_control_dependencies():
    first = tf.no_op(name="first")
    seen = {}

    def branch():
        with tf.control_dependencies([first]), tf.name_scope("inner"):
            with tf.init_scope():
                seen["lifted"] = tf.constant(1.0, name="c")
            seen["inside"] = tf.constant(2.0, name="d")
        return seen["lifted"] + seen["inside"]

    tf.cond(tf.constant(True), branch, lambda: tf.constant(0.0))
    lifted, inside = seen["lifted"].op, seen["inside"].op
    assert lifted.name == "cond/inner/c" and lifted._control_flow_context is None
    assert lifted.control_inputs == []
    assert inside._control_flow_context is not None and first in inside.control_inputs


# -- weights broadcasting at run time --------------------------------------------------------------
def test_set_difference_per_row_matches_python_sets():
    a = RNG.integers(0, 5, size=(2, 3, 4)).astype(np.int32)
    b = RNG.integers(0, 5, size=(2, 3, 2)).astype(np.int32)
    result = set_ops.set_difference(tf.constant(a), tf.constant(b))
    indices, values, shape = run(*result)
    expected_rows = {}
    for i, j in np.ndindex(2, 3):
        expected_rows[(i, j)] = sorted(set(a[i, j].tolist()) - set(b[i, j].tolist()))
    widest = max(len(row) for row in expected_rows.values())
    assert shape.tolist() == [2, 3, widest]
    got_rows = {key: [] for key in expected_rows}
    for (i, j, k), value in zip(indices.tolist(), values.tolist()):
        assert k == len(got_rows[(i, j)])
        got_rows[(i, j)].append(value)
    assert got_rows == expected_rows


@pytest.mark.parametrize("weights", [2.0, [[1.0], [0.0], [0.5]], [[1.0, 2.0]]])
def test_fed_weights_that_broadcast_weight_the_loss(weights):
    labels = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)
    predictions = np.array([[1.5, 2.0], [3.0, 3.0], [5.0, 7.0]], np.float32)
    fed = tf.placeholder(tf.float32, None)
    loss = tf.losses.mean_squared_error(labels, predictions, weights=fed)
    w = np.broadcast_to(np.asarray(weights, np.float32), labels.shape)
    squared = (predictions - labels) ** 2
    # SUM_BY_NONZERO_WEIGHTS: the weighted sum over the number of non-zero weights
    want = float((squared * w).sum() / np.count_nonzero(w))
    assert run(loss, feed={fed: weights})[0] == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize("weights, shown", [
    ([[1.0], [2.0]], "[2 1]"), ([1.0, 2.0], "[2]"), (np.ones([3, 2, 1]), "[3 2 1]")])
def test_fed_weights_that_do_not_broadcast_fail_the_step(weights, shown):
    fed = tf.placeholder(tf.float32, None, name="w")
    loss = tf.losses.mean_squared_error(tf.ones([3, 2]), tf.zeros([3, 2]), weights=fed)
    message = (r"assertion failed: \[weights can not be broadcast to values.\] "
               rf"\[weights.shape=\] \[w:0\] \{shown[0]}{shown[1:-1]}\] \[values.shape=\] "
               r"\[mean_squared_error/SquaredDifference:0\] \[3 2\] \[is_scalar=\] \[0\]")
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match=message):
        s.run(loss, {fed: weights})


# -- auc and the counts at thresholds --------------------------------------------------------------
LABELS = np.array([0, 0, 1, 1, 1, 0, 1, 0])
SCORES = np.array([0.1, 0.4, 0.35, 0.8, 0.6, 0.9, 0.05, 0.5], np.float32)
WEIGHTS = np.array([1.0, 2.0, 1.0, 0.5, 1.0, 1.0, 3.0, 0.25], np.float32)


def reference_counts(thresholds, weights):
    counts = {key: np.zeros(len(thresholds)) for key in ("tp", "fn", "tn", "fp")}
    for t, threshold in enumerate(thresholds):
        for label, score, weight in zip(LABELS, SCORES, weights):
            positive = score > np.float32(threshold)
            key = ("tp" if positive else "fn") if label else ("fp" if positive else "tn")
            counts[key][t] += weight
    return counts


def reference_auc(num_thresholds, curve, method, weights):
    thresholds = [-1e-7] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    thresholds += [1 + 1e-7]
    c = reference_counts(thresholds, weights)
    tp, fn, tn, fp = c["tp"], c["fn"], c["tn"], c["fp"]
    eps = 1e-6
    if curve == "PR" and method == "careful_interpolation":
        total = 0.0
        for i in range(num_thresholds - 1):
            dtp = tp[i] - tp[i + 1]
            dp = (tp[i] + fp[i]) - (tp[i + 1] + fp[i + 1])
            slope = dtp / dp if dp > 0 else 0.0
            intercept = tp[i + 1] - slope * (tp[i + 1] + fp[i + 1])
            p0, p1 = tp[i] + fp[i], tp[i + 1] + fp[i + 1]
            ratio = p0 / p1 if p0 > 0 and p1 > 0 else 1.0
            denominator = tp[i + 1] + fn[i + 1]
            if denominator > 0:
                total += slope * (dtp + intercept * np.log(ratio)) / denominator
        return total
    rec = (tp + eps) / (tp + fn + eps)
    x, y = ((fp / (fp + tn + eps)), rec) if curve == "ROC" else (rec, (tp + eps) / (tp + fp + eps))
    total = 0.0
    for i in range(num_thresholds - 1):
        height = {"trapezoidal": (y[i] + y[i + 1]) / 2, "minoring": min(y[i], y[i + 1]),
                  "majoring": max(y[i], y[i + 1])}[method]
        total += (x[i] - x[i + 1]) * height
    return total


@pytest.mark.parametrize("curve, method", [
    ("ROC", "trapezoidal"), ("ROC", "minoring"), ("ROC", "majoring"),
    ("PR", "careful_interpolation"), ("PR", "majoring")])
def test_auc_matches_the_written_out_sum(curve, method):
    value, update = tf.metrics.auc(LABELS, SCORES, weights=WEIGHTS, num_thresholds=9,
                                   curve=curve, summation_method=method)
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        got_update = s.run(update)
        got_value = s.run(value)  # a later step: reads the totals the update left
    want = reference_auc(9, curve, method, WEIGHTS)
    assert got_update == pytest.approx(want, abs=1e-5)
    assert got_value == pytest.approx(want, abs=1e-5)


def test_auc_keeps_four_counts_per_threshold():
    tf.metrics.auc(LABELS, SCORES, num_thresholds=5)
    names = [v.op.name for v in tf.local_variables()]
    assert names == ["auc/true_positives", "auc/false_negatives", "auc/true_negatives",
                     "auc/false_positives"]
    assert all(v.shape.as_list() == [5] for v in tf.local_variables())
    with pytest.raises(ValueError, match="Curve must be either ROC or PR. Curve XY is unknown."):
        tf.metrics.auc(LABELS, SCORES, curve="XY")


def test_precision_and_recall_at_thresholds():
    thresholds = [0.2, 0.5, 0.85]
    precision, update_p = tf.metrics.precision_at_thresholds(LABELS, SCORES, thresholds,
                                                             weights=WEIGHTS)
    recall, update_r = tf.metrics.recall_at_thresholds(LABELS, SCORES, thresholds)
    got_p, got_r = run(update_p, update_r)
    c = reference_counts(thresholds, WEIGHTS)
    np.testing.assert_allclose(got_p, c["tp"] / (1e-7 + c["tp"] + c["fp"]), rtol=1e-6)
    c = reference_counts(thresholds, np.ones(len(LABELS)))
    np.testing.assert_allclose(got_r, c["tp"] / (1e-7 + c["tp"] + c["fn"]), rtol=1e-6)
    assert precision.op.name == "precision_at_thresholds/precision_value"
    assert recall.op.name == "recall_at_thresholds/recall_value"


def test_auc_rejects_predictions_outside_zero_one_at_run_time():
    scores = tf.placeholder(tf.float32, [3])
    _, update = tf.metrics.auc([0, 1, 1], scores)
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="predictions must be in"):
            s.run(update, {scores: [0.2, 1.5, 0.3]})


# -- bicubic, area, contrast -----------------------------------------------------------------------
def cubic(x, a):
    x = abs(x)
    if x <= 1:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return 0.0


def reference_bicubic(images, out_h, out_w, align_corners, half_pixel):
    """Direct evaluation of the cubic kernel (float64) at TF's source positions, with TF's
    1/1024 quantisation of the fraction and its edge rules."""
    _, in_h, in_w, _ = images.shape
    a = -0.5 if half_pixel else -0.75

    def taps(out_size, in_size):
        if align_corners and out_size > 1:
            scale = (in_size - 1) / (out_size - 1)
        else:
            scale = in_size / out_size
        rows = []
        for o in range(out_size):
            where = (o + 0.5) * scale - 0.5 if half_pixel else o * scale
            start = int(np.floor(where))
            frac = round((where - start) * 1024) / 1024
            entries = []
            for k in range(-1, 3):
                index = min(max(start + k, 0), in_size - 1)
                weight = cubic(k - frac, a)
                if half_pixel and index != start + k:
                    weight = 0.0
                entries.append((index, weight))
            if half_pixel:
                total = sum(w for _, w in entries)
                entries = [(i, w / total) for i, w in entries]
            rows.append(entries)
        return rows

    out = np.zeros((images.shape[0], out_h, out_w, images.shape[3]))
    for y, row_taps in enumerate(taps(out_h, in_h)):
        for x, column_taps in enumerate(taps(out_w, in_w)):
            for r, wr in row_taps:
                for c, wc in column_taps:
                    out[:, y, x] += wr * wc * images[:, r, c]
    return out


@pytest.mark.parametrize("align_corners, half_pixel", [(False, False), (True, False),
                                                       (False, True)])
@pytest.mark.parametrize("size", [(7, 9), (2, 3), (4, 5)])
def test_resize_bicubic_matches_the_cubic_kernel(align_corners, half_pixel, size):
    images = RNG.uniform(-1, 1, size=(2, 4, 5, 2)).astype(np.float32)
    got = run(tf.image.resize_bicubic(images, size, align_corners=align_corners,
                                      half_pixel_centers=half_pixel))[0]
    want = reference_bicubic(images.astype(np.float64), *size, align_corners, half_pixel)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, atol=2e-3)  # TF's table rounds the weights


@pytest.mark.parametrize("align_corners, half_pixel", [(False, False), (True, False),
                                                       (False, True)])
def test_resize_bicubic_gradient_matches_central_differences(align_corners, half_pixel):
    images = RNG.uniform(-1, 1, size=(1, 3, 4, 2))
    mix = RNG.uniform(-1, 1, size=(1, 5, 6, 2))
    x = tf.placeholder(tf.float64, images.shape)
    y = tf.reduce_sum(tf.image.resize_bicubic(x, [5, 6], align_corners=align_corners,
                                              half_pixel_centers=half_pixel) * mix)
    grad = tf.gradients(y, x)[0]
    assert grad.op.type == "ResizeBicubicGrad"
    with tf.Session() as s:
        got = s.run(grad, {x: images})
        # the op is linear in the image and computes in float32: a wide step is exact
        want = central_difference(lambda v: s.run(y, {x: v}), images, eps=0.5)
    np.testing.assert_allclose(got, want, atol=1e-5)


def reference_area(images, out_h, out_w, align_corners):
    """Each output pixel: the source box it covers, averaged by covered area (float64)."""
    _, in_h, in_w, _ = images.shape

    def scale(in_size, out_size):
        return (in_size - 1) / (out_size - 1) if align_corners and out_size > 1 else \
            in_size / out_size

    sy, sx = scale(in_h, out_h), scale(in_w, out_w)
    out = np.zeros((images.shape[0], out_h, out_w, images.shape[3]))
    for y in range(out_h):
        for x in range(out_w):
            y0, y1, x0, x1 = y * sy, (y + 1) * sy, x * sx, (x + 1) * sx
            for r in range(int(np.floor(y0)), int(np.ceil(y1))):
                for c in range(int(np.floor(x0)), int(np.ceil(x1))):
                    cover = (min(r + 1, y1) - max(r, y0)) * (min(c + 1, x1) - max(c, x0))
                    rr, cc = min(max(r, 0), in_h - 1), min(max(c, 0), in_w - 1)
                    out[:, y, x] += cover * images[:, rr, cc]
            out[:, y, x] /= sy * sx
    return out


@pytest.mark.parametrize("size", [(2, 3), (3, 4), (6, 8), (1, 1)])
@pytest.mark.parametrize("align_corners", [False, True])
def test_resize_area_averages_the_covered_box(size, align_corners):
    images = RNG.uniform(0, 10, size=(1, 5, 7, 3)).astype(np.float32)
    got = run(tf.image.resize_area(images, size, align_corners=align_corners))[0]
    np.testing.assert_allclose(got, reference_area(images, *size, align_corners), rtol=1e-5,
                               atol=1e-5)


def test_resize_images_methods_bicubic_and_area():
    images = RNG.uniform(size=(4, 6, 1)).astype(np.float32)
    bicubic = tf.image.resize_images(images, [8, 3], method=tf.image.ResizeMethod.BICUBIC)
    area = tf.image.resize_images(images, [2, 3], method=tf.image.ResizeMethod.AREA)
    assert bicubic.op.inputs[0].op.type == "ResizeBicubic"
    assert area.op.inputs[0].op.type == "ResizeArea"
    got_bicubic, got_area = run(bicubic, area)
    np.testing.assert_allclose(got_area, reference_area(images[None], 2, 3, False)[0],
                               rtol=1e-5)
    np.testing.assert_allclose(got_bicubic,
                               reference_bicubic(images[None], 8, 3, False, False)[0], atol=2e-3)


def test_adjust_contrast_scales_each_channel_about_its_mean():
    images = RNG.uniform(size=(2, 5, 3, 4)).astype(np.float32)
    got = run(tf.image.adjust_contrast(images, 1.8))[0]
    means = images.mean(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(got, means + 1.8 * (images - means), rtol=1e-5, atol=1e-6)
    pixels = np.array([[[10], [200]], [[30], [40]]], np.uint8)
    got = run(tf.image.adjust_contrast(pixels, 2.0))[0]
    floats = pixels / 255.0
    want = np.clip(floats.mean() + 2.0 * (floats - floats.mean()), 0, 1) * 255.5
    assert got.dtype == np.uint8 and got.tolist() == want.astype(np.uint8).tolist()


# -- Qr's gradient, triangular solves --------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 4, 2), (3, 5)])
def test_qr_gradient_matches_central_differences(shape):
    a = RNG.normal(size=shape)
    mix_q = RNG.normal(size=np.linalg.qr(a)[0].shape)
    mix_r = RNG.normal(size=np.linalg.qr(a)[1].shape)
    x = tf.placeholder(tf.float64, shape)
    q, r = tf.linalg.qr(x)
    y = tf.reduce_sum(q * mix_q) + tf.reduce_sum(r * mix_r)
    grad = tf.gradients(y, x)[0]
    with tf.Session() as s:
        got = s.run(grad, {x: a})
        want = central_difference(lambda v: s.run(y, {x: v}), a)
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_qr_gradient_of_r_alone_and_its_refusals():
    a = RNG.normal(size=(3, 2))
    x = tf.placeholder(tf.float64, a.shape)
    _, r = tf.linalg.qr(x)
    y = tf.reduce_sum(r)
    grad = tf.gradients(y, x)[0]
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(grad, {x: a}),
                                   central_difference(lambda v: s.run(y, {x: v}), a), atol=1e-6)
    _, full_r = tf.linalg.qr(tf.constant(a), full_matrices=True)
    with pytest.raises(NotImplementedError, match="nrows > ncols and full_matrices is true"):
        tf.gradients(full_r, tf.get_default_graph().get_operations()[-1].inputs[0])


@pytest.mark.parametrize("lower, adjoint", [(True, False), (False, False), (True, True),
                                            (False, True)])
def test_triangular_solve_and_its_gradient(lower, adjoint):
    a = RNG.normal(size=(2, 3, 3)) + 3 * np.eye(3)
    b = RNG.normal(size=(2, 3, 2))
    triangle = np.tril(a) if lower else np.triu(a)
    system = np.swapaxes(triangle, -1, -2) if adjoint else triangle
    ta, tb = tf.placeholder(tf.float64, a.shape), tf.placeholder(tf.float64, b.shape)
    x = tf.linalg.triangular_solve(ta, tb, lower=lower, adjoint=adjoint)
    assert x.op.name == "triangular_solve/MatrixTriangularSolve"
    y = tf.reduce_sum(x * x)
    grads = tf.gradients(y, [ta, tb])
    with tf.Session() as s:
        feed = {ta: a, tb: b}
        got_x, got_ga, got_gb = s.run([x, *grads], feed)
        np.testing.assert_allclose(got_x, np.linalg.solve(system, b), rtol=1e-10)
        want_ga = central_difference(lambda v: s.run(y, {ta: v, tb: b}), a)
        want_gb = central_difference(lambda v: s.run(y, {ta: a, tb: v}), b)
    np.testing.assert_allclose(got_ga, want_ga, atol=1e-6)
    np.testing.assert_allclose(got_gb, want_gb, atol=1e-6)


# -- tf.print --------------------------------------------------------------------------------------
def test_print_writes_tensors_as_tf_print_v2_formats_them(capsys):
    op = tf.print("step", tf.constant(3), {"b": tf.constant([True, False]), "a": 2},
                  tf.reshape(tf.range(12), [2, 2, 3]), tf.range(10), tf.constant(["x", "y\n"]),
                  summarize=2)
    assert op.type == "PrintV2" and op.inputs[0].op.type == "StringFormat"
    assert capsys.readouterr().err == ""  # nothing is printed while building
    with tf.Session() as s:
        s.run(op)
    assert capsys.readouterr().err == (
        "step 3 {'a': 2, 'b': [1 0]} [[[0 1 2]\n  [3 4 5]]\n\n [[6 7 8]\n  [9 10 11]]] "
        "[0 1 ... 8 9] [\"x\" \"y\\n\"]\n")


def test_print_of_one_string_tensor_prints_it_raw_with_end(capsys):
    op = tf.print(tf.constant("plain text"), end="!\n", name="p")
    assert op.name == "p" and op.inputs[0].op.type == "Const"
    with tf.Session() as s:
        s.run(op)
        s.run(op)
    assert capsys.readouterr().err == "plain text!\nplain text!\n"


def test_print_placeholder_avoids_the_text_and_streams_are_checked(capsys):
    op = tf.print("{}", tf.constant(1.5), output_stream=__import__("sys").stdout)
    assert op.inputs[0].op.get_attr("placeholder") == b"{}9"
    with tf.Session() as s:
        s.run(op)
    assert capsys.readouterr().out == "{} 1.5\n"
    with pytest.raises(ValueError, match="Unsupported output stream"):
        tf.print(1, output_stream="nowhere")
    with pytest.raises(ValueError, match="Unrecognized keyword arguments for tf.print"):
        tf.print(1, colour="red")


def test_strings_format_summarizes_each_input():
    text = tf.strings.format("a={} b={}", [tf.constant([1.5, 2.0, 3.25, 4.0]),
                                           tf.constant(7)], summarize=1)
    assert run(text)[0] == b"a=[1.5 ... 4] b=7"
    with pytest.raises(ValueError, match="The template expects 1 tensors, but the inputs only "
                                         "has 2"):
        tf.strings.format("{}", [tf.constant(1), tf.constant(2)])
