"""Action items of another template, as rows of our Action Items table.

From a table with an action column (columns found by name, as the checks find ours),
else from the top-level items of the section's lists: nested bullets are sub-points of
their item and stay in the original list, never rows of their own. Each row takes what
the item states: an owner (`@sam`, `(owner: Sam)`, `assigned to Sam`), a due date
(`due 2024-03-01`, `by March 1, 2024`), a priority (`P1`), a ticket (an issue or pull
request link, `OPS-12`) and a status (`[x]`, `**DONE**`, `(completed)`, strike-through,
or a "Completed"/"Done" heading above the list). What it does not state is `TODO`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from pmkb.importer.dates import find_dates
from pmkb.importer.source import Line, SourceSection
from pmkb.importer.table_text import TODO, header_lines, row_line
from pmkb.read.document import markdown_tokens
from pmkb.read.names import normalise_heading
from pmkb.read.postmortem import column_key, is_empty_cell, item_state
from pmkb.settings import Settings

ACTION_HEADER = header_lines("Action", "Owner", "Priority", "Due", "Status", "Ticket")

_EXTRA_COLUMNS = {
    "action items": "action",
    "owners": "owner",
    "owner(s)": "owner",
    "assigned to": "owner",
    "bug": "ticket",
    "tracking bug": "ticket",
    "tickets": "ticket",
    "due by": "due",
    "target": "due",
    "eta": "due",
}
_STATUS_WORDS = {"open": "Open", "in-progress": "In progress", "done": "Done", "wont-do": "Won't do"}
_CHECKBOX = re.compile(r"^\[([ xX]?)\]\s*")
_PRIORITY = re.compile(r"\bP\d\b")
_LINK = re.compile(r"\[([^\]]*)\]\((\S+?)\)")
_URL = re.compile(r"https?://[^\s)>\]]+")
_ISSUE_URL = re.compile(
    r"https?://[^\s)>\]]*(?:/issues/|/pull/|/merge_requests/|/browse/|/tickets?/)[^\s)>\]]*"
)
_TICKET_KEY = re.compile(r"\b[A-Z][A-Z0-9]+-\d+\b(?!-)")
_TICKET_WORD = re.compile(r"^(?:issue|ticket|pr|pull request|bug|link|jira|#?\d+)\b", re.I)
_OWNER = re.compile(r"\b(?:owners?|assignee|assigned to|dri)\s*[:=]?\s*(@?[\w.-]+(?:\s[A-Z][\w.-]*)?)", re.I)
_HANDLE = re.compile(r"(?<![\w@/])@[\w.-]*\w")
_DUE = re.compile(r"\b(?:due(?:\s+(?:date|by|on))?|by|deadline|eta|target)\s*[:=]?\s*$", re.I)
_DONE_MARK = re.compile(
    r"\*\*(?:done|completed?|fixed)\*\*|\b(?:DONE|COMPLETED?|FIXED)\b|[(\[](?:done|completed?|fixed)[)\]]|✅",
    re.I,
)
_STATUS_NOTE = re.compile(r"\bstatus\s*[:=]\s*([\w' -]+)", re.I)
_DONE_HEADING = re.compile(r"\b(?:done|completed?|finished|implemented)\b", re.I)
_PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_CELL_MARK = re.compile(r"\*\*(done|completed?|fixed|todo|open|in progress)\*\*", re.I)
_NOTES = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]")


@dataclass
class ActionRow:
    """One row of our table, and the source line of the item it came from."""

    action: str
    owner: str
    priority: str
    due: str
    status: str
    ticket: str
    line: int

    def cells(self) -> list[str]:
        return [self.action, self.owner, self.priority, self.due, self.status, self.ticket]


def action_rows(members: list[SourceSection], settings: Settings) -> list[ActionRow]:
    """The action items of the sections that stand for Action Items: the rows of their
    tables with an action column, else the top-level items of their lists."""
    lines = [line for member in members for line in member.lines()]
    tokens = markdown_tokens("\n".join(line.text for line in lines))
    rows = _table_rows(tokens, lines, settings)
    return rows if rows else _list_rows(tokens, lines, settings)


def action_table(rows: list[ActionRow]) -> list[str]:
    """Our Action Items table for some rows."""
    return ACTION_HEADER + [row_line(row.cells()) for row in rows]


def _source_line(token: Token, lines: list[Line]) -> int:
    index = token.map[0] if token.map else 0
    return lines[index].number if index < len(lines) else 0


def _table_rows(tokens: list[Token], lines: list[Line], settings: Settings) -> list[ActionRow]:
    rows: list[ActionRow] = []
    header: list[str] | None = None
    cells: list[str] = []
    line = 0
    for token in tokens:
        if token.type == "thead_open":
            header = None
        elif token.type == "tr_open":
            cells, line = [], _source_line(token, lines)
        elif token.type == "inline" and token.level >= 4:  # a table cell
            cells.append(token.content.strip())
        elif token.type == "tr_close":
            if header is None:
                header = cells
            elif any(cells):
                columns = {_column(cell, settings): i for i, cell in reversed(list(enumerate(header)))}
                if "action" in columns:
                    rows.append(_table_row(cells, columns, line, settings))
    return rows


def _column(header: str, settings: Settings) -> str | None:
    header = header.strip("*_ ")
    return column_key(header, settings) or _EXTRA_COLUMNS.get(normalise_heading(header))


def _table_row(cells: list[str], columns: dict[str | None, int], line: int, settings: Settings) -> ActionRow:
    def cell(key: str) -> str:
        index = columns.get(key)
        text = cells[index] if index is not None and index < len(cells) else ""
        text = _CELL_MARK.sub("", text).strip()
        return "" if is_empty_cell(text) else text

    status = _status_word(cell("status"), settings)
    if not status:  # a `**DONE**` in any cell (Google's template puts it after the bug)
        marks = [m.group(1) for c in cells if (m := _CELL_MARK.search(c))]
        status = _status_word(marks[0], settings) if marks else ""
    ticket = cell("ticket")
    links = _LINK.findall(ticket)
    return ActionRow(
        action=_clean(cell("action")) or TODO,
        owner=_owner(cell("owner")) or cell("owner").rstrip("@") or TODO,
        priority=_priority(cell("priority"), settings),
        due=_due(cell("due"), anywhere=True),
        status=status or TODO,
        ticket=(links[0][1] if links else ticket) or TODO,
        line=line,
    )


def _list_rows(tokens: list[Token], lines: list[Line], settings: Settings) -> list[ActionRow]:
    """One row per top-level list item (its first paragraph); nested items stay sub-points."""
    rows: list[ActionRow] = []
    depth = 0
    heading_done = False
    in_heading = False
    waiting: Token | None = None  # the top-level item whose first paragraph comes next
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "heading_open" and depth == 0:
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and in_heading:
            heading_done = bool(_DONE_HEADING.search(token.content))
        elif token.type == "list_item_open" and depth == 1:
            waiting = token
        elif token.type == "inline" and waiting is not None:
            row = _list_row(" ".join(token.content.split()), _source_line(waiting, lines), settings)
            if row is not None:
                if heading_done and row.status == TODO:
                    row.status = "Done"
                rows.append(row)
            waiting = None
        elif token.type == "list_item_close" and depth == 1:
            waiting = None
    return rows


def _list_row(text: str, line: int, settings: Settings) -> ActionRow | None:
    """`[ ] Add alert (owner: @sam, due 2024-03-01, P1, OPS-12)` → a row; None for an
    empty item or a template's placeholder (`{{ summary }}`)."""
    box = _CHECKBOX.match(text)
    text = text[box.end() :] if box else text
    if _PLACEHOLDER.fullmatch(text.split("[")[0].strip()) and len(text.split()) <= 4:
        return None
    text = _PLACEHOLDER.sub(r"\1", text)
    struck = text.startswith("~~") and "~~" in text[2:]
    status = ""
    if box:
        status = "Done" if box[1] in "xX" else "Open"
    named = _STATUS_NOTE.search(text)
    if named and _status_word(named[1].strip(), settings):
        status = _status_word(named[1].strip(), settings)
    elif _DONE_MARK.search(text) or struck:
        status = status if status == "Done" else "Done"
    action = _clean(text)
    if not action:
        return None
    priorities = _PRIORITY.findall(text)
    return ActionRow(
        action=action,
        owner=_owner(text) or TODO,
        priority=_priority(priorities[0] if priorities else "", settings),
        due=_due(text),
        status=status or TODO,
        ticket=_ticket(text) or TODO,
        line=line,
    )


