"""The `:command` table and every command; importing this package registers them all."""

from . import graph, inspect, run, session, stack, why
from .table import COMMANDS, Command, CommandError, command, find, split_command

__all__ = ["COMMANDS", "Command", "CommandError", "command", "find", "split_command"]
