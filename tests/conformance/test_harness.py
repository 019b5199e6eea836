"""The conformance machinery itself: value encoding, error normalising, the scenario runner with a
fake `tf` module, the scenario-file parser, the golden-file format and the comparator."""

from __future__ import annotations

import collections
import json
import sys
import threading
import types

import golden_files
import harness
import numpy as np
import pytest
import record_compare
import value_records
from value_records import encode, normalise_message


# -- a fake tf module: just what the harness touches -----------------------------------------------
class FakeSession:
    """Records what it was asked to do; `run` reports a fixed set of executed node names."""

    executed = ("_SOURCE", "b", "a", "a", "_retval_a_0_0", "_arg_x_0_0")

    def __init__(self, config=None):
        self.config = config
        self.closed = False
        self.calls = []

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        self.calls.append((fetches, feed_dict, options.trace_level))
        device = types.SimpleNamespace(node_stats=[
            types.SimpleNamespace(node_name=name) for name in self.executed])
        run_metadata.step_stats.dev_stats.append(device)

    def close(self):
        self.closed = True


class FakeRunOptions:
    FULL_TRACE = 3

    def __init__(self, trace_level=0):
        self.trace_level = trace_level


def fake_tf():
    """A namespace with the TF names the harness uses, and a log of what happened."""
    log = {"resets": [], "sessions": []}

    def make_session(config=None):
        log["sessions"].append(FakeSession(config))
        return log["sessions"][-1]

    def config_proto():
        return types.SimpleNamespace(graph_options=types.SimpleNamespace(
            rewrite_options=types.SimpleNamespace(disable_meta_optimizer=False),
            optimizer_options=types.SimpleNamespace(opt_level=0)))

    return types.SimpleNamespace(
        log=log, Session=make_session, ConfigProto=config_proto, RunOptions=FakeRunOptions,
        OptimizerOptions=types.SimpleNamespace(L0=-1),
        RunMetadata=lambda: types.SimpleNamespace(step_stats=types.SimpleNamespace(dev_stats=[])),
        reset_default_graph=lambda: log["resets"].append(threading.get_ident()))


def run(code: str, tf=None, diagnostics=None) -> list:
    return harness.run_scenario(tf or fake_tf(), np, code, diagnostics)


# -- encoding --------------------------------------------------------------------------------------
def test_containers_keep_their_kind_and_order():
    Pair = collections.namedtuple("Pair", ["left", "right"])
    value = [(1, 2), Pair(3, 4), {"b": 1, "a": 2}, collections.OrderedDict([(2, None)]), []]
    assert encode(value) == [
        {"tuple": [1, 2]},
        {"namedtuple": "Pair", "items": [["left", 3], ["right", 4]]},
        {"mapping": "dict", "items": [["b", 1], ["a", 2]]},
        {"mapping": "OrderedDict", "items": [[2, None]]},
        []]


def test_ints_floats_and_bools_stay_distinct_through_json():
    encoded = json.loads(json.dumps(encode([1, 1.0, True, None, "s"])))
    assert [type(item) for item in encoded] == [int, float, bool, type(None), str]


def test_numpy_values_keep_dtype_shape_and_short_float_text():
    assert encode(np.float32(0.3)) == {"np": "float32", "v": 0.3}
    assert encode(np.array([[1, 2]], dtype=np.int64)) == {"nd": "int64", "shape": [1, 2],
                                                          "v": [[1, 2]]}
    assert encode(np.array(2.5, dtype=np.float16)) == {"nd": "float16", "shape": [], "v": 2.5}
    assert encode(np.bool_(True)) == {"np": "bool", "v": True}


def test_object_arrays_of_bytes_and_str_survive():
    array = np.array([[b"a\x00", "text"]], dtype=object)
    assert encode(array) == {"nd": "object", "shape": [1, 2],
                             "v": [[{"bytes": "a\x00"}, "text"]]}
    assert encode(b"raw") == {"bytes": "raw"}


def test_non_finite_floats_are_tagged_so_json_stays_strict():
    encoded = encode([float("nan"), np.array([np.inf, -np.inf], np.float32)])
    assert encoded == [{"float": "nan"}, {"nd": "float32", "shape": [2], "v": ["inf", "-inf"]}]
    json.dumps(encoded, allow_nan=False)


