"""The `graphshell` command: picks the face (REPL, TUI or script runner) from the arguments
and from whether stdin and stdout are terminals."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from . import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

EPILOG = """\
examples:
  graphshell                           the REPL (in a terminal)
  graphshell --echo sample_graphs/eval_vs_run.gsh
                                       a lesson, each input above its output
  graphshell --tui sample_graphs/cond_branch_not_taken.gsh
                                       the explorer, with a lesson loaded
  graphshell -c "s = tf.InteractiveSession(); :eval tf.constant(2.0) * 3"
                                       inputs separated by ';'
  graphshell --echo lesson.gsh > lesson.transcript
  graphshell --check lesson.transcript replay a transcript; report what differs
  graphshell --engine tensorflow --tui model.py
                                       the explorer over real TensorFlow
  graphshell --engine both model.py    the first step where numpy and TensorFlow differ

in scripts, a line ending in `# error: ClassName` is expected to fail with that error: the
error is printed and the script goes on (exit 1 if it does not fail so).

environment:
  NO_COLOR            if set to a non-empty value, no colour anywhere (no-color.org)
  GRAPHSHELL_HISTORY  the REPL's history file (default ~/.local/share/graphshell/history)
  GRAPHSHELL_KEEP_BYTES, GRAPHSHELL_KEEP_STEPS
                      how much of the steps' values the shell keeps for :inspect and the
                      explorer (default 256M for the last 100 steps; :keep changes it)
  GRAPHSHELL_MAX_READ the most a script, transcript or stdin may hold (default 64M)
  GRAPHSHELL_ENGINE   numpy (default) or tensorflow: the engine when --engine is not given

exit status:
  0    every input ran (or failed as marked); --check: every output as expected
  1    an input failed, a marked error did not happen, or --check found a difference
  2    usage error (bad option, missing or unreadable file, --tui without a terminal)
  130  interrupted (Ctrl-C)
  n    the script called sys.exit(n) or exit(n)
