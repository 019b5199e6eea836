"""Run one conformance scenario against a `tf` module and collect what it prints as records.

The same code runs on real TensorFlow (tools/record_goldens.py) and on graphshell
(test_goldens.py); the `tf` module comes in as an argument, so this file imports neither.

A scenario is Python code run with these names bound:
  tf, np, collections, threading   the modules
  P(*values)                       record the values
  E(fn, check="message")           record fn()'s value, or the exception it raises
  EXEC(fetches, feed_dict=None, session=None)
                                   run one traced step; return the sorted executed op names
  CFG                              a ConfigProto with Grappler and the classic optimizer off
"""

from __future__ import annotations

import collections
import threading
import traceback

from value_records import encode, error_record, scenario_error_record

SCENARIO_TIMEOUT_SECONDS = 120


def run_scenario(tf, np, code: str, diagnostics: list | None = None) -> list[dict]:
    """Run `code` in a fresh thread after tf.reset_default_graph(); return its records.

    A fresh thread because TF and graphshell keep the default-graph and default-session
    stacks per thread: what one scenario leaves on them cannot reach the next one.
    Tracebacks of exceptions that escaped the scenario are appended to `diagnostics`.
    """
    records: list[dict] = []
    worker = threading.Thread(
        target=_run_in_this_thread, args=(tf, np, code, records, diagnostics),
        name="conformance-scenario", daemon=True)
    worker.start()
    worker.join(SCENARIO_TIMEOUT_SECONDS)
    if worker.is_alive():
        return records[:] + [{"scenario_error": "Timeout",
                              "msg": f"still running after {SCENARIO_TIMEOUT_SECONDS} s"}]
    return records


def _run_in_this_thread(tf, np, code, records, diagnostics):
    try:
        tf.reset_default_graph()
        namespace = scenario_namespace(tf, np, records)
        exec(compile(code, "<scenario>", "exec"), namespace)
    except Exception as error:  # the scenario's own failure is part of what is compared
        records.append(scenario_error_record(error))
        if diagnostics is not None:
            diagnostics.append(traceback.format_exc())


def scenario_namespace(tf, np, records: list) -> dict:
    """The globals a scenario runs with: the modules and the P/E/EXEC/CFG helpers."""
    helpers = ScenarioHelpers(tf, records)
    return {"__name__": "scenario", "tf": tf, "np": np, "collections": collections,
            "threading": threading, "P": helpers.print_values, "E": helpers.expect,
            "EXEC": helpers.executed_ops, "CFG": helpers.config}


def plain_pruned_config(tf):
    """A ConfigProto under which TF executes exactly the pruned subgraph (no Grappler, no L1)."""
    config = tf.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    config.graph_options.optimizer_options.opt_level = tf.OptimizerOptions.L0
    return config


class ScenarioHelpers:
    """P, E and EXEC for one scenario run, all appending to one record list."""

    def __init__(self, tf, records: list):
        self.tf = tf
        self.records = records
        self.config = plain_pruned_config(tf)

    def print_values(self, *values) -> None:
        """P: record the values, structurally."""
        self.records.append({"P": [encode(value) for value in values]})

    def expect(self, fn, check: str = "message") -> None:
        """E: call fn(); record its value, or the class (and message, per `check`) it raises."""
        try:
            value = fn()
        except Exception as error:
            self.records.append({"E": error_record(error, check)})
        else:
            self.records.append({"E": {"value": encode(value)}})

    def executed_ops(self, fetches, feed_dict=None, session=None) -> list[str]:
        """EXEC: run one FULL_TRACE step; return the sorted names of the user ops that ran.

        Without a session it uses a new Session(config=CFG) on the default graph, closed after.
        Names starting with '_' (_SOURCE, _arg_*, _retval_*) are TF bookkeeping; each name is
        listed once even if the op ran several times (while_loop bodies).
        """
        tf = self.tf
        options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
        metadata = tf.RunMetadata()
        own_session = session is None
        if own_session:
            session = tf.Session(config=self.config)
        try:
            session.run(fetches, feed_dict=feed_dict, options=options, run_metadata=metadata)
        finally:
            if own_session:
                session.close()
        names = {node.node_name for device in metadata.step_stats.dev_stats
                 for node in device.node_stats}
        return sorted(name for name in names if not name.startswith("_"))
