"""What Enter does in the REPL, and how a pasted block of several inputs runs.

Kept free of prompt_toolkit so the rules can be read and tested on their own: `repl_prompt.py`
applies them to the editing buffer.

A pasted block runs as a script would: `split_script` (the script runner's splitter) cuts it
into inputs, and each runs through the shell in turn. A paste that arrives without
bracketed-paste mode comes as keys; an Enter with more keys already waiting behind it is part
of such a paste, so it only starts a new line: the pasted text brings its own indentation.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..shell.splitter import is_complete_input, split_script

NEWLINE, RUN = "newline", "run"


def block_inputs(text: str) -> list[tuple[int, str]]:
    """The inputs in an accepted buffer, as (first line, text), in the order a script runs
    them; a single statement or command is one input."""
    return list(split_script(text.split("\n")))


@dataclass(frozen=True)
class EnterAction:
    kind: str          # NEWLINE: insert "\n" + indent; RUN: replace the text with `text`, run it
    text: str = ""     # the indent to insert, or the text to run


def on_enter(text: str, current_line: str, more_keys_waiting: bool) -> EnterAction:
    """What Enter does at the end of `text` (the cursor on `current_line`).

    A pasted Enter starts a plain new line. Otherwise the buffer runs once its last input is
    complete (a statement, a closed block of several inputs), or when an empty line ends an
    open block; else a new line starts, indented for the line above."""
    if more_keys_waiting:
        return EnterAction(NEWLINE)
    if ready_to_run(text, on_blank_line=not current_line.strip()):
        return EnterAction(RUN, without_trailing_blank_lines(text))
    return EnterAction(NEWLINE, indent_after(current_line))


def ready_to_run(text: str, on_blank_line: bool) -> bool:
    """Whether the buffer can run: its last input is complete, or an empty line ends it."""
    inputs = block_inputs(text)
    if not inputs:
        return True  # blank lines and comments: nothing to wait for
    last = inputs[-1][1]
    if is_complete_input(last):
        return True
    return on_blank_line and "\n" in text and is_complete_input(last.rstrip() + "\n")


def without_trailing_blank_lines(text: str) -> str:
    lines = text.split("\n")
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def indent_after(line: str) -> str:
    """The indentation a new line after `line` starts with: the same, one level deeper after
    a colon."""
    indent = line[:len(line) - len(line.lstrip())]
    return indent + "    " if line.rstrip().endswith(":") else indent


@dataclass
class AutoIndent:
    """The indentation Enter inserted, while nothing has been typed after it.

    It is only a guess: typed leading whitespace replaces it (a user typing their own indent,
    or pasted lines that carry theirs), and so does the first key of a paste that arrives in
    a new read (a paste split across reads, where the Enter before it looked typed)."""

    text: str = ""      # the buffer right after the indent was inserted
    cursor: int = -1

    def inserted(self, text: str, cursor: int) -> None:
        self.text, self.cursor = text, cursor

    def pending(self, text: str, cursor: int) -> str:
        """The guessed indent still standing before the cursor ("" if the user changed it)."""
        if text != self.text or cursor != self.cursor:
            return ""
        line_start = text.rfind("\n", 0, cursor) + 1
        indent = text[line_start:cursor]
        return indent if indent and not indent.strip() else ""

    def forget(self) -> None:
        self.text, self.cursor = "", -1
