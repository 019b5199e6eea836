"""Scripts, transcripts and stdin are read bounded (issue 13, unbounded reads): at most the
read limit, in chunks, and only text; anything else fails at once with one line."""

import io
import os
import subprocess
import sys

import pytest

from graphshell.shell import reading
from graphshell.shell.core import Shell

MiB = 2**20
needs_dev = pytest.mark.skipif(not (os.path.exists("/dev/zero") and
                                    os.path.exists("/dev/urandom")),
                               reason="no /dev/zero or /dev/urandom here")


def graphshell(*args, stdin=None, env=None):
    environment = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "graphshell.cli", *args], stdin=stdin,
                          capture_output=True, timeout=60, env=environment)


@pytest.fixture
def small_limit():
    reading.configure(1 * MiB)
    yield 1 * MiB
    reading.configure(None)


@pytest.fixture
def shell():
    instance = Shell()
    yield instance
    instance.close()


class EndlessText(io.RawIOBase):
    """A stream that never ends (like `yes`), counting what was read from it."""

    def __init__(self):
        self.given = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = b"x" * len(buffer)
        self.given += len(buffer)
        return len(buffer)


def test_an_endless_stream_is_read_only_up_to_the_limit():
    stream = EndlessText()
    with pytest.raises(reading.ReadError) as refused:
        reading.read_text_stream(stream, "<stdin>", limit=3 * MiB)
    assert str(refused.value) == ("<stdin> is larger than the read limit of 3 MiB; not reading "
                                  "it (--max-read SIZE or $GRAPHSHELL_MAX_READ raises it)")
    assert stream.given == 3 * MiB + 1


def test_load_refuses_a_file_over_the_limit_in_one_line(shell, small_limit, tmp_path):
    big = tmp_path / "big.gsh"
    big.write_bytes(b"x = 1\n" * (small_limit // 6 + 10))
    result = shell.execute(f":load {big}")
    assert result.error.type_name == "CommandError"
    assert result.error.message == (f"{big} is larger than the read limit of 1 MiB; not "
                                    "reading it (--max-read SIZE or $GRAPHSHELL_MAX_READ "
                                    "raises it)")
    fits = tmp_path / "fits.gsh"
    fits.write_text("loaded = 6 * 7\n")
    assert shell.execute(f":load {fits}").error is None and shell.namespace["loaded"] == 42


@needs_dev
def test_load_refuses_devices_that_never_end(shell):
    for device in ("/dev/zero", "/dev/urandom"):
        result = shell.execute(f":load {device}")
        assert result.error.message == (f"{device} is a binary file, not a script (a text "
                                        "script has no NUL bytes)")


@needs_dev
def test_stdin_from_devices_that_never_end_is_refused_at_once():
    for device in ("/dev/zero", "/dev/urandom"):
        with open(device, "rb") as endless:
            done = graphshell(stdin=endless)
        assert done.returncode == 2 and done.stdout == b""
        assert done.stderr == (b"graphshell: <stdin> is a binary file, not a script (a text "
                               b"script has no NUL bytes)\n")


def test_stdin_over_the_limit_is_refused_in_one_line(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x = 1\n" * (2 * MiB // 6))
    for args, env in [(["--max-read", "1M"], None), ([], {reading.ENV_MAX_READ: "1M"})]:
        with open(big, "rb") as text:
            done = graphshell(*args, stdin=text, env=env)
        assert done.returncode == 2 and done.stdout == b""
        assert done.stderr == (b"graphshell: <stdin> is larger than the read limit of 1 MiB; "
                               b"not reading it (--max-read SIZE or $GRAPHSHELL_MAX_READ raises "
                               b"it)\n")
    bad = graphshell("-c", "1", env={reading.ENV_MAX_READ: "huge"})
    assert bad.returncode == 2 and b"$GRAPHSHELL_MAX_READ: not a size: 'huge'" in bad.stderr


def test_text_that_is_mostly_not_utf8_is_not_a_script(shell, tmp_path):
    latin = tmp_path / "latin.gsh"
    latin.write_bytes("x = 'caf\xe9 cr\xe8me br\xfbl\xe9e'\n".encode("latin-1"))
    result = shell.execute(f":load {latin}")
    assert result.error.message == f"{latin} is not a text script: 4 bytes of its 24 B are " \
                                   "not UTF-8"
    # one stray byte in a long file is read (replaced), as Python's own errors="replace"
    mostly = tmp_path / "mostly.gsh"
    mostly.write_bytes(b"# " + b"a" * 200 + b"\xff\nvalue = 5\n")
    assert shell.execute(f":load {mostly}").error is None and shell.namespace["value"] == 5


def test_script_and_check_files_are_bounded_and_refused_in_one_line(tmp_path):
    binary = tmp_path / "lesson.transcript"
    binary.write_bytes(b">>> 1\n1\n\x00\x01")
    done = graphshell("--check", str(binary))
    assert done.returncode == 2 and done.stderr == (
        f"graphshell: {binary} is a binary file, not a script (a text script has no NUL "
        "bytes)\n").encode()
    big = tmp_path / "big.gsh"
    big.write_bytes(b"x = 1\n" * (2 * MiB // 6))
    done = graphshell("--max-read", "1M", str(big))
    assert done.returncode == 2 and done.stderr.decode().splitlines() == [
        f"graphshell: {big} is larger than the read limit of 1 MiB; not reading it "
        "(--max-read SIZE or $GRAPHSHELL_MAX_READ raises it)"]
    helped = graphshell("--help").stdout.decode()
    assert "--max-read SIZE" in helped and "GRAPHSHELL_MAX_READ" in helped
