"""The `graphshell` command: picks the face (REPL, TUI or script runner) from the arguments
and from whether stdin and stdout are terminals."""

from __future__ import annotations

import argparse
import os
import sys

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="graphshell",
        description="See how a TF1 dataflow graph executes: a REPL, a TUI explorer and a "
                    "script runner over a numpy re-implementation of tf.compat.v1.")
    parser.add_argument("file", nargs="?", help="a script (.gsh or .py) to run")
    parser.add_argument("-c", dest="code", help="run CODE (inputs separated by ';')")
    parser.add_argument("--tui", action="store_true", help="open the full-screen explorer")
    parser.add_argument("--echo", action="store_true", help="print each input before its output")
    parser.add_argument("--keep-going", action="store_true",
                        help="report every error and continue; exit 1 at the end if any")
    parser.add_argument("--color", action="store_true",
                        help="colour script output (never when NO_COLOR is set)")
    parser.add_argument("--timings", action="store_true", help="show step and op times")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed for random ops without a seed (scripts default to 0)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    try:
        args = parse_arguments(sys.argv[1:] if argv is None else argv)
    except SystemExit as exit_request:
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _dispatch(args) -> int:
    interactive = args.code is None and args.file is None and sys.stdin.isatty() \
        and sys.stdout.isatty()
    if args.tui:
        return _run_tui(args)
    if interactive:
        from .faces.repl import run_repl
        return run_repl(timings=True, seed=args.seed)
    return _run_script(args)


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
    data = sys.stdin.buffer.read()
    return data.decode("utf-8", errors="replace"), "<stdin>"


class _UsageError(Exception):
    pass


def _run_script(args) -> int:
    from .faces.script import ScriptRunner
    from .shell.core import Shell
    try:
        text, filename = _script_text(args)
    except _UsageError as error:
        print(f"graphshell: {error}", file=sys.stderr)
        return EXIT_USAGE
    color = args.color and "NO_COLOR" not in os.environ
    # scripts are reproducible by default: unseeded random ops draw from seed 0
    shell = Shell(timings=args.timings, seed=0 if args.seed is None else args.seed)
    runner = ScriptRunner(shell, echo=args.echo, keep_going=args.keep_going, color=color)
    try:
        return runner.run(text, filename)
    finally:
        shell.close()


def _run_tui(args) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print("graphshell: --tui needs a terminal (stdin and stdout); run scripts without "
              "--tui", file=sys.stderr)
        return EXIT_USAGE
    from .faces.tui.app import run_tui
    return run_tui(script=args.file, seed=args.seed)


if __name__ == "__main__":
    sys.exit(main())
