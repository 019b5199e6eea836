""":load, :keep, :history, :save, :reset, :help, :tb, :tui and :quit."""

from __future__ import annotations

import os

from .. import graph_def_loading, python_exec
from ..history import as_script
from ..keep import Budget, parse_count, parse_size
from ..reading import ReadError, read_text_file
from ..report import count_of, paragraphs, wrap
from ..splitter import script_items
from ..styled import Styled
from . import table as commands
from .table import CommandError, command


def read_script(path: str) -> str:
    """The text of a script file, or a CommandError saying why it cannot be run (missing, a
    directory, binary, or larger than the read limit: see shell/reading.py)."""
    try:
        return read_text_file(os.path.expanduser(path))
    except ReadError as error:
        raise CommandError(str(error)) from None


@command("load", ":load [--echo|--quiet] FILE", completes="file")
def load_command(shell, args):
    """Run a script (.gsh or .py) in this shell, each input shown above its output.

    It stops at the first error, except an error the script marks as expected: a line ending
    in `# error: ClassName` is meant to fail so (a lesson showing a mistake); that error is
    shown and the script goes on. --quiet shows outputs only (the default in scripts, where
    --echo shows inputs too). A .py file runs as Python runs it: no value is displayed, only
    what it prints (and each step's line). A GraphDef file (.pb binary, .pbtxt text) or a
    MetaGraph (.meta, with its collections) is imported into a new default graph instead,
    keeping its node names, even where some of its op types have no kernel here (steps
    needing those fail; :graph, :ops, :why work).
    """
    echo, path = _load_arguments(shell, args)
    if graph_def_loading.is_graph_def_path(path):
        shell.emit("note", graph_def_loading.load_graph_def(shell, path))
        return
    text = read_script(path)
    python_file = path.endswith(".py")
    if python_file and _has_syntax_error(shell, text, path):
        raise CommandError(f"{path} has a syntax error; nothing of it was run")
    for line, source in script_items(text.splitlines()):
        if echo and source:
            shell.emit("input", echo_text(source))
        if not source or source.startswith("#"):
            continue
        if source.startswith(":load"):
            raise CommandError(f"{path}, line {line}: :load inside a loaded script is not run")
        result = shell.execute_nested(source, line, path, show_values=not python_file)
        if result.error is not None:
            raise CommandError(f"{path} stopped at line {result.error.line or line}")
        if result.quit:
            return


def _load_arguments(shell, args: str) -> tuple[bool, str]:
    words = args.split(None, 1)
    echo = shell.echo_loads
    while words and words[0] in ("--echo", "--quiet"):
        echo = words[0] == "--echo"
        words = words[1].split(None, 1) if len(words) > 1 else []
    if not words:
        raise CommandError("usage: :load [--echo|--quiet] FILE")
    return echo, " ".join(words).strip().strip("'\"")


def _has_syntax_error(shell, text: str, path: str) -> bool:
    """Python compiles a whole .py file before running any of it: so does :load."""
    info = python_exec.syntax_error_of(text, path)
    if info is not None:
        shell.report(info)
    return info is not None


def echo_text(source: str) -> Styled:
    """An input as a transcript shows it: `>>> ` before its first line, `... ` before the
    others."""
    out = Styled()
    for index, line in enumerate(source.split("\n")):
        out.add("\n" if index else "").add("... " if index else ">>> ", "prompt").add(line)
    return out


@command("keep", ":keep [SIZE [STEPS]]")
def keep_command(shell, args):
    """Show or set how much of the steps' values the shell keeps for :inspect and the explorer.

    Each step's feeds, fetched values and intermediates are kept up to SIZE bytes in all
    (256M, 1G; 0 keeps none), for the last STEPS steps; the oldest steps' values are dropped
    first, and a single value bigger than SIZE is not kept. Dropped steps stay in :steps with
    what ran. Defaults: 256M and 100 steps, or $GRAPHSHELL_KEEP_BYTES and
    $GRAPHSHELL_KEEP_STEPS, or graphshell --keep-bytes SIZE --keep-steps N.
    """
    words = args.split()
    if len(words) > 2:
        raise CommandError("usage: :keep [SIZE [STEPS]], e.g. :keep 1G or :keep 512M 200")
    if words:
        budget = shell.kept.budget
        try:
            size = parse_size(words[0])
            steps = parse_count(words[1]) if len(words) == 2 else budget.max_steps
        except ValueError as error:
            raise CommandError(str(error)) from None
        shell.kept.set_budget(Budget(size, steps))
    shell.emit("note", shell.kept.status())


