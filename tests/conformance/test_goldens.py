"""graphshell against TensorFlow's recorded behaviour: one test per conformance scenario.

The goldens were recorded on real TensorFlow by tools/record_goldens.py; this file never
imports TensorFlow. To see one scenario's code and records side by side, run
`pytest tests/conformance/test_goldens.py -k <scenario_id>`.
"""

from __future__ import annotations

import json

import golden_files
import harness
import numpy as np
import pytest
import record_compare

CORPUS = golden_files.load_corpus()
GOLDENS = golden_files.load_goldens()


def run_on_graphshell(scenario, diagnostics: list) -> list:
    """The scenario's records on graphshell, as they would read back from a golden file."""
    from graphshell import tf

    records = harness.run_scenario(tf, np, scenario.code, diagnostics)
    return json.loads(golden_files.compact_json(records))


@pytest.mark.parametrize("scenario", CORPUS,
                         ids=[f"{scenario.topic}:{scenario.id}" for scenario in CORPUS])
def test_scenario_matches_tensorflow(scenario):
    golden = GOLDENS.get(scenario.id)
    if golden is None:
        pytest.fail(f"{scenario.id} has no golden: run tools/record_goldens.py --only "
                    f"{scenario.id} with TensorFlow", pytrace=False)
    if golden["source_sha256"] != scenario.source_sha256:
        pytest.fail(f"the golden of {scenario.id} was recorded from other code: re-record it "
                    f"with tools/record_goldens.py --only {scenario.id}", pytrace=False)
    diagnostics: list[str] = []
    actual = run_on_graphshell(scenario, diagnostics)
    mismatch = record_compare.first_mismatch(golden["records"], actual)
    if mismatch:
        pytest.fail(record_compare.mismatch_report(
            scenario, golden["records"], actual, mismatch, diagnostics), pytrace=False)


def test_every_golden_has_a_scenario():
    orphans = sorted(set(GOLDENS) - {scenario.id for scenario in CORPUS})
    assert not orphans, f"goldens without a scenario (re-record to drop them): {orphans}"
