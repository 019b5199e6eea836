"""SpaceToBatchND and BatchToSpaceND (spatial blocks moved into the batch and back, each the
other's gradient), and TF's `with_space_to_batch`, which dilated convolutions are built on."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes
from ..graph.build import OpScope, make_tensor
from ..graph.convert import constant, convert_to_tensor
from ..graph.errors import InvalidArgumentError
from ..graph.registry import ShapeError, define
from .allocation import check_output
from .static import static_value

SPACE_TO_BATCH = "SpaceToBatchND"
BATCH_TO_SPACE = "BatchToSpaceND"


# -- kernels ---------------------------------------------------------------------------------------
def _blocks(block_shape, pairs, what: str):
    block = [int(b) for b in np.ravel(block_shape)]
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) != len(block):
        raise InvalidArgumentError(None, None, f"{what} should have shape [{len(block)}, 2] "
                                   f"instead of {list(pairs.shape)}")
    if any(b < 1 for b in block):
        raise InvalidArgumentError(None, None, "block_shape must be positive")
    if (pairs < 0).any():
        raise InvalidArgumentError(None, None, f"{what} must be non-negative")
    return block, pairs


def space_to_batch(x, block_shape, paddings):
    """Pads the M spatial axes, cuts them into blocks and moves each block offset into batch."""
    block, pads = _blocks(block_shape, paddings, "paddings")
    m = len(block)
    width = [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)] * (x.ndim - 1 - m)
    check_output([d + int(a) + int(b) for d, (a, b) in zip(x.shape, width)], x.dtype)
    padded = np.pad(x, width)
    for axis, b in enumerate(block, start=1):
        if padded.shape[axis] % b:
            raise InvalidArgumentError(None, None, f"padded_shape[{axis - 1}]="
                                       f"{padded.shape[axis]} is not divisible by "
                                       f"block_shape[{axis - 1}]={b}")
    split = [padded.shape[0]]
    for axis, b in enumerate(block, start=1):
        split += [padded.shape[axis] // b, b]
    rest = list(padded.shape[m + 1:])
    view = padded.reshape(split + rest)
    order = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)]
    order += list(range(1 + 2 * m, view.ndim))
    moved = view.transpose(order)
    return moved.reshape([x.shape[0] * int(np.prod(block))] + split[1::2] + rest)


def batch_to_space(x, block_shape, crops):
    """The inverse of `space_to_batch`: block offsets leave the batch, then `crops` are cut."""
    block, crops = _blocks(block_shape, crops, "crops")
    m, total = len(block), int(np.prod(block))
    if x.shape[0] % total:
        raise InvalidArgumentError(None, None, f"Input batch dimension ({x.shape[0]}) is not "
                                   f"divisible by product of block sizes ({total})")
    batch, spatial, rest = x.shape[0] // total, list(x.shape[1:m + 1]), list(x.shape[m + 1:])
    view = x.reshape(block + [batch] + spatial + rest)
    order = [m]
    for i in range(m):
        order += [m + 1 + i, i]
    order += list(range(2 * m + 1, view.ndim))
    full = view.transpose(order).reshape([batch] + [s * b for s, b in zip(spatial, block)] + rest)
    cut = tuple(slice(int(c0), full.shape[i + 1] - int(c1)) for i, (c0, c1) in enumerate(crops))
    for i, (c0, c1) in enumerate(crops):
        if c0 + c1 > full.shape[i + 1]:
            raise InvalidArgumentError(None, None, f"Crops must be non-negative and less than "
                                       f"the block's spatial extent: {crops.tolist()}")
    return full[(slice(None),) + cut]


# -- shape functions -------------------------------------------------------------------------------
def _infer(op, forward: bool):
    x, block_t, pairs_t = op._inputs
    block, pairs = static_value(block_t), static_value(pairs_t)
    shape = x._shape
    if block_t._shape is not None and len(block_t._shape) != 1:
        raise ShapeError(f"Shape must be rank 1 but is rank {len(block_t._shape)}")
    if shape is None or block is None or pairs is None:
        return [(x.dtype.base_dtype, None if shape is None else (None,) * len(shape))]
    block = [int(b) for b in np.ravel(block)]
    pairs = np.asarray(pairs).reshape(-1, 2)
    if len(shape) < len(block) + 1:
        raise ShapeError(f"Shape must be at least rank {len(block) + 1} but is rank {len(shape)}")
    total = int(np.prod(block))
    dims = list(shape)
    if forward:
        dims[0] = None if dims[0] is None else dims[0] * total
    else:
        if dims[0] is not None and dims[0] % total:
            raise ShapeError(f"batch is not divisible by product of block_shape: {dims[0]} vs "
                             f"{total}")
        dims[0] = None if dims[0] is None else dims[0] // total
    for i, b in enumerate(block):
        size = dims[i + 1]
        if size is None:
            continue
        if forward:
            padded = size + int(pairs[i][0]) + int(pairs[i][1])
            if padded % b:
                raise ShapeError(f"Dimension size must be evenly divisible by {b} but is "
                                 f"{padded}")
            dims[i + 1] = padded // b
        else:
            dims[i + 1] = size * b - int(pairs[i][0]) - int(pairs[i][1])
    return [(x.dtype.base_dtype, tuple(dims))]


define(SPACE_TO_BATCH, infer=lambda op: _infer(op, True), kernel=space_to_batch,
       grad=lambda op, g: [batch_to_space_nd(g, op._inputs[1], op._inputs[2]), None, None])
define(BATCH_TO_SPACE, infer=lambda op: _infer(op, False), kernel=batch_to_space,
       grad=lambda op, g: [space_to_batch_nd(g, op._inputs[1], op._inputs[2]), None, None])


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002 - TF's name
    """tf.space_to_batch_nd: one SpaceToBatchND op."""
    with OpScope(name, SPACE_TO_BATCH, [input, block_shape, paddings]) as scope:
        x = convert_to_tensor(input, name="input")
        block = convert_to_tensor(block_shape, dtype=dtypes.int32, name="block_shape")
        pads = convert_to_tensor(paddings, dtype=dtypes.int32, name="paddings")
        return make_tensor(SPACE_TO_BATCH, [x, block, pads], scope,
                           {"T": x.dtype.base_dtype, "Tblock_shape": block.dtype.base_dtype,
                            "Tpaddings": pads.dtype.base_dtype})


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002 - TF's name
    """tf.batch_to_space_nd: one BatchToSpaceND op."""
    with OpScope(name, BATCH_TO_SPACE, [input, block_shape, crops]) as scope:
        x = convert_to_tensor(input, name="input")
        block = convert_to_tensor(block_shape, dtype=dtypes.int32, name="block_shape")
        cut = convert_to_tensor(crops, dtype=dtypes.int32, name="crops")
        return make_tensor(BATCH_TO_SPACE, [x, block, cut], scope,
                           {"T": x.dtype.base_dtype, "Tblock_shape": block.dtype.base_dtype,
                            "Tcrops": cut.dtype.base_dtype})


# -- with_space_to_batch ---------------------------------------------------------------------------
def _spatial_axes(rank: int, data_format) -> list[int]:
    start = 2 if data_format is not None and data_format.startswith("NC") else 1
    return list(range(start, start + rank))


def _adjusted(values: np.ndarray, fill: int, spatial: list[int]) -> np.ndarray:
    """TF's _with_space_to_batch_adjust: `fill` rows for the axes before the first spatial one."""
    gap = spatial[0] - 1
    if gap <= 0:
        return values
    filler = np.full([gap] + list(values.shape[1:]), fill, values.dtype)
    return np.concatenate([filler, values])


