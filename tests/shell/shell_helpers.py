"""Helpers for shell tests."""


def run_lines(shell, *lines):
    """Executes each line; returns the concatenated plain text and the last result."""
    text, result = "", None
    for line in lines:
        result = shell.execute(line)
        text += result.text
    return text, result
