"""TF's tensor bundle (tensorflow/core/util/tensor_bundle), the V2 checkpoint: `prefix.index`,
a table mapping "" to a BundleHeaderProto and each tensor name to a BundleEntryProto, and
`prefix.data-<shard>-of-<shards>` holding the tensors' little-endian bytes (a string tensor as
its varint lengths, a checksum of them, then the bytes), each entry with the masked CRC32C of
its bytes."""

from __future__ import annotations

import os
import struct
import uuid
from dataclasses import dataclass, field

import numpy as np

from . import dtypes, errors
from .checkpoint_protos import message_class
from .crc32c import crc32c, masked_crc32c
from .table import build_table, get_varint, put_varint, read_table
from .tensor_slices import FULL, index_of, parse_shape_and_slice, proto_extents, slice_key

HEADER_KEY = b""
BUNDLE_VERSION = 1  # kTensorBundleVersion; min_consumer 0 is proto3's default


def data_filename(prefix: str, shard: int, num_shards: int) -> str:
    """The data file of one shard, as TF names it."""
    return f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"


def index_filename(prefix: str) -> str:
    return f"{prefix}.index"


def _mask(crc: int) -> int:
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def _unmask(masked: int) -> int:
    rotated = (masked - 0xA282EAD8) & 0xFFFFFFFF
    return ((rotated >> 17) | (rotated << 15)) & 0xFFFFFFFF


# -- tensor bytes ------------------------------------------------------------------------------
def _string_bytes(values: np.ndarray) -> tuple[bytes, int]:
    """A string tensor as TF writes it, with its masked checksum: the lengths' CRC covers each
    length as a 4-byte word (8 bytes past 4 GiB), then the stored checksum and the bytes."""
    items = [value if isinstance(value, bytes) else str(value).encode()
             for value in values.reshape(-1)]
    lengths = bytearray()
    crc = 0
    for item in items:
        put_varint(lengths, len(item))
        word = "<I" if len(item) <= 0xFFFFFFFF else "<Q"
        crc = crc32c(struct.pack(word, len(item)), crc)
    length_checksum = struct.pack("<I", _mask(crc))
    crc = crc32c(length_checksum, crc)
    payload = b"".join(items)
    crc = crc32c(payload, crc)
    return bytes(lengths) + length_checksum + payload, _mask(crc)


def encode_tensor(value: np.ndarray, dtype: dtypes.DType) -> tuple[bytes, int]:
    """The bytes TF stores for `value` and their masked CRC32C."""
    if dtype.base_dtype is dtypes.string:
        return _string_bytes(np.asarray(value, dtype=object))
    array = np.ascontiguousarray(value, dtype=np.dtype(dtype.as_numpy_dtype).newbyteorder("<"))
    data = array.tobytes()
    return data, masked_crc32c(data)


def _decode_strings(data: bytes, count: int, name: str) -> np.ndarray:
    lengths, position = [], 0
    for _ in range(count):
        length, position = get_varint(data, position)
        lengths.append(length)
    position += 4  # the lengths' checksum; the entry's CRC already covers it
    items = np.empty(count, dtype=object)
    for index, length in enumerate(lengths):
        items[index] = data[position:position + length]
        position += length
    if position != len(data):
        raise errors.DataLossError(None, None, f"Checkpoint string tensor {name} is corrupted")
    return items


def decode_tensor(data: bytes, dtype: dtypes.DType, shape: tuple, name: str) -> np.ndarray:
    """The array stored as `data` (bytes of one entry)."""
    count = int(np.prod(shape, dtype=np.int64))
    if dtype is dtypes.string:
        return _decode_strings(data, count, name).reshape(shape)
    numpy_dtype = np.dtype(dtype.as_numpy_dtype)
    array = np.frombuffer(data, dtype=numpy_dtype.newbyteorder("<"), count=count)
    return array.astype(numpy_dtype).reshape(shape)


# -- entries -----------------------------------------------------------------------------------
@dataclass
class Entry:
    """One tensor's BundleEntryProto, unpacked."""

    name: str
    dtype: dtypes.DType
    shape: tuple
    shard_id: int
    offset: int
    size: int
    crc32c: int
    slices: list = field(default_factory=list)  # a sliced tensor's TensorSliceProtos

    def to_proto(self):
        proto = message_class("BundleEntryProto")(
            dtype=self.dtype.as_datatype_enum, shard_id=self.shard_id, offset=self.offset,
            size=self.size, crc32c=self.crc32c)
        proto.shape.SetInParent()  # TF writes a scalar's empty shape too
        for size in self.shape:
            proto.shape.dim.add(size=size)
        proto.slices.extend(self.slices)
        return proto

    @classmethod
    def from_proto(cls, name: str, proto) -> Entry:
        shape = tuple(int(dim.size) for dim in proto.shape.dim)
        return cls(name, dtypes.as_dtype(proto.dtype), shape, proto.shard_id, proto.offset,
                   proto.size, proto.crc32c, list(proto.slices))


