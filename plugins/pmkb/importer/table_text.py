"""Our Markdown tables as text: the placeholder for what the source did not say, and rows."""

from __future__ import annotations

import re
from collections.abc import Iterable

TODO = "TODO"
"""What the author still has to write; `pmkb check` calls it a placeholder left by import."""


def row_line(cells: Iterable[str]) -> str:
    """One table row; `|` inside a cell is escaped, line breaks become spaces."""
    escaped = [re.sub(r"(?<!\\)\|", r"\\|", " ".join(cell.split())) for cell in cells]
    return "| " + " | ".join(escaped) + " |"


def header_lines(*names: str) -> list[str]:
    return [row_line(names), "|" + "---|" * len(names)]
