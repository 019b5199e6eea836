"""Benchmark: time from starting `graphshell` in a terminal to its first prompt.

Runs the REPL in a pseudo-terminal and measures until `>>> ` appears (median of several
runs), and reports whether textual got imported (it must not be). Goal: under 0.3 s.
Run: python bench/bench_startup.py
"""

import os
import shutil
import statistics
import subprocess
import sys
import time

import pexpect

RUNS = 9


def graphshell_command():
    found = shutil.which("graphshell", path=os.path.dirname(sys.executable))
    return [found] if found else [sys.executable, "-m", "graphshell.cli"]


def time_to_prompt(command, env):
    start = time.perf_counter()
    child = pexpect.spawn(command[0], command[1:], env=env, encoding="utf-8", timeout=20,
                          dimensions=(30, 100))
    child.expect(">>> ")
    elapsed = time.perf_counter() - start
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    return elapsed


def imports_textual():
    code = ("import sys, graphshell.cli, graphshell.faces.repl, graphshell.shell.core;"
            "print('textual' in sys.modules)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True).stdout.strip()


def main():
    env = dict(os.environ, GRAPHSHELL_HISTORY=os.devnull, TERM="xterm-256color")
    command = graphshell_command()
    times = [time_to_prompt(command, env) for _ in range(RUNS)]
    python = [time_to_prompt([sys.executable, "-c", "print('>>> ')"], env) for _ in range(RUNS)]
    print(f"{'figure':<40}{'seconds':>10}")
    print(f"{'graphshell start to first prompt':<40}{statistics.median(times):>10.3f}")
    print(f"{'bare python start (for reference)':<40}{statistics.median(python):>10.3f}")
    print(f"{'textual imported by the REPL':<40}{imports_textual():>10}")


if __name__ == "__main__":
    main()
