"""Slices of checkpoint tensors, as TF stores a partitioned variable: the full tensor's entry
lists its TensorSliceProtos, and each slice's bytes sit under a key TF encodes with its
OrderedCode (tensorflow/core/util/saved_tensor_slice_util, lib/strings/ordered_code); and the
`shape_and_slices` strings RestoreV2 takes ("6 2 0,2:-")."""

from __future__ import annotations

from . import errors

FULL = -1  # TF's kFullExtent: an extent without a length covers the whole dimension
# OrderedCode's header bits by encoded length, for signed numbers
_HEADER = ((0, 0), (0x80, 0), (0xC0, 0), (0xE0, 0), (0xF0, 0), (0xF8, 0), (0xFC, 0), (0xFE, 0),
           (0xFF, 0), (0xFF, 0x80), (0xFF, 0xC0))


def _num_increasing(value: int) -> bytes:
    """OrderedCode's WriteNumIncreasing: a length byte, then big-endian bytes without zeros."""
    body = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    return bytes([len(body)]) + body


def _signed_num_increasing(value: int) -> bytes:
    """OrderedCode's WriteSignedNumIncreasing: sign-extended big-endian bytes whose leading
    bits say how many follow."""
    magnitude = ~value if value < 0 else value
    length = (magnitude.bit_length() + 7) // 7 if magnitude else 1
    if length == 1:
        return bytes([(0x80 ^ value) & 0xFF])
    body = bytearray((value & ((1 << 80) - 1)).to_bytes(10, "big")[10 - length:])
    body[0] ^= _HEADER[length][0]
    body[1] ^= _HEADER[length][1]
    return bytes(body)


def slice_key(name: str, extents: list[tuple[int, int]]) -> bytes:
    """The key of one slice's entry (TF's EncodeTensorNameSlice): (start, length) per
    dimension, length -1 for a full one."""
    key = _num_increasing(0) + _escaped(name.encode()) + _num_increasing(len(extents))
    for start, length in extents:
        key += _signed_num_increasing(start) + _signed_num_increasing(length)
    return key


def _escaped(text: bytes) -> bytes:
    """OrderedCode's WriteString: 0x00 and 0xff escaped, then the 0x00 0x01 terminator."""
    out = bytearray()
    for byte in text:
        if byte == 0:
            out += b"\x00\xff"
        elif byte == 0xFF:
            out += b"\xff\x00"
        else:
            out.append(byte)
    return bytes(out) + b"\x00\x01"


def proto_extents(slice_proto, rank: int) -> list[tuple[int, int]]:
    """(start, length) per dimension of a TensorSliceProto (missing dimensions are full)."""
    extents = [(int(e.start), int(e.length) if e.HasField("length") else FULL)
               for e in slice_proto.extent]
    return extents + [(0, FULL)] * (rank - len(extents))


def index_of(extents: list[tuple[int, int]]) -> tuple:
    """The numpy index selecting `extents`."""
    return tuple(slice(None) if length == FULL else slice(start, start + length)
                 for start, length in extents)


def parse_shape_and_slice(spec: str, name: str) -> tuple[tuple, list[tuple[int, int]]]:
    """RestoreV2's "dim0 dim1 ... start,length:-:..." spec: the full shape and the extents."""
    parts = spec.split(" ")
    try:
        shape = tuple(int(part) for part in parts[:-1])
        pieces = parts[-1].split(":")
        extents = [(0, FULL) if piece == "-" else tuple(int(n) for n in piece.split(","))
                   for piece in pieces]
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, f"Invalid shape and slice spec for {name}: \"{spec}\"") from None
    if len(extents) != len(shape) or any(len(extent) != 2 for extent in extents):
        raise errors.InvalidArgumentError(
            None, None, f"Invalid shape and slice spec for {name}: \"{spec}\"")
    return shape, [(extent[0], extent[1]) for extent in extents]
