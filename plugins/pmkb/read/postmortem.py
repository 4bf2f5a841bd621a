"""A postmortem: a parsed document read through the settings.

This is where a heading becomes a canonical section, a table row becomes an action item
and a front-matter mapping becomes a typed model. Nothing here judges the content; the
rules do that, from the same objects, so a page and a check never disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from pmkb.read.document import Document, Section, Table, TableRow
from pmkb.read.document import FrontMatter as DocumentFrontMatter
from pmkb.read.model import ActionItem, FrontMatter, TimelineEntry
from pmkb.read.names import normalise_heading, normalise_status

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

    from pmkb.settings import Settings

EMPTY_CELLS = {"", "-", "—", "–", "n/a", "na", "none", "tbd"}


@dataclass
class ActionTable:
    """The Action Items table: which column is which, and the rows."""

    table: Table
    columns: dict[str, int]
    """Column key (action, owner, …) → index in the row."""

    def cell(self, row: TableRow, column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index].strip()


@dataclass
class Postmortem:
    """One postmortem file, read."""

    document: Document
    meta: FrontMatter
    raw: dict[str, Any]
    """The front-matter as written (for rules that need the original values)."""
    schema_errors: list[ErrorDetails] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)
    """Canonical section name → the section (the first one, if repeated)."""
    action_table: ActionTable | None = None
    action_items: list[ActionItem] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    rel_path: str = ""
    """The path relative to the docs directory, `/`-separated (what URLs derive from)."""

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def is_draft(self) -> bool:
        return self.meta.status == "draft"

    @property
    def summary(self) -> str:
        """The Summary section as one line of plain text (for listings and feeds)."""
        section = self.sections.get("Summary")
        return " ".join(section.text.split()) if section is not None else ""

    def key_position(self, *path: str | int) -> tuple[int, int]:
        """Line and column of a front-matter key (or of the front-matter)."""
        if self.document.front_matter is None:
            return (1, 1)
        return self.document.front_matter.position(path)


def read_postmortem(document: Document, settings: Settings) -> Postmortem:
    """Read a parsed document as a postmortem."""
    raw = document.front_matter.data if document.front_matter else {}
    meta, errors = _validate_front_matter(raw)
    postmortem = Postmortem(document=document, meta=meta, raw=raw, schema_errors=errors)
    postmortem.sections = _canonical_sections(document.sections, settings)
    actions = postmortem.sections.get("Action Items")
    if actions is not None:
        postmortem.action_table = _action_table(actions, settings)
    if postmortem.action_table is not None:
        postmortem.action_items = [
            _action_item(postmortem.action_table, row, settings) for row in postmortem.action_table.table.rows
        ]
    timeline = postmortem.sections.get("Timeline")
    if timeline is not None and timeline.tables:
        postmortem.timeline = timeline_entries(timeline.tables[0])
    return postmortem


def _validate_front_matter(raw: dict[str, Any]) -> tuple[FrontMatter, list[ErrorDetails]]:
    """Validate; on errors, keep every key that is fine so other rules can still run."""
    try:
        return FrontMatter.model_validate(raw), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    bad_keys = {error["loc"][0] for error in errors if error["loc"]}
    kept = {key: value for key, value in raw.items() if key not in bad_keys}
    try:
        return FrontMatter.model_validate(kept), errors
    except ValidationError:
        return FrontMatter(), errors


def canonical_section_name(title: str, settings: Settings) -> str | None:
    """The canonical section a heading stands for, by name or alias."""
    return settings.section_lookup.get(normalise_heading(title))


def _canonical_sections(sections: list[Section], settings: Settings) -> dict[str, Section]:
    found: dict[str, Section] = {}
    for section in sections:
        name = canonical_section_name(section.title, settings)
        if name is not None and name not in found:
            found[name] = section
    return found


def _action_table(section: Section, settings: Settings) -> ActionTable | None:
    if not section.tables:
        return None
    table = section.tables[0]
    columns: dict[str, int] = {}
    for index, header in enumerate(table.header):
        key = column_key(header, settings)
        if key is not None and key not in columns:
            columns[key] = index
    return ActionTable(table, columns)


def column_key(header: str, settings: Settings) -> str | None:
    """Which action-item column a header names (`Deadline` → `due`)."""
    return settings.column_lookup.get(normalise_heading(header))


def item_state(status: str, settings: Settings) -> str | None:
    """The state (open, in-progress, done, wont-do) a status word means, or None."""
    return settings.status_lookup.get(normalise_status(status))


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(text: str) -> dt.date | None:
    """A strict YYYY-MM-DD date, or None."""
    if not _ISO_DATE.fullmatch(text.strip()):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def is_empty_cell(text: str) -> bool:
    return text.strip().casefold() in EMPTY_CELLS


def _action_item(table: ActionTable, row: TableRow, settings: Settings) -> ActionItem:
    ticket = table.cell(row, "ticket")
    return ActionItem(
        action=table.cell(row, "action"),
        owner=table.cell(row, "owner"),
        priority=table.cell(row, "priority"),
        due=parse_iso_date(table.cell(row, "due")),
        state=item_state(table.cell(row, "status"), settings),
        ticket="" if is_empty_cell(ticket) else ticket,
        line=row.line,
    )


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_UTC_SUFFIX = re.compile(r"\s*\(?UTC\)?$|Z$", re.IGNORECASE)
_DATE_AND_SPACES = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(?=\d)")


def parse_timeline_time(text: str) -> dt.datetime | dt.time | None:
    """`14:05`, `14:05:30`, `2026-06-20 14:05` or ISO 8601 (`…T14:05:00Z`)."""
    stripped = text.strip()
    clock = _CLOCK.fullmatch(stripped)  # the usual `14:05`: no suffix or date to take off
    if clock is None:
        text = _UTC_SUFFIX.sub("", stripped) or text
        text = _DATE_AND_SPACES.sub(r"\1 ", text)  # `2021-12-10   15:40`
        clock = _CLOCK.fullmatch(text)
    if clock:
        hour, minute, second = (int(part or 0) for part in clock.groups())
        if hour < 24 and minute < 60 and second < 60:
            return dt.time(hour, minute, second)
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def timeline_entries(table: Table) -> list[TimelineEntry]:
    """The Timeline table's rows; the time column is the first whose header says time."""
    time_index = next((i for i, header in enumerate(table.header) if "time" in header.casefold()), 0)
    event_index = next((i for i, header in enumerate(table.header) if i != time_index), time_index)
    entries = []
    for row in table.rows:
        cells = row.cells + [""] * len(table.header)
        entries.append(
            TimelineEntry(
                time=parse_timeline_time(cells[time_index]),
                time_text=cells[time_index],
                event=cells[event_index],
                line=row.line,
            )
        )
    return entries


def for_pages(postmortem: Postmortem) -> Postmortem:
    """What pages, indexes and cross-file rules need of a checked postmortem, and no more.

    Kept for every file of a build (and in the on-disk cache), so it drops the source
    text, tables, timeline and raw front-matter that only the per-file rules read: the
    front-matter positions of `id` and `related`, the Summary's text, the typed metadata
    and the action items stay.
    """
    document = postmortem.document
    front_matter = None
    if document.front_matter is not None:
        positions = {
            path: position
            for path, position in document.front_matter.key_positions.items()
            if path and path[0] in ("id", "related")
        }
        front_matter = DocumentFrontMatter({}, positions, document.front_matter.first_line)
    sections = {}
    summary = postmortem.sections.get("Summary")
    if summary is not None:
        sections["Summary"] = Section(
            summary.title, summary.line, summary.text, [], summary.first_body_line, []
        )
    return Postmortem(
        document=Document(path=document.path, front_matter=front_matter),
        meta=postmortem.meta,
        raw={},
        sections=sections,
        action_items=postmortem.action_items,
        rel_path=postmortem.rel_path,
    )
