"""WAV files as TF's AudioSummaryV2 writes them: 16-bit little-endian PCM in a 44-byte
RIFF header."""

from __future__ import annotations

import struct

import numpy as np


def encode_wav(samples: np.ndarray, sample_rate: int) -> bytes:
    """The WAV file of float samples [frames, channels] in [-1, 1]: each sample times 32768,
    clamped to int16's range and rounded half away from zero (NaN becomes 0)."""
    frames, channels = samples.shape
    scaled = np.clip(samples.astype(np.float64) * 32768.0, -32768.0, 32767.0)
    rounded = np.nan_to_num(np.sign(scaled) * np.floor(np.abs(scaled) + 0.5), nan=0.0)
    data = rounded.astype("<i2").tobytes()
    block = channels * 2
    header = (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
              + b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, sample_rate,
                                      sample_rate * block, block, 16)
              + b"data" + struct.pack("<I", len(data)))
    return header + data
