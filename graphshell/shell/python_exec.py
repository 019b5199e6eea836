"""Running Python input in the shell's namespace: REPL display of values, live capture of
printed output and warnings, and `import tensorflow` bound to graphshell's tf."""

from __future__ import annotations

import builtins
import io
import re
import sys
import traceback
import warnings

from .. import tf as graphshell_tf
from .results import ErrorInfo

_TENSORFLOW_IMPORT = re.compile(r"^\s*(import\s+tensorflow|from\s+tensorflow)", re.MULTILINE)
TENSORFLOW_NOTE = ("note: `import tensorflow` binds graphshell's tf (the TF1 graph API on "
                   "numpy); tf.compat.v1 is the same namespace")


def shell_builtins():
    """Builtins whose __import__ maps tensorflow (and tensorflow.compat.v1) to graphshell's tf."""
    names = dict(vars(builtins))
    real_import = builtins.__import__

    def import_hook(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002 - __import__'s signature
        if level == 0 and (name == "tensorflow" or name.startswith("tensorflow.")):
            return _tensorflow_module(name, fromlist)
        return real_import(name, globals, locals, fromlist, level)
    names["__import__"] = import_hook
    return names


def _tensorflow_module(name, fromlist):
    parts = name.split(".")[1:]
    if not fromlist:
        return graphshell_tf  # `import tensorflow.compat.v1 as tf` walks attributes from here
    module = graphshell_tf
    for part in parts:
        try:
            module = getattr(module, part)
        except AttributeError:
            raise ImportError(f"graphshell's tf has no module '{name}'; it provides the TF1 "
                              "graph API (tf.compat.v1)") from None
    return module


def mentions_tensorflow_import(source: str) -> bool:
    return bool(_TENSORFLOW_IMPORT.search(source))


class LineWriter(io.TextIOBase):
    """A stdout replacement that hands each completed line to `emit` as it is written."""

    def __init__(self, emit):
        super().__init__()
        self._emit = emit
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._pending += text
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            self._emit(line)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._emit(self._pending)
            self._pending = ""


def compile_input(source: str, filename: str, first_line: int, on_warning):
    """Compiles one statement in 'single' mode (expression values are displayed), keeping the
    line numbers of the original file."""
    padded = "\n" * (first_line - 1) + source
    if not source.endswith("\n"):
        padded += "\n"
    return compile_quietly(padded, filename, "single", on_warning)


def compile_quietly(source: str, filename: str, mode: str, on_warning):
    """compile(), with the warnings the compiler raises (SyntaxWarning: "is" with a literal...)
    passed to `on_warning` as text instead of going to stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = compile(source, filename, mode, dont_inherit=True)
    for warning in caught:
        on_warning(f"{warning.category.__name__}: {warning.message}")
    return code


def run_code(code, namespace, on_output, on_value, on_warning):
    """Executes compiled code with stdout, the display hook and warnings redirected."""
    writer = LineWriter(on_output)
    saved_stdout, saved_hook = sys.stdout, sys.displayhook
    saved_showwarning = warnings.showwarning

    def display(value):
        if value is not None:
            namespace["_"] = value
            writer.flush()
            on_value(value)

    def show_warning(message, category, filename, lineno, file=None, line=None):
        writer.flush()
        on_warning(f"{category.__name__}: {message}")

    sys.stdout, sys.displayhook = writer, display
    warnings.showwarning = show_warning
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show_warning
            exec(code, namespace)
    finally:
        writer.flush()
        sys.stdout, sys.displayhook = saved_stdout, saved_hook
        warnings.showwarning = saved_showwarning


def error_info(error: BaseException, filename: str) -> ErrorInfo:
    """One line for people: the error class, its message flattened, and the input line."""
    line = None
    if isinstance(error, SyntaxError) and error.filename == filename:
        line = error.lineno
        message = error.msg
    else:
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename == filename:
                line = frame.lineno
        message = one_line_message(error)
    return ErrorInfo(type(error).__name__, message, line, error)


def one_line_message(error: BaseException) -> str:
    try:
        text = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
        text = str(text)
    except Exception:
        return f"{type(error).__name__} (its message could not be shown)"
    node = re.search(r"\[\[\{\{node ([^}]+)\}\}\]\]", text)
    text = re.sub(r"\s*\[\[\{\{node [^}]+\}\}\]\]", "", text)
    text = " ".join(text.split())
    if node:
        text += f" (at op {node.group(1)})"
    if len(text) > 500:
        text = text[:497] + "..."
    return text or type(error).__name__
