"""Just enough of TF's protocol messages: ConfigProto (accepted, mostly ignored), RunOptions and
RunMetadata, whose step_stats lists the nodes a traced step executed."""

from __future__ import annotations

import time

from . import message_wire


class RepeatedField(list):
    """A repeated message field: a list with protobuf's `add()`."""

    def __init__(self, element_type, items=()):
        super().__init__(items)
        self._element_type = element_type

    def add(self, **fields):
        element = self._element_type(**fields)
        self.append(element)
        return element


class Message:
    """A protobuf-like message: declared fields with defaults, nested messages created on use."""

    FIELDS: dict = {}  # name -> default value, a Message subclass, or (RepeatedField, type)

    def __init__(self, **fields):
        object.__setattr__(self, "_set", set())
        for name, default in self.FIELDS.items():
            object.__setattr__(self, name, _fresh(default))
        for name, value in fields.items():
            if name not in self.FIELDS:
                raise ValueError(f'Protocol message {type(self).__name__} has no "{name}" field.')
            setattr(self, name, value)

    def __setattr__(self, name, value) -> None:
        if name not in self.FIELDS:
            raise AttributeError(f'Assignment not allowed (no field "{name}" in protocol message '
                                 f"object {type(self).__name__}).")
        object.__setattr__(self, name, value)
        self._set.add(name)

    def HasField(self, name: str) -> bool:
        if name not in self.FIELDS:
            raise ValueError(f'Protocol message has no singular "{name}" field.')
        return name in self._set

    def _mark(self, name: str) -> None:
        self._set.add(name)

    def CopyFrom(self, other) -> None:
        for name in self.FIELDS:
            object.__setattr__(self, name, getattr(other, name))
        object.__setattr__(self, "_set", set(other._set))

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n) for n in self.FIELDS)

    def __str__(self) -> str:
        return "".join(line + "\n" for line in _text_lines(self))

    __repr__ = __str__


def _fresh(default):
    if isinstance(default, type) and issubclass(default, Message):
        return default()
    if isinstance(default, tuple) and default and default[0] is RepeatedField:
        return RepeatedField(default[1])
    if isinstance(default, dict):
        return dict(default)
    return default


def _text_lines(message):
    lines = []
    for name, default in message.FIELDS.items():
        value = getattr(message, name)
        if isinstance(value, Message):
            if name in message._set or any(True for _ in _text_lines(value)):
                lines += [f"{name} {{"] + ["  " + line for line in _text_lines(value)] + ["}"]
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Message):
                    lines += [f"{name} {{"] + ["  " + line for line in _text_lines(item)] + ["}"]
                else:
                    lines.append(f"{name}: {item!r}")
        elif value != _fresh(default):
            shown = f'"{value}"' if isinstance(value, str) else str(value).lower() \
                if isinstance(value, bool) else value
            lines.append(f"{name}: {shown}")
    return lines


# -- configuration (accepted for compatibility; numpy runs everything on one CPU) -------------
class GPUOptions(Message):
    FIELDS = {"allow_growth": False, "per_process_gpu_memory_fraction": 0.0,
              "visible_device_list": ""}


class OptimizerOptions(Message):
    L1, L0 = 0, -1
    DEFAULT, OFF, ON_1, ON_2 = 0, -1, 1, 2
    FIELDS = {"opt_level": 0, "do_common_subexpression_elimination": False,
              "do_constant_folding": False, "do_function_inlining": False, "global_jit_level": 0}


class RewriterConfig(Message):
    DEFAULT, ON, OFF, AGGRESSIVE = 0, 1, 2, 3
    FIELDS = {"disable_meta_optimizer": False, "constant_folding": 0,
              "arithmetic_optimization": 0, "dependency_optimization": 0,
              "layout_optimizer": 0, "memory_optimization": 0, "remapping": 0,
              "disable_model_pruning": False, "min_graph_nodes": 0,
              "function_optimization": 0, "loop_optimization": 0}


class GraphOptions(Message):
    FIELDS = {"optimizer_options": OptimizerOptions, "rewrite_options": RewriterConfig,
              "infer_shapes": False, "place_pruned_graph": False,
              "enable_bfloat16_sendrecv": False, "build_cost_model": 0}


