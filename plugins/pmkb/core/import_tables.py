"""Our tables, built from another template's action items and timeline (`pmkb import`).

An action-item list (`- [ ] Add alert (owner: @sam, due 2024-03-01)`) or a table with
recognisable columns becomes rows of `| Action | Owner | Priority | Due | Status | Ticket |`;
lines of `HH:MM - event` become rows of `| Time (UTC) | Event | Source |`. What cannot be
read is `TODO`. The original lines are kept by the importer; these are additions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .import_source import markdown
from .names import normalise_heading
from .postmortem import column_key, is_empty_cell, item_state, parse_iso_date

if TYPE_CHECKING:
    from collections.abc import Iterable

    from markdown_it.token import Token

    from .settings import Settings

TODO = "TODO"
ACTION_COLUMNS = ("action", "owner", "priority", "due", "status", "ticket")
ACTION_HEADER = ["| Action | Owner | Priority | Due | Status | Ticket |", "|---" * 6 + "|"]
TIMELINE_HEADER = ["| Time (UTC) | Event | Source |", "|---|---|---|"]

_EXTRA_COLUMNS = {
    "action items": "action", "owners": "owner", "owner(s)": "owner", "assigned to": "owner",
    "bug": "ticket", "tracking bug": "ticket", "tickets": "ticket", "due by": "due",
    "target": "due", "eta": "due",
}
_CHECKBOX = re.compile(r"^\[([ xX])\]\s*")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_PRIORITY = re.compile(r"\bP\d\b", re.IGNORECASE)
_TICKET = re.compile(r"https?://[^\s)>\]]+|\b[A-Z][A-Z0-9]+-\d+\b(?!-)")
_OWNER = re.compile(r"\b(?:owner|assignee|assigned to|dri)\s*[:=]\s*([^,;()\[\]|]+)", re.I)
_HANDLE = re.compile(r"(?<![\w@])@[\w.-]*\w")
_STATUS = re.compile(r"\bstatus\s*[:=]\s*([^,;()\[\]|]+)", re.I)
_GROUP = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]")
_NOTES = re.compile(
    r"(?:\s+[-–—]\s+(?=.*(?:@|\d{4}-\d{2}-\d{2}|\bP\d\b|\bowner\b))|[\s,;.]*\b(?:owner|assignee|"
    r"assigned to|due|priority|status|ticket)\s*[:=]|[\s,;]*\bdue\s+(?=\d{4}-)).*$",
    re.I,
)
_TIME_LINE = re.compile(
    r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*)?"
    r"(?P<time>(?:\d{4}-\d{2}-\d{2}[ T])?\d{1,2}:\d{2}(?::\d{2})?)"
    r"\s*(?:\(?UTC\)?|Z)?(?:\*\*)?\s*(?:[-–—:|]\s*)?(?P<event>\S.*)$"
)


def action_rows(lines: list[str], settings: Settings) -> list[dict[str, str]]:
    """Action items read from a section's lines: the first table with an action column,
    else the items of its top-level lists. Empty when neither is there."""
    tokens = markdown.parse("\n".join(lines))
    for header, rows in _tables(tokens):
        columns = {_column(cell, settings): i for i, cell in reversed(list(enumerate(header)))}
        if "action" in columns:
            return [_table_row(row, columns, settings) for row in rows if any(row)]
    return [_list_row(text, settings) for text in _list_items(tokens)]


def action_table(rows: list[dict[str, str]]) -> list[str]:
    """Our Action Items table for some rows."""
    return ACTION_HEADER + [_row_line(row[key] for key in ACTION_COLUMNS) for row in rows]


def has_table(lines: list[str]) -> bool:
    """Whether some Markdown lines hold a table."""
    return any(token.type == "table_open" for token in markdown.parse("\n".join(lines)))


def timeline_table(lines: list[str]) -> list[str]:
    """A Timeline table from `HH:MM - event` lines; empty if there are none."""
    rows = [match for match in map(_TIME_LINE.match, lines) if match]
    if not rows:
        return []
    return TIMELINE_HEADER + [_row_line((m["time"], m["event"].strip(), "")) for m in rows]


def _column(header: str, settings: Settings) -> str | None:
    return column_key(header, settings) or _EXTRA_COLUMNS.get(normalise_heading(header))


def _tables(tokens: list[Token]) -> list[tuple[list[str], list[list[str]]]]:
    """Each table's header cells and body rows."""
    tables: list[tuple[list[str], list[list[str]]]] = []
    row: list[str] = []
    in_table = False
    for token in tokens:
        if token.type in ("table_open", "table_close"):
            in_table = token.type == "table_open"
            tables += [([], [])] if in_table else []
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and in_table:
            row.append(token.content.strip())
        elif token.type == "tr_close" and tables:
            header, rows = tables[-1]
            if header:
                rows.append(row)
            else:
                header.extend(row)
    return tables


