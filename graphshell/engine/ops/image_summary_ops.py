"""ImageSummary and AudioSummaryV2: each step they output a serialized `Summary` of PNG images
or WAV clips, encoded as TF's kernels encode them (see png_encoding and wav_encoding)."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_tensor
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, define
from . import rules
from .png_encoding import encode_png
from .summary_ops import protos, serialized_summary, summary_output, text_of
from .wav_encoding import encode_wav

_IMAGE_TYPES = (dtypes.uint8, dtypes.float32, dtypes.float16, dtypes.float64)
_IMAGE_TYPE_WORDS = "uint8, float32, float16, float64"
DEFAULT_BAD_COLOR = np.array([255, 0, 0, 255], dtype=np.uint8)
_ZERO_THRESHOLD = np.float32(1e-6)


def _shape_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _single_tag(tag, what: str) -> str:
    """The tag of a legacy scalar (shape [] or [1]), or TF's error."""
    tag = np.asarray(tag, dtype=object)
    if tag.size != 1 or tag.ndim > 1:
        raise errors.InvalidArgumentError(None, None, f"{what} must be a scalar")
    return text_of(tag.ravel()[0])


def _output_tag(base: str, kind: str, index: int, limit: int) -> str:
    # the tag depends on how many outputs were asked for, not how many there are
    return f"{base}/{kind}/{index}" if limit > 1 else f"{base}/{kind}"


# -- ImageSummary ----------------------------------------------------------------------------------
def _infer_image(op):
    rules.check_exact_dtype(op, op._inputs[0], dtypes.string, arg="tag")
    rules.check_dtype(op, op._inputs[1], _IMAGE_TYPES, arg="tensor", words=_IMAGE_TYPE_WORDS)
    return summary_output(op)


