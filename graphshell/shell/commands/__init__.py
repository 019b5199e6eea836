"""The `:command` table and every command; importing this package registers them all."""

from .table import COMMANDS, Command, CommandError, command, find, split_command
from . import graph, inspect, run, session, stack, why  # noqa: E402,F401 - their registrations

__all__ = ["COMMANDS", "Command", "CommandError", "command", "find", "split_command"]
