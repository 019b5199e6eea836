"""The shell core: one namespace, the step history and the commands, behind `execute(text)`.

Faces (REPL, script runner, TUI) call `execute(text) -> Result` and `complete(text, cursor)`,
and may set `on_entry` to receive entries live as they are produced. The core never writes to
a terminal itself.
"""

from __future__ import annotations

import collections
import threading
import traceback
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from . import commands, engine_choice, marks, python_exec
from .history import RecordedInput, is_recorded
from .keep import DEFAULT_KEEP_BYTES, DEFAULT_KEEP_STEPS, Budget, KeptValues
from .naming import Naming
from .report import count_of, step_line, value_text
from .results import Entry, ErrorInfo, Result
from .splitter import is_complete_input
from .styled import Styled

_ARGUMENT_CONSTANTS = {"nan": float("nan"), "inf": float("inf")}


class Shell:
    """A graphshell session: Python with `tf` and `np` bound, plus `:commands`."""

    def __init__(self, timings: bool = False, max_step_reports: int = 10, width: int = 100,
                 seed: int | None = None, keep_bytes: int | None = None,
                 keep_steps: int | None = None, engine: str | None = None):
        """`seed` makes random ops without a seed reproducible (scripts pass 0); None gives
        them fresh OS entropy, as in TF. Step values (feeds, fetches, intermediates) are kept
        up to `keep_bytes` for the last `keep_steps` steps (None: $GRAPHSHELL_KEEP_BYTES and
        $GRAPHSHELL_KEEP_STEPS, else 256 MiB and 100 steps; `:keep` changes them). `engine`
        names the engine (numpy, tensorflow; None: --engine, else $GRAPHSHELL_ENGINE, else
        numpy); EngineUnavailable if it cannot run here."""
        self.engine = engine_choice.load_engine(engine)
        self._seed = seed
        self.timings = timings
        self.width = width
        self.max_step_reports = max_step_reports
        self.steps = []  # in step-number order, whichever thread ran them
        self._steps_lock = threading.Lock()
        self.on_entry = None
        self.entered_contexts = []
        self.last_traceback = None       # the last error's full Python traceback (:tb --all)
        self.last_user_traceback = None  # the same with only the user's frames (:tb)
        self.inputs: list[RecordedInput] = []  # what :history lists and :save writes
        self.tb_hints = True   # point to :tb when it has more to show (scripts turn this off)
        self.echo_loads = True  # :load shows each input above its output unless --quiet
        self._expected = None  # the error class the running input is marked with
        self._show_values = True
        self._inputs_run = 0
        self._traceback_says_more = False  # the error being reported came from a deeper call
        self.namespace = self._fresh_namespace()
        self.naming = Naming(self.namespace, self.engine)
        self._result = None
        self._reports_shown = 0
        self._reports_hidden = []
        self._last_results = None
        self.kept = KeptValues(_budget(keep_bytes, keep_steps))
        # The shell's own defaults, numbering and settings: no other shell sees or changes them.
        self.state = self.engine.new_state(seed, self._on_step)
        with self.activated():
            self.engine.default_graph()  # made now, so it is Graph#1 whatever comes first

    def _fresh_namespace(self):
        return {"tf": self.engine.tf, "np": np, "__name__": "__main__",
                "__builtins__": python_exec.shell_builtins(self.engine.import_tensorflow)}

    def close(self) -> None:
        """Detaches the shell from its context: steps run later are no longer recorded."""
        self.state.close()

    def switch_engine(self, name: str) -> None:
        """Runs the shell on engine `name` from now on: a fresh namespace, defaults and step
        history on it (EngineUnavailable if it cannot run here)."""
        engine = engine_choice.load_engine(name)
        self.reset()
        self.state.close()
        self.engine, self.state = engine, engine.new_state(self._seed, self._on_step)
        self.naming.engine = engine
        with self.activated():
            engine.default_graph()
        self.namespace.clear()
        self.namespace.update(self._fresh_namespace())

    # -- entry points for faces ---------------------------------------------------------------
    def activated(self) -> AbstractContextManager[Any]:
        """A context manager in which this thread runs in the shell's engine state: its default
        session and graph stacks, its numbering of graphs, sessions and steps, its settings."""
        return self.state.installed()

    def default_graph(self) -> Any:
        """The graph the shell's next op goes into (read in the shell's context, so any thread
        may ask)."""
        with self.activated():
            return self.engine.default_graph()

    def default_session(self) -> Any:
        """The session the shell's `t.eval()` would use, or None."""
        with self.activated():
            return self.engine.default_session()

    def execute(self, text: str, line: int | None = None, filename: str = "<input>",
                show_values: bool = True) -> Result:
        """Runs one input: a `:command` line or a Python statement (possibly multi-line).

        An input ending in `# error: ClassName` is expected to fail so: its error is reported
        (marked `expected`) and is not the result's error; if it does not fail, that is.
        `show_values=False` runs it as a line of a .py file: no value is displayed.
        """
        with self.activated():
            return self._execute(text, line, filename, show_values)

    def _execute(self, text: str, line, filename, show_values) -> Result:
        result = self._result = Result()
        self._reports_shown, self._reports_hidden = 0, []
        try:
            self._run_input(text, line, filename, show_values)
        except KeyboardInterrupt as interrupt:
            self._fail(ErrorInfo("KeyboardInterrupt", "interrupted; the shell, its graphs and "
                                 "sessions are intact", line, interrupt))
        except RecursionError as error:
            self._fail(ErrorInfo("RecursionError", "input is nested too deeply to run", line,
                                 error))
        finally:
            self._note_hidden_steps()
            self._result = None
        if is_recorded(text):
            self.inputs.append(RecordedInput.of(text, result))
        return result

    def execute_nested(self, text: str, line: int, filename: str,
                       show_values: bool = True) -> Result:
        """Runs one input of a loaded script inside the current input (for :load)."""
        outer = self._result
        inner = Result()
        self._result = inner
        try:
            self._run_input(text, line, filename, show_values)
        finally:
            self._result = outer
            outer.entries.extend(inner.entries)
        if inner.quit:
            outer.quit = True
            outer.exit_status = inner.exit_status
        return inner

    def _run_input(self, text: str, line, filename: str, show_values: bool) -> None:
        source, expected = marks.split_mark(text)
        saved = self._expected, self._show_values
        self._expected, self._show_values = expected, show_values
        try:
            if source.lstrip().startswith(":"):
                self._run_command(source.strip(), line)
            elif not python_exec.is_blank_or_comment(source):
                self._run_python(source, line or 1, filename)
            self._expected = None
            result = self._result
            if expected is not None and result.expected_error is None and result.error is None:
                self._fail(ErrorInfo("", f"expected {expected} (marked on this input), but it "
                                         "ran without error", line))
        finally:
            self._expected, self._show_values = saved

    def request_quit(self) -> None:
        self._result.quit = True

    def request_tui(self) -> None:
        self._result.open_tui = True

    def is_complete(self, text: str) -> bool:
        """Whether the input can run as is (False while a block or bracket is still open)."""
        return is_complete_input(text)

    def complete(self, text: str, cursor: int = None):
        from .completion import complete
        with self.activated():
            return complete(self, text, len(text) if cursor is None else cursor)

    # -- producing entries --------------------------------------------------------------------
    def emit(self, kind: str, body, data=None) -> None:
        if isinstance(body, str):
            body = Styled.plain_text(body, _DEFAULT_STYLE.get(kind, ""))
        entry = Entry(kind, body, data)
        if self._result is not None:
            self._result.entries.append(entry)
        if self.on_entry is not None:
            self.on_entry(entry)

    def report(self, info: ErrorInfo) -> None:
        """Reports an error found outside Python and commands (a script's syntax checked before
        it runs) as the shell reports its own."""
        self._fail(info)

    def _fail(self, info: ErrorInfo) -> None:
        result, expected = self._result, self._expected
        if expected is not None and result is not None and result.expected_error is None \
                and marks.matches(info.exception, info.type_name, expected):
            info.expected = True
            result.expected_error = info
        else:
            if expected is not None:
                info.message += f" (this input is marked to fail with {expected})"
            if result is not None and result.error is None:
                result.error = info
        body = Styled.plain_text(info.one_line(), "error")
        if info.detail:
            body.add("\n" + info.detail, "error.where")
        if self.tb_hints and self._traceback_says_more:
            body.add("  (:tb shows where)", "dim")
        self._traceback_says_more = False
        self.emit("error", body, info)

    # -- Python --------------------------------------------------------------------------------
    def _run_python(self, source: str, line: int, filename: str) -> None:
        if python_exec.mentions_tensorflow_import(source):
            self.emit("note", self.engine.import_note)
        typed = filename == "<input>"
        if typed:  # each typed input is its own "file", so tracebacks show the right source
            self._inputs_run += 1
            filename = f"<input {self._inputs_run}>"
        python_exec.remember_source(filename, line, source)
        mode = "single" if self._show_values else "exec"
        try:
            note = lambda text: self.emit("note", text)  # noqa: E731
            code = python_exec.compile_input(source, filename, line, note, mode)
            with self.engine.tensorflow_modules(needed="import" in source):
                python_exec.run_code(code, self.namespace, self._on_output, self._on_value, note,
                                     self._on_stderr)
        except KeyboardInterrupt:
            raise
        except SystemExit as request:
            self._exit(request)
        except BaseException as error:
            self._remember_error(error, filename)
            info = python_exec.error_info(error, filename, commands=self._show_values)
            if info.line is None:  # it failed before any of its lines ran (compiling it)
                info.line = _line_of_failure(source, line)
            if typed and "\n" not in source.strip():
                info.line = None  # "line 1" says nothing about a one-line input
            self._fail(info)

    def _exit(self, request: SystemExit) -> None:
        try:
            status, message = python_exec.exit_status(request)
        except Exception as error:  # the exit message's str() failed; Python still exits 1
            why = f"{type(error).__name__}: {python_exec.one_line_message(error)}"
            status, message = 1, f"the object given to sys.exit() cannot be printed ({why})"
        self._result.quit = True
        self._result.exit_status = status
        if message:
            self.emit("error", message)

    def _remember_error(self, error: BaseException, filename: str | None = None) -> None:
        """Keeps the error's tracebacks as text (not the frames, which would keep every local
        variable of the failed input alive)."""
        self.last_traceback = "".join(traceback.format_exception(error)).rstrip("\n")
        self.last_user_traceback = python_exec.user_traceback(error)
        self._traceback_says_more = filename is not None and \
            python_exec.has_deeper_frames(error, filename)

    def _on_output(self, text: str) -> None:
        self.emit("output", text)

    def _on_stderr(self, text: str) -> None:
        self.emit("stderr", text)  # scripts send it to stderr; the REPL shows it in place

    def _on_value(self, value) -> None:
        if not self._show_values or value is self._last_results:
            return  # the step report already showed it
        self.emit("value", value_text(value), value)
        self._keep_only_newest_value()

    def _keep_only_newest_value(self) -> None:
        """A loop of bare expressions shows every value, as Python's REPL does, but the input
        keeps only the newest object (as `_` does): keeping them all held every array a loop
        of `sess.run(...)` made until the input ended (4 GB for 100 runs of 40 MB)."""
        result = self._result
        if result is None or not result.entries:
            return
        if result.newest_value is not None:
            result.newest_value.data = None
        result.newest_value = result.entries[-1]

    # -- commands ---------------------------------------------------------------------------------
    def _run_command(self, text: str, line) -> None:
        name, args = commands.split_command(text)
        try:
            commands.find(name).function(self, args)
        except commands.CommandError as error:
            self._fail(ErrorInfo("CommandError", str(error), line, error))
        except KeyboardInterrupt:
            raise
        except SystemExit as request:  # exit() inside an argument means what it means in Python
            self._exit(request)
        except BaseException as error:  # GeneratorExit or a BaseException the user made
            self._remember_error(error)
            self._fail(ErrorInfo(type(error).__name__, python_exec.one_line_message(error), line,
                                 error))

    def evaluate(self, expression: str):
        """Evaluates a Python expression for a command, in the shell namespace."""
        try:
            code = python_exec.compile_quietly(expression, "<argument>", "eval",
                                               lambda text: self.emit("note", text))
        except SyntaxError as error:
            raise commands.CommandError(f"not a Python expression: {expression!r} "
                                        f"({error.msg})") from None
        # `nan` and `inf` read naturally in feeds (--feed x=[nan, 1]); the user's names win
        names = collections.ChainMap(self.namespace, _ARGUMENT_CONSTANTS)
        return eval(code, self.namespace, names)

    # -- steps -------------------------------------------------------------------------------------
    def _on_step(self, step) -> None:
        self._record_in_number_order(step)
        try:
            self._report_step(step)
        finally:  # its results are shown: now only the budget decides what it keeps
            self._keep_values_of(step)

    def _keep_values_of(self, step) -> None:
        if step.error is not None and self.engine.is_out_of_memory(step.error):
            # whatever was kept must not make the user's next try fail too
            self.kept.drop_all(f"dropped to free memory when step {step.number} ran out of it")
            step.release_values(f"step {step.number} ran out of memory")
        else:
            self.kept.add(step)

    def _report_step(self, step) -> None:
        if self._result is None:
            return
        if self._reports_shown >= self.max_step_reports:
            self._reports_hidden.append(step.number)
            return
        self._reports_shown += 1
        line = step_line(step, self.naming.session(step.session), self.timings, self.width)
        self.emit("step", line, step)
        if step.error is None and not _only_ops(step) and self._show_values:
            self._last_results = step.results
            self.emit("value", value_text(step.results), step.results)

    def _record_in_number_order(self, step) -> None:
        """Steps run from several threads can finish out of number order; the history stays
        in number order (usually an append: the loop only walks back past later steps)."""
        with self._steps_lock:
            index = len(self.steps)
            while index and self.steps[index - 1].number > step.number:
                index -= 1
            self.steps.insert(index, step)

    def _note_hidden_steps(self) -> None:
        hidden = self._reports_hidden
        if hidden:
            self.emit("note", f"... {count_of(len(hidden), 'more step')} not shown "
                              f"(steps {hidden[0]}-{hidden[-1]}); :steps lists them")
            self._reports_hidden = []

    def step_by_number(self, number: int):
        for step in self.steps:
            if step.number == number:
                return step
        known = f"steps {self.steps[0].number}-{self.steps[-1].number}" if self.steps else \
            "no steps yet"
        raise commands.CommandError(f"no step {number} in this shell ({known})")

    def reset(self) -> None:
        """A fresh namespace, default graph and step history; open sessions are closed."""
        with self.activated():  # an InteractiveSession leaves the stack it was pushed onto
            self._leave_entered_sessions()
            for session in self.naming.sessions_in_namespace():
                if not self.engine.session_closed(session):
                    session.close()
            self.state.restart()
            self.engine.default_graph()  # numbered now, as at the shell's start
        self.namespace.clear()
        self.namespace.update(self._fresh_namespace())
        self.steps.clear()
        self.kept.clear()

    def _leave_entered_sessions(self) -> None:
        """Leaves what :enter pushed, top first, while the shell's stacks are current (TF's
        default-session blocks would otherwise leave whichever stack is current when the
        collector finds them)."""
        while self.entered_contexts:
            _, context = self.entered_contexts.pop()
            try:
                context.__exit__(None, None, None)
            except AssertionError:  # pushed over by a block left open: the restart clears it
                pass


def _budget(keep_bytes: int | None, keep_steps: int | None) -> Budget:
    """The budget given, else the environment's; a malformed variable gives the defaults (the
    command line reports it before a shell is made)."""
    try:
        return Budget.from_environment(keep_bytes, keep_steps)
    except ValueError:
        return Budget(DEFAULT_KEEP_BYTES if keep_bytes is None else keep_bytes,
                      DEFAULT_KEEP_STEPS if keep_steps is None else keep_steps)


def _line_of_failure(source: str, first_line: int) -> int:
    """The line an input failed on before running: a NUL byte's, else the input's first."""
    nul = source.find("\0")
    return first_line + (source.count("\n", 0, nul) if nul >= 0 else 0)


def _only_ops(step) -> bool:
    return not step.fetched_tensors


_DEFAULT_STYLE = {"error": "error", "note": "note"}