def _key_bytes(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")  # slice keys are not UTF-8


def _key_name(key: bytes) -> str:
    return key.decode("utf-8", "surrogateescape")


def _header_bytes(num_shards: int) -> bytes:
    header = message_class("BundleHeaderProto")(num_shards=num_shards)
    header.version.producer = BUNDLE_VERSION
    return header.SerializeToString()


def _make_directory(directory: str) -> None:
    """Creates the checkpoint's directory, one level only, as TF's BundleWriter."""
    if not directory or os.path.isdir(directory):
        return
    try:
        os.mkdir(directory)
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{directory}; No such file or directory") \
            from None
    except FileExistsError:
        pass


def _temporary_name(path: str) -> str:
    return f"{path}.tempstate{uuid.uuid4().int % 10**19}"


def _open_for_writing(path: str):
    try:
        return open(path, "wb")
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{os.path.dirname(path) or '.'}; No such file "
                                   "or directory") from None


def _write_atomically(path: str, data: bytes) -> None:
    temporary = _temporary_name(path)
    with _open_for_writing(temporary) as file:
        file.write(data)
    os.replace(temporary, path)


def write_index(prefix: str, entries: list[Entry], num_shards: int) -> None:
    """Writes `prefix.index`: the header under "", then each entry under its name, sorted."""
    rows = [(HEADER_KEY, _header_bytes(num_shards))]
    rows += sorted((_key_bytes(entry.name), entry.to_proto().SerializeToString())
                   for entry in entries)
    _write_atomically(index_filename(prefix), build_table(rows))