def test_other_objects_are_recorded_by_str_without_addresses():
    class Thing:
        def __str__(self):
            return "<Thing at 0x7f00aa>"
    assert encode(Thing()) == {"str": "<Thing at 0x?>"}


# -- error messages --------------------------------------------------------------------------------
TF_RUNTIME_MESSAGE = (
    "Graph execution error:\n\nDetected at node 'p' defined at (most recent call last):\n"
    "    File \"/somewhere/script.py\", line 6, in <module>\nNode: 'p'\n"
    "You must feed a value for placeholder tensor 'p' with dtype float and shape [2]\n"
    "\t [[{{node p}}]]\n\nOriginal stack trace for 'p':\n  File \"/somewhere/script.py\", line 6")


def test_normalise_keeps_only_the_core_sentence_of_a_runtime_error():
    assert normalise_message(TF_RUNTIME_MESSAGE) == (
        "You must feed a value for placeholder tensor 'p' with dtype float and shape [2]")


def test_normalise_replaces_nodedefs_and_addresses():
    message = ("Dimensions must be equal, but are 3 and 2 for '{{node MatMul}} = MatMul[T=DT_FLOAT,"
               " transpose_a=false](a, b)' with input shapes: [2,3], [2,3]. at 0xdeadBEEF")
    assert normalise_message(message) == ("Dimensions must be equal, but are 3 and 2 for node "
                                          "'MatMul' with input shapes: [2,3], [2,3]. at 0x?")


def test_key_errors_are_recorded_without_the_quotes_str_adds():
    record = value_records.error_record(KeyError("The name 'x' is missing."))
    assert record == {"raises": "KeyError", "msg": "The name 'x' is missing."}


def test_error_checks_message_class_and_prefix():
    error = ValueError("  Shapes   differ\n here ")
    assert value_records.error_record(error) == {"raises": "ValueError",
                                                 "msg": "Shapes differ here"}
    assert value_records.error_record(error, "class") == {"raises": "ValueError"}
    assert value_records.error_record(error, "prefix:6") == {"raises": "ValueError",
                                                             "msg_prefix": "Shapes"}
    with pytest.raises(ValueError):
        value_records.error_record(error, "everything")


# -- running scenarios -----------------------------------------------------------------------------
def test_p_and_e_append_records_in_order():
    records = run("P(1, [2.0])\nE(lambda: 1 / 0)\nE(lambda: 'fine')\n"
                  "E(lambda: {}['k'], check='class')")
    assert records == [{"P": [1, [2.0]]},
                       {"E": {"raises": "ZeroDivisionError", "msg": "division by zero"}},
                       {"E": {"value": "fine"}},
                       {"E": {"raises": "KeyError"}}]


def test_escaped_exception_becomes_a_scenario_error_with_a_traceback():
    diagnostics = []
    records = run("P('before')\nraise RuntimeError('boom')\nP('after')", diagnostics=diagnostics)
    assert records == [{"P": ["before"]}, {"scenario_error": "RuntimeError", "msg": "boom"}]
    assert "RuntimeError: boom" in diagnostics[0]


def test_scenario_runs_in_a_fresh_thread_after_reset_default_graph():
    tf = fake_tf()
    records = run("P(threading.get_ident())", tf)
    scenario_thread = records[0]["P"][0]
    assert tf.log["resets"] == [scenario_thread]
    assert scenario_thread != threading.get_ident()


def test_each_scenario_gets_a_fresh_namespace():
    tf = fake_tf()
    run("leaked = 1", tf)
    assert run("P('leaked' in globals(), sorted(k for k in globals() if k.isupper()))", tf) == [
        {"P": [False, ["CFG", "E", "EXEC", "P"]]}]


def test_cfg_turns_both_optimisers_off():
    tf = fake_tf()
    namespace = harness.scenario_namespace(tf, np, [])
    options = namespace["CFG"].graph_options
    assert options.rewrite_options.disable_meta_optimizer is True
    assert options.optimizer_options.opt_level == -1


