"""The tutorial-style TF1 programs in tests/programs/ print what TensorFlow printed.

Each program is plain TF1 code (`import tensorflow.compat.v1 as tf`); it runs here as
`graphshell prog.py` runs it: a fresh Shell (unseeded random ops drawing from seed 0) fed by the
script runner, so `import tensorflow` binds graphshell's tf. Only what the program prints is
compared, not the shell's step reports. The goldens are TF's stdout, recorded by
tools/record_program_goldens.py.

Comparison: the text between numbers must be identical; integers must be equal; a decimal
number g from TF and v from graphshell agree when |v - g| <= 1e-4 * |g| + 2e-6. Float32
training over 10-20 steps may round differently in the last printed digits, and the absolute
part allows two units in the 6th decimal of values printed near zero (where "-0.000000" and
"0.000000" are the same number).
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

from graphshell.faces.script import ScriptRunner
from graphshell.shell.core import Shell

PROGRAMS = pathlib.Path(__file__).resolve().parent / "programs"
GOLDENS = PROGRAMS / "goldens"
RELATIVE_TOLERANCE, ABSOLUTE_TOLERANCE = 1e-4, 2e-6
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")

# Programs graphshell cannot run yet, with the first error it reports. strict: a program that
# starts to pass fails the suite until its entry here is removed.
EXPECTED_FAILURES: dict[str, str] = {}


class _OutputCollector(ScriptRunner):
    """A script runner that keeps the program's printed lines and errors instead of printing."""

    def __init__(self, shell: Shell):
        super().__init__(shell)
        self.printed: list[str] = []
        self.error_lines: list[str] = []

    def _print_entry(self, entry) -> None:
        if entry.kind == "output":
            self.printed.extend(entry.body.plain.splitlines())
        elif entry.kind == "error":
            self.error_lines.append(entry.body.plain.splitlines()[0])


def run_on_graphshell(name: str) -> tuple[list[str], list[str], int]:
    """The lines the program printed, the errors the shell reported, and the exit status."""
    path = PROGRAMS / f"{name}.py"
    shell = Shell(seed=0)
    runner = _OutputCollector(shell)
    try:
        status = runner.run(path.read_text(), str(path))
    finally:
        shell.close()
    return runner.printed, runner.error_lines, status


def differences(printed: list[str], golden: list[str]) -> list[str]:
    """Each line where graphshell's output and TF's disagree beyond the tolerance."""
    found = [f"{len(printed)} lines printed, TF printed {len(golden)}"] \
        if len(printed) != len(golden) else []
    for number, (ours, theirs) in enumerate(zip(printed, golden), 1):
        if not _lines_agree(ours, theirs):
            found.append(f"line {number}: graphshell {ours!r}\n{' ' * len(str(number))}"
                         f"        TF         {theirs!r}")
    return found


def _lines_agree(ours: str, theirs: str) -> bool:
    if NUMBER.split(ours) != NUMBER.split(theirs):
        return False
    our_numbers, their_numbers = NUMBER.findall(ours), NUMBER.findall(theirs)
    return len(our_numbers) == len(their_numbers) and all(
        _numbers_agree(a, b) for a, b in zip(our_numbers, their_numbers))


def _numbers_agree(ours: str, theirs: str) -> bool:
    if "." not in theirs and "e" not in theirs:
        return ours == theirs
    value, golden = float(ours), float(theirs)
    return abs(value - golden) <= RELATIVE_TOLERANCE * abs(golden) + ABSOLUTE_TOLERANCE


def _program_cases():
    for path in sorted(PROGRAMS.glob("*.py")):
        reason = EXPECTED_FAILURES.get(path.stem)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(path.stem, id=path.stem, marks=marks)


def test_every_program_has_a_golden_and_every_failure_a_program():
    names = {path.stem for path in PROGRAMS.glob("*.py")}
    assert names == {path.stem for path in GOLDENS.glob("*.txt")}
    assert set(EXPECTED_FAILURES) <= names


@pytest.mark.parametrize("name", _program_cases())
def test_program_prints_what_tensorflow_printed(name):
    printed, errors, status = run_on_graphshell(name)
    assert not errors, errors[0]
    assert status == 0
    golden = (GOLDENS / f"{name}.txt").read_text().splitlines()
    found = differences(printed, golden)
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("ours", "theirs", "agree"), [
    ("step 3 loss 0.123456", "step 3 loss 0.123460", True),   # within 1e-4 relative
    ("step 3 loss 0.123456", "step 3 loss 0.123500", False),  # 3.6e-4 relative
    ("step 4 loss 0.123456", "step 3 loss 0.123456", False),  # integers are exact
    ("W sum -0.000000", "W sum 0.000001", True),               # near zero: absolute part
    ("W sum 0.000000", "W sum 0.000010", False),
    ("slot W/Momentum", "slot W/Adam", False),                 # text is exact
    ("agree True", "agree False", False),
    ("loss 1.0 2.0", "loss 1.0", False),
])
def test_the_comparison_has_the_stated_tolerance(ours, theirs, agree):
    assert _lines_agree(ours, theirs) is agree


def test_the_command_line_runs_a_program_as_the_suite_does():
    """`python -m graphshell prog.py` prints the program's lines (among its step reports)."""
    name = "linear_regression"
    finished = subprocess.run([sys.executable, "-m", "graphshell", str(PROGRAMS / f"{name}.py")],
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    golden = (GOLDENS / f"{name}.txt").read_text().splitlines()
    lines = iter(finished.stdout.splitlines())
    missing = [wanted for wanted in golden
               if not any(_lines_agree(line, wanted) for line in lines)]
    assert not missing, f"not printed in order: {missing[0]!r}"
