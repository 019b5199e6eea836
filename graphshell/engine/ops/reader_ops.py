"""TF1's readers (TextLineReader, WholeFileReader, IdentityReader): a per-session reader takes
work (file names) from a queue and hands out (key, value) records, as TF's ReaderBase does."""

from __future__ import annotations

import numpy as np

from ..graph import dtypes, errors
from ..graph.build import OpScope, make_op
from ..graph.convert import convert_to_tensor
from ..graph.registry import NOT_DIFFERENTIABLE, define
from ..graph.tensor import Tensor

_HANDLE = [(dtypes.resource, ())]


class _Reader:
    """One reader's progress in one session: the current work item and its records."""

    def __init__(self, op):
        self.op = op
        self.records_produced = 0
        self.work_units_completed = 0
        self._work = None
        self._records: list = []

    def records_of(self, work: bytes) -> list:
        raise NotImplementedError

    def read(self, op, queue) -> tuple:
        while not self._records:
            if self._work is not None:
                self.work_units_completed += 1
            work = queue.dequeue(op, None)[0][0]  # the first element's only component
            self._work = bytes(np.asarray(work, dtype=object)[()])
            self._records = list(reversed(self.records_of(self._work)))
        self.records_produced += 1
        return self._records.pop()

    def has_records(self) -> bool:
        return bool(self._records)

    def reset(self) -> None:
        self.records_produced = self.work_units_completed = 0
        self._work, self._records = None, []


def _read_file(work: bytes) -> bytes:
    path = work.decode()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None


class _TextLines(_Reader):
    def records_of(self, work):
        lines = _read_file(work).split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        skip = self.op.attrs.get("skip_header_lines", 0)
        name = work.decode()
        return [(f"{name}:{number}".encode(), line[:-1] if line.endswith(b"\r") else line)
                for number, line in enumerate(lines, 1) if number > skip]


class _WholeFile(_Reader):
    def records_of(self, work):
        return [(work, _read_file(work))]


class _Identity(_Reader):
    def records_of(self, work):
        return [(work, work)]


_READERS = {"TextLineReaderV2": _TextLines, "WholeFileReaderV2": _WholeFile,
            "IdentityReaderV2": _Identity}


def _make_reader_kernel(op, runtime):
    kind = _READERS[op.type]
    return lambda: runtime.resource(("reader", op), lambda: kind(op))


for _type in _READERS:
    define(_type, infer=lambda op: _HANDLE, make_kernel=_make_reader_kernel, stateful=True,
           grad=NOT_DIFFERENTIABLE)


def _make_read(op, runtime):
    def read(reader, queue):
        key, value = reader.read(op, queue)
        return np.asarray(key, dtype=object), np.asarray(value, dtype=object)
    return read


def _make_read_up_to(op, runtime):
    def read_up_to(reader, queue, count):
        keys, values = [], []
        for _ in range(int(count)):
            if keys and not reader.has_records():
                break  # as TF's ReaderBase: one call reads within one work item
            key, value = reader.read(op, queue)
            keys.append(key)
            values.append(value)
        as_vector = lambda items: np.array(items + [None], dtype=object)[:-1]  # noqa: E731
        return as_vector(keys), as_vector(values)
    return read_up_to


define("ReaderReadV2", stateful=True, multi_output=True, grad=NOT_DIFFERENTIABLE, may_wait=True,
       infer=lambda op: [(dtypes.string, ()), (dtypes.string, ())], make_kernel=_make_read)
define("ReaderReadUpToV2", stateful=True, multi_output=True, grad=NOT_DIFFERENTIABLE,
       may_wait=True,
       infer=lambda op: [(dtypes.string, (None,)), (dtypes.string, (None,))],
       make_kernel=_make_read_up_to)
define("ReaderNumRecordsProducedV2", stateful=True, grad=NOT_DIFFERENTIABLE,
       infer=lambda op: [(dtypes.int64, ())],
       make_kernel=lambda op, runtime: lambda reader: np.int64(reader.records_produced))
