"""TF's random streams: Philox4x32-10 against Random123's known answers, the stream's counter
arithmetic, the distributions against their formulas written out, glibc's float32 math."""

from __future__ import annotations

import ctypes
import platform

import numpy as np
import pytest

from graphshell import tf
from graphshell.engine.ops import float32_libm, random_distributions
from graphshell.engine.ops.philox import PhiloxStream, philox_blocks, philox_words


def _hex_block(key, counter):
    return [f"{w:08x}" for w in philox_blocks(key, counter, np.array([0], np.uint64))[0]]


def test_philox_known_answers():
    # Random123's kat_vectors for philox4x32-10
    assert _hex_block(0, 0) == ["6627e8d5", "e169c58d", "bc57ac4c", "9b00dbd8"]
    assert _hex_block(2**64 - 1, 2**128 - 1) == ["408f276d", "41c83b0e", "a20bc7c6", "6d5451fd"]
    key = 0x299F31D0 << 32 | 0xA4093822
    counter = 0x03707344 << 96 | 0x13198A2E << 64 | 0x85A308D3 << 32 | 0x243F6A88
    assert _hex_block(key, counter) == ["d16cfe09", "94fdcceb", "5001e420", "24126ea1"]


def test_counter_offsets_carry_across_words():
    counter = 2**64 - 2
    blocks = philox_blocks(7, counter, np.arange(4, dtype=np.uint64))
    for offset in range(4):
        assert list(blocks[offset]) == list(philox_blocks(7, counter + offset, np.zeros(1))[0])


def test_stream_reserves_and_restarts():
    stream = PhiloxStream(5, 3)
    assert stream.key == 5 and stream.counter == 3 << 64
    assert stream.reserve_outputs(10) == 3 << 64
    assert stream.counter == (3 << 64) + 2560


def test_uniform_float_is_23_mantissa_bits():
    words = philox_words(1, 2, 9)
    expected = np.array([(w & 0x7FFFFF) / 2**23 for w in words.tolist()], np.float32)
    np.testing.assert_array_equal(random_distributions.uniform(1, 2, 9, np.float32), expected)


def test_uniform_double_uses_two_words():
    words = philox_words(1, 2, 6).tolist()
    expected = [((words[2 * i] & 0xFFFFF) * 2**32 + words[2 * i + 1]) / 2**52 for i in range(3)]
    np.testing.assert_array_equal(random_distributions.uniform(1, 2, 3, np.float64), expected)


def test_uniform_int_is_low_plus_bits_modulo_range():
    words = philox_words(4, 0, 7).tolist()
    expected = [-3 + w % 10 for w in words]
    values = random_distributions.uniform_int(4, 0, 7, np.int32, -3, 7)
    assert values.dtype == np.int32 and values.tolist() == expected


def test_normal_pairs_follow_box_muller():
    words = philox_words(9, 1, 8).tolist()
    values = random_distributions.normal(9, 1, 5, np.float64)
    for i in range(2):
        u1 = max(((words[4 * i] & 0xFFFFF) * 2**32 + words[4 * i + 1]) / 2**52, 1e-7)
        v = 2 * np.pi * ((words[4 * i + 2] & 0xFFFFF) * 2**32 + words[4 * i + 3]) / 2**52
        radius = np.sqrt(-2 * np.log(u1))
        np.testing.assert_allclose(values[2 * i:2 * i + 2], [np.sin(v) * radius,
                                                             np.cos(v) * radius], rtol=1e-13)


def test_truncated_normal_stays_within_two_and_groups_own_regions():
    values = random_distributions.truncated_normal(3, 0, 4001, np.float32)
    assert values.shape == (4001,) and np.abs(values).max() < 2
    # a group's values depend on its own region only: the first 8 of a longer draw are the same
    np.testing.assert_array_equal(random_distributions.truncated_normal(3, 0, 8, np.float32),
                                  values[:8])


def test_values_depend_on_element_index_only():
    long = random_distributions.normal(11, 0, 103, np.float32)
    np.testing.assert_array_equal(random_distributions.normal(11, 0, 7, np.float32), long[:7])


_LIBC = platform.libc_ver()


@pytest.mark.skipif(_LIBC[0] != "glibc" or tuple(map(int, _LIBC[1].split("."))) >= (2, 41),
                    reason="glibc 2.28-2.40 (optimized-routines logf/sincosf) only")
def test_float32_math_matches_this_glibc():
    libm = ctypes.CDLL("libm.so.6")
    for name in ("logf", "sinf", "cosf"):
        getattr(libm, name).restype = ctypes.c_float
        getattr(libm, name).argtypes = [ctypes.c_float]
    u = np.maximum(random_distributions.uniform(5, 0, 20000, np.float32), np.float32(1e-7))
    angle = (2 * np.pi * u.astype(np.float64)).astype(np.float32)
    np.testing.assert_array_equal(float32_libm.logf(u), [libm.logf(float(a)) for a in u])
    sin, cos = float32_libm.sincosf(angle)
    np.testing.assert_array_equal(sin, [libm.sinf(float(a)) for a in angle])
    np.testing.assert_array_equal(cos, [libm.cosf(float(a)) for a in angle])


