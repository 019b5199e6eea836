"""Importing this module registers every shell command."""

from . import (  # noqa: F401 - imported for their registrations
    graph_command, inspect_commands, run_commands, session_commands, stack_commands, why,
)
