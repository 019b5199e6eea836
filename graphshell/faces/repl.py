"""The interactive REPL: one prompt_toolkit PromptSession over the shell core.

History is kept in a file across runs; Tab completes commands, names, attributes and op names;
Enter runs the input once it is complete (blocks and brackets continue on the next line); the
bottom toolbar shows the default session and graph and the last step. Ctrl-C cancels the line
or interrupts the running step, Ctrl-D quits.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import Completer
from prompt_toolkit.completion import Completion as PromptCompletion
from prompt_toolkit.formatted_text import ANSI
from prompt_toolkit.history import FileHistory, InMemoryHistory, ThreadedHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.lexers import DynamicLexer, PygmentsLexer, SimpleLexer
from pygments.lexers.python import Python3Lexer

from ..shell.splitter import is_complete_input
from ..shell.styled import to_ansi

PROGRESS_AFTER_SECONDS = 1.0


def history_path() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                             "share")
    return os.environ.get("GRAPHSHELL_HISTORY") or os.path.join(base, "graphshell", "history")


class LazyShell:
    """Builds the Shell (numpy and the engine) in a thread, so the prompt shows at once."""

    def __init__(self, timings: bool, seed):
        self._timings, self._seed = timings, seed
        self._ready = threading.Event()
        self._shell, self._error = None, None
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            threading.Thread(target=self._load, daemon=True).start()

    def _load(self) -> None:
        try:
            from ..shell.core import Shell
            self._shell = Shell(timings=self._timings, seed=self._seed)
        except BaseException as error:
            self._error = error
        finally:
            self._ready.set()

    def get(self):
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self._shell

    @property
    def ready(self):
        return self._shell if self._ready.is_set() else None


class ShellCompleter(Completer):
    """prompt_toolkit completions from the shell core (none until it has loaded)."""

    def __init__(self, lazy: LazyShell):
        self.lazy = lazy

    def get_completions(self, document, complete_event):
        shell = self.lazy.ready
        if shell is None:
            return
        for found in shell.complete(document.text, document.cursor_position):
            yield PromptCompletion(found.text, start_position=found.start,
                                   display_meta=found.meta)


def _key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _(event):
        """Run the input once complete; an empty line ends an indented block."""
        buffer = event.current_buffer
        text = buffer.text
        if is_complete_input(text):
            buffer.validate_and_handle()
            return
        if "\n" in text and not buffer.document.current_line.strip():
            candidate = text.rstrip() + "\n"
            if is_complete_input(candidate):
                buffer.text = candidate.rstrip("\n")
                buffer.validate_and_handle()
                return
        buffer.insert_text("\n" + _indent_for(buffer.document.current_line))

    @bindings.add("escape", "enter")
    def _(event):
        event.current_buffer.validate_and_handle()

    return bindings


def _indent_for(line: str) -> str:
    indent = line[:len(line) - len(line.lstrip())]
    return indent + "    " if line.rstrip().endswith(":") else indent


def toolbar_text(shell) -> str:
    """`session: sess (Session#1) | graph: Graph#1, 12 ops | last: step 3 run ran 4 ops`"""
    if shell is None:
        return "loading tf ...  [Tab complete, :help, Ctrl-D quit]"
    session, graph = shell.default_session(), shell.default_graph()
    parts = [f"session: {shell.naming.session_long(session)}" if session is not None
             else "session: none (:enter SESSION)",
             f"graph: {shell.naming.graph(graph)}, {graph.version} ops"]
    if shell.steps:
        last = shell.steps[-1]
        state = "failed" if last.error is not None else f"ran {len(last.executed_ops)} ops"
        parts.append(f"last: step {last.number} {last.origin} {state}")
    return " | ".join(parts) + "  [Tab complete, :help, Ctrl-D quit]"


class Progress:
    """Shows elapsed time and steps so far while a long input runs (on stderr)."""

    def __init__(self, shell, stream):
        self.shell, self.stream = shell, stream
        self._done = threading.Event()
        self._shown = False

    def __enter__(self):
        self._steps_before = len(self.shell.steps)
        self._start = time.monotonic()
        self._thread = threading.Thread(target=self._tick, daemon=True)
        self._thread.start()
        return self

    def _tick(self):
        while not self._done.wait(0.25):
            elapsed = time.monotonic() - self._start
            if elapsed >= PROGRESS_AFTER_SECONDS:
                steps = len(self.shell.steps) - self._steps_before
                self.stream.write(f"\r\x1b[2K  running... {elapsed:.1f}s, {steps} steps so far")
                self.stream.flush()
                self._shown = True

    def __exit__(self, *exc_info):
        self._done.set()
        self._thread.join()
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
        return False


_terminal = sys.stdout  # entries go here even while user code has stdout redirected


def run_repl(timings: bool = True, seed=None) -> int:
    global _terminal
    _terminal = sys.stdout
    lazy = LazyShell(timings, seed)
    color = "NO_COLOR" not in os.environ
    session = _prompt_session(lazy)
    print("graphshell: TF1 graphs on numpy. tf and np are imported; :help lists commands.")
    try:
        return _loop(lazy, session, color)
    finally:
        if lazy.ready is not None:
            lazy.ready.close()


def _prompt_session(lazy: LazyShell) -> PromptSession:
    path = history_path()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        history = ThreadedHistory(FileHistory(path))
    except OSError:
        history = InMemoryHistory()
    python_lexer = PygmentsLexer(Python3Lexer)
    command_lexer = SimpleLexer("class:pygments.keyword")

    def pick_lexer():
        text = session.default_buffer.text
        return command_lexer if text.lstrip().startswith(":") else python_lexer

    session = PromptSession(
        history=history, auto_suggest=AutoSuggestFromHistory(), completer=ShellCompleter(lazy),
        complete_while_typing=False, lexer=DynamicLexer(pick_lexer), multiline=True,
        key_bindings=_key_bindings(), bottom_toolbar=lambda: toolbar_text(lazy.ready),
        prompt_continuation=lambda width, line, wrap: "... ".rjust(width),
        enable_history_search=False, include_default_pygments_style=True)
    return session


class InterruptOnlyWhileRunning:
    """SIGINT interrupts a running input; between inputs (printing, starting the prompt) it is
    ignored, and at the prompt Ctrl-C is a key that clears the line."""

    def __init__(self):
        self.running = False

    def __enter__(self):
        self._saved = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc_info):
        signal.signal(signal.SIGINT, self._saved)
        return False

    def _handle(self, signum, frame):
        if self.running:
            raise KeyboardInterrupt

    def run(self, function, *args):
        self.running = True
        try:
            return function(*args)
        finally:
            self.running = False


def _loop(lazy: LazyShell, session: PromptSession, color: bool) -> int:
    with InterruptOnlyWhileRunning() as interrupts:
        return _prompt_loop(lazy, session, color, interrupts)


def _prompt_loop(lazy, session, color, interrupts) -> int:
    shell = None
    while True:
        try:
            text = session.prompt(ANSI("\x1b[1;34m>>> \x1b[0m") if color else ">>> ",
                                  pre_run=lazy.start if shell is None else None)
            if shell is None:
                shell = _ready_shell(lazy, color)
            with Progress(shell, sys.stderr):
                result = interrupts.run(shell.execute, text)
            if result.open_tui:
                _open_tui(shell, color)
            if result.quit:
                return 0
        except (KeyboardInterrupt, asyncio.CancelledError):
            # At the prompt Ctrl-C clears the line; anywhere else (even while prompt_toolkit is
            # starting, where it surfaces as a cancelled task) it must not end the REPL.
            continue
        except EOFError:
            return 0


def _ready_shell(lazy: LazyShell, color: bool):
    shell = lazy.get()
    shell.width = os.get_terminal_size().columns if sys.stdout.isatty() else 100
    shell.on_entry = lambda entry: _print_entry(entry, color)
    return shell


def _open_tui(shell, color: bool) -> None:
    try:
        from .tui.app import run_tui_on
        run_tui_on(shell)
    except Exception as error:
        _terminal.write(f"the explorer failed: {type(error).__name__}: {error}\n")
    finally:
        shell.on_entry = lambda entry: _print_entry(entry, color)


def _print_entry(entry, color: bool) -> None:
    text = to_ansi(entry.body) if color else entry.body.plain
    _terminal.write(text + "\n")
    _terminal.flush()
