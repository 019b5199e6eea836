"""A real TensorFlow `Session.run` as a step record: what it fetched and fed, the ops
RunMetadata's step_stats say executed (in the order and with the times TF gives), the ops the
run needed but did not execute (a tf.cond branch not taken) and the graph's other ops."""

from __future__ import annotations

from collections import deque
from typing import Any

from ...engine.run.prune import why_needed as why_needed  # duck-typed on TF's op API
from ...engine.run.steps import Step

# Nodes the executor adds around a step: they are not ops of the user's graph.
SYNTHETIC_PREFIXES = ("_SOURCE", "_SINK", "_arg_", "_retval_")


class RecordedPlan:
    """What the step needed, as graphshell's plans say it: the ops (in graph order), the
    fetched tensors and targets, and a value slot per fetched or fed tensor."""

    def __init__(self, ops: list, fetches: list, targets: list, valued: list):
        self.ops = ops
        self.position = {op: i for i, op in enumerate(ops)}
        self.fetches = fetches
        self.targets = targets
        self.slots = {tensor: slot for slot, tensor in enumerate(valued)}
        self.template = [None] * len(valued)  # no slot holds a constant of the plan
        self.inlined = [False] * len(ops)


class ExecutedOp:
    """One op in step_stats: the op, when it started (microseconds, absolute) and how long
    all its runs took."""

    __slots__ = ("op", "start_micros", "micros", "runs")

    def __init__(self, op: Any, start_micros: int, micros: int):
        self.op, self.start_micros, self.micros, self.runs = op, start_micros, micros, 1


class TensorFlowStep(Step):
    """A step of a real TF session, read from its RunMetadata."""

    engine: Any = None  # the TensorFlowEngine, set when it is loaded

    def __init__(self, number: int, session_step: int, session: Any, origin: str,
                 request: Any, executed: list[ExecutedOp], wall_ns: int,
                 error: BaseException | None, run_metadata: Any):
        graph_ops = session.graph.get_operations()
        needed = needed_ops(graph_ops, request.fetched, request.targets, request.fed)
        plan = RecordedPlan(needed, request.fetched, request.targets,
                            _valued_tensors(request, needed))
        super().__init__(number, session_step, session, origin, request.fetches,
                         request.feed_dict, plan, [], request.fed, (), error,
                         values=request.values(plan), counts=_counts(plan, executed))
        self.graph_ops = graph_ops  # the graph as it was at this step
        self.graph_size = len(graph_ops)
        self.last_op_id = self.graph_ops[-1]._id if self.graph_ops else -1
        self._executed = executed
        self._wall_ns = wall_ns
        self.run_metadata = run_metadata

    @property
    def executed_ops(self) -> list:
        return [item.op for item in self._executed]

    @property
    def op_times_ns(self) -> list:
        return [(item.op, item.micros * 1000) for item in self._executed]

    @property
    def duration_ns(self) -> int:
        """From the first op's start to the last op's end as TF timed them, else the wall
        time of the whole run() call."""
        if not self._executed:
            return self._wall_ns
        ends = [item.start_micros + item.micros for item in self._executed]
        return (max(ends) - self._executed[0].start_micros) * 1000

    @property
    def repeated_ops(self) -> list:
        return [(item.op, item.runs) for item in self._executed if item.runs > 1]

    @property
    def loop_iterations(self) -> list:
        """(loop name, iterations) per while loop that ran: the fewest runs of one of its
        NextIteration ops (a loop variable passed on), as the numpy engine counts."""
        passes: dict = {}
        for item in self._executed:
            if item.op.type == "NextIteration":
                loop = self.engine.while_loop_of(item.op)
                passes[loop] = min(passes.get(loop, item.runs), item.runs)
        return [(item.op.name.rsplit("/", 1)[0],
                 passes.get(self.engine.while_loop_of(item.op), max(0, item.runs - 1)))
                for item in self._executed if item.op.type == "LoopCond"]

    def value_note(self, tensor: Any) -> str | None:
        """Why a tensor the step computed has no value: TF hands back only what was fetched."""
        note = super().value_note(tensor)
        if note is None and self.value_of(tensor) is None and tensor in self.plan.slots \
                and tensor.op in set(self.executed_ops) and tensor not in self._handed_back:
            return (f"TensorFlow returns only fetched and fed values; fetch {tensor.name} "
                    "to see it")
        return note

    @property
    def _handed_back(self) -> set:
        return set(self.plan.fetches) | set(self.fed_tensors)

    @property
    def pruned_ops(self) -> list:
        executed, fed = set(self.executed_ops), set(self.fed_ops)
        return [op for op in self.graph_ops if op not in executed and op not in fed]

    def __repr__(self) -> str:
        status = f" failed: {type(self.error).__name__}" if self.error else ""
        return f"<TensorFlowStep {self.number} ({self.origin}) ran {len(self._executed)} ops" \
               f"{status}>"


def _counts(plan: RecordedPlan, executed: list[ExecutedOp]) -> list[int] | None:
    """Runs per plan op (after a leading 0, as the numpy engine's counts), only for steps in
    which a loop ran an op more than once."""
    if all(item.runs == 1 for item in executed):
        return None
    runs = {item.op: item.runs for item in executed}
    return [0] + [runs.get(op, 0) for op in plan.ops]


def executed_from(graph: Any, run_metadata: Any) -> list[ExecutedOp]:
    """The graph's ops in step_stats, in the order they started (all devices merged; TF's own
    order for ties); an op a loop ran again is listed once, its times summed. Nodes that are
    not the graph's (the executor's _SOURCE, feed and fetch nodes, Grappler's) are left out."""
    stats = [(node.all_start_micros, device_index, node_index, node)
             for device_index, device in enumerate(run_metadata.step_stats.dev_stats)
             for node_index, node in enumerate(device.node_stats)]
    stats.sort(key=lambda item: item[:3])
    found: dict[str, ExecutedOp] = {}
    for _, _, _, node in stats:
        name = node.node_name
        if name.startswith(SYNTHETIC_PREFIXES):
            continue
        if name in found:
            found[name].micros += node.all_end_rel_micros
            found[name].runs += 1
            continue
        op = _op_or_none(graph, name)
        if op is not None:
            found[name] = ExecutedOp(op, node.all_start_micros, node.all_end_rel_micros)
    return list(found.values())


def _op_or_none(graph: Any, name: str) -> Any:
    try:
        return graph.get_operation_by_name(name)
    except (KeyError, ValueError):
        return None


def _valued_tensors(request: Any, needed: list) -> list:
    """The tensors a step has a value slot for: the fetched, the fed, then every other output
    of the ops it needed (TF gives no value for those: their slots say why)."""
    valued = list(request.fetched)
    seen = set(valued)
    for tensor in request.fed + [t for op in needed for t in op.outputs]:
        if tensor not in seen:
            seen.add(tensor)
            valued.append(tensor)
    return valued


def needed_ops(graph_ops: list, fetched: list, targets: list, fed: list) -> list:
    """The ops the run needs, as TF prunes: everything the fetches and targets reach through
    data and control edges, stopping at fed tensors; in graph order (`graph_ops`)."""
    fed_set = set(fed)
    seen: set = set()
    frontier = deque([t.op for t in fetched if t not in fed_set] + list(targets))
    while frontier:
        op = frontier.popleft()
        if op in seen:
            continue
        seen.add(op)
        frontier.extend(t.op for t in op.inputs if t not in fed_set)
        frontier.extend(op.control_inputs)
    return [op for op in graph_ops if op in seen]