class ConfigProto(Message):
    FIELDS = {"device_count": {}, "intra_op_parallelism_threads": 0,
              "inter_op_parallelism_threads": 0, "use_per_session_threads": False,
              "allow_soft_placement": False, "log_device_placement": False,
              "gpu_options": GPUOptions, "graph_options": GraphOptions,
              "operation_timeout_in_ms": 0, "isolate_session_state": False}


# -- tracing ----------------------------------------------------------------------------------
class RunOptions(Message):
    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3
    FIELDS = {"trace_level": 0, "timeout_in_ms": 0, "inter_op_thread_pool": 0,
              "output_partition_graphs": False, "report_tensor_allocations_upon_oom": False}


class NodeExecStats(Message):
    FIELDS = {"node_name": "", "all_start_micros": 0, "op_start_rel_micros": 0,
              "op_end_rel_micros": 0, "all_end_rel_micros": 0, "timeline_label": "",
              "scheduled_micros": 0, "thread_id": 0, "all_start_nanos": 0,
              "op_start_rel_nanos": 0, "op_end_rel_nanos": 0, "all_end_rel_nanos": 0,
              "scheduled_nanos": 0}


class DeviceStepStats(Message):
    FIELDS = {"device": "", "node_stats": (RepeatedField, NodeExecStats), "thread_names": {}}


class StepStats(Message):
    FIELDS = {"dev_stats": (RepeatedField, DeviceStepStats)}


class RunMetadata(Message):
    FIELDS = {"step_stats": StepStats, "partition_graphs": [], "cost_graph": None}

    # TF's wire format, through tensorboard's RunMetadata message
    def SerializeToString(self) -> bytes:
        return message_wire.serialized_run_metadata(self)

    def ParseFromString(self, data: bytes) -> None:
        self.CopyFrom(RunMetadata())
        message_wire.parse_run_metadata(self, data)

    @classmethod
    def FromString(cls, data: bytes) -> RunMetadata:
        message = cls()
        message.ParseFromString(data)
        return message


CPU_DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"


def wants_trace(options) -> bool:
    return options is not None and getattr(options, "trace_level", 0) > 0


def fill_run_metadata(run_metadata: RunMetadata, step) -> None:
    """Writes a step's executed nodes as TF's step_stats, with its bookkeeping nodes
    (_SOURCE, _arg_* per fed tensor read, _retval_* per fetched tensor)."""
    device = DeviceStepStats(device=CPU_DEVICE)
    start_ns = getattr(step.timestamps, "start_ns", None) or step.timestamps[0]  # Span or list
    # steps are timed with perf_counter; TF reports wall-clock time since the epoch
    start_ns += time.time_ns() - time.perf_counter_ns()
    plan = step.plan
    _add_node(device, "_SOURCE", "_SOURCE = NoOp()", start_ns, 0)
    args = {}
    for k, tensor in enumerate(plan.fed):
        args[tensor] = name = f"_arg_{tensor.op.name}_{tensor.value_index}_{k}"
        _add_node(device, name, f"{name} = _Arg()", start_ns, 0)
    retvals = {}
    for tensor, k in plan.retval_index.items():
        retvals.setdefault(tensor.op, []).append(
            f"_retval_{tensor.op.name}_{tensor.value_index}_{k}")
    elapsed = 0
    for op, duration in step.op_times_ns:
        inputs = ", ".join([args.get(t, t.name.replace(":0", "")) for t in op.inputs]
                           + ["^" + control.name for control in op.control_inputs])
        _add_node(device, op.name, f"{op.name} = {op.type}({inputs})", start_ns + elapsed,
                  duration)
        elapsed += duration
        for name in retvals.get(op, ()):
            _add_node(device, name, f"{name} = _Retval({op.name})", start_ns + elapsed, 0)
    stats = StepStats()
    stats.dev_stats.append(device)
    run_metadata.step_stats = stats


def _add_node(device, name, label, start_ns, duration_ns) -> None:
    device.node_stats.add(
        node_name=name, timeline_label=label, all_start_micros=start_ns // 1000,
        all_start_nanos=start_ns, op_end_rel_micros=duration_ns // 1000,
        all_end_rel_micros=duration_ns // 1000, op_end_rel_nanos=duration_ns,
        all_end_rel_nanos=duration_ns)
