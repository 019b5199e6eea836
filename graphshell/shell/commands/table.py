"""The `:command` table: each command is a function whose docstring is its `:help` text."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass


class CommandError(Exception):
    """A command was used wrongly; the message says how to use it right."""


@dataclass
class Command:
    name: str
    usage: str
    summary: str
    help: str
    function: Callable
    # what its arguments complete to: python, value (python or op names), session, op, scope, file
    completes: str = "python"


COMMANDS: dict[str, Command] = {}


def command(name: str, usage: str, completes: str = "python"):
    """Registers `function(shell, args)` as `:name`; the docstring's first line is the summary."""
    def register(function):
        doc = (function.__doc__ or "").strip()
        summary = doc.splitlines()[0] if doc else ""
        COMMANDS[name] = Command(name, usage, summary, doc, function, completes)
        return function
    return register


def find(name: str) -> Command:
    """The command called `name`, or a CommandError suggesting the nearest one."""
    found = COMMANDS.get(name)
    if found is not None:
        return found
    nearest = difflib.get_close_matches(name, COMMANDS, n=1, cutoff=0.5)
    hint = f"; did you mean :{nearest[0]}?" if nearest else "; :help lists the commands"
    raise CommandError(f"unknown command :{name}{hint}")


def split_command(text: str):
    """':run a b' -> ('run', 'a b')."""
    body = text.strip()[1:]
    name, _, args = body.partition(" ")
    return name.strip(), args.strip()