def test_exec_lists_user_ops_sorted_once_and_closes_its_own_session():
    tf = fake_tf()
    records = run("P(EXEC('a:0', {'x:0': 1.0}))", tf)
    assert records == [{"P": [["a", "b"]]}]
    session, = tf.log["sessions"]
    assert session.closed and session.calls == [("a:0", {"x:0": 1.0}, 3)]
    assert session.config.graph_options.rewrite_options.disable_meta_optimizer is True


def test_exec_with_a_session_uses_it_and_leaves_it_open():
    tf = fake_tf()
    run("s = tf.Session()\nEXEC('a', session=s)\nEXEC('b', session=s)", tf)
    session, = tf.log["sessions"]
    assert not session.closed and [call[0] for call in session.calls] == ["a", "b"]


def test_a_scenario_that_hangs_is_recorded_as_a_timeout(monkeypatch):
    monkeypatch.setattr(harness, "SCENARIO_TIMEOUT_SECONDS", 0.2)
    records = run("P(1)\nthreading.Event().wait(2)")
    assert records[0] == {"P": [1]}
    assert records[1]["scenario_error"] == "Timeout"


# -- scenario files and golden files ---------------------------------------------------------------
SCENARIO_TEXT = """# a topic comment
### first_one  -- checks one thing; session_test.py testX
a = 1
P(a)

### second  -- checks another
P(2)
"""


def test_parser_splits_blocks_with_summary_and_line():
    first, second = golden_files.parse_scenario_file(SCENARIO_TEXT, "topic")
    assert (first.id, first.topic, first.line) == ("first_one", "topic", 2)
    assert first.code == "a = 1\nP(a)\n"
    assert first.summary == "checks one thing; session_test.py testX"
    assert (second.id, second.code) == ("second", "P(2)\n")
    assert first.source_sha256 != second.source_sha256


@pytest.mark.parametrize("text", [
    "### ok  -- fine\nimport os\n",
    "### ok  -- fine\n    from os import path\n",
    "P(1)\n### ok  -- fine\nP(2)\n",
    "### Bad-Id  -- fine\nP(1)\n",
    "### no_summary\nP(1)\n",
    "### empty  -- nothing\n\n",
])
def test_parser_refuses_malformed_files(text):
    with pytest.raises(golden_files.CorpusError):
        golden_files.parse_scenario_file(text, "topic")


def test_duplicate_ids_across_topics_are_refused(tmp_path):
    (tmp_path / "a.txt").write_text("### same  -- one\nP(1)\n")
    (tmp_path / "b.txt").write_text("### same  -- two\nP(2)\n")
    with pytest.raises(golden_files.CorpusError, match="same"):
        golden_files.load_corpus(tmp_path)


def test_the_real_corpus_parses_and_compiles():
    corpus = golden_files.load_corpus()
    assert len(corpus) >= 150
    for scenario in corpus:
        compile(scenario.code, scenario.id, "exec")


def test_golden_file_format_is_sorted_stable_and_round_trips():
    content = {"tf_version": "9.9", "scenarios": {
        "zeta": {"source_sha256": "1", "records": [{"P": [1.5, {"float": "nan"}]}]},
        "alpha": {"source_sha256": "2", "records": []}}}
    text = golden_files.format_golden_file(content)
    assert json.loads(text) == content
    assert text.index('"alpha"') < text.index('"zeta"')
    assert golden_files.format_golden_file(json.loads(text)) == text


def test_conformance_modules_do_not_import_tensorflow():
    assert "tensorflow" not in sys.modules


# -- comparator ------------------------------------------------------------------------------------
def nd(dtype, values):
    return {"nd": dtype, "shape": [len(values)], "v": values}


def differs(expected, actual) -> bool:
    return record_compare.first_mismatch([{"P": [expected]}], [{"P": [actual]}]) is not None


@pytest.mark.parametrize("dtype, close, far", [
    ("float32", 1.0 + 5e-6, 1.0 + 5e-5),
    ("float64", 1.0 + 5e-10, 1.0 + 5e-8),
    ("float16", 1.0 + 5e-4, 1.0 + 5e-3),
])
def test_float_tolerance_depends_on_dtype(dtype, close, far):
    assert not differs(nd(dtype, [1.0]), nd(dtype, [close]))
    assert differs(nd(dtype, [1.0]), nd(dtype, [far]))
    assert not differs({"np": dtype, "v": 1.0}, {"np": dtype, "v": close})
    assert differs({"np": dtype, "v": 1.0}, {"np": dtype, "v": far})


