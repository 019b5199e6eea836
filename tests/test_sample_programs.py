"""The sample Python programs run as users run them, with plain `python`."""

import pathlib
import subprocess
import sys

SAMPLES = pathlib.Path(__file__).resolve().parents[1] / "sample_graphs"


def test_seed_program_runs_and_reports_every_step():
    finished = subprocess.run([sys.executable, str(SAMPLES / "seed.py")], capture_output=True,
                              text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    lines = finished.stdout.splitlines()
    assert "z: -0.21253741" in lines  # TF 2.21's float32 value (README, tests/goldens)
    # t.eval() twice is two steps of 3 ops; sess.run([tu, ut]) is one step sharing t and u
    assert any(line.endswith("(run) ran 4 ops: Const, Const_1, Mul_200, Mul_201")
               for line in lines)
