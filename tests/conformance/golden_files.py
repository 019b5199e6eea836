"""The scenario corpus (scenarios/<topic>.txt) and the golden files (goldens/<topic>.json).

A scenario file holds blocks; each starts with a header line

    ### <scenario_id>  -- <what it checks; where it comes from>

followed by Python code without import lines. Lines before the first header are comments.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pathlib
import re

CONFORMANCE_DIR = pathlib.Path(__file__).resolve().parent
SCENARIO_DIR = CONFORMANCE_DIR / "scenarios"
GOLDEN_DIR = CONFORMANCE_DIR / "goldens"

_HEADER = re.compile(r"^### (?P<id>\S+)\s+-- (?P<summary>.+)$")
_VALID_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_IMPORT_LINE = re.compile(r"^\s*(import\s|from\s+\S+\s+import\s)")


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One block of a scenario file."""

    id: str
    topic: str
    summary: str
    code: str
    line: int  # where the header is, for error messages

    @property
    def source_sha256(self) -> str:
        """Fingerprint of the code, so a golden recorded from older code is detected as stale."""
        return hashlib.sha256(self.code.encode("utf-8")).hexdigest()[:16]


class CorpusError(ValueError):
    """A scenario file breaks the format."""


def load_corpus(scenario_dir: pathlib.Path = SCENARIO_DIR) -> list[Scenario]:
    """All scenarios of all topics, in file order; ids are unique across topics."""
    scenarios = []
    for path in sorted(scenario_dir.glob("*.txt")):
        scenarios.extend(parse_scenario_file(path.read_text(encoding="utf-8"), path.stem))
    _check_unique_ids(scenarios)
    return scenarios


def parse_scenario_file(text: str, topic: str) -> list[Scenario]:
    """Split one topic file into its scenarios."""
    scenarios, header, header_line, body = [], None, 0, []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("###"):
            if header:
                scenarios.append(_make_scenario(header, topic, header_line, body))
            header, header_line, body = _parse_header(line, topic, number), number, []
        elif header:
            _check_not_import(line, topic, number)
            body.append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            raise CorpusError(f"{topic}.txt:{number}: code before the first ### header")
    if header:
        scenarios.append(_make_scenario(header, topic, header_line, body))
    return scenarios


def _parse_header(line: str, topic: str, number: int) -> re.Match:
    header = _HEADER.match(line)
    if not header or not _VALID_ID.match(header["id"]):
        raise CorpusError(f"{topic}.txt:{number}: want '### <lower_snake_id>  -- <summary>', "
                          f"got {line!r}")
    return header


def _check_not_import(line: str, topic: str, number: int) -> None:
    if _IMPORT_LINE.match(line):
        raise CorpusError(f"{topic}.txt:{number}: scenarios have no import lines "
                          "(tf, np, collections and threading are bound)")


def _make_scenario(header: re.Match, topic: str, line: int, body: list[str]) -> Scenario:
    code = "\n".join(body).strip("\n") + "\n"
    if not code.strip():
        raise CorpusError(f"{topic}.txt:{line}: scenario {header['id']} has no code")
    return Scenario(header["id"], topic, header["summary"].strip(), code, line)


def _check_unique_ids(scenarios: list[Scenario]) -> None:
    seen: dict[str, str] = {}
    for scenario in scenarios:
        if scenario.id in seen:
            raise CorpusError(f"scenario id {scenario.id} is in both {seen[scenario.id]}.txt "
                              f"and {scenario.topic}.txt")
        seen[scenario.id] = scenario.topic


# -- golden files ----------------------------------------------------------------------------------
def golden_path(topic: str, golden_dir: pathlib.Path = GOLDEN_DIR) -> pathlib.Path:
    return golden_dir / f"{topic}.json"


def read_golden_file(path: pathlib.Path) -> dict:
    """A golden file's content, or an empty one if it does not exist yet."""
    if not path.exists():
        return {"tf_version": None, "scenarios": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def load_goldens(golden_dir: pathlib.Path = GOLDEN_DIR) -> dict[str, dict]:
    """Every recorded scenario across topics: id -> {"source_sha256", "records"}."""
    goldens = {}
    for path in sorted(golden_dir.glob("*.json")):
        goldens.update(read_golden_file(path)["scenarios"])
    return goldens


def format_golden_file(content: dict) -> str:
    """Stable, reviewable JSON: scenarios sorted by id, one record per line."""
    lines = ["{", f'  "tf_version": {json.dumps(content["tf_version"])},', '  "scenarios": {']
    scenario_ids = sorted(content["scenarios"])
    for index, scenario_id in enumerate(scenario_ids):
        golden = content["scenarios"][scenario_id]
        lines.append(f"    {json.dumps(scenario_id)}: {{")
        lines.append(f'      "source_sha256": {json.dumps(golden["source_sha256"])},')
        lines.extend(_format_records(golden["records"]))
        lines.append("    }" + ("," if index < len(scenario_ids) - 1 else ""))
    lines.extend(["  }", "}"])
    return "\n".join(lines) + "\n"


def _format_records(records: list) -> list[str]:
    if not records:
        return ['      "records": []']
    body = [f"        {compact_json(record)}," for record in records]
    body[-1] = body[-1][:-1]
    return ['      "records": ['] + body + ["      ]"]


def compact_json(value) -> str:
    """One record on one line; NaN/inf never appear because value_records tags them."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
