"""tf.image's functions built from other ops, named as TF names them: resize_images, flips,
transposes, crops and pads, dtype conversion, colour and brightness."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope
from ..graph.convert import convert_to_tensor
from . import (
    array_ops,
    clip_ops,
    contract_ops,
    control_flow,
    control_ops,
    image_ops,
    image_resample_ops,
    index_ops,
    input_ops,
    logic_ops,
    mask_ops,
    math_ops,
    random_ops,
    reduce_ops,
    slicing_ops,
    unary_ops,
)
from .static import static_value


class ResizeMethod:
    """The resize methods of tf.compat.v1.image.resize_images."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


_RESIZERS = {ResizeMethod.BILINEAR: image_ops.resize_bilinear,
             "bilinear": image_ops.resize_bilinear,
             ResizeMethod.NEAREST_NEIGHBOR: image_ops.resize_nearest_neighbor,
             "nearest": image_ops.resize_nearest_neighbor,
             ResizeMethod.BICUBIC: image_resample_ops.resize_bicubic,
             "bicubic": image_resample_ops.resize_bicubic,
             ResizeMethod.AREA: image_resample_ops.resize_area,
             "area": image_resample_ops.resize_area}

def _rank(image, allowed=(3, 4)) -> int:
    shape = image._shape
    if shape is None:
        raise ValueError("'image' (shape <unknown>) must have either 3 or 4 dimensions.")
    if len(shape) not in allowed:
        raise ValueError(f"'image' (shape {image.get_shape()}) must have either 3 or 4 "
                         "dimensions.")
    return len(shape)


def _checked_image(image):
    """The image behind TF's shape-check Identity (`<scope>/control_dependency`)."""
    _rank(image)
    return control_ops.with_dependencies([], image)


# -- resizing ----------------------------------------------------------------------------------
def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None):
    """Resizes 3-D or 4-D `images` to `size` = [new_height, new_width] (TF 1.x's resize)."""
    if method not in _RESIZERS:
        raise ValueError(f"Resize method is not implemented: {method}")
    with OpScope(name, "resize", [images, size]):
        images = convert_to_tensor(images, name="images")
        if images._shape is None:
            raise ValueError("'images' contains no shape.")
        batched = len(images._shape) == 4
        if len(images._shape) == 3:
            images = array_ops.expand_dims(images, 0)
        elif not batched:
            raise ValueError("'images' must have either 3 or 4 dimensions.")
        height, width = images._shape[1:3]
        try:
            size = convert_to_tensor(size, dtypes.int32, name="size")
        except (TypeError, ValueError):
            raise ValueError("'size' must be a 1-D int32 Tensor") from None
        if size._shape is not None and (len(size._shape) != 1 or size._shape[0] not in (None, 2)):
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        original_size = static_value(size)
        if preserve_aspect_ratio:
            size = _aspect_preserving_size(images, size)
        wanted = static_value(size)
        if wanted is not None and (height, width) == tuple(int(d) for d in wanted):
            return images if batched else array_ops.squeeze(images, axis=[0])
        resized = _RESIZERS[method](images, size, align_corners=align_corners)
        if wanted is None and preserve_aspect_ratio:
            resized.set_shape([None, *_aspect_preserving_dims(height, width, original_size)])
        return resized if batched else array_ops.squeeze(resized, axis=[0])


def _aspect_preserving_size(images, size):
    """The largest size within `size` with the images' aspect ratio, as TF computes it."""
    shape = images._shape
    dims = [shape[i] if shape[i] is not None else array_ops.shape(images)[i] for i in (1, 2)]
    scale = math_ops.minimum(
        math_ops.cast(size[0], dtypes.float32) / math_ops.cast(dims[0], dtypes.float32),
        math_ops.cast(size[1], dtypes.float32) / math_ops.cast(dims[1], dtypes.float32))
    scaled = [math_ops.cast(unary_ops.round(scale * math_ops.cast(d, dtypes.float32)),
                            dtypes.int32) for d in dims]
    return array_ops.stack(scaled, name="size")


def _aspect_preserving_dims(height, width, size):
    """The static height and width aspect-preserving resizing gives (TF folds them)."""
    if None in (height, width) or size is None:
        return [None, None, None]
    wanted = [np.float32(d) for d in np.ravel(size)]
    scale = min(wanted[0] / np.float32(height), wanted[1] / np.float32(width))
    return [int(np.round(scale * np.float32(height))), int(np.round(scale * np.float32(width))),
            None]