class BundleWriter:
    """Writes one shard's bundle: each tensor's bytes streamed to a temporary data file as it
    is added (memory holds one tensor's bytes at a time), then the index; `finish` renames
    the data file into place, `abort` removes it."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        _make_directory(os.path.dirname(prefix))
        self._temporary = _temporary_name(data_filename(prefix, 0, 1))
        self._file = _open_for_writing(self._temporary)
        self._size = 0
        self._entries: dict[str, Entry] = {}

    def add(self, name: str, value, dtype: dtypes.DType) -> None:
        if name in self._entries:
            raise errors.InvalidArgumentError(None, None, f"Adding duplicate key: {name}")
        data, checksum = encode_tensor(value, dtype)
        self._entries[name] = Entry(name, dtype.base_dtype, tuple(np.shape(value)), 0,
                                    self._size, len(data), checksum)
        self._file.write(data)
        self._size += len(data)

    def add_slice(self, name: str, full_shape: tuple, extents: list, value,
                  dtype: dtypes.DType) -> None:
        """Adds one slice of the tensor `name` (TF's AddSlice): its bytes under the slice's
        key, and the slice in the full tensor's entry."""
        self.add(_key_name(slice_key(name, extents)), value, dtype)
        full = self._entries.get(name)
        if full is None:
            full = self._entries[name] = Entry(name, dtype.base_dtype, tuple(full_shape), 0, 0,
                                               0, 0)
        elif full.shape != tuple(full_shape) or full.dtype is not dtype.base_dtype:
            raise errors.InvalidArgumentError(
                None, None, f"Conflicting shapes or dtypes for the slices of {name}")
        proto = message_class("TensorSliceProto")()
        for start, length in extents:
            extent = proto.extent.add()
            if length != FULL:
                extent.start, extent.length = start, length
        full.slices.append(proto)

    def finish(self) -> None:
        self._file.close()
        os.replace(self._temporary, data_filename(self.prefix, 0, 1))
        write_index(self.prefix, list(self._entries.values()), 1)

    def abort(self) -> None:
        """Drops what was written (a save that failed leaves no partial files)."""
        self._file.close()
        if os.path.exists(self._temporary):
            os.remove(self._temporary)


# -- reading -----------------------------------------------------------------------------------
class BundleReader:
    """Reads a bundle's index once; tensors are read from their data shard on demand."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        path = index_filename(prefix)
        try:
            with open(path, "rb") as file:
                table = file.read()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise errors.NotFoundError(
                None, None, "Unsuccessful TensorSliceReader constructor: Failed to find any "
                            f"matching files for {prefix}") from None
        rows = iter(read_table(table, path))
        first = next(rows, None)
        if first is None or first[0] != HEADER_KEY:
            raise errors.DataLossError(None, None, f"Checkpoint index {path} has no header")
        self.num_shards = message_class("BundleHeaderProto").FromString(first[1]).num_shards
        entry_class = message_class("BundleEntryProto")
        # every entry, slices of partitioned tensors (keys starting with 0x00) included
        self.all_entries = {_key_name(key): Entry.from_proto(_key_name(key),
                                                             entry_class.FromString(value))
                            for key, value in rows}
        self.entries = {name: entry for name, entry in self.all_entries.items()
                        if not name.startswith("\0")}

    def key_entries(self) -> list[tuple[bytes, Entry]]:
        """(key bytes, entry) of every entry, slices included."""
        return [(_key_bytes(name), entry) for name, entry in self.all_entries.items()]

    def entry(self, name: str) -> Entry:
        try:
            return self.entries[name]
        except KeyError:
            raise errors.NotFoundError(None, None,
                                       f"Key {name} not found in checkpoint") from None

    def read(self, name: str, shape_and_slice: str = "") -> np.ndarray:
        """The tensor stored under `name` (assembled from its slices if TF stored it in
        slices), or the part of it RestoreV2's `shape_and_slice` spec names."""
        entry = self.entry(name)
        full = self._assembled(entry) if entry.slices else self._read_entry(entry)
        if not shape_and_slice:
            return full
        shape, extents = parse_shape_and_slice(shape_and_slice, name)
        if shape != entry.shape:
            raise errors.InvalidArgumentError(
                None, None, f"Shape in shape_and_slice spec {list(shape)} does not match the "
                            f"shape stored in checkpoint: {list(entry.shape)}")
        return np.ascontiguousarray(full[index_of(extents)])

    def _assembled(self, entry: Entry) -> np.ndarray:
        numpy_dtype = object if entry.dtype is dtypes.string else entry.dtype.as_numpy_dtype
        full = np.empty(entry.shape, dtype=numpy_dtype)
        for slice_proto in entry.slices:
            extents = proto_extents(slice_proto, len(entry.shape))
            key = _key_name(slice_key(entry.name, extents))
            part = self.all_entries.get(key)
            if part is None:
                raise errors.NotFoundError(None, None, f"Slice of {entry.name} not found in "
                                                       "checkpoint")
            full[index_of(extents)] = self._read_entry(part)
        return full

    def _read_entry(self, entry: Entry) -> np.ndarray:
        path = data_filename(self.prefix, entry.shard_id, self.num_shards)
        try:
            with open(path, "rb") as file:
                file.seek(entry.offset)
                data = file.read(entry.size)
        except FileNotFoundError:
            raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
        if len(data) != entry.size:
            raise errors.DataLossError(None, None, f"Requested {entry.size} bytes but read "
                                                   f"{len(data)} bytes from {path}")
        _check_crc(entry, data)
        return decode_tensor(data, entry.dtype, entry.shape, entry.name)


def _check_crc(entry: Entry, data: bytes) -> None:
    if entry.dtype is dtypes.string:
        actual = _string_bytes(_decode_strings(data, int(np.prod(entry.shape, dtype=np.int64)),
                                               entry.name))[1]
    else:
        actual = masked_crc32c(data)
    if actual != entry.crc32c:
        raise errors.DataLossError(
            None, None, f"Checksum does not match: stored {_unmask(entry.crc32c)} vs. "
                        f"calculated on the restored bytes {_unmask(actual)}")


def merge_bundles(source_prefixes: list[str], destination: str, delete_old_dirs: bool) -> None:
    """MergeV2Checkpoints: one index for all shards, the data files renamed into place."""
    num_shards = len(source_prefixes)
    merged: list[Entry] = []
    for shard, source in enumerate(source_prefixes):
        reader = BundleReader(source)
        for entry in reader.all_entries.values():
            entry.shard_id = shard
            merged.append(entry)
        os.replace(data_filename(source, 0, 1), data_filename(destination, shard, num_shards))
    write_index(destination, merged, num_shards)
    for source in source_prefixes:
        os.remove(index_filename(source))
        if delete_old_dirs:
            try:
                os.rmdir(os.path.dirname(source))
            except OSError:
                pass  # as TF: the directory is only removed when it is empty
