"""The `:command` table and every command; importing this package registers them all."""

from . import engine, graph, inspect, run, session, stack, tensorboard, why
from .table import COMMANDS, Command, CommandError, command, find, split_command

__all__ = ["COMMANDS", "Command", "CommandError", "command", "find", "split_command"]
