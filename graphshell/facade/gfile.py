"""tf.gfile: TF's file API over the local file system, with TF's errors (NotFoundError...)."""

from __future__ import annotations

import contextlib
import glob as globbing
import os
import shutil
from collections.abc import Iterator
from typing import IO, Any, NamedTuple

from ..engine.graph import errors

_MODES = ("r", "w", "a", "r+", "w+", "a+")


@contextlib.contextmanager
def _as_tf_errors(path: str, missing: str = "{path}; No such file or directory"):
    """OSErrors become the tf.errors class TF raises for them."""
    try:
        yield
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, missing.format(path=path)) from None
    except FileExistsError:
        raise errors.AlreadyExistsError(None, None, "file already exists") from None
    except PermissionError:
        raise errors.PermissionDeniedError(None, None, f"{path}; Permission denied") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory") from None


class GFile:
    """A file as TF opens it: lazily (errors come at the first read or write), text or bytes."""

    def __init__(self, name: str, mode: str = "r") -> None:
        if mode.replace("b", "") not in _MODES:
            raise errors.InvalidArgumentError(
                None, None, "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'")
        self.name, self.mode = os.fspath(name), mode
        self._file: IO[Any] | None = None

    def _opened(self) -> IO[Any]:
        if self._file is None:
            with _as_tf_errors(self.name):
                self._file = open(self.name, self.mode,  # noqa: SIM115 - closed by close()
                                  **({} if "b" in self.mode else {"encoding": "utf-8"}))
        return self._file

    def read(self, n: int = -1):
        return self._opened().read(n)

    def readline(self):
        return self._opened().readline()

    def readlines(self):
        return self._opened().readlines()

    def write(self, data) -> None:
        self._opened().write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._opened().seek(offset, whence)

    def tell(self) -> int:
        return self._opened().tell()

    def size(self) -> int:
        return stat(self.name).length

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __iter__(self) -> Iterator:
        return iter(self._opened())

    def __next__(self):
        return next(self._opened())

    def __enter__(self) -> GFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class FileStatistics(NamedTuple):
    length: int
    mtime_nsec: int
    is_directory: bool


def exists(filename: str) -> bool:
    return os.path.exists(filename)


def make_dirs(dirname: str) -> None:
    with _as_tf_errors(dirname):
        os.makedirs(dirname, exist_ok=True)


def mkdir(dirname: str) -> None:
    with _as_tf_errors(dirname):
        os.mkdir(dirname)


def glob(filename: str) -> list[str]:
    return sorted(globbing.glob(filename))


def list_directory(dirname: str) -> list[str]:
    with _as_tf_errors(dirname, "Could not find directory {path}"):
        return sorted(os.listdir(dirname))


def is_directory(dirname: str) -> bool:
    return os.path.isdir(dirname)


def remove(filename: str) -> None:
    with _as_tf_errors(filename):
        os.remove(filename)


def delete_recursively(dirname: str) -> None:
    with _as_tf_errors(dirname, "{path} not found"):
        if os.path.isdir(dirname):
            shutil.rmtree(dirname)
        else:
            os.remove(dirname)


def rename(oldname: str, newname: str, overwrite: bool = False) -> None:
    _refuse_existing(newname, overwrite)
    with _as_tf_errors(oldname):
        os.replace(oldname, newname)


def copy(oldpath: str, newpath: str, overwrite: bool = False) -> None:
    _refuse_existing(newpath, overwrite)
    with _as_tf_errors(oldpath):
        shutil.copyfile(oldpath, newpath)


def _refuse_existing(path: str, overwrite: bool) -> None:
    if not overwrite and os.path.exists(path):
        raise errors.AlreadyExistsError(None, None, "file already exists")


def stat(filename: str) -> FileStatistics:
    with _as_tf_errors(filename):
        info = os.stat(filename)
    return FileStatistics(info.st_size, info.st_mtime_ns, os.path.isdir(filename))


def walk(top: str, in_order: bool = True) -> Iterator[tuple[str, list[str], list[str]]]:
    for root, dirs, files in os.walk(top, topdown=in_order):
        yield root, sorted(dirs), sorted(files)


MEMBERS: dict[str, object] = dict(
    GFile=GFile, Open=GFile, FastGFile=GFile, Exists=exists, MakeDirs=make_dirs, MkDir=mkdir,
    Glob=glob, ListDirectory=list_directory, IsDirectory=is_directory, Remove=remove,
    DeleteRecursively=delete_recursively, Rename=rename, Copy=copy, Stat=stat, Walk=walk)
