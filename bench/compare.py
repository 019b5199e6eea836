"""graphshell against TensorFlow 1 graph mode and against plain numpy, in one run.

    python bench/compare.py [--runs 5] [--tf-python PYTHON] [--markdown]

Each figure is the median over `--runs` fresh child processes (bench/workloads.py), so every
engine starts cold the same way. TensorFlow runs in a child of `--tf-python` (default: this
interpreter, if it can import tensorflow); without it the TensorFlow column says n/a.
The numpy limit is the same computation as straight-line numpy (bench/numpy_limit.py).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent


SEED_ROWS = [  # (figure, key, goal as graphshell / TensorFlow)
    ("whole process, start to printed result", "process_ms", 0.1),
    ("building the graph incl. gradients", "build_ms", 0.05),
    ("first sess.run(grad)", "first_ms", 0.02),
    ("each further sess.run(grad)", "steady_ms", 0.5),
    ("peak memory of the process (MB)", "peak_mb", 0.15),
]


def child(python: str, *args: str) -> str:
    done = subprocess.run([python, str(HERE / "workloads.py"), *args], capture_output=True,
                          text=True, check=False, cwd=HERE.parent)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def engine_figures(python: str, engine: str, workload: str, runs: int) -> dict:
    """Medians over `runs` child processes of one engine's figures for one workload (numpy:
    the steady step of the same computation in plain numpy)."""
    samples = [json.loads(child(python, "--engine", engine, "--workload", workload)
                          .strip().splitlines()[-1]) for _ in range(runs)]
    figures = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
    if workload == "seed" and engine != "numpy":
        figures["process_ms"] = statistics.median(
            _process_ms(python, engine) for _ in range(runs))
    return figures


def _process_ms(python: str, engine: str) -> float:
    start = time.perf_counter()
    child(python, "--engine", engine, "--quick")
    return 1e3 * (time.perf_counter() - start)


def tensorflow_python(requested):
    """The interpreter to run TensorFlow with, or None when there is none."""
    candidates = [requested] if requested else [sys.executable]
    for python in candidates:
        probe = subprocess.run([python, "-c", "import tensorflow"], capture_output=True,
                               check=False)
        if probe.returncode == 0:
            return python
    return None


def ratio(a, b) -> str:
    return "n/a" if a is None or b is None else f"{a / b:.3f}"


def number(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def table(headers, rows, markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(str(row[i])) for row in [headers] + rows) for i in range(len(headers))]
    return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths))
                     for row in [headers] + rows)


def seed_table(gs, tf, numpy_ms, markdown):
    headers = ["seed program", "graphshell", "TensorFlow", "graphshell / TF", "goal"]
    rows = [[label, number(gs[key]), number(tf and tf[key]), ratio(gs[key], tf and tf[key]),
             f"<= {goal}"] for label, key, goal in SEED_ROWS]
    rows.append(["steady step against straight-line numpy", number(gs["steady_ms"]),
                 f"numpy {number(numpy_ms)}", ratio(gs["steady_ms"], numpy_ms), "<= 1.5"])
    return table(headers, rows, markdown)


def mlp_table(gs, tf, numpy_ms, markdown):
    headers = ["MLP 3x512, one training step (ms)", "graphshell", "other", "ratio", "goal"]
    rows = [["against numpy", number(gs["steady_ms"]), number(numpy_ms),
             ratio(gs["steady_ms"], numpy_ms), "<= 1.2"],
            ["against TensorFlow", number(gs["steady_ms"]), number(tf and tf["steady_ms"]),
             ratio(gs["steady_ms"], tf and tf["steady_ms"]), "<= 1.5"]]
    return table(headers, rows, markdown)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="child processes per figure")
    parser.add_argument("--tf-python", help="a Python interpreter that has tensorflow-cpu")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables")
    args = parser.parse_args(argv)
    tf_python = tensorflow_python(args.tf_python)
    results = {}
    for workload in ("seed", "mlp"):
        gs = engine_figures(sys.executable, "graphshell", workload, args.runs)
        tf = engine_figures(tf_python, "tensorflow", workload, args.runs) if tf_python else None
        numpy_ms = engine_figures(sys.executable, "numpy", workload, args.runs)["steady_ms"]
        results[workload] = (gs, tf, numpy_ms)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}; "
          f"medians of {args.runs} processes"
          + ("" if tf_python else "; TensorFlow not found (--tf-python)"))
    print()
    print(seed_table(*results["seed"], args.markdown))
    print()
    print(mlp_table(*results["mlp"], args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
