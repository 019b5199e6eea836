"""TF's colocation groups at placement time: the ops sharing a `loc:@name` class are one group,
whose requested devices must merge (TF's ColocationGraph; soft placement drops a conflicting
device type or index instead of failing)."""

from __future__ import annotations

from ..graph.devices import DeviceSpec
from ..graph.errors import InvalidArgumentError

_NO_DEVICE = DeviceSpec()  # shared by every op without a device; never changed
_ADDRESS_FIELDS = (("job", "jobs"), ("replica", "replicas"), ("task", "tasks"))


class ColocationGroups:
    """Union-find over the ops of a graph, in creation order as TF's placer adds them; each
    root keeps the group's merged requested device. Grows with the graph: `add` only the
    ops created since the last call."""

    def __init__(self, soft: bool):
        self.soft = soft
        self.ops_added = 0
        self._parent: dict = {}
        self._rank: dict = {}
        self._requested: dict = {}  # root op -> DeviceSpec
        self._first_of_class: dict[bytes, object] = {}

    def add(self, ops) -> None:
        """Adds ops to their groups; raises TF's "Cannot colocate nodes" error on a conflict."""
        for op in ops:
            self._parent[op] = op
            self._rank[op] = 0
            self._requested[op] = DeviceSpec.from_string(op.device) if op.device else _NO_DEVICE
            for group in op.colocation_groups():
                first = self._first_of_class.setdefault(group, op)
                if first is not op:
                    self._colocate(op, first)
            self.ops_added += 1

    def requested_device(self, op) -> DeviceSpec:
        """The merged device the op's whole group asks for."""
        return self._requested[self._root(op)]

    def requested_name(self, op) -> str:
        """The merged device of the op's group as a name ('' for none)."""
        spec = self._requested[self._root(op)]
        return "" if spec is _NO_DEVICE else spec.to_string()

    def group_members(self, op) -> list:
        root = self._root(op)
        return [member for member in self._parent if self._root(member) is root]

    def _root(self, op):
        while self._parent[op] is not op:
            self._parent[op] = self._parent[self._parent[op]]  # path halving, no recursion
            op = self._parent[op]
        return op

    def _colocate(self, op, other) -> None:
        op_root, other_root = self._root(op), self._root(other)
        if op_root is other_root:
            return
        # TF's union by rank: the higher rank wins, a tie goes to the op being added
        if self._rank[op_root] < self._rank[other_root]:
            new_root, old_root = other_root, op_root
        else:
            new_root, old_root = op_root, other_root
        merged = _merged_device(self._requested[new_root], self._requested[old_root], self.soft)
        if isinstance(merged, str):
            raise InvalidArgumentError(
                None, op, f"Cannot colocate nodes {{{{colocation_node {op.name}}}}} and "
                          f"{{{{colocation_node {other.name}}}}}: {merged}\n"
                          f"\t [[{{{{node {op.name}}}}}]]")
        self._parent[old_root] = new_root
        if self._rank[new_root] == self._rank[old_root]:
            self._rank[new_root] += 1
        self._requested[new_root] = merged
        del self._requested[old_root]


def _merged_device(target: DeviceSpec, other: DeviceSpec, soft: bool) -> DeviceSpec | str:
    """`target` completed by `other` (TF's MergeDevNames), or the reason they conflict."""
    if other is _NO_DEVICE or target is _NO_DEVICE:  # nothing to merge (specs are not changed)
        return target if other is _NO_DEVICE else other
    fields = {"job": target.job, "replica": target.replica, "task": target.task,
              "device_type": target.device_type, "device_index": target.device_index}
    pair = f"'{target.to_string()}' and '{other.to_string()}'"
    for field, plural in _ADDRESS_FIELDS:
        theirs = getattr(other, field)
        if theirs is not None and fields[field] not in (None, theirs):
            return f"Cannot merge devices with incompatible {plural}: {pair}"
        fields[field] = theirs if theirs is not None else fields[field]
    if other.device_type is not None and fields["device_type"] not in (None, other.device_type):
        if not soft:
            return f"Cannot merge devices with incompatible types: {pair}"
        fields["device_type"] = fields["device_index"] = None
        return DeviceSpec(**fields)
    if other.device_type is not None:
        fields["device_type"] = other.device_type
    if other.device_index is not None \
            and fields["device_index"] not in (None, other.device_index):
        if not soft:
            return f"Cannot merge devices with incompatible ids: {pair}"
        fields["device_index"] = None
        return DeviceSpec(**fields)
    if other.device_index is not None:
        fields["device_index"] = other.device_index
    return DeviceSpec(**fields)