def _list_items(tokens: list[Token]) -> list[str]:
    """The first paragraph of each item of the top-level lists, on one line."""
    items: list[str] = []
    in_item = False
    for token in tokens:
        if token.type == "list_item_open" and token.level == 1:
            in_item = True
        elif token.type == "inline" and in_item and token.level == 3:
            items.append(" ".join(token.content.split()))
            in_item = False
    return items


def _table_row(
    cells: list[str], columns: dict[str | None, int], settings: Settings
) -> dict[str, str]:
    def cell(key: str) -> str:
        index = columns.get(key)
        text = cells[index] if index is not None and index < len(cells) else ""
        return "" if is_empty_cell(text) else text

    due = parse_iso_date(_first(_DATE, cell("due")))
    return {
        "action": cell("action") or TODO,
        "owner": cell("owner") or TODO,
        "priority": _priority(cell("priority"), settings),
        "due": str(due) if due else TODO,
        "status": cell("status") if item_state(cell("status"), settings) else TODO,
        "ticket": cell("ticket") or TODO,
    }


def _list_row(text: str, settings: Settings) -> dict[str, str]:
    """`[ ] Add alert (owner: @sam, due 2024-03-01, P1, OPS-12)` → cells."""
    box = _CHECKBOX.match(text)
    text = text[box.end() :] if box else text
    owner = _first(_OWNER, text, group=1) or _first(_HANDLE, text)
    status = "Done" if box and box[1] in "xX" else "Open" if box else ""
    named = _first(_STATUS, text, group=1).strip()
    if named and item_state(named, settings):
        status = named
    priorities = [p.upper() for p in _PRIORITY.findall(text)]
    return {
        "action": _action_text(text, settings) or TODO,
        "owner": owner.strip() or TODO,
        "priority": _priority(priorities[0] if priorities else "", settings),
        "due": str(parse_iso_date(_first(_DATE, text)) or TODO),
        "status": status or TODO,
        "ticket": _first(_TICKET, text) or TODO,
    }


def _action_text(text: str, settings: Settings) -> str:
    """The item's words without the parenthesised owner / due / priority / ticket notes."""

    def is_note(group: str) -> bool:
        return bool(
            _OWNER.search(group) or _HANDLE.search(group) or _DATE.search(group)
            or _PRIORITY.search(group) or _TICKET.fullmatch(group.strip())
            or item_state(group, settings)
        )

    text = _GROUP.sub(lambda m: "" if is_note(m[1]) else m[0], text)
    words = _NOTES.sub("", text).split()
    while words and (
        _HANDLE.fullmatch(words[-1]) or _PRIORITY.fullmatch(words[-1])
        or _TICKET.fullmatch(words[-1]) or _DATE.fullmatch(words[-1])
    ):
        words.pop()
    return " ".join(words).strip(" \t-–—,;:")


def _priority(text: str, settings: Settings) -> str:
    upper = text.strip().upper()
    return upper if upper in settings.priorities else TODO


def _first(pattern: re.Pattern[str], text: str, group: int = 0) -> str:
    match = pattern.search(text)
    return match[group] if match else ""


def _row_line(cells: Iterable[str]) -> str:
    escaped = [re.sub(r"(?<!\\)\|", r"\\|", cell) for cell in cells]
    return "| " + " | ".join(escaped) + " |"
