"""The lessons in sample_graphs/ and the README's transcripts: every lesson runs to its end and
exits 0 (its mistakes are marked `# error: ...`), and what the documentation shows is what the
program prints.

Each lesson X.gsh has its transcript X.transcript beside it, the output of
`graphshell --echo sample_graphs/X.gsh > sample_graphs/X.transcript`. When a change alters what
a lesson prints on purpose, regenerate the transcript with that command and review its diff.
"""

import io
import pathlib
import subprocess
import sys

import pytest

from graphshell.faces.script import check_transcript
from graphshell.shell import transcript
from graphshell.shell.core import Shell

ROOT = pathlib.Path(__file__).parents[2]
SAMPLES = ROOT / "sample_graphs"
LESSONS = sorted(path.stem for path in SAMPLES.glob("*.gsh"))
REGENERATE = "graphshell --echo sample_graphs/{0}.gsh > sample_graphs/{0}.transcript"


def graphshell(*args):
    return subprocess.run([sys.executable, "-m", "graphshell", *args], capture_output=True,
                          timeout=120, cwd=ROOT)


def replay(written: str, name: str) -> tuple[int, str]:
    """(exit status, report) of checking transcript text in a fresh shell, as --check does."""
    report = io.StringIO()
    shell = Shell(seed=0)
    try:
        return check_transcript(shell, written, name, report), report.getvalue()
    finally:
        shell.close()


def test_there_are_seven_lessons_each_with_a_transcript():
    assert len(LESSONS) == 7
    assert sorted(path.stem for path in SAMPLES.glob("*.transcript")) == LESSONS


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_runs_to_its_end_and_exits_0(lesson):
    done = graphshell("--echo", f"sample_graphs/{lesson}.gsh")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
    last_input = [line for line in (SAMPLES / f"{lesson}.gsh").read_text().splitlines()
                  if line.strip()][-1]
    assert f">>> {last_input}" in done.stdout.decode()


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_prints_its_transcript(lesson):
    """The transcript's inputs are the lesson, line for line, and replaying them gives the
    outputs written in it."""
    written = (SAMPLES / f"{lesson}.transcript").read_text()
    examples = transcript.parse(written)
    assert transcript.script_of(examples) == (SAMPLES / f"{lesson}.gsh").read_text(), \
        f"the transcript is not of the lesson as it is; run: {REGENERATE.format(lesson)}"
    status, report = replay(written, f"sample_graphs/{lesson}.transcript")
    assert status == 0, f"{report}\nif this is meant: {REGENERATE.format(lesson)}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_loaded_into_a_shell_ends_without_error(lesson):
    """`--tui FILE` opens the explorer with `:load FILE`: it must not stop at a lesson's
    marked mistake."""
    shell = Shell(seed=0)
    try:
        result = shell.execute(f":load {SAMPLES / lesson}.gsh")
    finally:
        shell.close()
    assert result.error is None, result.error.one_line()
    assert "stopped at line" not in result.text


def test_lessons_with_a_mistake_show_it_and_go_on():
    shell = Shell(seed=0)
    try:
        result = shell.execute(f":load {SAMPLES}/feeds_and_pruning.gsh")
    finally:
        shell.close()
    assert result.expected_error is None  # the marks belong to the loaded inputs, not :load
    lines = result.text.splitlines()
    failed = lines.index(">>> :eval y  # error: InvalidArgumentError")
    assert lines[failed + 2].startswith("line 8: InvalidArgumentError: You must feed")
    assert lines.index(">>> :step 3") > failed  # it ran on to its last input


def test_check_on_the_command_line_passes_every_lesson_and_fails_a_changed_one(tmp_path):
    done = graphshell("--check", *(f"sample_graphs/{lesson}.transcript" for lesson in LESSONS))
    assert done.returncode == 0, done.stdout.decode()
    changed = (SAMPLES / "eval_vs_run.transcript").read_text().replace(
        "step 2 on sess (eval): ran 3 ops: t, u, ut", "step 2 on sess (eval): ran 2 ops: u, ut")
    (tmp_path / "changed.transcript").write_text(changed)
    done = graphshell("--check", str(tmp_path / "changed.transcript"))
    assert done.returncode == 1
    report = done.stdout.decode()
    assert "Failed example:\n    :eval ut\n" in report
    assert "Expected:\n    step 2 on sess (eval): ran 2 ops: u, ut\n" in report
    assert "Got:\n    step 2 on sess (eval): ran 3 ops: t, u, ut\n" in report
    assert report.rstrip().endswith("1 of 15 inputs differ")


def readme_transcripts():
    """The ```text blocks of README.md that are graphshell transcripts (start with `>>> `)."""
    return transcript.in_markdown((ROOT / "README.md").read_text())


def test_the_readmes_transcripts_are_what_graphshell_prints():
    blocks = readme_transcripts()
    assert blocks, "the README shows a transcript of the shell"
    for number, block in enumerate(blocks, 1):
        status, report = replay(block, f"README.md transcript {number}")
        assert status == 0, report
    assert graphshell("--check", "README.md").returncode == 0


def test_a_markdown_pages_text_blocks_are_its_transcripts():
    page = ("# Title\n```text\n>>> print(1)\n1\n```\nprose\n```text\nnot a transcript\n```\n"
            "```python\n>>> print(2)\n```\n```text\n>>> print(3)\n3\n```\n")
    assert transcript.in_markdown(page) == [">>> print(1)\n1\n", ">>> print(3)\n3\n"]


def test_readme_command_one_exits_0():
    command = (ROOT / "README.md").read_text().split("```sh\n", 1)[1].splitlines()[0]
    assert command.endswith("graphshell --echo sample_graphs/eval_vs_run.gsh")
    assert graphshell("--echo", "sample_graphs/eval_vs_run.gsh").returncode == 0


@pytest.mark.parametrize("lesson", ["feeds_and_pruning", "session_stack"])
async def test_the_explorer_opened_on_a_lesson_runs_it_to_its_end(lesson):
    """`graphshell --tui FILE`: the lesson's marked mistakes do not stop it."""
    from graphshell.faces.tui.app import GraphshellApp
    shell = Shell(timings=False)
    app = GraphshellApp(shell, script=str(SAMPLES / f"{lesson}.gsh"))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            lines = [str(line.text) for line in app.query_one("#log").lines]
    finally:
        shell.close()
    assert not any("stopped at line" in line for line in lines), lines
    last_input = [line for line in (SAMPLES / f"{lesson}.gsh").read_text().splitlines()
                  if line.strip()][-1]
    assert any(line.startswith(f">>> {last_input}") for line in lines), lines