def test_session_steps_continue_and_sessions_restart():
    tf.reset_default_graph()
    sample = tf.random_uniform([5], seed=3)
    with tf.Session() as session:
        first, second = session.run(sample), session.run(sample)
    with tf.Session() as session:
        again = session.run(sample)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)
    seed, seed2 = sample.op.get_attr("seed"), sample.op.get_attr("seed2")
    stream = PhiloxStream(seed, seed2)
    stream.reserve_outputs(5)
    np.testing.assert_array_equal(
        second, random_distributions.uniform(stream.key, stream.reserve_outputs(5), 5, np.float32))


def test_uniform_int_bounds_error():
    tf.reset_default_graph()
    sample = tf.random_uniform([2], 5, 5, dtype=tf.int32, seed=1)
    with tf.Session() as session, pytest.raises(tf.errors.InvalidArgumentError,
                                                match="Need minval < maxval, got 5 >= 5"):
        session.run(sample)


def test_counters_near_a_word_carry_match_one_by_one():
    # offsets that stay within word 0 take the scalar first rounds; a carry takes the full ones
    for counter in (2**32 - 2, (5 << 64) + 2**33 - 1, 2**64 - 2):
        blocks = philox_blocks(3, counter, np.arange(4, dtype=np.uint64))
        for offset in range(4):
            single = philox_blocks(3, counter + offset, np.zeros(1, np.uint64))[0]
            assert list(blocks[offset]) == list(single)


def _box_muller_written_out(x0: int, x1: int) -> tuple[np.float32, np.float32]:
    """One BoxMullerFloat with numpy scalars, through the generic logf and sincosf."""
    u1 = max(np.float32((x0 & 0x7FFFFF) / 2**23), np.float32(1e-7))
    angle = np.float32(2 * np.pi * np.float64(np.float32((x1 & 0x7FFFFF) / 2**23)))
    radius = np.sqrt(np.float32(-2) * float32_libm.logf(np.array([u1]))[0])
    sin, cos = float32_libm.sincosf(np.array([angle]))
    return sin[0] * radius, cos[0] * radius


def test_chunked_normals_follow_box_muller_across_chunks():
    count = 4 * random_distributions.CHUNK_BLOCKS + 6
    values = random_distributions.normal(13, 7 << 64, count, np.float32)
    words = philox_words(13, 7 << 64, count)
    for pair in [0, 1, 2 * random_distributions.CHUNK_BLOCKS - 1,
                 2 * random_distributions.CHUNK_BLOCKS, count // 2 - 1]:
        expected = _box_muller_written_out(int(words[2 * pair]), int(words[2 * pair + 1]))
        assert values[2 * pair:2 * pair + 2].tolist() == [float(v) for v in expected]


def test_box_muller_over_quadrant_edges_matches_generic_sincosf():
    # the mantissas where the angle crosses a multiple of pi/4, the smallest angles, a sample
    edges = [(2 * k - 1) * 2**20 + d for k in range(1, 5) for d in range(-3, 4)]
    mantissas = np.array(edges + list(range(0, 400)) + list(range(401, 2**23, 7919)), np.uint32)
    x0 = np.full(mantissas.size, 0x00123456, np.uint32)
    first, second = random_distributions.box_muller_float(x0, mantissas)
    for i in range(0, mantissas.size, 37):
        assert (first[i], second[i]) == _box_muller_written_out(int(x0[i]), int(mantissas[i]))
    angle = (mantissas.astype(np.float64) * (2 * np.pi / 2**23)).astype(np.float32)
    sin, cos = float32_libm.sincosf(angle)
    u1 = np.array([0x123456 / 2**23], np.float32)
    radius = np.sqrt(np.float32(-2) * float32_libm.logf(u1))
    np.testing.assert_array_equal(first, sin * radius)
    np.testing.assert_array_equal(second, cos * radius)


def test_truncated_normal_groups_written_out():
    # each group of four: its region's blocks in order, normals within 2 kept until full
    values = random_distributions.truncated_normal(21, 4 << 64, 403, np.float32)
    for group in range(0, 101, 5):
        kept, block = [], 0
        while len(kept) < 4:
            words = philox_blocks(21, 4 << 64, np.array([group * 256 + block], np.uint64))[0]
            normals = random_distributions.box_muller_float(words[0::2], words[1::2])
            for value in (normals[0][0], normals[1][0], normals[0][1], normals[1][1]):
                if abs(value) < 2 and len(kept) < 4:
                    kept.append(float(value))
            block += 1
        got = values[4 * group:4 * group + 4].tolist()
        assert got == kept[:len(got)]