"""


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="graphshell",
        description="See how a TF1 dataflow graph executes: a REPL, a TUI explorer and a "
                    "script runner over a numpy re-implementation of tf.compat.v1.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"graphshell {__version__}")
    parser.add_argument("file", nargs="?", help="a script (.gsh or .py) to run")
    parser.add_argument("program_args", nargs=argparse.REMAINDER, metavar="ARG",
                        help="arguments for a .py program (its sys.argv[1:], e.g. its flags)")
    parser.add_argument("-c", dest="code", help="run CODE (inputs separated by ';')")
    parser.add_argument("--tui", action="store_true", help="open the full-screen explorer")
    parser.add_argument("--echo", action="store_true", help="print each input before its output")
    parser.add_argument("--keep-going", action="store_true",
                        help="report every error and continue; exit 1 at the end if any")
    parser.add_argument("--check", nargs="+", metavar="TRANSCRIPT",
                        help="replay transcripts (the --echo format; in a .md file, its ```text "
                             "blocks starting with >>>) and report every output that differs; "
                             "exit 1 on any")
    parser.add_argument("--color", action="store_true",
                        help="colour script output (never when NO_COLOR is non-empty)")
    parser.add_argument("--timings", action="store_true", help="show step and op times")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed for random ops without a seed (scripts default to 0)")
    parser.add_argument("--keep-bytes", type=_size_option, metavar="SIZE",
                        help="keep step values (feeds, fetches, intermediates) up to SIZE in "
                             "all, oldest dropped first (default 256M; 0 keeps none)")
    parser.add_argument("--keep-steps", type=_count_option, metavar="N",
                        help="keep the values of the last N steps only (default 100)")
    parser.add_argument("--engine", choices=("numpy", "tensorflow", "both"), default=None,
                        help="run on graphshell's numpy engine (default), on real TensorFlow "
                             "(the tensorflow extra), or a script on both, reporting the first "
                             "step that differs (default: $GRAPHSHELL_ENGINE, else numpy)")
    parser.add_argument("--max-read", type=_size_option, metavar="SIZE",
                        help="refuse a script, transcript or stdin larger than SIZE "
                             "(default 64M)")
    return _checked_arguments(parser.parse_args(argv))


def _checked_arguments(args):
    """What argparse cannot check, said in one line (exit 2) rather than at the first use."""
    if args.seed is not None and args.seed < 0:
        print(f"graphshell: --seed must be a non-negative integer, not {args.seed}",
              file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    return args


def _size_option(text: str) -> int:
    from .shell.keep import parse_size
    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _count_option(text: str) -> int:
    from .shell.keep import parse_count
    try:
        return parse_count(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _configure_limits(args) -> str | None:
    """Applies --keep-bytes, --keep-steps and --max-read to every shell of this process;
    returns the usage error of a malformed environment variable, if any."""
    from .shell import keep, reading
    keep.configure(args.keep_bytes, args.keep_steps)
    reading.configure(args.max_read)
    try:
        keep.Budget.from_environment()
        reading.max_read_bytes()
    except ValueError as error:
        return str(error)
    return None


def _configure_engine(args) -> str | None:
    """Chooses the engine of this process's shells (--engine, else $GRAPHSHELL_ENGINE);
    returns why it cannot run (TensorFlow missing: how to install it), if so."""
    from .shell import engine_choice
    if args.engine == "both":
        return None if args.file is not None else "--engine both runs a script: give a FILE"
    try:
        engine_choice.configure(args.engine)
    except engine_choice.EngineUnavailable as error:
        return str(error)
    return None


def main(argv=None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if not arguments and _is_terminal(sys.stdin) and _is_terminal(sys.stdout):
        # The REPL is starting: a Ctrl-C before it can take interrupts must not end it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        args = parse_arguments(arguments)
    except SystemExit as exit_request:
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _dispatch(args) -> int:
    closed = _closed_stream_problem(args)
    if closed is not None:
        print(f"graphshell: {closed}", file=sys.stderr)
        return EXIT_USAGE
    problem = _configure_limits(args) or _configure_engine(args)
    if problem is not None:
        print(f"graphshell: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.engine == "both":
        return _run_on_both_engines(args)
    if args.program_args and not (args.file or "").endswith(".py") and args.code is None:
        print(f"graphshell: unrecognized arguments: {' '.join(args.program_args)} (arguments "
              "after the file are for .py programs)", file=sys.stderr)
        return EXIT_USAGE
    interactive = args.code is None and args.file is None and _is_terminal(sys.stdin) \
        and _is_terminal(sys.stdout)
    if args.check:
        return _check_transcripts(args)
    if args.tui:
        return _run_tui(args)
    if interactive:
        from .faces.repl import run_repl
        return run_repl(timings=True, seed=args.seed)
    return _run_script(args)


def _is_terminal(stream) -> bool:
    """Whether a standard stream is open and a terminal (Python makes a closed one None)."""
    return stream is not None and stream.isatty()


def _closed_stream_problem(args) -> str | None:
    """Why graphshell cannot run with a closed stdin or stdout; None if it can. A closed
    stderr is pointed at /dev/null, and a closed but unneeded stdin's descriptor is taken by
    /dev/null, so no file the program opens becomes its stdin."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (for the process)
    if sys.stdout is None:
        return "stdout is closed: there is nowhere to write the output"
    if sys.stdin is None:
        if args.tui:
            return "stdin is closed: --tui needs a terminal"
        if args.code is None and args.file is None and not args.check:
            return "stdin is closed: there is no script to read (give a FILE or -c CODE)"
        _fill_descriptor(0, os.O_RDONLY)
    return None


def _fill_descriptor(descriptor: int, flags: int) -> None:
    try:
        opened = os.open(os.devnull, flags)
    except OSError:
        return
    if opened != descriptor:
        os.close(opened)


def _script_text(args):
    from .faces.script import split_command_line_code
    from .shell.commands.session import read_script
    from .shell.commands.table import CommandError
    if args.code is not None:
        return split_command_line_code(args.code), "<command line>"
    if args.file is not None:
        try:
            return read_script(args.file), args.file
        except CommandError as error:
            raise _UsageError(str(error)) from None
    from .shell.reading import ReadError, read_text_stream
    try:
        return read_text_stream(sys.stdin.buffer, "<stdin>"), "<stdin>"
    except ReadError as error:
        raise _UsageError(str(error)) from None


class _UsageError(Exception):
    pass


