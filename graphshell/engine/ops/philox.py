"""TF's CPU random bits: Philox4x32-10 blocks, vectorised, and the per-op stream of counters.

A Philox block is four uint32 words computed from a 128-bit counter and a 64-bit key; TF's
kernels draw block after block by incrementing the counter. `PhiloxStream` is TF's
`GuardedPhiloxRandom`: the key is the op's `seed`, the upper half of the counter its `seed2`,
and each kernel call reserves a range of counters (skipping ahead), so every run of one op in a
session continues the stream and a new session restarts it.
"""

from __future__ import annotations

import numpy as np

_MASK32 = 0xFFFFFFFF
_MASK64 = 2**64 - 1
_MULTIPLIER_A = np.uint64(0xD2511F53)  # multiplies counter word 0
_MULTIPLIER_B = np.uint64(0xCD9E8D57)  # multiplies counter word 2
_KEY_STEP = (0x9E3779B9, 0xBB67AE85)  # the Weyl constants added to the key between rounds
_ROUNDS = 10


def _round_keys(key: int) -> list[tuple[np.uint32, np.uint32]]:
    key0, key1 = key & _MASK32, (key >> 32) & _MASK32
    keys = []
    for _ in range(_ROUNDS):
        keys.append((np.uint32(key0), np.uint32(key1)))
        key0, key1 = (key0 + _KEY_STEP[0]) & _MASK32, (key1 + _KEY_STEP[1]) & _MASK32
    return keys


def _counter_words(counter: int, offsets: np.ndarray) -> list[np.ndarray]:
    """The four uint32 words of `counter + offsets`, modulo 2**128."""
    low = np.uint64(counter & _MASK64) + offsets  # wraps modulo 2**64
    high = np.uint64((counter >> 64) & _MASK64) + (low < offsets).astype(np.uint64)
    low_words, high_words = low.view(np.uint32), high.view(np.uint32)  # little-endian halves
    return [low_words[0::2], low_words[1::2], high_words[0::2], high_words[1::2]]


class Workspace:
    """Scratch arrays a kernel reuses from one cache-sized chunk to the next: fresh arrays of
    this size would cost the kernel a page fault per page on every numpy pass."""

    def __init__(self):
        self._arrays: dict[tuple, np.ndarray] = {}

    def array(self, name: str, shape: tuple[int, ...], dtype) -> np.ndarray:
        """The scratch array `name`, uninitialised, with this shape and dtype."""
        key = (name, shape, dtype)
        found = self._arrays.get(key)
        if found is None:
            found = self._arrays[key] = np.empty(shape, dtype)
        return found


def philox_columns(key: int, counter: int, offsets: np.ndarray,
                   workspace: Workspace | None = None) -> list[np.ndarray]:
    """The four words of each Philox4x32-10 block for counters `counter + offsets`, as four
    arrays of n uint32 (word 0 of every block, then word 1, ...), living in `workspace`."""
    even, word1, word3 = philox_rounds(key, counter, offsets, workspace or Workspace())
    return [even[0], word1, even[1], word3]


def philox_rounds(key: int, counter: int, offsets: np.ndarray, workspace: Workspace):
    """Philox4x32-10 on the counters `counter + offsets`: (words 0 and 2 as the rows of one
    (2, n) array, word 1, word 3), in `workspace`'s arrays."""
    offsets = np.asarray(offsets, np.uint64).reshape(-1)
    size = offsets.size
    even = workspace.array("philox_even", (2, size), np.uint32)
    products = [workspace.array(f"philox_product{i}", (2, size), np.uint64) for i in range(2)]
    keys = _round_keys(key)
    if _words_above_first_shared(counter, offsets):
        c0, c1, c2, c3 = _first_rounds_of_one_word(keys, counter, offsets, even, products)
        first_round = 2
    else:
        c0, c1, c2, c3 = _counter_words(counter, offsets)
        first_round = 0
    for round_index in range(first_round, _ROUNDS):
        key0, key1 = keys[round_index]
        product = products[round_index % 2]  # the last round's halves are still being read
        # 64-bit products of 32-bit words, read back as their (low, high) uint32 halves
        np.multiply(c0, _MULTIPLIER_A, out=product[0], dtype=np.uint64)
        np.multiply(c2, _MULTIPLIER_B, out=product[1], dtype=np.uint64)
        halves = product.view(np.uint32)
        c0 = np.bitwise_xor(halves[1, 1::2], c1, out=even[0])
        c0 ^= key0
        c2 = np.bitwise_xor(halves[0, 1::2], c3, out=even[1])
        c2 ^= key1
        c1, c3 = halves[1, 0::2], halves[0, 0::2]
    return even, c1, c3


