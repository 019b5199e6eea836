"""Record what real TensorFlow prints for the tutorial programs in tests/programs/.

Run it with an interpreter that has tensorflow-cpu (and tf-keras, for tf.compat.v1.layers):

    <python with tensorflow-cpu> tools/record_program_goldens.py            # every program
    <python with tensorflow-cpu> tools/record_program_goldens.py mlp_adam   # only the named ones
    <python with tensorflow-cpu> tools/record_program_goldens.py --show     # print, write nothing

Each program runs as its own process (TF keeps global state between graphs) and its stdout is
saved to tests/programs/goldens/<name>.txt; tests/test_tutorial_programs.py compares
graphshell's output with it, without TensorFlow.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
PROGRAMS = REPO / "tests" / "programs"
GOLDENS = PROGRAMS / "goldens"

# Plain Eigen kernels (no oneDNN rounding), no log noise, Keras 2 for tf.compat.v1.layers.
TF_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
                  "TF_USE_LEGACY_KERAS": "1", "CUDA_VISIBLE_DEVICES": ""}


def program_names() -> list[str]:
    """Every program's name: tests/programs/<name>.py."""
    return sorted(path.stem for path in PROGRAMS.glob("*.py"))


def run_on_tensorflow(name: str) -> str:
    """The program's stdout under this interpreter's TensorFlow; exits on failure."""
    finished = subprocess.run([sys.executable, str(PROGRAMS / f"{name}.py")],
                              capture_output=True, text=True, timeout=600, cwd=REPO,
                              env={**os.environ, **TF_ENVIRONMENT})
    if finished.returncode != 0:
        sys.exit(f"{name} failed on TensorFlow:\n{finished.stderr[-3000:]}")
    return finished.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="programs to record (default: all)")
    parser.add_argument("--show", action="store_true", help="print the output, write nothing")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(program_names()))
    if unknown:
        sys.exit(f"no such program: {', '.join(unknown)}")
    GOLDENS.mkdir(exist_ok=True)
    for name in args.names or program_names():
        output = run_on_tensorflow(name)
        if args.show:
            print(f"== {name}\n{output}", end="")
            continue
        (GOLDENS / f"{name}.txt").write_text(output)
        print(f"{name}: {len(output.splitlines())} lines")


if __name__ == "__main__":
    main()
