"""The script runner: a file, stdin or -c text through the shell, with plain, deterministic
output and an honest exit status (0 ok, 1 a statement failed, 130 interrupted by Ctrl-C, n for
sys.exit(n)); and the transcript checker behind --check."""

from __future__ import annotations

import io
import os
import sys
import tokenize

from ..shell import transcript
from ..shell.commands.session import echo_text
from ..shell.core import Shell
from ..shell.python_exec import syntax_error_of
from ..shell.splitter import script_items
from ..shell.styled import to_ansi

EXIT_INTERRUPTED = 130  # what a shell reports for a program that SIGINT ended (128 + 2)


class ReaderGone(Exception):
    """Whoever read our output (e.g. `| head`) has stopped reading."""


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
        shell.tb_hints = False  # nobody can type :tb once the script has ended
        shell.echo_loads = False  # a nested :load shows its inputs only with :load --echo

    def run(self, text: str, filename: str = "<stdin>") -> int:
        """Runs the whole script; returns the exit status."""
        self.shell.on_entry = self._print_entry
        try:
            return self._run(text, filename)
        except ReaderGone:
            return 0
        finally:
            self.shell.on_entry = None
            self._flush()

    def _run(self, text: str, filename: str) -> int:
        python_file = filename.endswith(".py")
        if python_file and self._has_syntax_error(text, filename):
            return 1
        if python_file:
            self.shell.namespace["__file__"] = os.path.abspath(filename)  # as python sets it
        for line, source in script_items(text.splitlines()):
            if self.echo:  # a blank line too, so the echo holds every line of the script
                self._print(self.out, echo_text(source) if source else transcript.PROMPT)
            if not source or source.startswith("#"):
                continue
            result = self.shell.execute(source, line, filename, show_values=not python_file)
            if self.reader_gone:
                raise ReaderGone
            if result.error is not None:
                if _interrupted(result):  # Ctrl-C stops a script, --keep-going or not
                    return EXIT_INTERRUPTED
                self.errors += 1
                if not self.keep_going:
                    return 1
            if result.quit:
                if result.exit_status is not None:
                    return result.exit_status
                break
            if result.open_tui:
                self._print(self.err, "note: :tui needs a terminal; ignored in scripts")
        return 1 if self.errors else 0

    def _has_syntax_error(self, text: str, filename: str) -> bool:
        """Python compiles a whole .py file before it runs any of it; so does the runner."""
        info = syntax_error_of(text, filename)
        if info is not None:
            self.shell.report(info)
        return info is not None

    def _print_entry(self, entry) -> None:
        if self.reader_gone:
            return
        unexpected_error = entry.kind == "error" and not getattr(entry.data, "expected", False)
        try:
            self._print(self.err if unexpected_error or entry.kind == "stderr" else self.out,
                        entry.body)
        except ReaderGone:
            pass  # noted in reader_gone; the runner stops after this input

    def _print(self, stream, body) -> None:
        """Writes one entry (Styled or str) as lines; errors go out at once, after the output
        printed before them."""
        if isinstance(body, str):
            text = body
        else:
            text = to_ansi(body) if self.color else body.plain
        try:
            if stream is self.err:
                self.out.flush()
            stream.write(text + "\n")
            if stream is self.err:
                stream.flush()
        except BrokenPipeError:
            self.reader_gone = True
            _silence(self.out)
            raise ReaderGone from None

    def _flush(self) -> None:
        try:
            self.out.flush()
        except BrokenPipeError:
            _silence(self.out)


def _interrupted(result) -> bool:
    return isinstance(result.error.exception, KeyboardInterrupt)


def check_transcript(shell: Shell, text: str, filename: str, out=None) -> int:
    """Replays a transcript (the --echo format) and prints each difference as doctest does;
    0 if every output is as written, 1 otherwise."""
    out = out or sys.stdout
    shell.tb_hints = False
    shell.echo_loads = False
    examples = transcript.parse(text)
    if not any(example.runs_something for example in examples):
        out.write(f"{filename}: no `>>> ` inputs found; is it a transcript (the --echo "
                  "format)?\n")
        return 1
    differences = list(transcript.replay(examples, shell, f"<transcript {filename}>"))
    count = sum(example.runs_something for example in examples)
    report = [transcript.describe(difference, filename) for difference in differences]
    if differences:
        report.append("*" * 70 + f"\n{filename}: {len(differences)} of {count} inputs differ")
    else:
        report.append(f"{filename}: all {count} inputs give the expected output")
    try:
        out.write("\n".join(report) + "\n")
        out.flush()
    except BrokenPipeError:  # `--check ... | head`: the reader has what it wanted
        _silence(out)
    return 1 if differences else 0


def _silence(stream) -> None:
    """Points a stream whose reader is gone at /dev/null, so exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def split_command_line_code(code: str) -> str:
    """`-c "a = 1; :eval a"` -> one input per line: split at the semicolons that separate
    statements (not those in strings, comments or brackets, nor in a compound statement's
    one-line body: `for i in x: f(i); g(i)` is one loop, as in Python)."""
    try:
        cuts = _statement_semicolons(code)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return code  # it does not tokenize: run as one input, whose error then says why
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(code[start:cut])
        start = cut + 1
    pieces.append(code[start:])
    return "\n".join(piece.strip() for piece in pieces if piece.strip())


_COMPOUND = frozenset({"if", "elif", "else", "for", "while", "with", "def", "class", "try",
                       "except", "finally", "async"})


def _statement_semicolons(code: str) -> list[int]:
    """Offsets of the `;` tokens that end a simple statement at the top level."""
    line_starts = [0]
    for line in code.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    cuts, depth, first_word, after_colon = [], 0, None, False
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        kind, text = token.type, token.string
        if kind in (tokenize.NEWLINE, tokenize.NL) and depth == 0:
            first_word, after_colon = None, False
        elif kind == tokenize.OP and text in "([{":
            depth += 1
        elif kind == tokenize.OP and text in ")]}":
            depth = max(depth - 1, 0)
        elif first_word is None and kind in (tokenize.NAME, tokenize.OP, tokenize.NUMBER,
                                             tokenize.STRING, tokenize.ERRORTOKEN):
            first_word = text
        if kind == tokenize.OP and text == ":" and depth == 0 and first_word in _COMPOUND:
            after_colon = True
        if kind == tokenize.OP and text == ";" and depth == 0:
            if after_colon and not _starts_command(code, line_starts, token):
                continue
            cuts.append(line_starts[token.start[0] - 1] + token.start[1])
            first_word, after_colon = None, False
    return cuts


def _starts_command(code: str, line_starts: list[int], token) -> bool:
    """A `:command` after `;` is never part of a loop body: Python cannot run it."""
    offset = line_starts[token.start[0] - 1] + token.start[1] + 1
    return code[offset:].lstrip().startswith(":")
