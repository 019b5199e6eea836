"""graphshell against TensorFlow 1 graph mode and against plain numpy, engines alternated.

    python bench/compare.py [--rounds 3] [--tf-python PYTHON] [--blas-threads 1]
                            [--only seed,elementwise,shell,mlp,conv,big] [--big-rounds 1]
                            [--markdown] [--json FILE]

Each round runs every workload once on every engine, each in a fresh child process
(bench/workloads.py), in an order that rotates from round to round; a ratio is taken within a
round (graphshell's figure over the other engine's from the same round) and the table shows
the median over rounds of those ratios, with the medians of the absolute figures as context.
Every child gets OMP/OPENBLAS/MKL_NUM_THREADS (and TF its intra/inter-op thread counts) of
`--blas-threads`, set in its environment before it imports numpy or TensorFlow.

TensorFlow runs in a child of `--tf-python` or $GRAPHSHELL_BENCH_TF_PYTHON (else this
interpreter, if it can import tensorflow), twice: with its default optimizer and with Grappler
off (tf-nograppler). TF's steady figure is taken warm (after 100 steps) through make_callable,
its fastest way to run a step; without TensorFlow its figures are skipped with a line saying so.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
WORKLOADS = ("seed", "elementwise", "shell", "mlp", "conv", "big")
ENGINES = {  # which engines each workload runs on
    "seed": ("graphshell", "tensorflow", "tf-nograppler", "numpy"),
    "elementwise": ("graphshell", "numpy"),
    "shell": ("graphshell",),
    "mlp": ("graphshell", "tensorflow", "tf-nograppler", "numpy"),
    "conv": ("graphshell", "tensorflow", "tf-nograppler"),
    "big": ("graphshell", "tensorflow"),
}
TF_ENGINES = ("tensorflow", "tf-nograppler")


def child_environment(blas_threads: int) -> dict:
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(blas_threads)
    env["GRAPHSHELL_BENCH_THREADS"] = str(blas_threads)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    return env


def child(python: str, env: dict, *args: str) -> dict:
    done = subprocess.run([python, str(HERE / "workloads.py"), *args], capture_output=True,
                          text=True, check=False, cwd=HERE, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def tensorflow_python(requested: str | None) -> str | None:
    """The interpreter to run TensorFlow with, or None when there is none."""
    requested = requested or os.environ.get("GRAPHSHELL_BENCH_TF_PYTHON")
    for python in [requested] if requested else [sys.executable]:
        probe = subprocess.run([python, "-c", "import tensorflow"], capture_output=True,
                               check=False)
        if probe.returncode == 0:
            return python
    return None


def run_rounds(workloads, rounds: int, tf_python, env, steps: int,
               big_rounds: int) -> list[dict]:
    """[{(workload, engine): figures}] per round, engines alternated within each workload; the
    100k-op build runs in the first `big_rounds` rounds only (TF takes minutes for it)."""
    results = []
    for number in range(rounds):
        figures = {}
        for workload in workloads:
            if workload == "big" and number >= big_rounds:
                continue
            engines = [e for e in ENGINES[workload] if tf_python or e not in TF_ENGINES]
            shift = number % len(engines)
            for engine in engines[shift:] + engines[:shift]:
                python = tf_python if engine in TF_ENGINES else sys.executable
                figures[workload, engine] = child(python, env, "--engine", engine,
                                                  "--workload", workload, "--steps", str(steps))
                print(f"  round {number + 1}: {workload} on {engine}", file=sys.stderr)
        results.append(figures)
    return results


# (figure, workload, graphshell's key, other engine, its key, goal) rows of the table
RATIO_ROWS = [
    ("seed steady step / warm TF (make_callable)", "seed", "steady_ms", "tensorflow",
     "callable_ms", 0.45),
    ("seed steady step / warm TF, Grappler off", "seed", "steady_ms", "tf-nograppler",
     "callable_ms", 0.45),
    ("seed, mean of the first 100 steps / TF", "seed", "first100_ms", "tensorflow",
     "first100_ms", 0.6),
    ("seed steady step / exact straight-line numpy", "seed", "steady_ms", "numpy",
     "steady_ms", 1.3),
    ("seed steady step / numpy with numpy's trig", "seed", "steady_ms", "numpy",
     "numpy_trig_ms", None),
    ("elementwise 10M float32 graph / hand numpy", "elementwise", "steady_ms", "numpy",
     "steady_ms", 1.0),
    ("peak memory of that step / numpy's (tracemalloc)", "elementwise", "traced_peak_mb",
     "numpy", "traced_peak_mb", 1.5),
    ("MLP 3x512 training step / warm TF", "mlp", "steady_ms", "tensorflow", "callable_ms", 1.0),
    ("MLP 3x512 training step / numpy", "mlp", "steady_ms", "numpy", "steady_ms", None),
    ("conv net training step / warm TF", "conv", "steady_ms", "tensorflow", "callable_ms",
     1.0),
    ("build + tf.gradients at 100k ops / TF", "big", "total_ms", "tensorflow", "total_ms",
     0.2),
]


def median_of(rounds, workload, engine, key):
    values = [r[workload, engine][key] for r in rounds
              if (workload, engine) in r and key in r[workload, engine]]
    return statistics.median(values) if values else None


def median_ratio(rounds, workload, key, other, other_key):
    ratios = [r[workload, "graphshell"][key] / r[workload, other][other_key] for r in rounds
              if (workload, other) in r and (workload, "graphshell") in r]
    return statistics.median(ratios) if ratios else None


def number(value, digits=3) -> str:
    return "n/a" if value is None else f"{value:.{digits}g}" if value < 1 else f"{value:.2f}"


def ratio_table(rounds) -> list[list[str]]:
    rows = []
    for label, workload, key, other, other_key, goal in RATIO_ROWS:
        if not any((workload, "graphshell") in r for r in rounds):
            continue
        ratio = median_ratio(rounds, workload, key, other, other_key)
        verdict = "" if goal is None or ratio is None else ("met" if ratio <= goal else "not met")
        rows.append([label, number(median_of(rounds, workload, "graphshell", key)),
                     f"{other} {number(median_of(rounds, workload, other, other_key))}",
                     number(ratio), "-" if goal is None else f"<= {goal}", verdict])
    return rows


def context_rows(rounds) -> list[list[str]]:
    """Absolute figures behind the ratios: each engine's own medians."""
    rows, seen = [], {}
    for figures_of_round in rounds:
        for key, figures in figures_of_round.items():
            seen.setdefault(key, figures)
    for (workload, engine), figures in seen.items():
        cells = ", ".join(f"{key} {number(median_of(rounds, workload, engine, key))}"
                          for key in figures)
        rows.append([workload, engine, cells])
    return rows