define("ReaderNumWorkUnitsCompletedV2", stateful=True, grad=NOT_DIFFERENTIABLE,
       infer=lambda op: [(dtypes.int64, ())],
       make_kernel=lambda op, runtime: lambda reader: np.int64(reader.work_units_completed))
define("ReaderResetV2", stateful=True, grad=NOT_DIFFERENTIABLE, infer=lambda op: [],
       make_kernel=lambda op, runtime: lambda reader: reader.reset())


class ReaderBase:
    """A reader op's handle with the ops that read records through it."""

    def __init__(self, reader_ref, supports_serialize=False):
        self._reader_ref = reader_ref
        self._supports_serialize = supports_serialize

    reader_ref = property(lambda self: self._reader_ref)
    supports_serialize = property(lambda self: self._supports_serialize)

    @staticmethod
    def _queue_ref(queue):
        return queue if isinstance(queue, Tensor) else queue.queue_ref

    def read(self, queue, name=None):
        """The next (key, value) record, taking a new work item from `queue` when needed."""
        op = make_op("ReaderReadV2", [self._reader_ref, self._queue_ref(queue)],
                     name or "ReaderReadV2")
        return _ReadResult(op.outputs[0], op.outputs[1])

    def read_up_to(self, queue, num_records, name=None):
        """Up to `num_records` records (fewer at the end of the work)."""
        count = convert_to_tensor(num_records, dtype=dtypes.int64, name="num_records")
        op = make_op("ReaderReadUpToV2", [self._reader_ref, self._queue_ref(queue), count],
                     name or "ReaderReadUpToV2")
        return _ReadResult(op.outputs[0], op.outputs[1])

    def num_records_produced(self, name=None):
        return make_op("ReaderNumRecordsProducedV2", [self._reader_ref],
                       name or "ReaderNumRecordsProducedV2").outputs[0]

    def num_work_units_completed(self, name=None):
        return make_op("ReaderNumWorkUnitsCompletedV2", [self._reader_ref],
                       name or "ReaderNumWorkUnitsCompletedV2").outputs[0]

    def reset(self, name=None):
        return make_op("ReaderResetV2", [self._reader_ref], name or "ReaderResetV2")


class _ReadResult(tuple):
    """(key, value), also as attributes, as TF's generated ReaderReadV2 result."""

    def __new__(cls, key, value):
        return super().__new__(cls, (key, value))

    key = property(lambda self: self[0])
    value = property(lambda self: self[1])


class TextLineReader(ReaderBase):
    """Records are the lines of each file (key 'file:line'), after `skip_header_lines`."""

    def __init__(self, skip_header_lines=None, name=None):
        super().__init__(make_op("TextLineReaderV2", [], name or "TextLineReaderV2", {
            "skip_header_lines": int(skip_header_lines or 0), "container": "",
            "shared_name": ""}).outputs[0])


class WholeFileReader(ReaderBase):
    """One record per file: its name and its whole contents."""

    def __init__(self, name=None):
        super().__init__(make_op("WholeFileReaderV2", [], name or "WholeFileReaderV2", {
            "container": "", "shared_name": ""}).outputs[0], supports_serialize=True)


class IdentityReader(ReaderBase):
    """One record per work item: the work as key and value."""

    def __init__(self, name=None):
        super().__init__(make_op("IdentityReaderV2", [], name or "IdentityReaderV2", {
            "container": "", "shared_name": ""}).outputs[0], supports_serialize=True)


# -- tf.decode_csv --------------------------------------------------------------------------

_CSV_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)


