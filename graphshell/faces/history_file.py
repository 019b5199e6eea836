"""The REPL's history file: private (0600), bounded, and never a reason for a traceback.

The file keeps prompt_toolkit's FileHistory format (`# time` then `+line` per line), so files
written before still load. A path that cannot hold history (a directory, a device, a read-only
file, a symlink to someone else's file) turns history off for the session with one note; so
does a write that fails later (a full disk). `/dev/null` turns it off without a note.
"""

from __future__ import annotations

import collections
import datetime
import errno
import os
import stat
import tempfile
import threading
from collections.abc import Iterable

from prompt_toolkit.history import History

MAX_ENTRIES = 10_000  # the newest entries kept; older ones are trimmed away
MAX_READ_BYTES = 8 * 1024 * 1024  # only the file's tail is read, so a huge file loads fast


class HistoryFileError(Exception):
    """Why a path cannot be the history file (one line for people)."""


def usable_path(path: str) -> str:
    """The real path to keep history in (symlinks resolved), created 0600 if missing; or a
    HistoryFileError saying why `path` cannot hold history."""
    real = _followed(path)
    folder = os.path.dirname(real) or "."
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError as error:
        raise HistoryFileError(f"cannot create the folder {folder} ({_reason(error)})") from None
    try:
        found = os.stat(real)
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise HistoryFileError(f"cannot read {real} ({_reason(error)})") from None
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise HistoryFileError(f"{real} is {_kind(found.st_mode)}, not a file")
    os.close(_open_for_append(real))  # a read-only file or folder is found out now, not later
    if found is not None and found.st_uid == os.getuid() and stat.S_IMODE(found.st_mode) & 0o077:
        os.chmod(real, 0o600)  # history can hold secrets typed at the prompt
    return real


def _followed(path: str) -> str:
    """`path` with symlinks resolved, if it is not a symlink or its target is the user's own
    (an existing file they own, or a new file in a folder they own)."""
    if not os.path.islink(path):
        return path
    real = os.path.realpath(path)
    owner_of = real if os.path.lexists(real) else os.path.dirname(real)
    try:
        owner = os.stat(owner_of).st_uid
    except OSError:
        owner = None
    if owner != os.getuid():
        raise HistoryFileError(f"{path} is a symlink to {real}, which is not your own file; "
                               "not following it")
    return real


def _open_for_append(path: str) -> int:
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        return os.open(path, flags, 0o600)
    except OSError as error:
        raise HistoryFileError(f"cannot write {path} ({_reason(error)})") from None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    return "not a regular file"


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


class PrivateFileHistory(History):
    """prompt_toolkit history in a private file holding at most MAX_ENTRIES entries. Any
    failure switches it to memory only and leaves one note in `notes` for the REPL to show."""

    def __init__(self, path: str, max_entries: int = MAX_ENTRIES):
        super().__init__()
        self.path = path
        self.max_entries = max_entries
        self.notes: list[str] = []
        self._kept: collections.deque[str] = collections.deque(maxlen=max_entries)
        self._in_file = 0  # entries the file holds now
        self._off = False
        self._file_lock = threading.Lock()  # prompt_toolkit loads in a thread, stores in another

    @classmethod
    def turned_off(cls, path: str, why: str) -> PrivateFileHistory:
        """A history that keeps this session's entries in memory only, with its note."""
        history = cls(path)
        history._turn_off(why)
        return history

    def take_notes(self) -> list[str]:
        """The notes not shown yet (at most one: the failure that turned history off)."""
        notes, self.notes = self.notes, []
        return notes

    def load_history_strings(self) -> Iterable[str]:
        if self._off:
            return []
        try:
            strings = _parse(_read_tail(self.path))
        except OSError as error:
            self._turn_off(f"cannot read {self.path} ({_reason(error)})")
            return []
        with self._file_lock:
            # older than anything stored meanwhile; the deque keeps the newest max_entries
            self._kept = collections.deque([*strings, *self._kept], maxlen=self.max_entries)
            self._in_file += len(strings)
            if self._in_file > self.max_entries:
                self._rewrite()
        return list(reversed(self._kept))  # newest first, as prompt_toolkit wants

    def store_string(self, string: str) -> None:
        with self._file_lock:
            self._store(string)

    def _store(self, string: str) -> None:
        self._kept.append(string)
        if self._off:
            return
        try:
            descriptor = _open_for_append(self.path)
            try:
                os.write(descriptor, _entry_bytes(string))
            finally:
                os.close(descriptor)
        except (OSError, HistoryFileError) as error:
            self._turn_off(str(error) if isinstance(error, HistoryFileError)
                           else f"cannot write {self.path} ({_reason(error)})")
            return
        self._in_file += 1
        if self._in_file > self.max_entries + self.max_entries // 10:
            self._rewrite()

    def _rewrite(self) -> None:
        """Replaces the file by its newest max_entries entries (written aside, then renamed in,
        so a failure never loses the old file)."""
        folder = os.path.dirname(self.path) or "."
        try:
            descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".history-")
            try:
                with os.fdopen(descriptor, "wb") as handle:  # mkstemp creates it 0600
                    for string in self._kept:
                        handle.write(_entry_bytes(string))
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as error:
            self._turn_off(f"cannot trim {self.path} ({_reason(error)})")
            return
        self._in_file = len(self._kept)

    def _turn_off(self, why: str) -> None:
        if not self._off:
            self._off = True
            self.notes.append(history_off_note(why))


def history_off_note(why: str) -> str:
    return f"history is not saved this session: {why}"


def _read_tail(path: str) -> bytes:
    """The file's last MAX_READ_BYTES, starting at an entry; nothing if there is no file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return b""
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        size = os.fstat(descriptor).st_size
        if size <= MAX_READ_BYTES:
            return handle.read(MAX_READ_BYTES)
        handle.seek(size - MAX_READ_BYTES)
        data = handle.read(MAX_READ_BYTES)
    start = data.find(b"\n#")  # the first whole entry of the tail
    return data[start + 1:] if start >= 0 else b""


def _parse(data: bytes) -> list[str]:
    """Entries, oldest first: each is its `+`-prefixed lines, ended by any other line."""
    strings: list[str] = []
    lines: list[str] = []
    for line in data.decode("utf-8", errors="replace").split("\n"):
        if line.startswith("+"):
            lines.append(line[1:])
        elif lines:
            strings.append("\n".join(lines))
            lines = []
    if lines:
        strings.append("\n".join(lines))
    return strings


def _entry_bytes(string: str) -> bytes:
    lines = "".join(f"+{line}\n" for line in string.split("\n"))
    return f"\n# {datetime.datetime.now()}\n{lines}".encode("utf-8", errors="replace")
