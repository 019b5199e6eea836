"""Readers over a file-name queue and tf.decode_csv, against Python's own csv module and files."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from graphshell import tf


def test_decode_csv_agrees_with_pythons_csv_module():
    rows = ['1,"a,b",2.5', '7,"say ""hi""",-0.25', '-3,plain,1e2']
    ints, texts, floats = tf.decode_csv(tf.constant(rows), [[0], ["?"], [0.0]])
    with tf.Session() as s:
        got = s.run([ints, texts, floats])
    expected = list(csv.reader(io.StringIO("\n".join(rows))))
    assert got[0].tolist() == [int(r[0]) for r in expected]
    assert [t.decode() for t in got[1]] == [r[1] for r in expected]
    np.testing.assert_array_equal(got[2], np.array([float(r[2]) for r in expected], np.float32))


def test_decode_csv_keeps_the_records_shape_and_uses_defaults_for_empty_fields():
    records = tf.constant([["1,", ",2"], [",", "3,4"]])
    first, second = tf.decode_csv(records, [[-1], [-2]])
    assert first.shape.as_list() == [2, 2]
    with tf.Session() as s:
        a, b = s.run([first, second])
    assert a.tolist() == [[1, -1], [-1, 3]] and b.tolist() == [[-2, 2], [-2, 4]]


def test_text_line_reader_reads_every_line_of_every_file_in_queue_order(tmp_path):
    contents = {"one.txt": ["alpha", "beta"], "two.txt": ["gamma"]}
    paths = []
    for name, lines in contents.items():
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n")
        paths.append(str(path))
    files = tf.FIFOQueue(3, tf.string, shapes=[[]])
    key, value = tf.TextLineReader().read(files)
    with tf.Session() as s:
        s.run(files.enqueue_many([paths]))
        s.run(files.close())
        got = [s.run([key, value]) for _ in range(3)]
        with pytest.raises(tf.errors.OutOfRangeError):
            s.run(value)
    expected = [(f"{p}:{i}", line) for p, name in zip(paths, contents)
                for i, line in enumerate(contents[name], 1)]
    assert [(k.decode(), v.decode()) for k, v in got] == expected


def test_a_missing_file_is_not_found():
    files = tf.FIFOQueue(3, tf.string, shapes=[[]])
    _, value = tf.WholeFileReader().read(files)
    with tf.Session() as s:
        s.run(files.enqueue("/nonexistent/graphshell/file"))
        with pytest.raises(tf.errors.NotFoundError):
            s.run(value)