def _words_above_first_shared(counter: int, offsets: np.ndarray) -> bool:
    """Whether all the counters differ in their word 0 only (no carry out of it)."""
    if not offsets.size:
        return False
    low = counter & _MASK64
    first, last = low + int(offsets.min()), low + int(offsets.max())
    return first >> 32 == last >> 32 and last <= _MASK64


def _first_rounds_of_one_word(keys, counter: int, offsets: np.ndarray, even, products):
    """Rounds 1 and 2 when only word 0 varies: the other words start as scalars, and each
    round turns one scalar into an array, so the two rounds take five array passes, not 12."""
    (key0, key1), (key0_next, key1_next) = keys[0], keys[1]
    words = [(counter >> (32 * i)) & _MASK32 for i in range(4)]
    words[1] = ((counter & _MASK64) + int(offsets[0])) >> 32  # the offsets may reach it
    # round 1: word 0 varies
    np.add(offsets, np.uint64(words[0]), out=products[1][0])
    product = np.multiply(products[1][0].view(np.uint32)[0::2], _MULTIPLIER_A,
                          out=products[0][0], dtype=np.uint64)
    halves = product.view(np.uint32)
    scalar_product = words[2] * int(_MULTIPLIER_B)
    c0 = (scalar_product >> 32) ^ words[1] ^ int(key0)
    c2 = np.bitwise_xor(halves[1::2], np.uint32(words[3] ^ int(key1)), out=even[1])
    c1, c3 = scalar_product & _MASK32, halves[0::2]
    # round 2: words 0 and 1 are scalars
    scalar_product = c0 * int(_MULTIPLIER_A)
    product = np.multiply(c2, _MULTIPLIER_B, out=products[1][1], dtype=np.uint64)
    halves = product.view(np.uint32)
    new_c0 = np.bitwise_xor(halves[1::2], np.uint32(c1 ^ int(key0_next)), out=even[0])
    new_c2 = np.bitwise_xor(c3, np.uint32((scalar_product >> 32) ^ int(key1_next)),
                            out=even[1])
    return new_c0, halves[0::2], new_c2, np.uint32(scalar_product & _MASK32)


def philox_blocks(key: int, counter: int, offsets: np.ndarray) -> np.ndarray:
    """The Philox4x32-10 blocks for counters `counter + offsets`: uint32, shape (n, 4)."""
    columns = philox_columns(key, counter, offsets)
    blocks = np.empty((columns[0].size, 4), np.uint32)
    for column, word in enumerate(columns):
        blocks[:, column] = word
    return blocks


def philox_words(key: int, counter: int, count: int) -> np.ndarray:
    """The first `count` uint32 words of consecutive blocks from `counter` on."""
    blocks = philox_blocks(key, counter, np.arange((count + 3) // 4, dtype=np.uint64))
    return blocks.reshape(-1)[:count]


class PhiloxStream:
    """One op's generator (TF's GuardedPhiloxRandom): a key and a counter that moves ahead."""

    def __init__(self, seed: int, seed2: int):
        self.key = seed & _MASK64
        self.counter = (seed2 & _MASK64) << 64

    def reserve(self, blocks: int) -> int:
        """The counter to draw from now; the stream skips `blocks` blocks past it."""
        start = self.counter
        self.counter = (start + blocks) % 2**128
        return start

    def reserve_outputs(self, outputs: int, multiplier: int = 256) -> int:
        """As TF's ReserveRandomOutputs: a conservative `outputs * multiplier` blocks."""
        return self.reserve(outputs * multiplier)
