"""Saving the explorer's screen (ctrl+s) where it cannot be written: one line in the output
pane, and the explorer goes on with its state."""

import os

import pytest

from graphshell.faces.tui.app import GraphshellApp
from graphshell.faces.tui.command_line import CommandLine
from graphshell.faces.tui.panels import SavePathDialog


async def settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def log_lines(app):
    return [str(line.text) for line in app.query_one("#log").lines]


async def save_to(pilot, path):
    """Presses ctrl+s and saves to `path` (None keeps the offered default)."""
    await pilot.press("ctrl+s")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, SavePathDialog)
    if path is not None:
        dialog.query_one("#save-path").value = path
    await pilot.press("enter")
    await pilot.pause()


async def run_line(pilot, text):
    command_line = pilot.app.query_one(CommandLine)
    command_line.focus()
    command_line.value = text
    await pilot.press("enter")
    await settle(pilot)


def failure_lines(app):
    return [line for line in log_lines(app) if "could not save the screen" in line]


async def test_a_save_the_disk_refuses_is_one_line_and_the_explorer_goes_on(shell):
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        await run_line(pilot, "kept = 41")
        await save_to(pilot, "/dev/full")  # every write to it fails: "No space left on device"
        assert app.is_running and not app.screenshots
        assert failure_lines(app) == ["could not save the screen to /dev/full: No space left "
                                      "on device"]
        await run_line(pilot, "print(kept + 1)")
        assert "42" in log_lines(app)
    assert app.return_code in (None, 0)


async def test_a_path_the_system_cannot_take_is_one_line_not_a_crash(shell, tmp_path):
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        await save_to(pilot, str(tmp_path / "bad\0name.svg"))  # open() raises ValueError
        assert app.is_running and len(failure_lines(app)) == 1
    assert os.listdir(tmp_path) == []


async def test_ctrl_s_after_the_working_directory_is_removed_offers_the_home_folder(
        shell, tmp_path, monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()  # os.getcwd() now fails
    monkeypatch.setenv("HOME", str(tmp_path))
    app = GraphshellApp(shell)
    async with app.run_test(size=(100, 30)) as pilot:
        await save_to(pilot, None)
        assert app.is_running
        assert app.screenshots and os.path.dirname(app.screenshots[0]) == str(tmp_path)
        assert (tmp_path / os.path.basename(app.screenshots[0])).read_text().startswith("<svg")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
async def test_a_read_only_folder_is_one_line(shell, tmp_path):
    folder = tmp_path / "read_only"
    folder.mkdir()
    folder.chmod(0o500)
    app = GraphshellApp(shell)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await save_to(pilot, str(folder / "screen.svg"))
            assert app.is_running
            assert failure_lines(app) == [f"could not save the screen to {folder}/screen.svg: "
                                          "Permission denied"]
    finally:
        folder.chmod(0o700)