@command("history", ":history")
def history_command(shell, args):
    """List this session's inputs as :save would write them (failed ones with their mark)."""
    if args:
        raise CommandError(":history takes no arguments")
    if not shell.inputs:
        shell.emit("note", "no inputs yet")
        return
    out = Styled()
    width = len(str(len(shell.inputs)))
    for number, recorded in enumerate(shell.inputs, 1):
        for index, line in enumerate(recorded.as_script().split("\n")):
            label = str(number).rjust(width) if index == 0 else " " * width
            out.add("\n" if out.fragments else "").add(label, "dim").add("  " + line)
    shell.emit("output", out)


@command("save", ":save [--force] FILE", completes="file")
def save_command(shell, args):
    """Write this session's inputs to FILE as a script that replays it (graphshell FILE).

    Inputs that failed are kept with an expected-error mark (`# error: NameError`), so the
    script replays the session as it happened; interrupted inputs are kept commented out.
    A name without an extension gets .gsh. An existing file is replaced only with --force.
    Random ops without a seed draw new values on replay unless the session had a --seed.
    """
    force, path = _save_arguments(args)
    if not shell.inputs:
        raise CommandError("nothing to save yet: no inputs in this session")
    text = as_script(shell.inputs)
    if path.endswith(".py") and any(r.text.lstrip().startswith(":") for r in shell.inputs):
        raise CommandError("the session has :commands, which Python does not run; save it as "
                           "a .gsh file")
    if os.path.isdir(path):
        raise CommandError(f"{path} is a directory")
    if os.path.exists(path) and not force:
        raise CommandError(f"{path} exists; :save --force {path} replaces it")
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror}") from None
    shell.emit("note", f"saved {count_of(len(shell.inputs), 'input')} to {path}; graphshell {path} "
                       "replays them")


def _save_arguments(args: str) -> tuple[bool, str]:
    words = args.split(None, 1)
    force = bool(words) and words[0] in ("--force", "-f")
    if force:
        words = words[1:]
    if not words:
        raise CommandError("usage: :save [--force] FILE")
    path = os.path.expanduser(" ".join(words).strip().strip("'\""))
    if not os.path.splitext(path)[1]:
        path += ".gsh"
    return force, path


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
        shell.emit("help", wrap(Styled().add(found.usage, "heading")
                                .add("\n" + paragraphs(found.help)), shell.width))
        return
    out = wrap(Styled().add("Python statements build graphs (tf and np are imported). "
                            "Commands:", "heading"), shell.width)
    column = max(len(c.usage) for c in commands.COMMANDS.values())
    side_by_side = column + 4 + MIN_SUMMARY_WIDTH <= shell.width
    for found in sorted(commands.COMMANDS.values(), key=lambda c: c.name):
        if side_by_side:  # the summary beside the usage, its wrapped parts under the summary
            line = Styled().add("  ").add(found.usage.ljust(column), "prompt") \
                .add("  " + found.summary)
            out.add("\n").extend(wrap(line, shell.width, indent=column + 4))
        else:  # too narrow for a column: the summary below the usage
            out.add("\n  ").add(found.usage, "prompt").add("\n")
            out.extend(wrap(Styled().add("      " + found.summary), shell.width, indent=6))
    out.add("\n").extend(wrap(Styled().add("Feeds: --feed KEY=VALUE (KEY a tensor or a name "
                                           "like x:0). :help CMD for more.", "dim"),
                              shell.width))
    shell.emit("help", out)


MIN_SUMMARY_WIDTH = 40  # narrower than this beside the usages, summaries go below them


@command("tb", ":tb [--all]")
def traceback_command(shell, args):
    """Show where the last error happened: your code's frames with their source lines.

    graphshell's own frames are counted, not shown; --all shows the full Python traceback.
    """
    if args.strip() not in ("", "--all"):
        raise CommandError("usage: :tb [--all]")
    if shell.last_traceback is None:
        raise CommandError("no error yet")
    full = args.strip() == "--all"
    shell.emit("output", shell.last_traceback if full else shell.last_user_traceback)


@command("tui", ":tui")
def tui_command(shell, args):
    """Open the full-screen explorer on this shell; quitting it returns here with state kept."""
    shell.request_tui()


@command("quit", ":quit")
def quit_command(shell, args):
    """Leave graphshell (Ctrl-D does the same)."""
    shell.request_quit()
