"""CRC32C checksums as TensorFlow's file formats store them (TFRecord framing, checkpoint
tables and bundle entries), from the `google-crc32c` package of the `checkpoint` extra."""

from __future__ import annotations

_MASK_DELTA = 0xA282EAD8  # TF's mask: a CRC of data that holds CRCs must not look like one


def _module():
    try:
        import google_crc32c
    except ImportError:
        raise ImportError("reading or writing TensorFlow checkpoint and record files needs "
                          "google-crc32c: pip install 'graphshell[checkpoint]'") from None
    return google_crc32c


def crc32c(data: bytes, initial: int = 0) -> int:
    """The CRC32C (Castagnoli) of `data`, continuing from `initial`."""
    return _module().extend(initial, data)


def masked_crc32c(data: bytes) -> int:
    """The CRC32C of `data`, rotated and offset as TF stores it next to the data."""
    crc = crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF
