"""Device names: `DeviceSpec`, TF's merging of nested device scopes, and colocation groups.

An op's device is a string recorded at construction (`Graph.device` scopes, device functions,
`colocate_with`); everything still runs on numpy on the one local CPU, and the run layer refuses
ops pinned elsewhere as TF's placer does (`run/placement.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_DEVICE_TYPES = frozenset({"CPU", "GPU", "TPU", "CUSTOM", "EPU"})
LOCAL_CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


def _text_or_none(value) -> str | None:
    return None if value is None else str(value)


def _int_or_none(value) -> int | None:
    return None if value is None else int(value)


def _device_type(value) -> str | None:
    if value in ("cpu", "gpu"):  # TF upper-cases only these two spellings
        return value.upper()
    return _text_or_none(value)


class DeviceSpec:
    """A (possibly partial) device: job, replica, task, device type and index (TF1's mutable
    `tf.DeviceSpec`)."""

    __slots__ = ("_job", "_replica", "_task", "_device_type", "_device_index")
    _job: str | None
    _replica: int | None
    _task: int | None
    _device_type: str | None
    _device_index: int | None

    def __init__(self, job=None, replica=None, task=None, device_type=None, device_index=None):
        self.job = job
        self.replica = replica
        self.task = task
        self.device_type = device_type
        self.device_index = device_index

    @property
    def job(self) -> str | None:
        return self._job

    @job.setter
    def job(self, value) -> None:
        self._job = _text_or_none(value)

    @property
    def replica(self) -> int | None:
        return self._replica

    @replica.setter
    def replica(self, value) -> None:
        self._replica = _int_or_none(value)

    @property
    def task(self) -> int | None:
        return self._task

    @task.setter
    def task(self, value) -> None:
        self._task = _int_or_none(value)

    @property
    def device_type(self) -> str | None:
        return self._device_type

    @device_type.setter
    def device_type(self, value) -> None:
        self._device_type = _device_type(value)

    @property
    def device_index(self) -> int | None:
        return self._device_index

    @device_index.setter
    def device_index(self, value) -> None:
        self._device_index = _int_or_none(value)

    @classmethod
    def from_string(cls, spec: str | None) -> DeviceSpec:
        """Parses `/job:<name>/replica:<i>/task:<i>/device:<type>:<i>` (every part optional,
        `/cpu:0` short forms too); unknown parts raise ValueError with TF's message."""
        return cls(*_parse(spec))

    def parse_from_string(self, spec: str | None) -> DeviceSpec:
        (self.job, self.replica, self.task, self.device_type,
         self.device_index) = _parse(spec)
        return self

    def to_string(self) -> str:
        parts = []
        if self._job is not None:
            parts.append("/job:" + self._job)
        if self._replica is not None:
            parts.append(f"/replica:{self._replica}")
        if self._task is not None:
            parts.append(f"/task:{self._task}")
        if self._device_type is not None:
            index = "*" if self._device_index is None else str(self._device_index)
            parts.append(f"/device:{self._device_type}:{index}")
        return "".join(parts)

    def _fields(self) -> tuple:
        return (self._job, self._replica, self._task, self._device_type, self._device_index)

    def _combined(self, dev: DeviceSpec) -> tuple:
        """Each field of `dev` where it is set, else this spec's."""
        return tuple(theirs if theirs is not None else mine
                     for mine, theirs in zip(self._fields(), dev._fields()))

    def make_merged_spec(self, dev: DeviceSpec) -> DeviceSpec:
        """A new spec: `dev`'s fields where set, this spec's elsewhere."""
        return DeviceSpec(*self._combined(dev))

    def merge_from(self, dev: DeviceSpec) -> None:
        """Overwrites this spec's fields with those `dev` sets."""
        (self.job, self.replica, self.task, self.device_type,
         self.device_index) = self._combined(dev)

    def replace(self, **kwargs) -> DeviceSpec:
        fields = dict(job=self._job, replica=self._replica, task=self._task,
                      device_type=self._device_type, device_index=self._device_index)
        fields.update(kwargs)
        return DeviceSpec(**fields)

    def __eq__(self, other) -> bool:
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self) -> int:
        return hash(self.to_string())

    def __repr__(self) -> str:
        return (f"<DeviceSpec(job={self._job}, replica={self._replica}, task={self._task}, "
                f"device_type={self._device_type}, device_index={self._device_index})>")


def _parse(spec) -> tuple:
    job = replica = task = device_type = device_index = None
    spec = spec or ""
    for part in spec.split("/"):
        fields = part.split(":")
        count = len(fields)
        head = fields[0]
        if count == 2 and head in ("job", "replica", "task"):
            if head == "job":
                job = fields[1]
            elif head == "replica":
                replica = fields[1]
            else:
                task = fields[1]
        elif count in (1, 2) and head.upper() in _DEVICE_TYPES:
            _refuse_second_type(device_type, spec)
            device_type = head.upper()
            if count == 2 and fields[1] != "*":
                device_index = int(fields[1])
        elif count == 3 and head == "device":
            _refuse_second_type(device_type, spec)
            device_type = fields[1]
            if fields[2] != "*":
                device_index = int(fields[2])
        elif head != "":
            raise ValueError(f"Unknown attribute '{head}' is encountered while parsing the "
                             f"device spec: '{spec}'.")
    return job, replica, task, device_type, device_index


def _refuse_second_type(device_type, spec) -> None:
    if device_type is not None:
        raise ValueError(f"Multiple device types are not allowed while parsing the device "
                         f"spec: {spec}.")


def canonical_name(device: Any) -> str:
    """The canonical string of a DeviceSpec or device name ('' for None)."""
    if device is None:
        return ""
    if isinstance(device, DeviceSpec):
        return device.to_string()
    return DeviceSpec.from_string(device).to_string()


class DeviceScope:
    """One entry of a graph's device stack: a device string or spec to merge, a device
    function, or None (ignore every scope outside it)."""

    __slots__ = ("function", "spec", "is_null_merge")

    def __init__(self, device_name_or_function: Any):
        self.function: Callable[[Any], Any] | None = None
        self.spec: DeviceSpec | None = None
        if device_name_or_function is None:
            self.is_null_merge = False
        elif isinstance(device_name_or_function, DeviceSpec):
            self.spec = DeviceSpec.from_string(device_name_or_function.to_string())
        elif callable(device_name_or_function):
            self.function = device_name_or_function
        else:
            self.spec = DeviceSpec.from_string(device_name_or_function)
        if self.spec is not None:
            self.is_null_merge = not self.spec.to_string()
        elif self.function is not None:
            self.is_null_merge = False

    @property
    def resets(self) -> bool:
        return self.function is None and self.spec is None

    def merged_device(self, op) -> str:
        """The op's device after this scope: a spec fills the fields the op's device leaves
        unset; a function's answer replaces it."""
        if self.spec is not None:
            current = DeviceSpec.from_string(op.device)
            return self.spec.make_merged_spec(current).to_string()
        assert self.function is not None  # a scope that is neither resets, not merges
        answer = self.function(op)
        if isinstance(answer, DeviceSpec):
            return answer.to_string()
        if isinstance(answer, bytes):
            return answer.decode()
        if not isinstance(answer, str):
            raise TypeError(f"Expected binary or unicode string, got {answer!r}")
        return answer


def apply_device_scopes(op, scopes: list[DeviceScope]) -> None:
    """Sets `op.device` from the device stack, innermost scope first (TF's order): each outer
    scope only fills what the inner ones left unset; a None scope stops the walk."""
    for scope in reversed(scopes):
        if scope.is_null_merge:
            continue
        if scope.resets:
            break
        op.device = scope.merged_device(op)


def colocation_groups_of(op) -> list[bytes]:
    """`[b"loc:@<name>"]` entries of the op's `_class` attr, or its own group if it has none."""
    classes = op.attrs.get("_class", ())
    if hasattr(classes, "list"):  # an AttrValue message set through op._set_attr
        classes = list(classes.list.s)
    groups = [group for group in classes if group.startswith(b"loc:@")]
    return groups or [f"loc:@{op.name}".encode()]


def apply_colocation(op, colocation_stack: list) -> None:
    """Gives `op` the union of the stack's colocation groups (sorted, as `_class`) and the device
    of the innermost stacked op that has one."""
    groups: set[bytes] = set()
    device_set = False
    for other in reversed(colocation_stack):
        groups.update(colocation_groups_of(other))
        if other.device and not device_set:
            op.device = other.device
            device_set = True
    op.attrs["_class"] = sorted(groups)
