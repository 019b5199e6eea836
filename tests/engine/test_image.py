"""tf.image's resize ops against numpy written out independently, their gradients against
central differences, and the composite functions against numpy's flips, slices and pads."""

import numpy as np
import pytest

from graphshell import tf


def _bilinear_reference(image, out_h, out_w, align_corners=False, half_pixel=False):
    """Bilinear resize written out per output pixel in float64, from TF's documented rule."""
    _, in_h, in_w, _ = image.shape

    def scale(n_in, n_out):
        return (n_in - 1) / (n_out - 1) if align_corners and n_out > 1 else n_in / n_out

    def source(i, s):
        return (i + 0.5) * s - 0.5 if half_pixel else i * s
    out = np.zeros((image.shape[0], out_h, out_w, image.shape[3]))
    for y in range(out_h):
        fy = source(y, scale(in_h, out_h))
        y0, y1, wy = max(int(np.floor(fy)), 0), min(int(np.ceil(fy)), in_h - 1), fy - np.floor(fy)
        for x in range(out_w):
            fx = source(x, scale(in_w, out_w))
            x0, x1 = max(int(np.floor(fx)), 0), min(int(np.ceil(fx)), in_w - 1)
            wx = fx - np.floor(fx)
            top = image[:, y0, x0] * (1 - wx) + image[:, y0, x1] * wx
            bottom = image[:, y1, x0] * (1 - wx) + image[:, y1, x1] * wx
            out[:, y, x] = top * (1 - wy) + bottom * wy
    return out


@pytest.mark.parametrize("size, flags", [
    ((6, 8), {}), ((3, 2), {}), ((7, 5), {"align_corners": True}),
    ((5, 9), {"half_pixel_centers": True}), ((2, 3), {"half_pixel_centers": True}),
])
def test_resize_bilinear_matches_the_written_out_rule(size, flags):
    image = np.random.RandomState(0).rand(2, 4, 5, 3).astype(np.float32)
    with tf.Session() as sess:
        got = sess.run(tf.image.resize_bilinear(image, size, **flags))
    expected = _bilinear_reference(image.astype(np.float64), *size,
                                   flags.get("align_corners", False),
                                   flags.get("half_pixel_centers", False))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_resize_nearest_neighbor_copies_the_floor_or_rounded_source():
    image = np.arange(20, dtype=np.int64).reshape(1, 4, 5, 1)
    with tf.Session() as sess:
        legacy, corners = sess.run([tf.image.resize_nearest_neighbor(image, [8, 3]),
                                    tf.image.resize_nearest_neighbor(image, [7, 3],
                                                                     align_corners=True)])
    rows, cols = [int(np.floor(i * 4 / 8)) for i in range(8)], [int(np.floor(j * 5 / 3))
                                                                 for j in range(3)]
    np.testing.assert_array_equal(legacy, image[:, rows][:, :, cols])
    rows = [int(np.floor(i * 3 / 6 + 0.5)) for i in range(7)]
    cols = [int(np.floor(j * 4 / 2 + 0.5)) for j in range(3)]
    np.testing.assert_array_equal(corners, image[:, rows][:, :, cols])
    assert legacy.dtype == np.int64


def _numeric_gradient(function, x, step=1e-3):
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += step
        minus[index] -= step
        grad[index] = (function(plus) - function(minus)) / (2 * step)
    return grad


@pytest.mark.parametrize("resize, flags", [
    (tf.image.resize_bilinear, {}), (tf.image.resize_bilinear, {"align_corners": True}),
    (tf.image.resize_bilinear, {"half_pixel_centers": True}),
    (tf.image.resize_nearest_neighbor, {}),
    (tf.image.resize_nearest_neighbor, {"half_pixel_centers": True}),
])
def test_resize_gradients_match_central_differences(resize, flags):
    rng = np.random.RandomState(1)
    start = rng.rand(1, 3, 4, 2)
    weights = rng.rand(1, 5, 7, 2)
    x = tf.placeholder(tf.float32, [1, 3, 4, 2])
    loss = tf.reduce_sum(resize(x, [5, 7], **flags) * weights.astype(np.float32))
    grad = tf.gradients(loss, x)[0]
    with tf.Session() as sess:
        analytic = sess.run(grad, {x: start})
        numeric = _numeric_gradient(lambda v: float(sess.run(loss, {x: v})), start)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-3, atol=1e-3)