def _csv_fields(op, record: bytes, row: int, delim: bytes, quoted: bool) -> list:
    """The fields of one record (RFC 4180 quotes when `quoted`: "" inside is one quote)."""
    if not quoted:
        return record.split(delim)
    fields, current, index, in_field_quote = [], bytearray(), 0, False
    while index <= len(record):
        char = record[index:index + 1]
        if in_field_quote:
            if char == b"":
                raise errors.InvalidArgumentError(
                    None, op, f"Quoted field has to end with quote followed by delim or end "
                    f"of record {row}")
            if char == b'"':
                if record[index + 1:index + 2] == b'"':
                    current += b'"'
                    index += 2
                    continue
                in_field_quote = False
            else:
                current += char
        elif char == b'"' and not current:
            in_field_quote = True
        elif char in (delim, b""):
            fields.append(bytes(current))
            current = bytearray()
        else:
            current += char
        index += 1
    return fields


def _csv_value(op, text: bytes, dtype, column: int, row: int):
    try:
        if dtype == dtypes.string:
            return text
        if dtype in (dtypes.int32, dtypes.int64):
            value = int(text.strip())
            np.array(value, dtype.as_numpy_dtype)  # out of range raises OverflowError
            return value
        return float(text.strip())
    except (ValueError, OverflowError):
        word = {dtypes.float32: "float", dtypes.float64: "double"}.get(dtype, dtype.name)
        raise errors.InvalidArgumentError(
            None, op, f"Field {column} in record {row} is not a valid {word}: "
            f"{text.decode(errors='replace')}") from None


def _make_decode_csv(op, runtime):
    attrs = op.attrs
    delim = attrs["field_delim"].encode() if isinstance(attrs["field_delim"], str) \
        else attrs["field_delim"]
    na_value = attrs["na_value"].encode() if isinstance(attrs["na_value"], str) \
        else attrs["na_value"]
    types, quoted = attrs["OUT_TYPE"], attrs["use_quote_delim"]

    def decode(records, *defaults):
        records = np.asarray(records, dtype=object)
        columns = [np.empty(records.shape, dtype=t.as_numpy_dtype) for t in types]
        for row, (position, record) in enumerate(np.ndenumerate(records)):
            fields = _csv_fields(op, bytes(record), row, delim, quoted)
            if len(fields) != len(types):
                raise errors.InvalidArgumentError(
                    None, op, f"Expect {len(types)} fields but have {len(fields)} in record "
                    f"{row}")
            for column, (text, dtype) in enumerate(zip(fields, types)):
                default = np.asarray(defaults[column])
                if text == b"" or text == na_value:
                    if default.size == 0:
                        raise errors.InvalidArgumentError(
                            None, op, f"Field {column} is required but missing in record "
                            f"{row}!")
                    columns[column][position] = default.reshape(-1)[0]
                else:
                    columns[column][position] = _csv_value(op, text, dtype, column, row)
        return tuple(columns)
    return decode


define("DecodeCSV", multi_output=True, grad=NOT_DIFFERENTIABLE, make_kernel=_make_decode_csv,
       infer=lambda op: [(t, op._inputs[0]._shape) for t in op.attrs["OUT_TYPE"]])


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """Each column of CSV `records` as a tensor of its default's dtype (TF1's tf.decode_csv)."""
    if select_cols is not None:
        raise NotImplementedError("decode_csv(select_cols=...) is not supported yet: parse "
                                  "every column and pick the ones you need")
    with OpScope(name, "DecodeCSV", [records]) as scope:
        records = convert_to_tensor(records, dtype=dtypes.string, name="records")
        defaults = []
        for i, value in enumerate(record_defaults):
            tensor = convert_to_tensor(value, name=f"record_defaults_{i}")
            if tensor.dtype.base_dtype not in _CSV_TYPES:
                raise TypeError(f"Value passed to parameter 'record_defaults' has DataType "
                                f"{tensor.dtype.base_dtype.name} not in list of allowed "
                                "values: float32, float64, int32, int64, string")
            defaults.append(tensor)
        op = make_op("DecodeCSV", [records] + defaults, scope, {
            "OUT_TYPE": [t.dtype.base_dtype for t in defaults], "field_delim": field_delim,
            "use_quote_delim": bool(use_quote_delim), "na_value": na_value,
            "select_cols": []})
        return list(op.outputs)
