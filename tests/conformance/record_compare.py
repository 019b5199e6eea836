"""Compare a scenario's records with its golden records, and explain a mismatch.

Structures, container types, dtypes, shapes, ints, strings, bools, error classes and messages
must be equal. Floats may differ by a tolerance chosen by their dtype; NaN equals NaN; an
infinity equals only the same infinity. Python floats are float64.
"""

from __future__ import annotations

import dataclasses
import math

from golden_files import compact_json

# dtype -> (rtol, atol); a value matches if |actual - expected| <= atol + rtol * |expected|.
TOLERANCES = {
    "float16": (1e-3, 1e-3),
    "float32": (1e-5, 1e-6),
    "float64": (1e-9, 1e-12),
}
_NON_FINITE = {"nan", "inf", "-inf"}


@dataclasses.dataclass(frozen=True)
class Mismatch:
    """Where the first difference is (a path into the records) and what it is."""

    path: str
    reason: str


def first_mismatch(expected: list, actual: list) -> Mismatch | None:
    """The first difference between two record lists, or None if they match."""
    for index, (want, got) in enumerate(zip(expected, actual)):
        mismatch = _compare(want, got, f"record[{index}]", "float64")
        if mismatch:
            return mismatch
    if len(expected) != len(actual):
        return Mismatch("records", f"expected {len(expected)} records, got {len(actual)}")
    return None


def _compare(want, got, path: str, float_dtype: str) -> Mismatch | None:
    if isinstance(want, dict):
        return _compare_tagged(want, got, path)
    if isinstance(want, list):
        return _compare_lists(want, got, path, float_dtype)
    if isinstance(want, float) and type(got) is float:
        return _compare_floats(want, got, path, float_dtype)
    if type(want) is not type(got) or want != got:
        return Mismatch(path, f"expected {want!r} ({type(want).__name__}), "
                              f"got {got!r} ({type(got).__name__})")
    return None


def _compare_lists(want: list, got, path: str, float_dtype: str) -> Mismatch | None:
    if not isinstance(got, list):
        return Mismatch(path, f"expected a list, got {compact_json(got)}")
    if len(want) != len(got):
        return Mismatch(path, f"expected {len(want)} items, got {len(got)}")
    for index, (want_item, got_item) in enumerate(zip(want, got)):
        mismatch = _compare(want_item, got_item, f"{path}[{index}]", float_dtype)
        if mismatch:
            return mismatch
    return None


def _compare_tagged(want: dict, got, path: str) -> Mismatch | None:
    if not isinstance(got, dict) or list(want) != list(got):
        return Mismatch(path, f"expected {compact_json(want)}, got {compact_json(got)}")
    if "nd" in want or "np" in want:
        return _compare_numpy(want, got, path)
    if "float" in want:  # a non-finite Python float
        return _compare(want["float"], got["float"], path, "float64")
    for key in want:
        mismatch = _compare(want[key], got[key], f"{path}.{key}", "float64")
        if mismatch:
            return mismatch
    return None


def _compare_numpy(want: dict, got: dict, path: str) -> Mismatch | None:
    dtype_key = "nd" if "nd" in want else "np"
    if want[dtype_key] != got[dtype_key]:
        return Mismatch(path, f"expected dtype {want[dtype_key]}, got {got[dtype_key]}")
    if "shape" in want and want["shape"] != got["shape"]:
        return Mismatch(path, f"expected shape {want['shape']}, got {got['shape']}")
    if want[dtype_key] in TOLERANCES:
        return _compare_float_elements(want["v"], got["v"], f"{path}.v", want[dtype_key])
    return _compare(want["v"], got["v"], f"{path}.v", "float64")


def _compare_float_elements(want, got, path: str, dtype: str) -> Mismatch | None:
    """Elements of a float array: numbers, or 'nan'/'inf'/'-inf' strings, nested in lists."""
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return Mismatch(path, f"expected {len(want)} items, got {compact_json(got)}")
        for index, (want_item, got_item) in enumerate(zip(want, got)):
            mismatch = _compare_float_elements(want_item, got_item, f"{path}[{index}]", dtype)
            if mismatch:
                return mismatch
        return None
    if want in _NON_FINITE or got in _NON_FINITE:
        return None if want == got else Mismatch(path, f"expected {want}, got {got}")
    if type(got) is not float:
        return Mismatch(path, f"expected a {dtype} number, got {got!r}")
    return _compare_floats(want, got, path, dtype)


def _compare_floats(want: float, got: float, path: str, dtype: str) -> Mismatch | None:
    rtol, atol = TOLERANCES[dtype]
    if math.isfinite(want) and math.isfinite(got) and abs(got - want) <= atol + rtol * abs(want):
        return None
    if want == got or (math.isnan(want) and math.isnan(got)):
        return None
    return Mismatch(path, f"expected {want!r}, got {got!r} ({dtype}: rtol {rtol}, atol {atol})")


# -- report ----------------------------------------------------------------------------------------
def mismatch_report(scenario, expected: list, actual: list, mismatch: Mismatch,
                    diagnostics: list[str] = ()) -> str:
    """Everything needed to see why a scenario differs from TensorFlow, without rerunning it."""
    lines = [f"scenario {scenario.id} ({scenario.topic}.txt:{scenario.line}): {scenario.summary}",
             f"first difference at {mismatch.path}: {mismatch.reason}", "", "code:"]
    lines += [f"    {line}" for line in scenario.code.rstrip("\n").splitlines()]
    lines += ["", "records (- TensorFlow, + graphshell, ~ equal within tolerance):"]
    lines += _record_lines(expected, actual)
    for text in diagnostics:
        lines += ["", "traceback of the scenario error:", text.rstrip()]
    return "\n".join(lines)


def _record_lines(expected: list, actual: list) -> list[str]:
    lines = []
    for index in range(max(len(expected), len(actual))):
        want = expected[index] if index < len(expected) else None
        got = actual[index] if index < len(actual) else None
        if want is not None and got is not None and first_mismatch([want], [got]) is None:
            marker = " " if compact_json(want) == compact_json(got) else "~"
            lines.append(f"  {index:3} {marker} {compact_json(want)}")
            continue
        if want is not None:
            lines.append(f"  {index:3} - {compact_json(want)}")
        if got is not None:
            lines.append(f"  {index:3} + {compact_json(got)}")
    return lines