def _run_script(args) -> int:
    from .faces.script import ScriptRunner
    try:
        text, filename = _script_text(args)
    except _UsageError as error:
        print(f"graphshell: {error}", file=sys.stderr)
        return EXIT_USAGE
    color = args.color and not colour_disabled()
    shell = _script_shell(args)
    runner = ScriptRunner(shell, echo=args.echo, keep_going=args.keep_going, color=color)
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [filename, *args.program_args]  # what the program sees, as under python
    if args.file is not None:  # as under python: the program's own modules import
        sys.path.insert(0, os.path.dirname(os.path.abspath(args.file)))
    try:
        return runner.run(text, filename)
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
        shell.close()


def _run_on_both_engines(args) -> int:
    """--engine both FILE: the script on numpy and on TensorFlow; exit 1 at the first step
    whose outcome, executed ops or values differ."""
    from .shell.differential import compare_engines
    from .shell.engine_choice import EngineUnavailable
    try:
        text, filename = _script_text(args)
    except _UsageError as error:
        print(f"graphshell: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        comparison = compare_engines(text, filename, 0 if args.seed is None else args.seed)
    except EngineUnavailable as error:
        print(f"graphshell: {error}", file=sys.stderr)
        return EXIT_USAGE
    if comparison.difference is not None:
        print(f"{filename}: engines differ at {comparison.difference}")
        return EXIT_ERROR
    print(f"{filename}: numpy and tensorflow agree on {comparison.inputs} inputs and "
          f"{comparison.steps} steps (outcomes, fed and executed ops, fetched values)")
    return EXIT_OK


def colour_disabled() -> bool:
    """NO_COLOR as no-color.org defines it: set to a non-empty value."""
    return bool(os.environ.get("NO_COLOR"))


def _script_shell(args):
    from .shell.core import Shell
    # scripts are reproducible by default: unseeded random ops draw from seed 0
    return Shell(timings=args.timings, seed=0 if args.seed is None else args.seed)


def _check_transcripts(args) -> int:
    from .shell.commands.session import read_script
    from .shell.commands.table import CommandError
    if args.file is not None or args.code is not None:
        print("graphshell: --check takes transcript files only (no script, no -c)",
              file=sys.stderr)
        return EXIT_USAGE
    status = EXIT_OK
    for path in args.check:
        try:
            text = read_script(path)
        except CommandError as error:
            print(f"graphshell: {error}", file=sys.stderr)
            return EXIT_USAGE
        status = max(status, _check_one_file(args, text, path))
    return status


def _check_one_file(args, text: str, path: str) -> int:
    """A transcript file, or each transcript in a Markdown file, each in a fresh shell."""
    from .faces.script import check_transcript
    from .shell.transcript import in_markdown
    blocks = in_markdown(text) if path.endswith(".md") else [text]
    if not blocks:
        print(f"{path}: no transcript (a ```text block starting with `>>> `) found")
        return EXIT_ERROR
    status = EXIT_OK
    for number, block in enumerate(blocks, 1):
        shell = _script_shell(args)
        name = f"{path} transcript {number}" if len(blocks) > 1 else path
        try:
            status = max(status, check_transcript(shell, block, name))
        finally:
            shell.close()
    return status


def _check_tui_file(args) -> None:
    """A GraphDef (.pb, .pbtxt) is checked as a file the explorer imports, else as a script."""
    from .shell import graph_def_loading
    from .shell.commands.table import CommandError
    if not graph_def_loading.is_graph_def_path(args.file):
        _script_text(args)
        return
    try:
        graph_def_loading.check_graph_def_file(args.file)
    except CommandError as error:
        raise _UsageError(str(error)) from None


def _run_tui(args) -> int:
    if not (_is_terminal(sys.stdin) and _is_terminal(sys.stdout)):
        print("graphshell: --tui needs a terminal (stdin and stdout); run scripts without "
              "--tui", file=sys.stderr)
        return EXIT_USAGE
    if args.file is not None:  # a missing file is said here, not inside the explorer
        try:
            _check_tui_file(args)
        except _UsageError as error:
            print(f"graphshell: {error}", file=sys.stderr)
            return EXIT_USAGE
    from .faces.tui.app import run_tui
    return run_tui(script=args.file, seed=args.seed)


if __name__ == "__main__":
    sys.exit(main())
