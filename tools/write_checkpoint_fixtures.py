"""Writes the checkpoints graphshell saves for the fixture programs (graphshell's venv).

    python tools/write_checkpoint_fixtures.py

It runs the programs of tests/fixtures/checkpoints/programs.py in
tests/fixtures/checkpoints/graphshell/. The TF recorder (tools/record_checkpoint_fixtures.py)
then restores them in TensorFlow; the tests check that graphshell still writes exactly these
files, byte for byte as TensorFlow's own in tests/fixtures/checkpoints/tf/.
"""

from __future__ import annotations

import os
import shutil
import sys

from fixture_files import ROOT, fixture_folder, load_programs

HERE = fixture_folder("checkpoints")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from graphshell import tf
    programs = load_programs("checkpoints")
    directory = HERE / "graphshell"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    os.chdir(directory)
    for name, program in programs.PROGRAMS.items():
        print(name, program(tf, name))


if __name__ == "__main__":
    main()
