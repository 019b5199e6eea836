"""Running Python input in the shell's namespace: REPL display of values, live capture of
printed output and warnings, and `import tensorflow` bound to the engine's tf."""

from __future__ import annotations

import ast
import builtins
import io
import linecache
import os
import re
import sys
import traceback
import warnings

from .results import ErrorInfo

_TENSORFLOW_IMPORT = re.compile(r"^\s*(import\s+tensorflow|from\s+tensorflow)", re.MULTILINE)


def shell_builtins(import_tensorflow):
    """Builtins whose __import__ hands tensorflow paths to the engine's `import_tensorflow(name,
    fromlist)` (graphshell's tf on the numpy engine, tf.compat.v1 on the tensorflow one)."""
    names = dict(vars(builtins))
    real_import = builtins.__import__

    def import_hook(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002 - __import__'s signature
        if level == 0 and (name == "tensorflow" or name.startswith("tensorflow.")):
            return import_tensorflow(name, fromlist)
        return real_import(name, globals, locals, fromlist, level)
    names["__import__"] = import_hook
    return names


def mentions_tensorflow_import(source: str) -> bool:
    return bool(_TENSORFLOW_IMPORT.search(source))


class LineWriter:
    """A stdout replacement that hands each completed line to `emit` as it is written.

    Not an io.IOBase: IOBase's finalizer calls flush(), so the garbage collector would run our
    code while it frees an old writer, and a Ctrl-C landing there is swallowed by the finalizer
    (the input it was meant for keeps running). This class has no finalizer: what is pending is
    flushed by run_code, never by the collector."""

    encoding = "utf-8"
    errors = "strict"
    newlines = None
    closed = False

    def __init__(self, emit):
        self._emit = emit
        self._pending = ""

    def write(self, text) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._pending += text
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            self._emit(line)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self._pending:
            self._emit(self._pending)
            self._pending = ""

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise io.UnsupportedOperation("the shell's output is not a file (it has no fileno)")

    def close(self) -> None:
        self.flush()


def compile_input(source: str, filename: str, first_line: int, on_warning,
                  mode: str = "single"):
    """Compiles one statement, keeping the line numbers of the original file: in 'single' mode
    expression values are displayed (the REPL's way), in 'exec' mode they are not (a .py
    file's way). The statement is parsed on its own and its tree moved down to `first_line`
    (padding the text with blank lines instead costs the whole file's length per statement)."""
    if not source.endswith("\n"):
        source += "\n"
    offset = first_line - 1
    try:
        tree = compile_quietly(source, filename, mode, on_warning, ast.PyCF_ONLY_AST)
    except SyntaxError as error:
        _move_error(error, offset)
        raise
    if offset:
        ast.increment_lineno(tree, offset)
    return compile_quietly(tree, filename, mode, on_warning)


def _move_error(error: SyntaxError, offset: int) -> None:
    """A syntax error found in a statement parsed alone, placed at its line of the file."""
    if not offset or error.lineno is None:
        return
    error.lineno += offset
    if getattr(error, "end_lineno", None) is not None:
        error.end_lineno += offset
    if isinstance(error.msg, str):  # "unterminated string literal (detected at line 1)"
        error.msg = _DETECTED_AT.sub(lambda found: f"{found[1]}{int(found[2]) + offset})",
                                     error.msg)


_DETECTED_AT = re.compile(r"(\(detected at line )(\d+)\)")


def is_blank_or_comment(source: str) -> bool:
    """Whether an input holds nothing to run (Python's REPL takes `# note` silently)."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in source.split("\n"))


def remember_source(filename: str, first_line: int, source: str) -> None:
    """Makes the text of an input that is not a file (`<input 3>`, `<stdin>`) known to
    linecache, so tracebacks show its source lines as they do for files."""
    if not filename.startswith("<"):
        return
    cached = linecache.cache.get(filename)
    lines = list(cached[2]) if cached else []
    new = [line + "\n" for line in source.split("\n")]
    lines.extend("\n" for _ in range(first_line - 1 + len(new) - len(lines)))
    lines[first_line - 1:first_line - 1 + len(new)] = new
    linecache.cache[filename] = (sum(map(len, lines)), None, lines, filename)


def compile_quietly(source, filename: str, mode: str, on_warning, flags: int = 0):
    """compile() (of text, or of a tree), with the warnings the compiler raises (SyntaxWarning:
    "is" with a literal...) passed to `on_warning` as text instead of going to stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = compile(source, filename, mode, flags, dont_inherit=True)
    for warning in caught:
        on_warning(f"{warning.category.__name__}: {warning.message}")
    return code


def run_code(code, namespace, on_output, on_value, on_warning, on_stderr=None):
    """Executes compiled code with stdout, stderr, the display hook and warnings redirected
    (stderr's lines to `on_stderr`, or with stdout's when there is none)."""
    writer = LineWriter(on_output)
    error_writer = LineWriter(on_stderr) if on_stderr is not None else writer
    saved_stdout, saved_stderr, saved_hook = sys.stdout, sys.stderr, sys.displayhook
    saved_showwarning = warnings.showwarning

    def display(value):
        if value is not None:
            namespace["_"] = value
            writer.flush()
            on_value(value)

    def show_warning(message, category, filename, lineno, file=None, line=None):
        writer.flush()
        on_warning(f"{category.__name__}: {message}")

    # stderr too: what tf.Print or tf.logging write while a step runs is that input's output
    sys.stdout, sys.stderr, sys.displayhook = writer, error_writer, display
    warnings.showwarning = show_warning
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show_warning
            exec(code, namespace)
    finally:
        try:  # a Ctrl-C during these flushes must not leave sys.stdout on this input's writer
            writer.flush()
            error_writer.flush()
        finally:
            sys.stdout, sys.stderr, sys.displayhook = saved_stdout, saved_stderr, saved_hook
            warnings.showwarning = saved_showwarning


def error_info(error: BaseException, filename: str, commands: bool = True) -> ErrorInfo:
    """One line for people: the error class, its message flattened, and the input line (a
    SyntaxError also gets its column, and its source line with a caret as detail).
    `commands` says whether a hint may name a :command (not in a .py file)."""
    if isinstance(error, SyntaxError) and error.filename == filename:
        return _syntax_error_info(error)
    frames = traceback.extract_tb(error.__traceback__)
    line = None
    for frame in frames:
        if frame.filename == filename:
            line = frame.lineno
    message = one_line_message(error)
    if _is_eval_of_a_structure(error) and frames:
        at_top = frames[-1].filename == filename and frames[-1].name == "<module>"
        receiver = _receiver_of_eval(frames[-1])
        message += f" ({structure_eval_hint(receiver, error.obj, commands and at_top)})"
    return ErrorInfo(type(error).__name__, message, line, error)


def _syntax_error_info(error: SyntaxError) -> ErrorInfo:
    message = error.msg
    text = (error.text or "").rstrip("\n")
    column = error.offset if error.offset and text else None
    detail = ""
    if column is not None:
        stripped = text.lstrip()
        start = column - 1 - (len(text) - len(stripped))
        end = getattr(error, "end_offset", None)
        same_line = getattr(error, "end_lineno", error.lineno) == error.lineno
        width = end - column if end and same_line and end > column else 1
        detail = f"    {stripped}\n    {' ' * max(start, 0)}{'^' * width}"
    return ErrorInfo(type(error).__name__, message, error.lineno, error, column=column,
                     detail=detail)


def _is_eval_of_a_structure(error: BaseException) -> bool:
    return isinstance(error, AttributeError) and getattr(error, "name", None) == "eval" \
        and isinstance(getattr(error, "obj", None), (list, tuple, dict))


def _receiver_of_eval(frame: traceback.FrameSummary) -> str | None:
    """The expression whose `.eval` failed: from the failing span when Python gives one
    (3.11+), else the text before the first `.eval(` on the line."""
    line = linecache.getline(frame.filename, frame.lineno or 0).rstrip("\n")
    column, end_column = getattr(frame, "colno", None), getattr(frame, "end_colno", None)
    if column is not None and end_column is not None:
        span = line[column:end_column]
        if span.endswith(".eval"):
            return span[:-len(".eval")].strip()
    found = re.search(r"([\w.]+|\[[^\[\]]*\]|\([^()]*\))\s*\.eval\s*\(", line)
    return found.group(1) if found else None


def structure_eval_hint(receiver: str | None, value, commands: bool = True) -> str:
    """The teaching hint for `X.eval()` on a list, tuple or dict: a way that fetches it in one
    step. `receiver` is the expression's text (`grad`, `[tu, ut]`) or None; `commands` says
    whether a :command may be named (at the shell's top level) or only Python."""
    kind = type(value).__name__
    if commands and receiver:
        way = _run_command_for(receiver)
    else:
        way = f"tf.get_default_session().run({receiver or '...'})"
    return f"eval() takes one tensor; {way} fetches a {kind} in one step"


def _run_command_for(receiver: str) -> str:
    try:
        tree = ast.parse(receiver, mode="eval").body
    except SyntaxError:
        return f"tf.get_default_session().run({receiver})"
    if isinstance(tree, (ast.List, ast.Tuple)) and tree.elts:
        parts = _source_segments(receiver, tree.elts)
        if all(parts):
            return ":run " + " ".join(_one_argument(part) for part in parts)
    return ":run " + _one_argument(receiver)


def _source_segments(source: str, nodes) -> list[str]:
    """The source text of each node; linear in the source (`ast.get_source_segment` splits the
    whole source again for every node, which is quadratic for a list of thousands)."""
    if "\n" in source:
        return [ast.get_source_segment(source, node) or "" for node in nodes]
    encoded = source.encode()  # ast's column offsets count UTF-8 bytes
    return [encoded[node.col_offset:node.end_col_offset].decode() for node in nodes]


def _one_argument(expression: str) -> str:
    """:run splits its arguments at spaces: an expression with spaces is wrapped."""
    return f"({expression})" if " " in expression else expression


def exit_status(request: SystemExit) -> tuple[int, str]:
    """The status `sys.exit(code)` asks for, and the message Python would print: None is 0,
    an int is itself, anything else is printed and gives 1."""
    code = request.code
    if code is None:
        return 0, ""
    if isinstance(code, int):
        return code, ""
    return 1, str(code)


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_traceback(error: BaseException) -> str:
    """The traceback of an error as the user's code saw it: their frames with source text,
    graphshell's own frames counted but not shown."""
    frames = traceback.extract_tb(error.__traceback__)
    mine = traceback.StackSummary.from_list(
        [frame for frame in frames if not _is_graphshell_frame(frame.filename)])
    hidden = len(frames) - len(mine)
    parts = ["Traceback (most recent call last):\n"] if mine else []
    parts += mine.format()
    parts += traceback.format_exception_only(type(error), error)
    if hidden:
        parts.append(f"({hidden} frame{'s' if hidden != 1 else ''} inside graphshell not "
                     "shown; :tb --all shows them)\n")
    return "".join(parts).rstrip("\n")


def _is_graphshell_frame(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_PACKAGE_DIR + os.sep)


def one_line_message(error: BaseException) -> str:
    try:
        text = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
        text = str(text)
    except Exception:
        return f"{type(error).__name__} (its message could not be shown)"
    text = _without_graph_execution_frames(text)
    node = re.search(r"\[\[\{\{node ([^}]+)\}\}\]\]", text)
    text = re.sub(r"\s*\[\[\{\{node [^}]+\}\}\]\]", "", text)
    text = " ".join(text.split())
    if node:
        text += f" (at op {node.group(1)})"
    if len(text) > 500:
        text = text[:497] + "..."
    return text or type(error).__name__


_GRAPH_EXECUTION = "Graph execution error:"
_DETECTED_NODE = re.compile(r"\nNode: '([^'\n]+)'\n")


def _without_graph_execution_frames(text: str) -> str:
    """TF's own message in a real TensorFlow error (the tensorflow engine): TF 2 puts
    "Graph execution error:" and the Python frames that built the failing node before it,
    then `Node: 'name'`, and str() adds the op's "Original stack trace" after it; what is
    left ends in the usual `[[{{node name}}]]`."""
    if not text.startswith(_GRAPH_EXECUTION):
        return text
    text = text[len(_GRAPH_EXECUTION):].split("\nOriginal stack trace for ", 1)[0]
    detected = _DETECTED_NODE.search(text)
    if detected is None:
        return text
    node, text = detected.group(1), text[detected.end():]
    return re.sub(r"\s*\[\[" + re.escape(node) + r"\]\]", f" [[{{{{node {node}}}}}]]", text)


def has_deeper_frames(error: BaseException, filename: str) -> bool:
    """Whether the error was raised below the input's own line (in a function it called)."""
    frames = traceback.extract_tb(error.__traceback__)
    for index, frame in enumerate(frames):
        if frame.filename == filename:
            return index < len(frames) - 1
    return False


def syntax_error_of(text: str, filename: str) -> ErrorInfo | None:
    """The first syntax error of a whole Python file, or None if it compiles."""
    try:
        compile(text, filename, "exec", dont_inherit=True)
    except SyntaxError as error:
        error.filename = filename
        return _syntax_error_info(error)
    except (ValueError, OverflowError, MemoryError, RecursionError):
        return None  # not a syntax error: running it statement by statement reports it
    return None
