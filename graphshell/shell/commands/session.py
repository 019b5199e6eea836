""":load, :reset, :help, :tb, :tui and :quit."""

from __future__ import annotations

import os

from ..splitter import split_script
from ..styled import Styled
from . import table as commands
from .table import CommandError, command

MAX_SCRIPT_BYTES = 10 * 1024 * 1024


def read_script(path: str) -> str:
    """The text of a script file, or a CommandError saying why it cannot be run."""
    path = os.path.expanduser(path)
    if not os.path.exists(path):
        raise CommandError(f"no such file: {path}")
    if os.path.isdir(path):
        raise CommandError(f"{path} is a directory, not a script")
    if os.path.getsize(path) > MAX_SCRIPT_BYTES:
        raise CommandError(f"{path} is larger than 10 MB; not loading it")
    with open(path, "rb") as handle:
        data = handle.read()
    if b"\x00" in data:
        raise CommandError(f"{path} is a binary file, not a script")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text") from None


@command("load", ":load FILE", completes="file")
def load_command(shell, args):
    """Run a script (.gsh or .py) in this shell, line by line, stopping at its first error."""
    if not args:
        raise CommandError("usage: :load FILE")
    path = args.strip().strip("'\"")
    text = read_script(path)
    for line, source in split_script(text.splitlines()):
        if source.startswith(":load"):
            raise CommandError(f"{path}, line {line}: :load inside a loaded script is not run")
        result = shell.execute_nested(source, line, path)
        if result.error is not None:
            raise CommandError(f"{path} stopped at line {result.error.line or line}")


@command("reset", ":reset")
def reset_command(shell, args):
    """Start over: close sessions, clear the namespace, the default graph and the step history."""
    if args:
        raise CommandError(":reset takes no arguments")
    shell.reset()
    shell.emit("note", "reset: new default graph, empty namespace (tf and np bound), no steps")


@command("help", ":help [COMMAND]")
def help_command(shell, args):
    """List the commands, or show one command's help."""
    name = args.strip().lstrip(":")
    if name:
        found = commands.find(name)
        shell.emit("help", Styled().add(found.usage, "heading").add("\n" + found.help))
        return
    out = Styled().add("Python statements build graphs (tf and np are imported). Commands:",
                       "heading")
    width = max(len(c.usage) for c in commands.COMMANDS.values())
    for found in sorted(commands.COMMANDS.values(), key=lambda c: c.name):
        out.add("\n  ").add(found.usage.ljust(width), "prompt").add("  " + found.summary)
    out.add("\nFeeds: --feed KEY=VALUE (KEY a tensor or a name like x:0). :help CMD for more.",
            "dim")
    shell.emit("help", out)


@command("tb", ":tb")
def traceback_command(shell, args):
    """Show the full Python traceback of the last error."""
    if not shell.last_traceback:
        raise CommandError("no error yet")
    shell.emit("output", shell.last_traceback.rstrip("\n"))


@command("tui", ":tui")
def tui_command(shell, args):
    """Open the full-screen explorer on this shell; quitting it returns here with state kept."""
    shell.request_tui()


@command("quit", ":quit")
def quit_command(shell, args):
    """Leave graphshell (Ctrl-D does the same)."""
    shell.request_quit()
