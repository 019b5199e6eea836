"""The shell's styled text as Rich text, with colours that read on light and dark themes.

Colours are given as hex rather than ANSI names: textual maps ANSI names through its terminal
themes, where magenta is Monokai's red and yellow its orange, the colours of errors and of the
focused border. The graph states match the graph pane's palette (graphshell.tcss)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

EXECUTED, PARTIAL, FED, UNTAKEN = "#3fa862", "#2a9aa8", "#8f6ae0", "#6b84a8"
STYLES = {
    "step": "bold cyan", "step.session": "cyan", "step.count": "bold",
    "op.executed": EXECUTED, "op.fed": FED, "op.pruned": "dim", "op.fetched": f"bold {EXECUTED}",
    "error": "bold red", "error.where": "red", "note": "dim italic", "dim": "dim",
    "heading": "bold", "warning": "yellow", "prompt": "bold blue",
    "table.header": "bold underline",
    "graph.executed": f"bold {EXECUTED}", "graph.fetched": f"bold {EXECUTED}",
    "graph.partial": f"bold {PARTIAL}", "graph.fed": f"bold {FED}",
    "graph.untaken": f"italic {UNTAKEN}", "graph.pruned": "dim", "graph.edge": "dim",
    "graph.pointer": "bold",
}


def to_text(styled) -> Text:
    text = Text()
    for style, fragment in styled.fragments:
        text.append(fragment, STYLES.get(style, ""))
    return text


def rich_style(name: str) -> Style:
    return Style.parse(STYLES.get(name, "")) if STYLES.get(name) else Style()
