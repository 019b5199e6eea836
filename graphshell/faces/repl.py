"""The interactive REPL: one prompt_toolkit PromptSession over the shell core.

History is kept in a file across runs; Tab completes commands, names, attributes and op names;
Enter runs the input once it is complete (blocks and brackets continue on the next line); a
pasted block of several inputs runs input by input, as a script would; the bottom toolbar
shows the default session and graph and the last step. Ctrl-C cancels the line or interrupts
the running input, and never ends the REPL; Ctrl-D quits.

Only the standard library is imported at the top: `run_repl` guards Ctrl-C before importing
prompt_toolkit (most of the start-up time), so a Ctrl-C while the REPL starts is ignored.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..shell import engine_choice
from ..shell.styled import Styled, to_ansi
from .paste import block_inputs

if TYPE_CHECKING:
    from ..shell.core import Shell

PROGRESS_AFTER_SECONDS = 1.0
BANNER = "graphshell: TF1 graphs on numpy. tf and np are imported; :help lists commands."
TENSORFLOW_BANNER = ("graphshell: TF1 graphs on real TensorFlow (tf.compat.v1). tf and np are "
                     "imported; :help lists commands.")


class LazyShell:
    """Builds the Shell (numpy and the engine) in a thread, so the prompt shows at once;
    `on_ready` is called (in that thread) once it is built, e.g. to redraw the toolbar."""

    def __init__(self, timings: bool, seed, on_ready: Callable[[], None] | None = None):
        self._timings, self._seed = timings, seed
        self.on_ready = on_ready
        self._ready = threading.Event()
        self._shell: Shell | None = None
        self._error: BaseException | None = None
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
        if self.on_ready is not None:
            self.on_ready()

    def get(self):
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self._shell

    @property
    def ready(self):
        return self._shell if self._ready.is_set() else None


class Screen:
    """The terminal the REPL writes to: entries and notes on stdout, the progress line on
    stderr. One lock keeps them from writing over each other: every entry clears the progress
    line first, and the progress line stays hidden while the running input reads stdin."""

    def __init__(self, color: bool):
        self.out, self.err = sys.stdout, sys.stderr  # kept: user code may redirect sys.stdout
        self.color = color
        self._lock = threading.Lock()
        self._progress_shown = False
        self._readers = 0

    def entry(self, entry) -> None:
        self.styled(entry.body)

    def note(self, text: str) -> None:
        self.styled(Styled.plain_text(text, "note"))

    def styled(self, body: Styled) -> None:
        self.write(to_ansi(body) if self.color else body.plain)

    def write(self, text: str) -> None:
        with self._lock:
            self._clear_progress()
            self.out.write(text + "\n")
            self.out.flush()

    def show_progress(self, text: str) -> None:
        with self._lock:
            if self._readers:
                return
            self.err.write(f"\r\x1b[2K{text}")
            self.err.flush()
            self._progress_shown = True

    def clear_progress(self) -> None:
        with self._lock:
            self._clear_progress()

    def _clear_progress(self) -> None:
        if self._progress_shown:
            self.err.write("\r\x1b[2K")
            self.err.flush()
            self._progress_shown = False

    @contextlib.contextmanager
    def reading(self):
        """While the running input reads the terminal (input()), no progress line."""
        with self._lock:
            self._clear_progress()
            self._readers += 1
        try:
            yield
        finally:
            with self._lock:
                self._readers -= 1


class _TerminalReader:
    """sys.stdin while an input runs: each read hides the progress line until it returns."""

    def __init__(self, stream, screen: Screen):
        self._stream, self._screen = stream, screen

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def read(self, *args):
        with self._screen.reading():
            return self._stream.read(*args)

    def readline(self, *args):
        with self._screen.reading():
            return self._stream.readline(*args)

    def readlines(self, *args):
        with self._screen.reading():
            return self._stream.readlines(*args)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class Progress:
    """Shows elapsed time and steps so far while a long input runs."""

    def __init__(self, shell, screen: Screen):
        self.shell, self.screen = shell, screen
        self._done = threading.Event()

    def __enter__(self):
        self._steps_before = len(self.shell.steps)
        self._start = time.monotonic()
        self._stdin, self._input = sys.stdin, builtins.input
        sys.stdin = _TerminalReader(self._stdin, self.screen)
        builtins.input = self._input_without_progress
        self._thread = threading.Thread(target=self._tick, daemon=True)
        self._thread.start()
        return self

    def _tick(self):
        while not self._done.wait(0.25):
            elapsed = time.monotonic() - self._start
            if elapsed >= PROGRESS_AFTER_SECONDS:
                steps = len(self.shell.steps) - self._steps_before
                self.screen.show_progress(f"  running... {elapsed:.1f}s, {steps} steps so far")

    def _input_without_progress(self, prompt=""):
        """input() with the progress line hidden from before its prompt is written until the
        line is read: hiding it only while stdin is read left a moment, between the prompt
        and the read, in which a tick could draw over the line the user types on."""
        with self.screen.reading():
            return self._input(prompt)

    def __exit__(self, *exc_info):
        self._done.set()
        self._thread.join()
        sys.stdin, builtins.input = self._stdin, self._input
        self.screen.clear_progress()
        return False


class InterruptOnlyWhileRunning:
    """SIGINT interrupts a running input; between inputs (printing, starting the REPL or the
    prompt) it is ignored, and at the prompt Ctrl-C is a key that clears the line."""

    def __init__(self):
        self.running = False
        self.missed = False  # a Ctrl-C came between two inputs of a pasted block

    def __enter__(self):
        self._saved = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc_info):
        signal.signal(signal.SIGINT, self._saved)
        return False

    def _handle(self, signum, frame):
        if self.running:
            raise KeyboardInterrupt
        self.missed = True

    def run(self, function, *args):
        self.running = True
        try:
            return function(*args)
        finally:
            self.running = False


def run_repl(timings: bool = True, seed=None) -> int:
    with InterruptOnlyWhileRunning() as interrupts:  # first of all: Ctrl-C must not end it
        print(TENSORFLOW_BANNER if engine_choice.chosen_name() == "tensorflow" else BANNER,
              flush=True)
        from .repl_prompt import prompt_session
        screen = Screen(color=not os.environ.get("NO_COLOR"))  # no-color.org: set, non-empty
        lazy = LazyShell(timings, seed)
        session = prompt_session(lambda: lazy.ready)
        _show_history_notes(session, screen)
        lazy.on_ready = session.app.invalidate  # the toolbar says "loading" until redrawn
        try:
            return _prompt_loop(lazy, session, screen, interrupts)
        finally:
            if lazy.ready is not None:
                lazy.ready.close()


def _prompt_loop(lazy: LazyShell, session, screen: Screen, interrupts) -> int:
    from .repl_prompt import prompt_message
    shell = None
    while True:
        try:
            text = session.prompt(prompt_message(screen.color),
                                  pre_run=lazy.start if shell is None else None)
            _show_history_notes(session, screen)
            if shell is None:
                shell = _ready_shell(lazy, screen)
            exit_status = _run_accepted(shell, text, screen, interrupts)
            if exit_status is not None:
                return exit_status
        except (KeyboardInterrupt, asyncio.CancelledError):
            # At the prompt Ctrl-C clears the line; anywhere else (even while prompt_toolkit is
            # starting, where it surfaces as a cancelled task) it must not end the REPL.
            continue
        except EOFError:
            return 0


def _run_accepted(shell, text: str, screen: Screen, interrupts) -> int | None:
    """Runs what Enter accepted. A pasted block runs input by input, as a script would, and
    stops at the first error: later inputs usually build on earlier ones, and each input is
    recorded on its own (for :history and :save). The REPL's exit status when it should end
    (sys.exit(n)'s, as Python's REPL), else None."""
    inputs: list[tuple[int | None, str]] = list(block_inputs(text))
    if len(inputs) < 2:
        inputs = [(None, text)]  # one input runs as typed (blank lines and comments too)
    interrupts.missed = False
    for index, (line, source) in enumerate(inputs):
        with Progress(shell, screen):
            result = interrupts.run(shell.execute, source, line)
        if result.open_tui:
            _open_tui(shell, screen)
        if result.quit:
            return 0 if result.exit_status is None else result.exit_status
        left = len(inputs) - index - 1
        if left and (result.error is not None or interrupts.missed):
            screen.note(f"the pasted block stopped at line {line}: {_inputs(left)} after it "
                        "did not run (Up recalls the block)")
            break
    return None


def _show_history_notes(session, screen: Screen) -> None:
    from .repl_prompt import history_notes
    for note in history_notes(session):
        screen.note(note)


def _inputs(count: int) -> str:
    return f"{count} input" + ("" if count == 1 else "s")


def _ready_shell(lazy: LazyShell, screen: Screen):
    shell = lazy.get()
    shell.width = os.get_terminal_size().columns if screen.out.isatty() else 100
    shell.on_entry = screen.entry
    return shell


def _open_tui(shell, screen: Screen) -> None:
    try:
        from .tui.app import run_tui_on
        run_tui_on(shell)
    except Exception as error:
        screen.write(f"the explorer failed: {type(error).__name__}: {error}")
    finally:
        shell.on_entry = screen.entry
