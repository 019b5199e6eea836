"""What TF checks on a session's whole graph before a step: no cycles, and every op placed on
the one local CPU (soft placement lets an op's device type and index go unmatched)."""

from __future__ import annotations

from ..graph.devices import LOCAL_CPU, DeviceSpec
from ..graph.errors import InvalidArgumentError
from .colocation import ColocationGroups


def check_runnable(graph, config) -> None:
    """Raises TF's InvalidArgumentError for a graph with a cycle or an op no local device fits."""
    check_acyclic(graph)
    check_placement(graph, config)


def check_acyclic(graph) -> None:
    """TF's cycle check (Kahn's algorithm over data and control edges). New ops can only add
    edges from older ops, so the graph is checked again only after an edge was added to an
    existing op (`_structure_version`)."""
    version = graph._structure_version
    if graph._acyclic_version == version:
        return
    ops = graph._ops
    pending = {op: _forward_edge_count(op) for op in ops}
    ready = [op for op in ops if pending[op] == 0]
    processed = 0
    while ready:
        op = ready.pop()
        processed += 1
        for consumer in _consumers(op):
            if _is_back_edge(op, consumer):
                continue
            pending[consumer] -= 1
            if pending[consumer] == 0:
                ready.append(consumer)
    if processed < len(ops):
        stuck = [op.name for op in ops if pending[op]][:3]
        raise InvalidArgumentError(
            None, None, f"Graph is invalid, contains a cycle with {len(ops) - processed} nodes, "
                        f"including: {', '.join(stuck)}")
    graph._acyclic_version = version


_NEXT_ITERATION = frozenset({"NextIteration", "RefNextIteration"})


def _is_back_edge(producer, consumer) -> bool:
    """A while loop's NextIteration -> Merge edge: TF's cycle check does not wait for it."""
    return producer.type in _NEXT_ITERATION and consumer.type in ("Merge", "RefMerge")


def _forward_edge_count(op) -> int:
    count = len(op._control_inputs)
    for tensor in op._inputs:
        if not _is_back_edge(tensor.op, op):
            count += 1
    return count


def _consumers(op):
    """Each op reading one of `op`'s outputs once per input it takes, then control outputs."""
    for tensor in op._outputs:
        yield from tensor._consumers
    yield from op._control_outputs


def check_placement(graph, config) -> None:
    """Raises TF's InvalidArgumentError for a colocation group whose devices conflict, or an
    op whose (group's) device no local device matches.

    TF places the whole graph, not only the ops a step needs, and places a generator (an op
    without inputs and with one value output, such as a Const) with its consumer, so a failing
    consumer is reported before a failing generator. What was checked is remembered on the
    graph, so a repeated step costs nothing."""
    soft = bool(config is not None and config.allow_soft_placement)
    groups = _grown_groups(graph, soft)
    start, failed_op, failed_generator = graph._placement_checked.get(soft, (0, None, None))
    ops = graph._ops
    if failed_op is None:
        for op in ops[start:]:
            device = groups.requested_name(op)
            if device and not _fits_local_cpu(device, soft):
                if not _is_generator(op):
                    failed_op = op
                    break
                failed_generator = failed_generator or op
        graph._placement_checked[soft] = (len(ops), failed_op, failed_generator)
    failed = failed_op or failed_generator
    if failed is not None:
        _raise_unplaceable(failed, groups)


def _grown_groups(graph, soft: bool) -> ColocationGroups:
    """The graph's colocation groups, extended by the ops created since the last step."""
    key = ("colocation", soft)
    groups = graph._placement_checked.get(key) or ColocationGroups(soft)
    if groups.ops_added < len(graph._ops):
        graph._placement_checked.pop(key, None)  # kept only once it holds every op
        groups.add(graph._ops[groups.ops_added:])
    graph._placement_checked[key] = groups
    return groups


def _raise_unplaceable(failed, groups: ColocationGroups):
    """TF's message for the first op of the failing op's group (in creation order)."""
    members = groups.group_members(failed)
    op = next((member for member in members if not _is_generator(member)), members[0])
    wanted = groups.requested_device(op).to_string()
    if DeviceSpec.from_string(op.device).to_string() == wanted:
        raise InvalidArgumentError(
            None, op,
            f"Cannot assign a device for operation {op.name}: {{{{node {op.name}}}}} "
            f"was explicitly assigned to {op.device} but available devices are "
            f"[ {LOCAL_CPU} ]. Make sure the device specification refers to a valid device.\n"
            f"\t [[{op.name}]]")
    listing = "\n".join(f"  {member.name} ({member.type}) {member.device}".rstrip()
                        for member in members)
    raise InvalidArgumentError(
        None, op,
        f"Cannot assign a device for operation {op.name}: Could not satisfy explicit device "
        f"specification '{op.device}' because the node {{{{colocation_node {op.name}}}}} was "
        f"colocated with a group of nodes that required incompatible device '{wanted}'. All "
        f"available devices [{LOCAL_CPU}]. \nColocation members and user-requested devices:\n"
        f"{listing}\n\t [[{{{{node {op.name}}}}}]]")


def _is_generator(op) -> bool:
    return not op._inputs and len(op._outputs) == 1 and not op._outputs[0].dtype.is_ref


def _fits_local_cpu(device: str, soft: bool) -> bool:
    spec = DeviceSpec.from_string(device)
    if spec.job not in (None, "localhost") or spec.replica not in (None, 0) \
            or spec.task not in (None, 0):
        return False  # another process: soft placement does not help
    if soft:
        return True
    return spec.device_type in (None, "CPU") and spec.device_index in (None, 0)
