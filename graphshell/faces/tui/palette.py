"""Command palette providers: the shell's commands, and jumping to any op or scope."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Provider

from ...shell import commands


class ShellCommands(Provider):
    """`:eval`, `:run`... selecting one puts it on the command line."""

    async def discover(self):
        for found in sorted(commands.COMMANDS.values(), key=lambda c: c.name):
            yield DiscoveryHit(found.usage, partial(self.app.prefill_command, found.usage),
                               help=found.summary)

    async def search(self, query: str):
        matcher = self.matcher(query)
        for found in commands.COMMANDS.values():
            score = matcher.match(found.usage)
            if score > 0:
                yield Hit(score, matcher.highlight(found.usage),
                          partial(self.app.prefill_command, found.usage), help=found.summary)


class OpSearch(Provider):
    """Jump to an op of the shell's default graph by (fuzzy) name."""

    async def search(self, query: str):
        matcher = self.matcher(query)
        # the shell's graph, not this UI thread's: inputs run in a worker and :reset replaces it
        for op in self.app.shell.default_graph().get_operations()[:20000]:
            score = matcher.match(op.name)
            if score > 0:
                yield Hit(score, matcher.highlight(op.name), partial(self.app.jump_to_op, op.name),
                          help=op.type)
