"""TF's immutable sorted table (tensorflow/core/lib/io/table*, LevelDB's SSTable layout), the
file format of a checkpoint's `.index`: data blocks of prefix-compressed keys with restart
points, a metaindex block (empty, as TF writes it), an index block naming each data block by
a short separator key, and a 48-byte footer; every block is followed by its compression byte
and the masked CRC32C of both."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

from . import errors
from .crc32c import crc32c

TABLE_MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48  # two block handles padded to 40 bytes, then the 8-byte magic number
BLOCK_TRAILER_SIZE = 5  # compression type byte + masked CRC32C
BLOCK_SIZE = 262144  # TF's table::Options defaults
RESTART_INTERVAL = 16
_NO_COMPRESSION = 0
_MASK_DELTA = 0xA282EAD8


def _masked(crc: int) -> int:
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def put_varint(out: bytearray, value: int) -> None:
    """Appends `value` as a little-endian base-128 varint."""
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def get_varint(data, position: int) -> tuple[int, int]:
    """The varint at `position` and the position after it."""
    value = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise errors.DataLossError(None, None, "corrupted varint in checkpoint table")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7


def _block_handle(offset: int, size: int) -> bytes:
    out = bytearray()
    put_varint(out, offset)
    put_varint(out, size)
    return bytes(out)


def shortest_separator(start: bytes, limit: bytes) -> bytes:
    """A short key >= start and < limit (the bytewise comparator's FindShortestSeparator)."""
    common = 0
    while common < min(len(start), len(limit)) and start[common] == limit[common]:
        common += 1
    if common >= min(len(start), len(limit)):
        return start  # one is a prefix of the other: keep start
    byte = start[common]
    if byte < 0xFF and byte + 1 < limit[common]:
        return start[:common] + bytes([byte + 1])
    return start


def short_successor(key: bytes) -> bytes:
    """A short key >= `key` (FindShortSuccessor): the first byte below 0xff, incremented."""
    for position, byte in enumerate(key):
        if byte != 0xFF:
            return key[:position] + bytes([byte + 1])
    return key


class _BlockBuilder:
    """One block: entries sharing key prefixes with the previous key, a full key every
    `restart_interval` entries, then the restart offsets and their count."""

    def __init__(self, restart_interval: int):
        self.restart_interval = restart_interval
        self.reset()

    def reset(self) -> None:
        self.buffer = bytearray()
        self.restarts = [0]
        self.counter = 0
        self.last_key = b""

    def empty(self) -> bool:
        return not self.buffer

    def size_estimate(self) -> int:
        return len(self.buffer) + 4 * len(self.restarts) + 4

    def add(self, key: bytes, value: bytes) -> None:
        shared = 0
        if self.counter < self.restart_interval:
            limit = min(len(key), len(self.last_key))
            while shared < limit and key[shared] == self.last_key[shared]:
                shared += 1
        else:
            self.restarts.append(len(self.buffer))
            self.counter = 0
        for number in (shared, len(key) - shared, len(value)):
            put_varint(self.buffer, number)
        self.buffer += key[shared:]
        self.buffer += value
        self.last_key = key
        self.counter += 1

    def finish(self) -> bytes:
        tail = struct.pack(f"<{len(self.restarts) + 1}I", *self.restarts, len(self.restarts))
        return bytes(self.buffer) + tail


def build_table(entries: Iterable[tuple[bytes, bytes]]) -> bytes:
    """The table holding `entries` (sorted by key, unique), byte for byte as TF's
    TableBuilder writes it without compression."""
    out = bytearray()
    data = _BlockBuilder(RESTART_INTERVAL)
    index = _BlockBuilder(1)
    pending_handle = None  # the last flushed block, indexed once the next key is known
    last_key = b""
    first = True

    def write_block(block: _BlockBuilder) -> bytes:
        contents = block.finish()
        handle = _block_handle(len(out), len(contents))
        trailer = bytes([_NO_COMPRESSION])
        out.extend(contents)
        out.extend(trailer)
        out.extend(struct.pack("<I", _masked(crc32c(trailer, crc32c(contents)))))
        block.reset()
        return handle

    for key, value in entries:
        if not first and key <= last_key:
            raise ValueError(f"table keys must be added in increasing order: {key!r}")
        if pending_handle is not None:
            index.add(shortest_separator(last_key, key), pending_handle)
            pending_handle = None
        data.add(key, value)
        last_key, first = key, False
        if data.size_estimate() >= BLOCK_SIZE:
            pending_handle = write_block(data)
    if not data.empty():
        pending_handle = write_block(data)
    metaindex_handle = write_block(_BlockBuilder(RESTART_INTERVAL))
    if pending_handle is not None:
        index.add(short_successor(last_key), pending_handle)
    index_handle = write_block(index)
    footer = (metaindex_handle + index_handle).ljust(FOOTER_SIZE - 8, b"\0")
    out.extend(footer)
    out.extend(struct.pack("<Q", TABLE_MAGIC))
    return bytes(out)


# -- reading ---------------------------------------------------------------------------------
def _corrupt(path: str, what: str):
    return errors.DataLossError(None, None, f"Unable to read checkpoint index {path}: {what}")


def _read_block(data: bytes, handle: bytes, position: int, path: str) -> tuple[bytes, int]:
    offset, position = get_varint(handle, position)
    size, position = get_varint(handle, position)
    end = offset + size
    if end + BLOCK_TRAILER_SIZE > len(data):
        raise _corrupt(path, "truncated block read")
    contents = data[offset:end]
    kind = data[end]
    stored = struct.unpack_from("<I", data, end + 1)[0]
    if _masked(crc32c(data[end:end + 1], crc32c(contents))) != stored:
        raise _corrupt(path, "block checksum mismatch")
    if kind != _NO_COMPRESSION:
        raise _corrupt(path, f"block compression type {kind} is not supported")
    return contents, position


def _block_entries(block: bytes, path: str) -> Iterator[tuple[bytes, bytes]]:
    if len(block) < 4:
        raise _corrupt(path, "bad block contents")
    restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    limit = len(block) - 4 - 4 * restarts
    position, key = 0, b""
    while position < limit:
        shared, position = get_varint(block, position)
        unshared, position = get_varint(block, position)
        value_length, position = get_varint(block, position)
        key = key[:shared] + block[position:position + unshared]
        position += unshared
        yield key, block[position:position + value_length]
        position += value_length


def read_table(data: bytes, path: str = "") -> Iterator[tuple[bytes, bytes]]:
    """The (key, value) entries of the table `data`, in key order; DataLossError if its
    footer, blocks or checksums are not TF's."""
    if len(data) < FOOTER_SIZE or struct.unpack_from("<Q", data, len(data) - 8)[0] != TABLE_MAGIC:
        raise _corrupt(path, "not an sstable (bad magic number)")
    footer = data[len(data) - FOOTER_SIZE:]
    _, position = get_varint(footer, get_varint(footer, 0)[1])  # skip the metaindex handle
    index, _ = _read_block(data, footer, position, path)
    for _, handle in _block_entries(index, path):
        block, _ = _read_block(data, handle, 0, path)
        yield from _block_entries(block, path)
