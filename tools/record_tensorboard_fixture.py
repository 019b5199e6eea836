"""Record TensorFlow's TensorBoard fixtures: the event file of tests/programs/
tensorboard_logging.py, and a GraphDef of image and audio summary ops with their outputs.

Run it with an interpreter that has tensorflow-cpu:

    <python with tensorflow-cpu> tools/record_tensorboard_fixture.py

The program runs as its own process with $TENSORBOARD_LOGDIR set to
tests/fixtures/tensorboard/tf_run (emptied first); the event file TF writes there is what
tests/test_tensorboard_program.py compares graphshell's with, through TensorBoard's loader.
media_summaries.pbtxt (written by TF's write_graph) and media_outputs.json (each summary's
serialized bytes, hex, for the recorded feed) are what tests/engine/test_tensorboard_events.py
imports and runs.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
PROGRAM = REPO / "tests" / "programs" / "tensorboard_logging.py"
TARGET = REPO / "tests" / "fixtures" / "tensorboard" / "tf_run"
TF_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
                  "CUDA_VISIBLE_DEVICES": ""}


MEDIA_PROGRAM = """
import json, sys
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
x = tf.placeholder(tf.float32, [2, 3, 4, 3], name="x")
tf.summary.image("pictures", x, max_outputs=2)
tf.summary.image("gray", tf.reduce_mean(x, axis=3, keepdims=True) * 0.0 + 1.0, max_outputs=1)
tf.summary.audio("clips", tf.reshape(x, [2, 36]), 16000.0, max_outputs=1)
tf.train.write_graph(tf.get_default_graph(), sys.argv[1], "media_summaries.pbtxt")
feed = np.linspace(-1.5, 2.5, 72, dtype=np.float32).reshape(2, 3, 4, 3)
feed[0, 1, 2, 0] = np.nan
with tf.Session() as sess:
    names = ["pictures:0", "gray:0", "clips:0"]
    outputs = sess.run(names, {x: feed})
print(json.dumps({"feed": feed.tolist(),
                  "outputs": {n: o.hex() for n, o in zip(names, outputs)}}))
"""


def record_media(target: pathlib.Path) -> None:
    finished = subprocess.run([sys.executable, "-c", MEDIA_PROGRAM, str(target)],
                              capture_output=True, text=True, timeout=600, cwd=REPO,
                              env={**os.environ, **TF_ENVIRONMENT})
    if finished.returncode != 0:
        sys.exit(f"the media graph failed on TensorFlow:\n{finished.stderr[-3000:]}")
    recorded = json.loads(finished.stdout.strip().splitlines()[-1])
    (target / "media_outputs.json").write_text(json.dumps(recorded, indent=1) + "\n")
    print(f"recorded {target.relative_to(REPO)}/media_summaries.pbtxt and media_outputs.json")


def main() -> None:
    record_media(TARGET.parent)
    shutil.rmtree(TARGET, ignore_errors=True)
    TARGET.mkdir(parents=True)
    finished = subprocess.run([sys.executable, str(PROGRAM)], capture_output=True, text=True,
                              timeout=600, cwd=REPO,
                              env={**os.environ, **TF_ENVIRONMENT,
                                   "TENSORBOARD_LOGDIR": str(TARGET)})
    if finished.returncode != 0:
        sys.exit(f"the program failed on TensorFlow:\n{finished.stderr[-3000:]}")
    # one fixed name: TF's names carry the time and the host
    (written,) = TARGET.glob("events.out.tfevents.*")
    fixture = TARGET / "events.out.tfevents.0.tensorflow"
    written.rename(fixture)
    print(f"recorded {fixture.relative_to(REPO)}: {fixture.stat().st_size} bytes")


if __name__ == "__main__":
    main()