def _owner(text: str) -> str:
    named = _OWNER.search(text)
    if named:
        return named[1].strip()
    handle = _HANDLE.search(text)
    return handle[0] if handle else ""


def _due(text: str, anywhere: bool = False) -> str:
    """A due date the text states (`due 2024-03-01`, `by March 1, 2024`); `anywhere`: any
    date (a Due column)."""
    for found in find_dates(text):
        if anywhere or _DUE.search(text[: found.start]) or text[: found.start].rstrip().endswith(("(", ",")):
            return found.day.isoformat()
    return TODO


def _ticket(text: str) -> str:
    for pattern in (_ISSUE_URL, _TICKET_KEY):
        found = pattern.search(text)
        if found:
            return found[0].rstrip(".,;")
    for link in _LINK.finditer(text):
        if _TICKET_WORD.match(link[1].strip()):
            return link[2]
    return ""


def _status_word(text: str, settings: Settings) -> str:
    """A status the checks know (`Done`, `✅ Completed`), as written; else ""."""
    text = text.strip("*_ ")
    state = item_state(text, settings)
    return text if state else ""


def _priority(text: str, settings: Settings) -> str:
    upper = text.strip("*_ ").upper()
    return upper if upper in settings.priorities else TODO


def _clean(text: str) -> str:
    """The item's words, without markers and the notes that became other cells."""

    def note(match: re.Match[str]) -> str:
        inner = match[1]
        is_note = (
            _OWNER.search(inner)
            or _HANDLE.fullmatch(inner.strip())
            or find_dates(inner)
            or _PRIORITY.fullmatch(inner.strip())
            or _TICKET_KEY.fullmatch(inner.strip())
            or _DONE_MARK.fullmatch(f"({inner.strip()})")
            or _STATUS_NOTE.search(inner)
            or re.fullmatch(r"\s*(?:done|completed?|fixed|in progress|open)\s*", inner, re.I)
        )
        return "" if is_note else match[0]

    text = _LINK.sub(lambda m: "" if _TICKET_WORD.match(m[1].strip()) else m[0], text)
    text = text.replace("~~", "")
    text = re.sub(r"\*\*(?:done|completed?|fixed)\*\*:?|\b(?:DONE|COMPLETED|FIXED)\b:?|✅", "", text)
    text = _NOTES.sub(note, text)
    text = re.sub(r"\s+[-–—]\s+(?:owner|due|by)\b.*$", "", text, flags=re.I)
    text = re.sub(r"[\s,;]+\b(?:owner|assignee|due|priority|status|ticket)\s*[:=].*$", "", text, flags=re.I)
    words = text.split()
    while words and (
        _HANDLE.fullmatch(words[-1])
        or _PRIORITY.fullmatch(words[-1])
        or _TICKET_KEY.fullmatch(words[-1])
        or _URL.fullmatch(words[-1])
    ):
        words.pop()
    return " ".join(words).strip(" \t-–—,;:*_")