def table(headers, rows, markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(str(row[i])) for row in [headers] + rows) for i in range(len(headers))]
    return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths))
                     for row in [headers] + rows)


def shell_line(rounds) -> str | None:
    if not any(("shell", "graphshell") in r for r in rounds):
        return None
    def median(key):
        return median_of(rounds, "shell", "graphshell", key)
    return (f"shell core, 100 steps of the elementwise graph: numpy holds "
            f"{median('traced_after_mb'):.0f} MB afterwards (grew {median('traced_growth_mb'):.0f}"
            f" MB), kept values {median('kept_mb'):.0f} MB under the keep budget's cap of "
            f"{median('budget_mb'):.0f} MB and {median('budget_steps'):.0f} steps; "
            f"peak {median('traced_peak_mb'):.0f} MB (tracemalloc)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every engine")
    parser.add_argument("--steps", type=int, default=200, help="timed steady steps per child")
    parser.add_argument("--big-rounds", type=int, default=1,
                        help="rounds that include the 100k-op build (TF takes minutes)")
    parser.add_argument("--tf-python", help="a Python interpreter that has tensorflow-cpu")
    parser.add_argument("--blas-threads", type=int, default=1, help="BLAS/TF threads")
    parser.add_argument("--only", default=",".join(WORKLOADS), help="workloads, comma-separated")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables")
    parser.add_argument("--json", help="also write every round's raw figures to this file")
    args = parser.parse_args(argv)
    workloads = [w for w in args.only.split(",") if w]
    unknown = set(workloads) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    tf_python = tensorflow_python(args.tf_python)
    env = child_environment(args.blas_threads)
    rounds = run_rounds(workloads, args.rounds, tf_python, env, args.steps, args.big_rounds)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(
            [{f"{w}/{e}": f for (w, e), f in r.items()} for r in rounds], indent=1))
    import numpy
    print(f"python {platform.python_version()}, numpy {numpy.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs; {args.rounds} rounds, engines "
          f"alternated, medians of per-round ratios; {args.blas_threads} BLAS/TF thread(s)")
    if not tf_python:
        print("TensorFlow not found (--tf-python or $GRAPHSHELL_BENCH_TF_PYTHON): its figures "
              "are skipped")
    print()
    print(table(["figure", "graphshell", "other", "ratio", "goal", ""], ratio_table(rounds),
                args.markdown))
    line = shell_line(rounds)
    if line:
        print()
        print(line)
    print()
    print(table(["workload", "engine", "medians (ms; MB)"], context_rows(rounds), args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
