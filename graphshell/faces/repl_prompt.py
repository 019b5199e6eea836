"""The REPL's prompt_toolkit side: the prompt session, its keys, completion and toolbar.

Imported by `repl.run_repl` only once Ctrl-C is guarded, since importing prompt_toolkit is
most of the REPL's start-up time.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from prompt_toolkit import PromptSession
from prompt_toolkit.application.current import get_app
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import Completer
from prompt_toolkit.completion import Completion as PromptCompletion
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import ANSI
from prompt_toolkit.history import History, InMemoryHistory, ThreadedHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.lexers import DynamicLexer, PygmentsLexer, SimpleLexer
from pygments.lexers.python import Python3Lexer

from .history_file import HistoryFileError, PrivateFileHistory, usable_path
from .paste import RUN, AutoIndent, on_enter

KEYS_HINT = "[Tab complete, :help, Ctrl-D quit]"


def history_path() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                             "share")
    return os.environ.get("GRAPHSHELL_HISTORY") or os.path.join(base, "graphshell", "history")


class ShellCompleter(Completer):
    """prompt_toolkit completions from the shell core (none until it has loaded)."""

    def __init__(self, get_shell: Callable):
        self.get_shell = get_shell

    def get_completions(self, document, complete_event):
        shell = self.get_shell()
        if shell is None:
            return
        for found in shell.complete(document.text, document.cursor_position):
            yield PromptCompletion(found.text, start_position=found.start,
                                   display_meta=found.meta)


def toolbar_text(shell) -> str:
    """`session: sess (Session#1) | graph: Graph#1, 12 ops | last: step 3 run ran 4 ops`"""
    if shell is None:
        return f"loading tf ...  {KEYS_HINT}"
    session, graph = shell.default_session(), shell.default_graph()
    parts = [f"session: {shell.naming.session_long(session)}" if session is not None
             else "session: none (:enter SESSION)",
             f"graph: {shell.naming.graph(graph)}, {graph.version} ops"]
    if shell.steps:
        last = shell.steps[-1]
        state = "failed" if last.error is not None else f"ran {len(last.executed_ops)} ops"
        parts.append(f"last: step {last.number} {last.origin} {state}")
    return " | ".join(parts) + f"  {KEYS_HINT}"


def _keys_waiting(event) -> bool:
    """Whether more keys arrived in the same read as this one: a paste (or typeahead)."""
    return _waiting(event.app.key_processor)


def _waiting(processor) -> bool:
    return any(key.key != Keys.CPRResponse for key in processor.input_queue)


def _key_bindings(auto_indent: AutoIndent) -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _(event):
        """Run the input once complete; an empty line ends an indented block; a pasted Enter
        only starts a new line."""
        buffer = event.current_buffer
        auto_indent.forget()
        action = on_enter(buffer.text, buffer.document.current_line, _keys_waiting(event))
        if action.kind == RUN:
            buffer.text = action.text
            buffer.validate_and_handle()
            return
        buffer.insert_text("\n" + action.text)
        if action.text:
            auto_indent.inserted(buffer.text, buffer.cursor_position)

    @bindings.add("escape", "enter")
    def _(event):
        event.current_buffer.validate_and_handle()

    @Condition
    def guessed_indent_standing():
        buffer = _current_buffer()
        return bool(auto_indent.pending(buffer.text, buffer.cursor_position))

    @bindings.add(" ", filter=guessed_indent_standing)
    def _(event):
        """Leading spaces typed on a line Enter indented replace that indent."""
        _drop_guessed_indent(event.current_buffer, auto_indent)
        event.current_buffer.insert_text(" ")

    @bindings.add(Keys.BracketedPaste)
    def _(event):
        """Pasted text goes in as is; if it brings its own indentation, that replaces the
        indent Enter guessed."""
        text = event.data.replace("\r\n", "\n").replace("\r", "\n")
        if text[:1].isspace():
            _drop_guessed_indent(event.current_buffer, auto_indent)
        event.current_buffer.insert_text(text)

    @bindings.add("tab", filter=Condition(lambda: _waiting(get_app().key_processor)))
    def _(event):
        """A pasted tab is indentation, not a request to complete."""
        event.current_buffer.insert_text("\t")

    return bindings


def _current_buffer():
    return get_app().current_buffer


def _drop_guessed_indent(buffer, auto_indent: AutoIndent) -> None:
    indent = auto_indent.pending(buffer.text, buffer.cursor_position)
    if indent:
        buffer.delete_before_cursor(len(indent))
    auto_indent.forget()


def _watch_pasted_keys(session: PromptSession, auto_indent: AutoIndent) -> None:
    """The first key of a paste that arrives in a new read replaces the indent Enter guessed:
    the pasted lines carry their own."""
    processor = session.app.key_processor

    def before_key(_sender) -> None:
        if _waiting(processor):
            _drop_guessed_indent(session.default_buffer, auto_indent)

    processor.before_key_press += before_key


def prompt_history() -> History:
    """The history file's entries, loaded in a thread; memory only when the file cannot hold
    history (with a note `history_notes` hands out), or silently for /dev/null."""
    path = history_path()
    if path == os.devnull:
        return InMemoryHistory()
    try:
        return ThreadedHistory(PrivateFileHistory(usable_path(path)))
    except HistoryFileError as error:
        return PrivateFileHistory.turned_off(path, str(error))


def history_notes(session: PromptSession) -> list[str]:
    """What the history file has to say, once: why history stopped being saved."""
    history = session.history
    inner = getattr(history, "history", history)  # ThreadedHistory wraps the file history
    return inner.take_notes() if isinstance(inner, PrivateFileHistory) else []


def prompt_session(get_shell: Callable) -> PromptSession:
    """The REPL's prompt: file history, completion from the shell, Python highlighting,
    multi-line input with the Enter rules of `paste.on_enter`, and the toolbar."""
    history = prompt_history()
    python_lexer = PygmentsLexer(Python3Lexer)
    command_lexer = SimpleLexer("class:pygments.keyword")

    def pick_lexer():
        text = session.default_buffer.text
        return command_lexer if text.lstrip().startswith(":") else python_lexer

    auto_indent = AutoIndent()
    session: PromptSession[str] = PromptSession(
        history=history, auto_suggest=AutoSuggestFromHistory(),
        completer=ShellCompleter(get_shell), complete_while_typing=False,
        lexer=DynamicLexer(pick_lexer), multiline=True, key_bindings=_key_bindings(auto_indent),
        bottom_toolbar=lambda: toolbar_text(get_shell()),
        prompt_continuation=lambda width, line, wrap: "... ".rjust(width),
        enable_history_search=False, include_default_pygments_style=True)
    _watch_pasted_keys(session, auto_indent)
    return session


def prompt_message(color: bool) -> ANSI | str:
    return ANSI("\x1b[1;34m>>> \x1b[0m") if color else ">>> "
