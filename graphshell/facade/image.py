"""tf.image: resizing, flips and crops."""

from __future__ import annotations

from ..engine.ops import image_color_ops, image_ops, image_resample_ops, image_transforms
from ..engine.ops.random_index_ops import random_crop
from . import namespace

_T = image_transforms

# The names this area adds at the top of tf (namespaces included, built with facade.namespace).
TOP_LEVEL: dict[str, object] = {
    "image": namespace(
        "image", "Image ops (tf.image, TF 1.x forms): resizing, flips, crops, dtypes, colour.",
        ResizeMethod=_T.ResizeMethod, resize_images=_T.resize_images, resize=_T.resize_images,
        resize_bilinear=image_ops.resize_bilinear,
        resize_nearest_neighbor=image_ops.resize_nearest_neighbor,
        resize_bicubic=image_resample_ops.resize_bicubic,
        resize_area=image_resample_ops.resize_area,
        flip_left_right=_T.flip_left_right, flip_up_down=_T.flip_up_down,
        transpose_image=_T.transpose_image, transpose=_T.transpose_image, rot90=_T.rot90,
        random_flip_left_right=_T.random_flip_left_right,
        random_flip_up_down=_T.random_flip_up_down, random_crop=random_crop,
        crop_to_bounding_box=_T.crop_to_bounding_box, pad_to_bounding_box=_T.pad_to_bounding_box,
        resize_image_with_crop_or_pad=_T.resize_image_with_crop_or_pad,
        resize_with_crop_or_pad=_T.resize_image_with_crop_or_pad, central_crop=_T.central_crop,
        convert_image_dtype=_T.convert_image_dtype, rgb_to_grayscale=_T.rgb_to_grayscale,
        grayscale_to_rgb=_T.grayscale_to_rgb,
        per_image_standardization=_T.per_image_standardization,
        adjust_brightness=_T.adjust_brightness,
        adjust_contrast=image_color_ops.adjust_contrast),
}
