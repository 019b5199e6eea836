"""The shell's styled text as Rich text, with colours that read on light and dark themes."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

STYLES = {
    "step": "bold cyan", "step.session": "cyan", "step.count": "bold", "op.executed": "green",
    "op.fed": "magenta", "op.pruned": "dim", "op.fetched": "bold green", "error": "bold red",
    "error.where": "red", "note": "dim italic", "dim": "dim", "heading": "bold",
    "warning": "yellow", "prompt": "bold blue", "table.header": "bold underline",
    "graph.executed": "bold green", "graph.fed": "bold magenta", "graph.pruned": "dim",
    "graph.untaken": "yellow", "graph.fetched": "bold yellow", "graph.edge": "dim",
    "graph.selected": "reverse",
}


def to_text(styled) -> Text:
    text = Text()
    for style, fragment in styled.fragments:
        text.append(fragment, STYLES.get(style, ""))
    return text


def rich_style(name: str) -> Style:
    return Style.parse(STYLES.get(name, "")) if STYLES.get(name) else Style()
