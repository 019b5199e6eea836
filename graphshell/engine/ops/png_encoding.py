"""PNG files as TF's ImageSummary writes them (libpng 1.6 with TF's settings), byte for byte.

libpng's choices, reproduced here: each row gets the filter (None, Sub, Up, Average, Paeth)
whose bytes have the smallest sum of absolute values as signed bytes (the first such filter
on ties); one-row images skip the filters that need a row above and one-column images those
that need a pixel to the left; the rows go through zlib at the default level with memory
level 9, Z_FILTERED unless only None is left, and a window shrunk to fit the data; the zlib
header's window size is then lowered to the smallest that covers the data; the stream is cut
into IDAT chunks of 8192 bytes.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> gray, gray+alpha, RGB, RGBA
_IDAT_SIZE = 8192  # libpng's PNG_ZBUF_SIZE
_NONE, _SUB, _UP, _AVERAGE, _PAETH = range(5)


def encode_png(pixels: np.ndarray) -> bytes:
    """The PNG file of an 8-bit image of shape [height, width, channels] (1 to 4 channels)."""
    height, width, channels = pixels.shape
    raw = np.ascontiguousarray(pixels, dtype=np.uint8).reshape(height, width * channels)
    filters = _usable_filters(height, width)
    scanlines = _filtered_scanlines(raw.astype(np.int16), channels, filters)
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    stream = _deflate(scanlines, filtered=filters != (_NONE,))
    chunks = [_chunk(b"IHDR", header)]
    chunks += [_chunk(b"IDAT", stream[i:i + _IDAT_SIZE])
               for i in range(0, len(stream), _IDAT_SIZE)]
    chunks.append(_chunk(b"IEND", b""))
    return _SIGNATURE + b"".join(chunks)


def _usable_filters(height: int, width: int) -> tuple[int, ...]:
    filters = {_NONE, _SUB, _UP, _AVERAGE, _PAETH}
    if height == 1:
        filters -= {_UP, _AVERAGE, _PAETH}
    if width == 1:
        filters -= {_SUB, _AVERAGE, _PAETH}
    return tuple(sorted(filters))


def _filtered_scanlines(raw: np.ndarray, bpp: int, filters: tuple[int, ...]) -> bytes:
    """Every row, prefixed by its filter type byte, filtered as libpng's heuristic picks."""
    height, row_bytes = raw.shape
    if filters == (_NONE,):
        chosen = raw
        types = np.zeros(height, dtype=np.int16)
    else:
        candidates = np.stack([_apply_filter(kind, raw, bpp) for kind in filters])  # [f, h, w]
        # libpng's cost: each byte as a signed byte's magnitude
        cost = np.where(candidates < 128, candidates, 256 - candidates).sum(axis=2)
        best = np.argmin(cost, axis=0)  # the first cheapest filter, as libpng's strict `<`
        chosen = candidates[best, np.arange(height)]
        types = np.array(filters, dtype=np.int16)[best]
    lines = np.concatenate([types[:, None], chosen], axis=1).astype(np.uint8)
    return lines.tobytes()


def _apply_filter(kind: int, raw: np.ndarray, bpp: int) -> np.ndarray:
    """One filter applied to every row (the row above the first is zeros), mod 256."""
    left = np.zeros_like(raw)
    left[:, bpp:] = raw[:, :-bpp]
    up = np.zeros_like(raw)
    up[1:] = raw[:-1]
    if kind == _NONE:
        return raw
    if kind == _SUB:
        predicted = left
    elif kind == _UP:
        predicted = up
    elif kind == _AVERAGE:
        predicted = (left + up) // 2
    else:
        up_left = np.zeros_like(raw)
        up_left[1:, bpp:] = raw[:-1, :-bpp]
        predicted = _paeth(left, up, up_left)
    return (raw - predicted) % 256


def _paeth(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The Paeth predictor: of left, above and upper-left, the one nearest left + above - ul."""
    pa, pb, pc = np.abs(b - c), np.abs(a - c), np.abs(a + b - 2 * c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def _deflate(data: bytes, filtered: bool) -> bytes:
    window_bits = 15
    half_window = 1 << (window_bits - 1)
    if len(data) <= 16384:  # libpng shrinks the window for small images
        while len(data) + 262 <= half_window:
            half_window >>= 1
            window_bits -= 1
    strategy = zlib.Z_FILTERED if filtered else zlib.Z_DEFAULT_STRATEGY
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED,
                                  max(window_bits, 9), 9, strategy)
    stream = bytearray(compressor.compress(data) + compressor.flush())
    _lower_window_in_header(stream, len(data))
    return bytes(stream)


def _lower_window_in_header(stream: bytearray, data_size: int) -> None:
    """libpng's optimize_cmf: the zlib header claims the smallest window covering the data."""
    cmf = stream[0]
    if data_size > 16384 or (cmf & 0x0F) != 8 or (cmf & 0xF0) > 0x70:
        return
    window_log = cmf >> 4
    half_window = 1 << (window_log + 7)
    if data_size > half_window:
        return
    while True:
        half_window >>= 1
        window_log -= 1
        if window_log == 0 or data_size > half_window:
            break
    cmf = (cmf & 0x0F) | (window_log << 4)
    flags = stream[1] & 0xE0
    flags += 0x1F - ((cmf << 8) + flags) % 0x1F
    stream[0], stream[1] = cmf, flags


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
