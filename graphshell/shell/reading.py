"""Reading scripts and transcripts from files and streams, bounded: at most a limit of bytes
(64 MiB unless --max-read or $GRAPHSHELL_MAX_READ says otherwise), read in chunks, and only
text: a binary file (NUL bytes, or more than a small fraction that is not UTF-8) is refused.
So `:load /dev/zero` or `graphshell < /dev/urandom` fail at once with one line."""

from __future__ import annotations

import os
from typing import BinaryIO

from .keep import format_size, parse_size
from .report import count_of

DEFAULT_MAX_READ_BYTES = 64 * 2**20
ENV_MAX_READ = "GRAPHSHELL_MAX_READ"
CHUNK_BYTES = 1 << 20
NOT_UTF8_FRACTION = 0.01  # more undecodable bytes than this: binary, not a script
_configured: int | None = None  # set by the command line (--max-read)


class ReadError(Exception):
    """A file or stream that cannot be read as a script; the message is one line."""


def configure(max_bytes: int | None) -> None:
    """Sets the read limit for this process (the command line's --max-read); None: the
    environment's or the default."""
    global _configured
    _configured = max_bytes


def max_read_bytes() -> int:
    """The read limit: --max-read, else $GRAPHSHELL_MAX_READ, else 64 MiB. Raises ValueError
    naming the variable if it is malformed."""
    if _configured is not None:
        return _configured
    text = os.environ.get(ENV_MAX_READ, "").strip()
    if not text:
        return DEFAULT_MAX_READ_BYTES
    try:
        return parse_size(text)
    except ValueError as error:
        raise ValueError(f"${ENV_MAX_READ}: {error}") from None


def read_text_file(path: str) -> str:
    """The text of the script or transcript at `path`; ReadError says why not."""
    if not os.path.exists(path):
        raise ReadError(f"no such file: {path}")
    if os.path.isdir(path):
        raise ReadError(f"{path} is a directory, not a script")
    try:
        with open(path, "rb") as handle:
            return read_text_stream(handle, path)
    except OSError as error:
        raise ReadError(f"cannot read {path}: {error.strerror or error}") from None


def read_text_stream(stream: BinaryIO, name: str, limit: int | None = None) -> str:
    """All of a binary stream as text, read in chunks: at most `limit` bytes (default: the
    read limit), refused as soon as it is plainly binary."""
    limit = _limit() if limit is None else limit
    chunks, size, checked = [], 0, False
    while True:
        wanted = min(CHUNK_BYTES, limit + 1 - size)
        chunk = stream.read(wanted)
        if not chunk:
            break
        if not checked and len(chunk) == wanted:  # more may follow: refuse a binary stream
            _check_text(chunk, name, complete=False)  # (/dev/urandom) before reading it out
        checked = True
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise ReadError(f"{name} is larger than the read limit of {format_size(limit)}; "
                            f"not reading it (--max-read SIZE or ${ENV_MAX_READ} raises it)")
    data = b"".join(chunks)
    return _check_text(data, name, complete=True)


def _limit() -> int:
    try:
        return max_read_bytes()
    except ValueError:
        return DEFAULT_MAX_READ_BYTES  # the command line reports a malformed variable


def _check_text(data: bytes, name: str, complete: bool) -> str:
    """The data decoded, or ReadError if it is binary. The first part of a longer stream is
    checked without its last 3 bytes, which may be a character cut in two."""
    if b"\x00" in data:
        raise ReadError(f"{name} is a binary file, not a script (a text script has no NUL "
                        "bytes)")
    checked = data if complete else data[:-3]
    text = checked.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - checked.decode("utf-8", errors="ignore").count("\ufffd")
    if bad > 0 and bad > NOT_UTF8_FRACTION * len(checked):
        where = "" if complete else "first "
        raise ReadError(f"{name} is not a text script: {count_of(bad, 'byte')} of its {where}"
                        f"{format_size(len(checked))} are not UTF-8")
    return text