def test_absolute_tolerance_covers_values_near_zero():
    assert not differs(nd("float32", [0.0]), nd("float32", [5e-7]))
    assert differs(nd("float32", [0.0]), nd("float32", [5e-6]))


def test_python_floats_use_float64_tolerance():
    assert not differs(0.1, 0.1 + 1e-12)
    assert differs(0.1, 0.1 + 1e-8)


def test_nan_equals_nan_and_infinities_are_exact():
    assert not differs(nd("float32", ["nan", "inf"]), nd("float32", ["nan", "inf"]))
    assert differs(nd("float32", ["inf"]), nd("float32", ["-inf"]))
    assert differs(nd("float32", ["inf"]), nd("float32", [3.4e38]))
    assert differs(nd("float32", [1.0]), nd("float32", ["nan"]))
    assert not differs({"float": "nan"}, {"float": "nan"})


@pytest.mark.parametrize("expected, actual", [
    (1, 1.0),
    (True, 1),
    ("1", 1),
    ([1, 2], {"tuple": [1, 2]}),
    ({"namedtuple": "A", "items": [["x", 1]]}, {"namedtuple": "B", "items": [["x", 1]]}),
    ({"mapping": "dict", "items": [["a", 1], ["b", 2]]},
     {"mapping": "dict", "items": [["b", 2], ["a", 1]]}),
    ({"mapping": "dict", "items": []}, {"mapping": "OrderedDict", "items": []}),
    (nd("float32", [1.0]), nd("float64", [1.0])),
    ({"nd": "int32", "shape": [1, 2], "v": [[1, 2]]}, {"nd": "int32", "shape": [2], "v": [1, 2]}),
    ({"nd": "float32", "shape": [], "v": 1.0}, {"np": "float32", "v": 1.0}),
    (nd("int32", [1, 2]), nd("int32", [1, 3])),
    ({"bytes": "a"}, "a"),
    ([1], [1, 2]),
])
def test_structure_types_and_exact_values_must_match(expected, actual):
    assert differs(expected, actual)
    assert not differs(expected, expected)


def test_errors_must_match_class_and_message():
    want = [{"E": {"raises": "ValueError", "msg": "bad shape"}}]
    assert record_compare.first_mismatch(want, [{"E": {"raises": "TypeError", "msg": "bad shape"}}])
    assert record_compare.first_mismatch(want, [{"E": {"raises": "ValueError", "msg": "bad"}}])
    prefix_only = [{"E": {"raises": "ValueError", "msg_prefix": "bad shape"}}]
    assert record_compare.first_mismatch(want, prefix_only)
    assert record_compare.first_mismatch(want, [{"E": {"value": None}}])
    assert record_compare.first_mismatch(want, want) is None


def test_missing_or_extra_records_are_mismatches():
    records = [{"P": [1]}, {"P": [2]}]
    assert record_compare.first_mismatch(records, records[:1]).path == "records"
    assert record_compare.first_mismatch(records[:1], records).path == "records"


def test_report_shows_code_and_marks_records():
    text = "### demo  -- shows a report\nP(1)\nP(2.0)\n"
    scenario = golden_files.parse_scenario_file(text, "topic")[0]
    expected = [{"P": [1]}, {"P": [nd("float32", [2.0])]}, {"P": [3]}]
    actual = [{"P": [1]}, {"P": [nd("float32", [2.000001])]}, {"P": [4]}]
    mismatch = record_compare.first_mismatch(expected, actual)
    report = record_compare.mismatch_report(scenario, expected, actual, mismatch,
                                            ["Traceback: boom"])
    assert "record[2].P[0]" in report and "    P(2.0)" in report
    assert '    0   {"P": [1]}' in report
    assert "  1 ~ " in report
    assert '  2 - {"P": [3]}' in report and '  2 + {"P": [4]}' in report
    assert "Traceback: boom" in report