# -- flips and transposes ----------------------------------------------------------------------
def _flip(image, name, default_name, row_axis: bool):
    with OpScope(name, default_name, [image]):
        image = convert_to_tensor(image, name="image")
        rank = _rank(image)
        image = _checked_image(image)
        axis = (0 if row_axis else 1) + (rank - 3)
        return mask_ops.reverse_v2(image, [axis])


def flip_left_right(image):
    """The image mirrored left to right (its width axis reversed)."""
    return _flip(image, None, "flip_left_right", row_axis=False)


def flip_up_down(image):
    """The image mirrored top to bottom (its height axis reversed)."""
    return _flip(image, None, "flip_up_down", row_axis=True)


def transpose_image(image, name=None):
    """The image with height and width swapped."""
    with OpScope(name, "transpose", [image]):
        image = convert_to_tensor(image, name="image")
        perm = [1, 0, 2] if _rank(image) == 3 else [0, 2, 1, 3]
        return array_ops.transpose(_checked_image(image), perm, name="transpose")


def rot90(image, k=1, name=None):
    """The image rotated counter-clockwise by `k` quarter turns."""
    with OpScope(name, "rot90", [image, k]):
        image = convert_to_tensor(image, name="image")
        offset = _rank(image) - 3
        image = _checked_image(image)
        turns = {
            0: lambda: image,
            1: lambda: array_ops.transpose(mask_ops.reverse_v2(image, [1 + offset]),
                                           _swap_perm(offset)),
            2: lambda: mask_ops.reverse_v2(image, [offset, 1 + offset]),
            3: lambda: mask_ops.reverse_v2(array_ops.transpose(image, _swap_perm(offset)),
                                           [1 + offset]),
        }
        k = convert_to_tensor(k, dtype=dtypes.int32, name="k")
        known = static_value(k)
        if known is not None:
            return turns[int(known) % 4]()
        k = math_ops.floormod(k, 4)
        return control_flow.cond(logic_ops.equal(k, 1), turns[1], lambda: control_flow.cond(
            logic_ops.equal(k, 2), turns[2], lambda: control_flow.cond(
                logic_ops.equal(k, 3), turns[3], turns[0])))


def _swap_perm(offset: int) -> list[int]:
    return [1, 0, 2] if offset == 0 else [0, 2, 1, 3]


def _random_flip(image, seed, default_name, row_axis: bool):
    with OpScope(None, default_name, [image]) as scope:
        image = convert_to_tensor(image, name="image")
        rank = _rank(image)
        image = _checked_image(image)
        axis = (0 if row_axis else 1) + (rank - 3)
        if rank == 3:
            flip = logic_ops.less(random_ops.random_uniform([], 0, 1.0, seed=seed), 0.5)
            return control_flow.cond(flip, lambda: mask_ops.reverse_v2(image, [axis]),
                                     lambda: image, name=scope)
        batch = image._shape[0] if image._shape[0] is not None else array_ops.shape(image)[0]
        coins = random_ops.random_uniform([batch], 0, 1.0, seed=seed)
        flips = math_ops.cast(unary_ops.round(array_ops.reshape(coins, [batch, 1, 1, 1])),
                              image.dtype)
        return flips * mask_ops.reverse_v2(image, [axis]) + (1 - flips) * image


def random_flip_left_right(image, seed=None):
    """The image mirrored left to right with probability 1/2 (each image of a batch alone)."""
    return _random_flip(image, seed, "random_flip_left_right", row_axis=False)


def random_flip_up_down(image, seed=None):
    """The image mirrored top to bottom with probability 1/2 (each image of a batch alone)."""
    return _random_flip(image, seed, "random_flip_up_down", row_axis=True)


