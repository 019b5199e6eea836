"""`--engine both`: a script run on graphshell's numpy engine and on real TensorFlow, input by
input, with the first step whose outcome, fed or executed ops, or fetched values differ.

Both shells live in one process (the engines keep separate defaults and numbering); executed
ops are compared as sets, since TF's executor orders independent ops its own way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import Shell
from .splitter import script_items

ENGINES = ("numpy", "tensorflow")


@dataclass
class Difference:
    line: int
    source: str
    what: str  # one line: which step and what differs

    def __str__(self) -> str:
        first = self.source.strip().splitlines()[0] if self.source.strip() else ""
        return f"line {self.line} ({first}): {self.what}"


@dataclass
class Comparison:
    inputs: int
    steps: int
    difference: Difference | None


def compare_engines(text: str, filename: str, seed: int = 0) -> Comparison:
    """Runs the script on both engines; stops at the first input whose steps or error differ."""
    shells = [Shell(seed=seed, engine=name) for name in ENGINES]
    python_file = filename.endswith(".py")
    inputs = steps = 0
    try:
        for line, source in script_items(text.splitlines()):
            if not source or source.startswith("#"):
                continue
            inputs += 1
            outcomes = [_run(shell, source, line, filename, python_file) for shell in shells]
            what = _first_difference(*outcomes)
            if what is not None:
                return Comparison(inputs, steps, Difference(line, source, what))
            steps += len(outcomes[0][1])
            if any(result.quit for result, _ in outcomes):
                break
    finally:
        for shell in shells:
            shell.reset()  # closes its sessions and leaves what it entered, in its own stacks
            shell.close()
    return Comparison(inputs, steps, None)


def _run(shell: Shell, source: str, line: int, filename: str, python_file: bool):
    before = len(shell.steps)
    result = shell.execute(source, line, filename, show_values=not python_file)
    return result, shell.steps[before:]


def _first_difference(numpy_outcome, tensorflow_outcome) -> str | None:
    (numpy_result, numpy_steps), (tf_result, tf_steps) = numpy_outcome, tensorflow_outcome
    for numpy_step, tf_step in zip(numpy_steps, tf_steps):
        what = _step_difference(numpy_step, tf_step)
        if what is not None:
            return f"step {numpy_step.number}: {what}"
    if len(numpy_steps) != len(tf_steps):
        return f"numpy ran {len(numpy_steps)} steps, tensorflow {len(tf_steps)}"
    numpy_error, tf_error = _error_name(numpy_result), _error_name(tf_result)
    if numpy_error != tf_error:
        return f"the input failed differently: numpy {numpy_error}, tensorflow {tf_error}"
    return None


def _error_name(result) -> str:
    info = result.error or result.expected_error
    return "no error" if info is None else info.type_name


def _step_difference(numpy_step, tf_step) -> str | None:
    """What differs between the two engines' records of one step, or None."""
    outcomes = [type(step.error).__name__ if step.error else "ok" for step in (numpy_step,
                                                                                 tf_step)]
    if outcomes[0] != outcomes[1]:
        return f"outcome differs: numpy {outcomes[0]}, tensorflow {outcomes[1]}"
    fed = [sorted(op.name for op in step.fed_ops) for step in (numpy_step, tf_step)]
    if fed[0] != fed[1]:
        return f"fed ops differ: numpy {', '.join(fed[0])}; tensorflow {', '.join(fed[1])}"
    if numpy_step.error is None:  # a failed TF step reports no executed ops
        ran = [set(step.executed_names) for step in (numpy_step, tf_step)]
        if ran[0] != ran[1]:
            return (f"executed ops differ: only on numpy: {_names(ran[0] - ran[1])}; only on "
                    f"tensorflow: {_names(ran[1] - ran[0])}")
        if not _same_values(numpy_step.results, tf_step.results):
            return (f"fetched values differ: numpy {numpy_step.results!r}, tensorflow "
                    f"{tf_step.results!r}")
    return None


def _names(names: set[str], limit: int = 8) -> str:
    shown = sorted(names)
    text = ", ".join(shown[:limit]) or "nothing"
    return text + (f" ... +{len(shown) - limit} more" if len(shown) > limit else "")


def _same_values(first, second) -> bool:
    """Equal structures with equal leaves: arrays bit for bit in value (NaN equals NaN),
    dtype and shape included."""
    if isinstance(first, dict) and isinstance(second, dict):
        return first.keys() == second.keys() and all(_same_values(first[k], second[k])
                                                     for k in first)
    if isinstance(first, (list, tuple)) and isinstance(second, (list, tuple)):
        return len(first) == len(second) and all(map(_same_values, first, second))
    if first is None or second is None:
        return first is second
    try:
        left, right = np.asarray(first), np.asarray(second)
        if left.dtype != right.dtype or left.shape != right.shape:
            return False
        if left.dtype.kind in "fc":
            return bool(np.array_equal(left, right, equal_nan=True))
        return bool(np.array_equal(left, right))
    except (TypeError, ValueError):
        return first == second
