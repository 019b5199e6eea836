"""TFRecord files as TF writes them: each record is its length (uint64, little-endian), the
masked CRC32C of the length, the data, and the masked CRC32C of the data; a file may be
GZIP- or ZLIB-compressed as a whole (standard library codecs)."""

from __future__ import annotations

import gzip
import struct
import zlib
from collections.abc import Iterator

from ..graph import errors
from ..graph.crc32c import masked_crc32c


class TFRecordCompressionType:
    """TF1's compression names (`tf.python_io.TFRecordCompressionType`)."""
    NONE = 0
    ZLIB = 1
    GZIP = 2


_NAMES = {TFRecordCompressionType.NONE: "", TFRecordCompressionType.ZLIB: "ZLIB",
          TFRecordCompressionType.GZIP: "GZIP"}


class TFRecordOptions:
    """How a TFRecord file is compressed ("", "ZLIB" or "GZIP", or a TFRecordCompressionType)."""

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None,
                 output_buffer_size=None, window_bits=None, compression_level=None,
                 compression_method=None, mem_level=None, compression_strategy=None):
        self.compression_type = compression_name(compression_type)
        self.compression_level = compression_level

    @classmethod
    def get_compression_type_string(cls, options) -> str:
        if options is None:
            return ""
        if isinstance(options, TFRecordOptions):
            return options.compression_type
        return compression_name(options)


def compression_name(value) -> str:
    """"" / "ZLIB" / "GZIP" for a name, a TFRecordCompressionType, options or None."""
    if value is None:
        return ""
    if isinstance(value, TFRecordOptions):
        return value.compression_type
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, int):
        value = _NAMES.get(value, value)
    if value not in ("", "ZLIB", "GZIP"):
        raise ValueError(f'Unsupported compression_type: {value!r}; use "", "ZLIB" or "GZIP".')
    return value


def frame(record: bytes) -> bytes:
    """One record with TF's framing."""
    length = struct.pack("<Q", len(record))
    return (length + struct.pack("<I", masked_crc32c(length)) + record +
            struct.pack("<I", masked_crc32c(record)))


def _compressor(kind: str, level):
    if kind == "ZLIB":
        return zlib.compressobj(6 if level is None else level)
    return zlib.compressobj(6 if level is None else level, zlib.DEFLATED, 31)  # GZIP


class TFRecordWriter:
    """Writes records to a TFRecord file (`tf.io.TFRecordWriter`), as a context manager too."""

    def __init__(self, path, options=None):
        self._kind = compression_name(options)
        level = options.compression_level if isinstance(options, TFRecordOptions) else None
        self._compress = _compressor(self._kind, level) if self._kind else None
        try:
            self._file = open(path, "wb")  # noqa: SIM115 - closed by close()
        except OSError as error:
            raise errors.NotFoundError(None, None, f"{path}; {error.strerror}") from None

    def write(self, record) -> None:
        data = frame(record if isinstance(record, bytes) else bytes(record, "utf-8")
                     if isinstance(record, str) else bytes(record))
        self._file.write(self._compress.compress(data) if self._compress else data)

    def flush(self) -> None:
        if self._compress:
            self._file.write(self._compress.flush(zlib.Z_SYNC_FLUSH))
        self._file.flush()

    def close(self) -> None:
        if self._file.closed:
            return
        if self._compress:
            self._file.write(self._compress.flush())
        self._file.close()

    def __enter__(self) -> TFRecordWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _file_bytes(path: str, kind: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError as error:
        raise errors.NotFoundError(None, None, f"{path}; {error.strerror}") from None
    if kind == "GZIP":
        return gzip.decompress(data)
    if kind == "ZLIB":
        return zlib.decompress(data)
    return data


def read_records(path: str, kind: str = "", op=None) -> Iterator[bytes]:
    """The records of a TFRecord file, checking both CRCs as TF's reader does."""
    data = _file_bytes(path, kind)
    offset = 0
    while offset < len(data):
        header = data[offset:offset + 12]
        if len(header) < 12:
            raise errors.DataLossError(None, op, f"truncated record at {offset}' failed with "
                                                 f"Read less bytes than requested")
        length, = struct.unpack("<Q", header[:8])
        if struct.unpack("<I", header[8:])[0] != masked_crc32c(header[:8]):
            raise errors.DataLossError(None, op, f"corrupted record at {offset}")
        record = data[offset + 12:offset + 12 + length]
        footer = data[offset + 12 + length:offset + 16 + length]
        if len(record) < length or len(footer) < 4:
            raise errors.DataLossError(None, op, f"truncated record at {offset}' failed with "
                                                 f"Read less bytes than requested")
        if struct.unpack("<I", footer)[0] != masked_crc32c(record):
            raise errors.DataLossError(None, op, f"corrupted record at {offset}")
        yield record
        offset += 16 + length


def tf_record_iterator(path, options=None) -> Iterator[bytes]:
    """`tf.io.tf_record_iterator`: the records of a file, as bytes."""
    return read_records(str(path), compression_name(options))


def read_lines(path: str, kind: str = "", op=None) -> Iterator[bytes]:
    """The lines of a text file without their line ends (TextLineDataset's elements)."""
    data = _file_bytes(path, kind)
    for line in data.split(b"\n")[: -1 if data.endswith(b"\n") else None]:
        yield line[:-1] if line.endswith(b"\r") else line
