"""Expected-error marks: a script line ending in `# error: ClassName` says that this input is
meant to fail with that error (a lesson showing a mistake). The shell then reports the error
and goes on; an input marked this way that does not fail is itself an error.

A mark names an exception class or any of its bases (`# error: OpError` accepts a
FailedPreconditionError). On a Python input the mark is a comment on any of its lines; on a
`:command` line it is removed before the command reads its arguments.
"""

from __future__ import annotations

import io
import re
import tokenize

_MARK = re.compile(r"#\s*error:\s*([A-Za-z_][\w.]*)\s*$")
_COMMAND_MARK = re.compile(r"\s+#\s*error:\s*([A-Za-z_][\w.]*)\s*$")


def split_mark(source: str) -> tuple[str, str | None]:
    """(the input to run, the error class it is marked with or None)."""
    if source.lstrip().startswith(":"):
        found = _COMMAND_MARK.search(source)
        if found is None:
            return source, None
        return source[:found.start()], found.group(1)
    return source, _python_mark(source)


def _python_mark(source: str) -> str | None:
    if "error:" not in source:
        return None
    try:
        comments = [token.string for token in
                    tokenize.generate_tokens(io.StringIO(source + "\n").readline)
                    if token.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError, ValueError):
        # an input that does not tokenize (a lesson's SyntaxError) has its mark on its last line
        comments = [source.splitlines()[-1]]
    for comment in comments:
        found = _MARK.search(comment)
        if found:
            return found.group(1)
    return None


def matches(error: BaseException | None, type_name: str, expected: str) -> bool:
    """Whether an error (or, without the exception object, its class name) is the one marked."""
    wanted = expected.rsplit(".", 1)[-1]
    if error is None:
        return type_name == wanted
    return any(cls.__name__ == wanted for cls in type(error).__mro__)


def with_mark(source: str, type_name: str) -> str:
    """The input with a mark for `type_name` at the end of its last line (always outside any
    string, since the input is complete)."""
    lines = source.split("\n")
    lines[-1] = f"{lines[-1]}  # error: {type_name}"
    return "\n".join(lines)
