"""The script runner: a file, stdin or -c text through the shell, with plain, deterministic
output and an honest exit status (0 ok, 1 a statement failed)."""

from __future__ import annotations

import os
import sys

from ..shell.core import Shell
from ..shell.splitter import split_script
from ..shell.styled import to_ansi


class ScriptRunner:
    """Feeds each input of a script to a Shell and prints what it produces."""

    def __init__(self, shell: Shell, out=None, err=None, echo=False, keep_going=False,
                 color=False):
        self.shell = shell
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.echo = echo
        self.keep_going = keep_going
        self.color = color
        self.errors = 0
        self.reader_gone = False

    def run(self, text: str, filename: str = "<stdin>") -> int:
        """Runs the whole script; returns the exit status."""
        self.shell.on_entry = self._print_entry
        try:
            for line, source in split_script(text.splitlines()):
                if self.echo:
                    self._echo(source)
                result = self.shell.execute(source, line, filename)
                if self.reader_gone:
                    return 0  # whoever read our output (e.g. `| head`) has stopped reading
                if result.error is not None:
                    self.errors += 1
                    if not self.keep_going:
                        return 1
                if result.quit:
                    break
                if result.open_tui:
                    self._write(self.err, "note: :tui needs a terminal; ignored in scripts")
        finally:
            self.shell.on_entry = None
            self.out.flush()
        return 1 if self.errors else 0

    def _echo(self, source: str) -> None:
        for i, line in enumerate(source.splitlines()):
            self._write(self.out, ("... " if i else ">>> ") + line)

    def _print_entry(self, entry) -> None:
        if self.reader_gone:
            return
        text = to_ansi(entry.body) if self.color else entry.body.plain
        try:
            if entry.kind == "error":
                self.out.flush()
                self._write(self.err, text)
                self.err.flush()
            else:
                self._write(self.out, text)
        except BrokenPipeError:
            self.reader_gone = True
            _silence(self.out)

    @staticmethod
    def _write(stream, text: str) -> None:
        stream.write(text + "\n")


def _silence(stream) -> None:
    """Points a stream whose reader is gone at /dev/null, so exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def split_command_line_code(code: str) -> str:
    """`-c "a = 1; :eval a"` -> one input per line: split at top-level semicolons."""
    pieces, current, depth, quote = [], "", 0, None
    for char in code:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == ";" and depth == 0:
            pieces.append(current.strip())
            current = ""
            continue
        current += char
    pieces.append(current.strip())
    return "\n".join(p for p in pieces if p)