def normalized_image(values: np.ndarray, bad_color: np.ndarray) -> np.ndarray:
    """A float image [h*w, depth] as uint8, as TF's NormalizeFloatImage: all-positive images
    scaled so the largest value is 255, others centred on 128 and scaled by the largest
    magnitude; pixels with a non-finite channel become `bad_color`. Arithmetic in the
    image's own float type, scale factors in float32."""
    kind = values.dtype.type
    finite = np.isfinite(values).all(axis=1)
    seen = values[finite].astype(np.float32)
    low = seen.min() if seen.size else np.float32(np.inf)
    high = seen.max() if seen.size else np.float32(-np.inf)
    if low < 0:
        largest = max(abs(low), abs(high))
        scale = np.float32(0.0) if largest < _ZERO_THRESHOLD else np.float32(127.0) / largest
        offset = np.float32(128.0)
    else:
        scale = np.float32(0.0) if high < _ZERO_THRESHOLD else np.float32(255.0) / high
        offset = np.float32(0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        mapped = values * kind(scale) + kind(offset)
    image = np.zeros(values.shape, dtype=np.uint8)
    image[finite] = mapped[finite].astype(np.uint8)  # C's truncating cast
    image[~finite] = bad_color
    return image


def _image_kernel(op, runtime):
    max_images = op.attrs["max_images"]
    bad_color = np.asarray(op.attrs["bad_color"])

    def run(tag, tensor):
        base = _single_tag(tag, "Tags")
        tensor = np.asarray(tensor)
        if tensor.ndim != 4 or tensor.shape[3] not in (1, 3, 4):
            raise errors.InvalidArgumentError(
                None, None, f"Tensor must be 4-D with last dim 1, 3, or 4, not "
                            f"{_shape_text(tensor.shape)}")
        batch, height, width, depth = tensor.shape
        if height == 0 or width == 0:
            raise errors.InvalidArgumentError(
                None, None, f"input tensor must have non-zero dims. Found: "
                            f"[{', '.join(str(d) for d in tensor.shape)}].")
        is_float = tensor.dtype != np.uint8
        if is_float and bad_color.shape[0] < depth:
            raise errors.InvalidArgumentError(
                None, None, f"expected depth <= bad_color.size, got depth = {depth}, "
                            f"bad_color.size = {bad_color.shape[0]}")
        summary = protos().summary.Summary()
        for i in range(min(max_images, batch)):
            pixels = tensor[i].reshape(height * width, depth)
            if is_float and pixels.size:
                pixels = normalized_image(pixels, bad_color[:depth])
            value = summary.value.add(tag=_output_tag(base, "image", i, max_images))
            value.image.height, value.image.width, value.image.colorspace = height, width, depth
            value.image.encoded_image_string = encode_png(
                pixels.astype(np.uint8).reshape(height, width, depth))
        return serialized_summary(summary)
    return run


define("ImageSummary", infer=_infer_image, make_kernel=_image_kernel, grad=NOT_DIFFERENTIABLE)


def _check_minimum(op_type: str, attr: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"Attr '{attr}' of '{op_type}' Op passed {value} less than minimum 1.")


def image_summary(tag, tensor, max_images=3, bad_color=None, name=None):
    """A string scalar: a serialized Summary holding up to `max_images` PNG images of the
    batch `tensor` [batch, height, width, 1|3|4], tagged `tag/image[/i]`."""
    protos()
    _check_minimum("ImageSummary", "max_images", max_images)
    color = DEFAULT_BAD_COLOR if bad_color is None else np.asarray(bad_color)
    with OpScope(name, "ImageSummary", [tag, tensor]) as scope:
        tag = convert_to_tensor(tag, dtype=dtypes.string, name="tag")
        tensor = convert_to_tensor(tensor, name="tensor")
        return make_tensor("ImageSummary", [tag, tensor], scope,
                           {"max_images": int(max_images), "T": tensor.dtype.base_dtype,
                            "bad_color": color})


# -- AudioSummaryV2 --------------------------------------------------------------------------------
def _infer_audio(op):
    rules.check_exact_dtype(op, op._inputs[0], dtypes.string, arg="tag")
    rules.check_exact_dtype(op, op._inputs[1], dtypes.float32, arg="tensor")
    rules.check_exact_dtype(op, op._inputs[2], dtypes.float32, arg="sample_rate")
    return summary_output(op)


def _audio_kernel(op, runtime):
    max_outputs = op.attrs["max_outputs"]

    def run(tag, tensor, sample_rate):
        base = _single_tag(tag, "Tag")
        tensor = np.asarray(tensor, dtype=np.float32)
        if tensor.ndim not in (2, 3):
            raise errors.InvalidArgumentError(
                None, None, f"Tensor must be 3-D or 2-D, got: {_shape_text(tensor.shape)}")
        rate = np.float32(np.asarray(sample_rate).ravel()[0])
        if not rate > 0:
            raise errors.InvalidArgumentError(None, None, "sample_rate must be > 0")
        frames = tensor.shape[1]
        channels = 1 if tensor.ndim == 2 else tensor.shape[2]
        summary = protos().summary.Summary()
        for i in range(min(max_outputs, tensor.shape[0])):
            value = summary.value.add(tag=_output_tag(base, "audio", i, max_outputs))
            audio = value.audio
            audio.sample_rate, audio.num_channels, audio.length_frames = rate, channels, frames
            audio.content_type = "audio/wav"
            audio.encoded_audio_string = encode_wav(
                tensor[i].reshape(frames, channels), _whole_rate(rate))
        return serialized_summary(summary)
    return run


def _whole_rate(rate: np.float32) -> int:
    """The WAV header's rate: rounded half to even (C's lrintf), at least 1."""
    return max(1, int(np.rint(rate)))


define("AudioSummaryV2", infer=_infer_audio, make_kernel=_audio_kernel,
       grad=NOT_DIFFERENTIABLE)


def audio_summary_v2(tag, tensor, sample_rate, max_outputs=3, name=None):
    """A string scalar: a serialized Summary holding up to `max_outputs` 16-bit WAV clips of
    the float32 batch `tensor` [batch, frames(, channels)], tagged `tag/audio[/i]`."""
    protos()
    _check_minimum("AudioSummaryV2", "max_outputs", max_outputs)
    with OpScope(name, "AudioSummaryV2", [tag, tensor, sample_rate]) as scope:
        tag = convert_to_tensor(tag, dtype=dtypes.string, name="tag")
        tensor = convert_to_tensor(tensor, name="tensor")
        sample_rate = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        return make_tensor("AudioSummaryV2", [tag, tensor, sample_rate], scope,
                           {"max_outputs": int(max_outputs)})