# -- crops and pads ----------------------------------------------------------------------------
def _static_hw(image, what):
    height, width = image._shape[-3:-1]
    if height is None or width is None:
        raise ValueError(f"graphshell's {what} needs the image's height and width known while "
                         "building the graph")
    return height, width


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The `target_height` x `target_width` window whose top-left corner is at the offsets."""
    with OpScope(None, "crop_to_bounding_box", [image]):
        image = convert_to_tensor(image, name="image")
        batched = _rank(image) == 4
        if not batched:
            image = array_ops.expand_dims(image, 0)
        height, width = _static_hw(image, "crop_to_bounding_box")
        for ok, message in ((offset_width >= 0, "offset_width must be >= 0."),
                            (offset_height >= 0, "offset_height must be >= 0."),
                            (target_width > 0, "target_width must be > 0."),
                            (target_height > 0, "target_height must be > 0."),
                            (width >= target_width + offset_width,
                             "width must be >= target + offset."),
                            (height >= target_height + offset_height,
                             "height must be >= target + offset.")):
            if not ok:
                raise ValueError(message)
        checked = control_ops.with_dependencies([], image)
        begin = convert_to_tensor([0, offset_height, offset_width, 0], dtypes.int32,
                                  name="stack")
        size = convert_to_tensor([-1, target_height, target_width, -1], dtypes.int32,
                                 name="stack_1")
        cropped = slicing_ops.slice(checked, begin, size)
        return cropped if batched else array_ops.squeeze(cropped, axis=[0])


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The image placed at the offsets on a zero `target_height` x `target_width` canvas."""
    with OpScope(None, "pad_to_bounding_box", [image]):
        image = convert_to_tensor(image, name="image")
        batched = _rank(image) == 4
        if not batched:
            image = array_ops.expand_dims(image, 0)
        height, width = _static_hw(image, "pad_to_bounding_box")
        after_height = target_height - offset_height - height
        after_width = target_width - offset_width - width
        for ok, message in ((offset_height >= 0, "offset_height must be >= 0"),
                            (offset_width >= 0, "offset_width must be >= 0"),
                            (after_width >= 0, "width must be <= target - offset"),
                            (after_height >= 0, "height must be <= target - offset")):
            if not ok:
                raise ValueError(message)
        paddings = np.array([[0, 0], [offset_height, after_height], [offset_width, after_width],
                             [0, 0]], dtype=np.int32)
        padded = slicing_ops.pad(control_ops.with_dependencies([], image), paddings)
        return padded if batched else array_ops.squeeze(padded, axis=[0])


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """The image centre-cropped and/or zero-padded evenly to the target size."""
    with OpScope(None, "resize_image_with_crop_or_pad", [image]):
        image = convert_to_tensor(image, name="image")
        _rank(image)
        height, width = _static_hw(image, "resize_image_with_crop_or_pad")
        if target_width <= 0:
            raise ValueError("target_width must be > 0.")
        if target_height <= 0:
            raise ValueError("target_height must be > 0.")
        width_diff, height_diff = target_width - width, target_height - height
        cropped = crop_to_bounding_box(image, max(-height_diff // 2, 0),
                                       max(-width_diff // 2, 0), min(target_height, height),
                                       min(target_width, width))
        return pad_to_bounding_box(cropped, max(height_diff // 2, 0), max(width_diff // 2, 0),
                                   target_height, target_width)


def central_crop(image, central_fraction):
    """The central `central_fraction` of the image along height and width."""
    with OpScope(None, "central_crop", [image]):
        image = convert_to_tensor(image, name="image")
        if central_fraction <= 0.0 or central_fraction > 1.0:
            raise ValueError("central_fraction must be within (0, 1]")
        if central_fraction == 1.0:
            return image
        rank = _rank(image)
        height, width = _static_hw(image, "central_crop")
        top = int((height - height * central_fraction) / 2)
        left = int((width - width * central_fraction) / 2)
        begin = [top, left, 0] if rank == 3 else [0, top, left, 0]
        size = [height - 2 * top, width - 2 * left, -1]
        _checked_image(image)
        begin = convert_to_tensor(begin, dtypes.int32, name="stack")
        size = convert_to_tensor(size if rank == 3 else [-1, *size], dtypes.int32, name="stack_1")
        return slicing_ops.slice(image, begin, size)


# -- values and colours ------------------------------------------------------------------------
def convert_image_dtype(image, dtype, saturate=False, name=None):
    """The image in `dtype`, rescaled: floats span [0, 1), integers their whole range."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    image = convert_to_tensor(image, name="image")
    source = image.dtype.base_dtype
    if not (source.is_floating or source.is_integer) or \
            not (dtype.is_floating or dtype.is_integer):
        raise AttributeError("Image and dtype must be floating point or integer types")
    if source is dtype:
        return array_ops.identity(image, name=name)
    with OpScope(name, "convert_image", [image]) as scope:
        if source.is_integer and dtype.is_integer:
            return _rescale_integers(image, source, dtype, saturate, scope)
        if source.is_floating and dtype.is_floating:
            return math_ops.cast(image, dtype, name=scope)
        if source.is_integer:
            cast = math_ops.cast(image, dtype)
            return math_ops.multiply(cast, 1.0 / source.max, name=scope)
        scaled = math_ops.multiply(image, dtype.max + 0.5)
        if saturate:
            return clip_ops.saturate_cast(scaled, dtype, name=scope)
        return math_ops.cast(scaled, dtype, name=scope)


def _rescale_integers(image, source, dtype, saturate, scope):
    if source.max > dtype.max:  # dropping low bits: divide by the ratio of the ranges
        ratio = (source.max + 1) // (dtype.max + 1)
        scaled = math_ops.floordiv(image, ratio)
        return clip_ops.saturate_cast(scaled, dtype, name=scope) if saturate else \
            math_ops.cast(scaled, dtype, name=scope)
    ratio = (dtype.max + 1) // (source.max + 1)
    cast = clip_ops.saturate_cast(image, dtype) if saturate else math_ops.cast(image, dtype)
    return math_ops.multiply(cast, ratio, name=scope)


def rgb_to_grayscale(images, name=None):
    """Each RGB pixel as one luma value (0.2989 R + 0.5870 G + 0.1140 B), last axis size 1."""
    with OpScope(name, "rgb_to_grayscale", [images]) as scope:
        images = convert_to_tensor(images, name="images")
        original = images.dtype.base_dtype
        floats = convert_image_dtype(images, dtypes.float32)
        gray = contract_ops.tensordot(floats, [0.2989, 0.5870, 0.1140], [-1, -1])
        gray = array_ops.expand_dims(gray, -1)
        return convert_image_dtype(gray, original, name=scope)


def grayscale_to_rgb(images, name=None):
    """Each one-channel pixel repeated into three channels."""
    with OpScope(name, "grayscale_to_rgb", [images]) as scope:
        images = convert_to_tensor(images, name="images")
        shape = images._shape
        if shape is not None and (len(shape) < 2 or shape[-1] not in (None, 1)):
            raise ValueError(f"Last dimension of a grayscale image should be size 1: "
                             f"{images.get_shape()}")
        checked = control_ops.with_dependencies([], images)
        rank = array_ops.rank(checked)
        multiples = slicing_ops.concat(
            [input_ops.ones(array_ops.expand_dims(rank - 1, 0), dtype=dtypes.int32),
             array_ops.expand_dims(3, 0)], 0)
        rgb = index_ops.tile(checked, multiples, name=scope)
        if shape is not None:
            rgb.set_shape([*shape[:-1], 3])
        return rgb


def per_image_standardization(image):
    """Each image scaled to zero mean and unit variance: (x - mean) / max(stddev, 1/sqrt(N))."""
    with OpScope(None, "per_image_standardization", [image]) as scope:
        image = convert_to_tensor(image, name="image")
        image = _checked_image(image)
        pixels = reduce_ops.reduce_prod(array_ops.shape(image)[-3:])
        if not image.dtype.is_floating:
            image = math_ops.cast(image, dtypes.float32)
        axes = [-1, -2, -3]
        mean = reduce_ops.reduce_mean(image, axis=axes, keepdims=True)
        with OpScope(None, "reduce_std", [image]):
            with OpScope(None, "reduce_variance", [image]):
                centred_mean = reduce_ops.reduce_mean(image, axis=axes, keepdims=True)
                variance = reduce_ops.reduce_mean(unary_ops.square(image - centred_mean),
                                                  axis=axes, keepdims=True)
            stddev = unary_ops.sqrt(variance)
        floor = unary_ops.rsqrt(math_ops.cast(pixels, image.dtype))
        adjusted = math_ops.maximum(stddev, floor)
        return math_ops.divide(image - mean, adjusted, name=scope)


def adjust_brightness(image, delta):
    """The image with `delta` added to every value (in floats), converted back to its type."""
    with OpScope(None, "adjust_brightness", [image, delta]) as scope:
        image = convert_to_tensor(image, name="image")
        original = image.dtype.base_dtype
        floats = image if original in (dtypes.float16, dtypes.float32) else \
            convert_image_dtype(image, dtypes.float32)
        adjusted = math_ops.add(floats, math_ops.cast(delta, floats.dtype), name=scope)
        return convert_image_dtype(adjusted, original, saturate=True)
