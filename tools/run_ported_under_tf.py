"""Runs the ported TestCase files (tests/engine/test_ported_*.py) under real TensorFlow, to show
that what they expect is what TF does. Run it with a Python that has tensorflow (never in the
test suite): each file is copied to a scratch directory with graphshell's imports replaced by
`tf.compat.v1` (after disable_v2_behavior) and `tf.errors`, then run with unittest.

    <python with tensorflow> tools/run_ported_under_tf.py [files...]
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPLACEMENTS = {
    "from graphshell import tf": "import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()",
    "from graphshell.engine.graph import errors": "errors = tf.errors",
}


def as_tf_test(source: str) -> str:
    """The test file's text importing TensorFlow where it imported graphshell."""
    lines = [REPLACEMENTS.get(line, line) for line in source.splitlines()]
    leftover = [line for line in lines if "graphshell" in line and line.lstrip().startswith(
        ("import", "from"))]
    if leftover:
        raise SystemExit(f"cannot run under TF, it imports graphshell itself: {leftover[0]}")
    return "\n".join(lines) + "\n"


def main() -> int:
    files = [pathlib.Path(arg) for arg in sys.argv[1:]] or sorted(
        (ROOT / "tests" / "engine").glob("test_ported_*.py"))
    with tempfile.TemporaryDirectory() as scratch:
        modules = []
        for path in files:
            target = pathlib.Path(scratch) / f"tf_{path.name}"
            target.write_text(as_tf_test(path.read_text()))
            modules.append(target.stem)
        return subprocess.run([sys.executable, "-m", "unittest", *modules], cwd=scratch,
                              check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
