"""Record the conformance goldens: run every scenario on real TensorFlow and write its records.

Run it with an interpreter that has tensorflow-cpu installed:

    <python with tensorflow-cpu> tools/record_goldens.py              # every scenario
    <python with tensorflow-cpu> tools/record_goldens.py --only ID    # re-record one (repeatable)
    <python with tensorflow-cpu> tools/record_goldens.py --topic T --show   # print, write nothing

TF runs as `tf.compat.v1` after `disable_v2_behavior()` (ref variables, Switch/Merge cond), the
behaviour graphshell copies. Goldens go to tests/conformance/goldens/<topic>.json; the test
suite (tests/conformance/test_goldens.py) replays them against graphshell without TensorFlow.
"""

from __future__ import annotations

import argparse
import collections
import os
import pathlib
import sys
import time

import numpy as np

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "conformance"))

import golden_files  # noqa: E402
import harness  # noqa: E402

# Text that only this machine or TF's own source layout produces has no place in a golden.
SUSPICIOUS_TEXT = (str(REPO), sys.prefix, "site-packages", "tensorflow.python", "tensorflow/")


def import_tf1():
    """TensorFlow's compat.v1 namespace with v2 behaviour off, quietly."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # plain Eigen kernels, no oneDNN rounding
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # compat.v1.layers needs Keras 2 (tf-keras)
    import tensorflow

    tensorflow.get_logger().setLevel("CRITICAL")  # scenarios misuse TF on purpose; no log noise
    sys.unraisablehook = _ignore_failed_session_finalizers
    tf1 = tensorflow.compat.v1
    tf1.disable_v2_behavior()
    return tensorflow.__version__, tf1


def _ignore_failed_session_finalizers(unraisable) -> None:
    """Sessions whose constructor raised (a tested misuse) complain in __del__; drop that."""
    if getattr(unraisable.object, "__qualname__", "") != "BaseSession.__del__":
        sys.__unraisablehook__(unraisable)


def record_scenario(tf, np, scenario) -> dict:
    """One scenario's golden entry."""
    diagnostics: list[str] = []
    records = harness.run_scenario(tf, np, scenario.code, diagnostics)
    for text in diagnostics:
        print(f"  note: {scenario.id} raised outside E:\n{text}", file=sys.stderr)
    for text in SUSPICIOUS_TEXT:
        if any(text in golden_files.compact_json(record) for record in records):
            print(f"  warning: {scenario.id} records contain {text!r}", file=sys.stderr)
    return {"source_sha256": scenario.source_sha256, "records": records}


def write_topic(topic: str, tf_version: str, recorded: dict, replace_all: bool) -> None:
    path = golden_files.golden_path(topic)
    content = {"tf_version": tf_version, "scenarios": {}}
    if not replace_all:
        content = golden_files.read_golden_file(path)
        content["tf_version"] = tf_version
    content["scenarios"].update(recorded)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(golden_files.format_golden_file(content), encoding="utf-8")


def show(scenario, records) -> None:
    print(f"### {scenario.id}  -- {scenario.summary}")
    for record in records:
        print(f"    {golden_files.compact_json(record)}")


def remove_stale_goldens(corpus) -> None:
    """On a full run, drop golden files of topics that no longer exist."""
    topics = {scenario.topic for scenario in corpus}
    for path in golden_files.GOLDEN_DIR.glob("*.json"):
        if path.stem not in topics:
            print(f"removing {path.name}: no scenarios/{path.stem}.txt any more")
            path.unlink()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="ID", default=[],
                        help="re-record only this scenario (may be given several times)")
    parser.add_argument("--topic", action="append", metavar="TOPIC", default=[],
                        help="re-record only this topic's scenarios (may be given several times)")
    parser.add_argument("--show", action="store_true",
                        help="print the records instead of writing golden files")
    return parser, parser.parse_args(argv)


def choose_scenarios(parser, args, corpus) -> list:
    """The scenarios --only and --topic select (all of them without either)."""
    chosen = [scenario for scenario in corpus
              if (not args.only or scenario.id in args.only)
              and (not args.topic or scenario.topic in args.topic)]
    unknown = set(args.only) - {scenario.id for scenario in chosen}
    unknown |= set(args.topic) - {scenario.topic for scenario in chosen}
    if unknown:
        parser.error(f"no scenario or topic named {', '.join(sorted(unknown))}")
    return chosen


def record_all(tf, scenarios, show_records: bool) -> dict[str, dict]:
    """topic -> {scenario id -> golden entry}."""
    by_topic: dict[str, dict] = collections.defaultdict(dict)
    for scenario in scenarios:
        golden = record_scenario(tf, np, scenario)
        by_topic[scenario.topic][scenario.id] = golden
        if show_records:
            show(scenario, golden["records"])
    return by_topic


def print_summary(tf_version, by_topic, recording_seconds, import_seconds) -> None:
    total = sum(len(recorded) for recorded in by_topic.values())
    print(f"TensorFlow {tf_version}: recorded {total} scenarios in {recording_seconds:.1f} s "
          f"(+ {import_seconds:.1f} s importing TF)")
    for topic, recorded in sorted(by_topic.items()):
        print(f"  {topic:16} {len(recorded):4}")
    escaped = [scenario_id for recorded in by_topic.values()
               for scenario_id, golden in sorted(recorded.items())
               if any("scenario_error" in record for record in golden["records"])]
    if escaped:
        print(f"{len(escaped)} scenarios raised outside E (recorded as scenario_error): "
              + ", ".join(escaped))


def main(argv=None) -> int:
    parser, args = parse_args(argv)
    corpus = golden_files.load_corpus()
    chosen = choose_scenarios(parser, args, corpus)
    partial = bool(args.only or args.topic)

    started = time.perf_counter()
    tf_version, tf = import_tf1()
    imported = time.perf_counter()
    by_topic = record_all(tf, chosen, args.show)
    recorded = time.perf_counter()

    if not args.show:
        for topic, goldens in sorted(by_topic.items()):
            write_topic(topic, tf_version, goldens, replace_all=not partial)
        if not partial:
            remove_stale_goldens(corpus)
    print_summary(tf_version, by_topic, recorded - imported, imported - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