def with_space_to_batch(input, filter_shape, dilation_rate, padding, native,  # noqa: A002
                        data_format=None):
    """TF's nn_ops.with_space_to_batch for 2 spatial axes: `native(input, padding)` directly
    when every rate is 1, else `native(space_to_batch(input), "VALID")` batched back."""
    rate = convert_to_tensor(dilation_rate, dtype=dtypes.int32, name="dilation_rate")
    if rate._shape is not None and len(rate._shape) != 1:
        raise ValueError("rate must be rank 1")
    const_rate = static_value(rate)
    if const_rate is not None and (np.asarray(const_rate) < 1).any():
        raise ValueError(f"`dilation_rate` must be positive. Received: dilation_rate={const_rate}")
    if const_rate is not None and (np.asarray(const_rate) == 1).all():
        return native(input, padding)
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"Invalid padding method {padding!r}")
    spatial = _spatial_axes(len(np.ravel(const_rate)), data_format)
    dims = None if input._shape is None else [input._shape[i] for i in spatial]
    if const_rate is None or dims is None or None in dims:
        raise NotImplementedError("graphshell builds dilated depthwise convolutions only for "
                                  "inputs of known spatial size and a constant rate")
    const_rate = np.asarray(const_rate, dtype=np.int32)
    if padding == "SAME":
        extra = (np.asarray(static_value(filter_shape))[:len(spatial)] - 1) * const_rate
        base = constant(np.stack([extra // 2, extra - extra // 2], axis=1).astype(np.int32),
                        name="stack")
    else:
        base = np.zeros([len(spatial), 2], np.int32)
    paddings, crops = _required_paddings(dims, base, const_rate)
    block = _adjusted(const_rate, 1, spatial)
    batched = space_to_batch_nd(input, block, _adjusted(paddings, 0, spatial))
    result = native(batched, "VALID")
    return batch_to_space_nd(result, block, _adjusted(crops, 0, spatial))


def _required_paddings(dims, base, block):
    """TF's required_space_to_batch_paddings for constant shapes: its four Consts, as values."""
    with OpScope(None, "required_space_to_batch_paddings", []):
        constant(np.asarray(dims, np.int32), name="input_shape")
        if isinstance(base, np.ndarray):
            base = static_value(constant(base, name="base_paddings"))
        else:
            base = static_value(base)
        full = np.asarray(dims) + base[:, 0] + base[:, 1]
        extra = (block - full % block) % block
        paddings = np.stack([base[:, 0], base[:, 1] + extra], axis=1).astype(np.int32)
        crops = np.stack([np.zeros_like(extra), extra], axis=1).astype(np.int32)
        constant(paddings, name="paddings")
        constant(crops, name="crops")
    return paddings, crops


__all__ = ["space_to_batch_nd", "batch_to_space_nd", "with_space_to_batch"]