def test_flips_transpose_and_rotations_match_numpy():
    image = np.arange(24, dtype=np.float32).reshape(2, 3, 4, 1)
    with tf.Session() as sess:
        got = sess.run([tf.image.flip_left_right(image), tf.image.flip_up_down(image[0]),
                        tf.image.transpose_image(image), tf.image.rot90(image[0], 1),
                        tf.image.rot90(image[0], tf.constant(3) + 0)])
    np.testing.assert_array_equal(got[0], image[:, :, ::-1])
    np.testing.assert_array_equal(got[1], image[0, ::-1])
    np.testing.assert_array_equal(got[2], image.transpose(0, 2, 1, 3))
    np.testing.assert_array_equal(got[3], np.rot90(image[0], 1))
    np.testing.assert_array_equal(got[4], np.rot90(image[0], 3))


def test_crop_pad_and_central_crop_match_numpy_slices():
    image = np.arange(6 * 7 * 2, dtype=np.float32).reshape(6, 7, 2)
    with tf.Session() as sess:
        crop, pad, centre, both = sess.run([
            tf.image.crop_to_bounding_box(image, 1, 2, 3, 4),
            tf.image.pad_to_bounding_box(image, 2, 1, 9, 10),
            tf.image.central_crop(image, 0.5),
            tf.image.resize_image_with_crop_or_pad(image, 4, 9)])
    np.testing.assert_array_equal(crop, image[1:4, 2:6])
    np.testing.assert_array_equal(pad, np.pad(image, [(2, 1), (1, 2), (0, 0)]))
    np.testing.assert_array_equal(centre, image[1:5, 1:6])
    np.testing.assert_array_equal(both, np.pad(image[1:5], [(0, 0), (1, 1), (0, 0)]))


def test_convert_image_dtype_scales_and_saturates():
    ints = np.array([0, 51, 255], dtype=np.uint8).reshape(1, 3, 1)
    floats = np.array([-0.5, 0.25, 1.5], dtype=np.float32).reshape(1, 3, 1)
    with tf.Session() as sess:
        as_float, as_bytes = sess.run([tf.image.convert_image_dtype(ints, tf.float32),
                                       tf.image.convert_image_dtype(floats, tf.uint8,
                                                                    saturate=True)])
    np.testing.assert_array_equal(as_float, ints.astype(np.float32) * np.float32(1 / 255))
    # x * (255 + 0.5) truncated toward zero, clamped to [0, 255] first
    np.testing.assert_array_equal(as_bytes.ravel(), [0, int(0.25 * 255.5), 255])


def test_grayscale_and_standardization_match_numpy():
    rng = np.random.RandomState(2)
    rgb = rng.rand(3, 4, 3).astype(np.float32)
    with tf.Session() as sess:
        gray, standard = sess.run([tf.image.rgb_to_grayscale(rgb),
                                   tf.image.per_image_standardization(rgb)])
    np.testing.assert_allclose(gray[..., 0], rgb @ np.array([0.2989, 0.5870, 0.1140]),
                               rtol=1e-6)
    expected = (rgb - rgb.mean()) / max(rgb.std(), 1 / np.sqrt(rgb.size))
    np.testing.assert_allclose(standard, expected, rtol=1e-5, atol=1e-6)


def test_unknown_resize_methods_are_refused():
    with pytest.raises(ValueError, match="Resize method is not implemented: 7"):
        tf.image.resize_images(tf.zeros([1, 2, 2, 1]), [3, 3], method=7)
