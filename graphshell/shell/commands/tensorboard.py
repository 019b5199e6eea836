""":tensorboard LOGDIR: the default graph and this shell's steps as an event file for
TensorBoard."""

from __future__ import annotations

import os

from ..report import count_of
from .table import CommandError, command


@command("tensorboard", ":tensorboard LOGDIR", completes="file")
def tensorboard_command(shell, args):
    """Write the default graph and each recorded step for TensorBoard.

    Writes one event file into LOGDIR (made if missing): the default graph (with output
    shapes and its MetaGraph) and, for every step of this shell on that graph, the step's
    RunMetadata tagged step_N (N the step's number), holding the ops it executed with their
    times. In TensorBoard's Graphs tab (tensorboard --logdir LOGDIR) pick a step under "Run"
    to see its compute time and which ops it ran. Needs the tensorboard package.
    """
    logdir = args.strip().strip("'\"")
    if not logdir:
        raise CommandError("usage: :tensorboard LOGDIR")
    logdir = os.path.expanduser(logdir)
    if os.path.exists(logdir) and not os.path.isdir(logdir):
        raise CommandError(f"{logdir} is a file, not a directory: give a log directory")
    graph = shell.engine.default_graph()
    if not graph.get_operations():
        raise CommandError("the default graph is empty: build something first")
    steps = [step for step in shell.steps if step.graph is graph]
    try:
        shell.engine.write_tensorboard(logdir, graph, steps)
    except ImportError as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        raise CommandError(f"cannot write to {logdir}: {error.strerror or error}") from None
    shell.emit("note", _summary(logdir, graph, steps), logdir)


def _summary(logdir: str, graph, steps) -> str:
    ops = count_of(len(graph.get_operations()), "op")
    if steps:
        tags = ", ".join(f"step_{step.number}" for step in steps[:3])
        tags += ", ..." if len(steps) > 3 else ""
        what = f"the graph ({ops}) and the run metadata of {count_of(len(steps), 'step')} " \
               f"({tags})"
    else:
        what = f"the graph ({ops}); no steps ran on it yet"
    return f"wrote {what} to {logdir}; view it with: tensorboard --logdir {logdir}"
