"""tf.image.adjust_contrast and its op AdjustContrastv2, computed as TF's CPU kernel does.

Each channel of each image moves away from (or toward) its mean by `contrast_factor`:
`mean + factor * (x - mean)`. TF sums a channel by folding the image plane in half until one
pixel is left (float32), scales the sum by the float32 reciprocal of the pixel count, then
adds the scaled difference.
"""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.registry import ShapeError, define
from . import image_transforms, rules


def _folded_sums(planes: np.ndarray) -> np.ndarray:
    """[batch, pixels, channels] float32 -> [batch, channels]: TF's halving reduction
    (add the right half onto the left, the middle pixel stays when the count is odd)."""
    remaining = planes.shape[1]
    scratch = planes.copy()
    while True:
        right = remaining // 2
        left = remaining - right
        scratch[:, :right] = scratch[:, :right] + scratch[:, left:left + right]
        remaining = left
        if remaining <= 1:
            return scratch[:, 0]


def adjust_contrast_values(images, factor) -> np.ndarray:
    images = np.asarray(images, dtype=np.float32)
    height, width, channels = images.shape[-3:]
    pixels = height * width
    planes = images.reshape(-1, pixels, channels)
    means = _folded_sums(planes) * (np.float32(1) / np.float32(pixels))
    factor = np.float32(factor)
    out = means[:, None, :] + factor * (planes - means[:, None, :])
    return out.reshape(images.shape).astype(np.float32)


def _infer_adjust_contrast(op):
    images, factor = op._inputs
    rules.check_dtype(op, images, (dtypes.float16, dtypes.float32), "images")
    if images._shape is not None and len(images._shape) < 3:
        raise ShapeError(f"Shape must be at least rank 3 but is rank {len(images._shape)}")
    if factor._shape is not None and len(factor._shape) != 0:
        raise ShapeError(f"Shape must be rank 0 but is rank {len(factor._shape)}")
    return [(images.dtype.base_dtype, images._shape)]


def _adjust_contrast_kernel(op, runtime):
    def run(images, factor):
        images = np.asarray(images)
        if images.ndim < 3:
            raise InvalidArgumentError(None, op, "input must be at least 3-D, got shape"
                                       f"[{','.join(map(str, images.shape))}]")
        if np.ndim(factor) != 0:
            raise InvalidArgumentError(None, op, "contrast_factor must be scalar: "
                                       f"[{','.join(map(str, np.shape(factor)))}]")
        if images.size == 0:
            return images.copy()
        return adjust_contrast_values(images, factor).astype(images.dtype)
    return run


define("AdjustContrastv2", infer=_infer_adjust_contrast, make_kernel=_adjust_contrast_kernel)


def adjust_contrast(images, contrast_factor):
    """Each channel's values moved from its mean by `contrast_factor` (in floats, converted
    back to the images' type, saturating)."""
    with OpScope(None, "adjust_contrast", [images, contrast_factor]) as scope:
        images = convert_to_tensor(images, name="images")
        original = images.dtype.base_dtype
        floats = images if original in (dtypes.float16, dtypes.float32) else \
            image_transforms.convert_image_dtype(images, dtypes.float32)
        factor = convert_to_tensor(contrast_factor, dtype=dtypes.float32,
                                   name="contrast_factor")
        adjusted = make_tensor("AdjustContrastv2", [floats, factor], scope,
                               {"T": floats.dtype.base_dtype})
        return image_transforms.convert_image_dtype(adjusted, original, saturate=True)


__all__ = ["adjust_contrast"]
