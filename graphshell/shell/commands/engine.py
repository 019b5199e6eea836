""":engine [NAME]: which engine the shell runs on, and switching before a graph is built."""

from __future__ import annotations

from ..engine_choice import NAMES, EngineUnavailable
from ..report import count_of
from .table import CommandError, command


@command("engine", ":engine [numpy|tensorflow]")
def engine_command(shell, args):
    """Show the engine the shell runs on, or switch to another before building anything.

    numpy is graphshell's own engine (the default); tensorflow runs the same shell on real
    TensorFlow (tf.compat.v1, v2 behaviour off), recording each run() from its RunMetadata.
    Switching starts a fresh namespace on the new engine, so it is refused once the default
    graph has ops or a step ran (:reset first). --engine and $GRAPHSHELL_ENGINE choose it at
    start.
    """
    wanted = args.strip().lower()
    if not wanted:
        shell.emit("note", f"engine: {shell.engine.name} (:engine {_other(shell)} switches "
                           "before a graph is built)")
        return
    if wanted not in NAMES:
        raise CommandError(f"unknown engine {args.strip()!r}: choose one of {', '.join(NAMES)}")
    if wanted == shell.engine.name:
        shell.emit("note", f"already on the {wanted} engine")
        return
    built = len(shell.default_graph().get_operations())
    if built or shell.steps:
        what = count_of(built, "op") + " in the default graph" if built else \
            count_of(len(shell.steps), "step")
        raise CommandError(f"cannot switch engines with {what} on {shell.engine.name}: :reset "
                           f"first, then :engine {wanted}")
    try:
        shell.switch_engine(wanted)
    except EngineUnavailable as error:
        raise CommandError(str(error)) from None
    shell.emit("note", f"engine: {wanted}; `tf` is now {_tf_words(wanted)}")


def _other(shell) -> str:
    return next(name for name in NAMES if name != shell.engine.name)


def _tf_words(name: str) -> str:
    return "TensorFlow's tf.compat.v1 (v2 behaviour off)" if name == "tensorflow" else \
        "graphshell's tf (the TF1 graph API on numpy)"
