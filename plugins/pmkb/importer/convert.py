"""One source text → one draft of ours: front-matter, sections, tables, and the report.

The conversion keeps every line of the original body (only heading lines are rewritten)
and the original front-matter as YAML comments. Known headings become our canonical
`##` sections; several headings for one section (Google's "Root Causes" and "Trigger")
are gathered under it as `###` sub-sections in their original order. Unknown headings
stay `##` sections under their own name, so no canonical section takes in text that was
not written for it. Action items and timelines also get our tables, above the original
lines. A required section is added (empty, with a prompt) only when no heading of the
source stands for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pmkb.clock import build_date
from pmkb.importer import front_matter as fm
from pmkb.importer.actions import ACTION_HEADER, action_rows, action_table
from pmkb.importer.assets import Asset, relative_assets
from pmkb.importer.dates import incident_date
from pmkb.importer.severity import stated_severity
from pmkb.importer.source import Line, Source, SourceHeading, SourceSection, read_source
from pmkb.importer.timeline import TIMELINE_HEADER, Timeline, read_timeline
from pmkb.read.document import read_document
from pmkb.read.model import TIMESTAMP_KEYS
from pmkb.read.postmortem import timeline_entries
from pmkb.settings import Settings
from pmkb.starter.scaffold import file_name

PROMPTS = {
    "Summary": "One to three sentences: what happened, who was affected, how it ended.",
    "Impact": "Quantify: duration, share of requests or customers affected, orders, money.",
    "Timeline": "Times in UTC as YYYY-MM-DD HH:MM, oldest first, one row per event.",
    "Contributing Factors": "The conditions that made this incident possible or worse.",
    "What Went Well": "What limited the impact or sped up recovery.",
    "What Went Wrong": "Where the system, tooling or process made things harder.",
    "Action Items": "Specific, owned, dated actions: one owner, a priority, a due date.",
    "Lessons Learned": "What this incident taught us, beyond the action items.",
}
_MIN_TIMELINE_ROWS = 3
"""Time-stamped lines a section needs before its events make the missing Timeline."""


@dataclass(frozen=True)
class HeadingMapping:
    """A heading of the source and the canonical section it became (None: kept as is)."""

    original: str
    line: int
    section: str | None


@dataclass
class ImportResult:
    """A converted postmortem: its text, what was taken from where, what is left to do."""

    text: str
    id: str
    title: str
    date: dt.date | None
    year: int
    todo: list[str] = field(default_factory=list)
    """The checklist: what the author still has to supply."""
    mapped: list[str] = field(default_factory=list)
    """What was filled in, and from where."""
    headings: list[HeadingMapping] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)

    @property
    def mapping(self) -> dict[str, str | None]:
        """Original heading → canonical section (None when kept under its own name)."""
        return {heading.original: heading.section for heading in self.headings}

    @property
    def file_name(self) -> str:
        """`<yyyy-mm-dd>-<slug>.md` (`<slug>.md` when the date is not known), as `pmkb new`."""
        return file_name(self.date, self.title)


def convert(
    text: str,
    source_name: str,
    settings: Settings,
    *,
    severity: str | None,
    next_id: Callable[[int], str],
    date: dt.date | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Convert a postmortem of another template (`\\n` line ends). `severity` and `date`
    override the source; `next_id(year)` gives the next free ID for the incident's year
    (this year when the date is unknown)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    source = read_source(source_name, text, settings)
    mapped: list[str] = []
    fields = _fields(source, settings, severity, date, mapped)
    fields["id"] = next_id(fields["date"].year if fields["date"] else (today or build_date()).year)
    todo = fm.missing(fields, settings, source.front_matter)
    body, headings = _body(source, settings, fields, todo, mapped)
    lines = fm.front_matter_lines(fields, source.front_matter, source_name) + [""] + body
    day = fields["date"]
    return ImportResult(
        text="\n".join(lines).rstrip("\n") + "\n",
        id=fields["id"],
        title=fields["title"] or "TODO",
        date=day,
        year=day.year if day else (today or build_date()).year,
        todo=todo,
        mapped=mapped,
        headings=headings,
        assets=relative_assets(source.body),
    )


def _fields(
    source: Source, settings: Settings, severity: str | None, date: dt.date | None, mapped: list[str]
) -> dict[str, Any]:
    """Every key of our front-matter in the template's order; None where unknown."""
    meta = source.front_matter.data if source.front_matter else {}
    title, title_from = fm.title(source)
    mapped.append(f"title ← {title_from}")
    evidence = incident_date(source, date)
    if evidence is not None:
        mapped.append(f"date {evidence.day} ← {evidence.where}")
    level = severity
    if severity is not None:
        mapped.append(f"severity {severity} ← the --severity option")
    else:
        stated = stated_severity(source, settings)
        if stated is not None and stated.level:
            level = stated.level
            mapped.append(f"severity {level} ← “{stated.value}” ({stated.where})")
        elif stated is not None:
            mapped.append(
                f"severity: “{stated.value}” ({stated.where}) is not on the scale; map it in "
                "`severity_aliases` or pass --severity"
            )
    authors, authors_from = fm.authors(source)
    if authors:
        mapped.append(f"authors ← {authors_from}")
    commander = fm.names(meta, "incident_commander")
    return {
        "id": "",
        "title": title or None,
        "date": evidence.day if evidence else None,
        "status": "draft",
        "severity": level,
        "services": fm.names(meta, "services", "service"),
        "authors": authors,
        **({"incident_commander": commander[0]} if commander else {}),
        **{key: None for key in TIMESTAMP_KEYS},
        "contributing_factors": [],
        "related": [],
        "tags": fm.names(meta, "tags") or [],
    }


def _body(
    source: Source, settings: Settings, fields: dict[str, Any], todo: list[str], mapped: list[str]
) -> tuple[list[str], list[HeadingMapping]]:
    """The body: preamble, sections (grouped by canonical name), missing sections."""
    slots: dict[object, list[SourceSection]] = {}
    for section in source.sections[1:]:
        slots.setdefault(section.canonical or id(section), []).append(section)
    chunks = [_entries(source.sections[0].body, source.section_level, 2)]
    headings = []
    for members in slots.values():
        headings += [
            HeadingMapping(m.heading.title, m.heading.line, m.canonical) for m in members if m.heading
        ]
        chunks += _group(members, settings, fields["date"], todo, mapped)
    present = {members[0].canonical for members in slots.values()}
    severity = fields["severity"]
    required = settings.sections_for(severity) if severity else settings.known_sections()
    missing = [name for name in required if name not in present]
    for name in missing:
        chunks += [[f"## {name}"], [f"<!-- TODO: {PROMPTS.get(name, 'Write this section.')} -->"]]
        if name == "Timeline":
            chunks.append(_timeline_from_elsewhere(source, fields["date"], todo, mapped))
        elif name == "Action Items":
            chunks.append(ACTION_HEADER)
    if missing:
        todo.append(f"sections to write (added empty): {', '.join(missing)}")
    empty = [m[0].canonical for m in slots.values() if m[0].canonical and not _has_text(m)]
    if empty:
        todo.append(f"sections with no text yet: {', '.join(str(name) for name in empty)}")
    return _join(chunks), sorted(headings, key=lambda h: h.line)


def _group(
    members: list[SourceSection], settings: Settings, day: dt.date | None, todo: list[str], mapped: list[str]
) -> list[list[str]]:
    """One `##` section: a kept heading, or a canonical one with our table (if any) and
    its members, each under a `###` with its original title when there are several."""
    first = members[0]
    assert first.heading is not None
    if first.canonical is None:
        return [[f"## {first.heading.title}"], _entries(first.body, first.heading.level, 2)]
    added = _added_table(first.canonical, members, settings, day, todo, mapped)
    chunks = [[f"## {first.canonical}"], added]
    wrap = len(members) > 1 or (bool(added) and _has_text(members))
    for member in members:
        assert member.heading is not None
        if wrap:
            original = f"Original {first.canonical.lower()}"
            chunks.append([f"### {member.heading.title if len(members) > 1 else original}"])
        chunks.append(_entries(member.body, member.heading.level, 3 if wrap else 2))
    return chunks


def _added_table(
    canonical: str,
    members: list[SourceSection],
    settings: Settings,
    day: dt.date | None,
    todo: list[str],
    mapped: list[str],
) -> list[str]:
    """Our table for the Action Items or Timeline section, with a checklist entry."""
    if canonical == "Action Items":
        rows = action_rows(members, settings)
        if rows:
            done = sum(1 for row in rows if row.status == "Done")
            mapped.append(
                f"action items: {len(rows)} row(s) from lines {rows[0].line}–{rows[-1].line}"
                + (f", {done} marked done" if done else "")
            )
            todo.append(
                f"Action Items: check the {len(rows)} row(s) converted from the original items, "
                'fill their TODO cells, then delete "Original action items"'
            )
            return action_table(rows)
        todo.append("Action Items: write each action item as a row of the table")
        return [f"<!-- TODO: {PROMPTS['Action Items']} -->", "", *ACTION_HEADER]
    if canonical == "Timeline":
        lines = [line for member in members for line in member.lines()]
        if _usable_table(lines, day):
            return []
        timeline = read_timeline(lines, day)
        if not timeline.rows:
            todo.append("Timeline: write it as a | Time (UTC) | Event | Source | table")
            return []
        _report_timeline(timeline, "the original timeline", mapped, todo)
        return timeline.table()
    return []


def _timeline_from_elsewhere(
    source: Source, day: dt.date | None, todo: list[str], mapped: list[str]
) -> list[str]:
    """The missing Timeline's table, from the first section with enough timed lines."""
    for section in source.sections:
        if section.canonical == "Action Items":
            continue
        timeline = read_timeline(section.lines(), day)
        timed = [
            row
            for row in timeline.rows
            if not isinstance(row.when, dt.date) or isinstance(row.when, dt.datetime)
        ]
        if len(timed) >= _MIN_TIMELINE_ROWS:
            where = f"“{section.heading.title}”" if section.heading else "the text before the first heading"
            _report_timeline(timeline, f"the timed lines of {where}", mapped, todo)
            return timeline.table()
    todo.append("Timeline: write it as a | Time (UTC) | Event | Source | table")
    return TIMELINE_HEADER


def _report_timeline(timeline: Timeline, origin: str, mapped: list[str], todo: list[str]) -> None:
    notes = []
    if timeline.midnight_lines:
        notes.append(f"the day moves on at midnight (line {', '.join(map(str, timeline.midnight_lines))})")
    if timeline.reordered:
        notes.append("rows sorted by time (the original is out of order)")
    mapped.append(
        f"timeline: {len(timeline.rows)} row(s) from {origin}" + (f"; {'; '.join(notes)}" if notes else "")
    )
    todo.append(
        "Timeline: check the table built from the original lines (times as written: make sure they "
        'are UTC), then delete "Original timeline"'
    )


def _usable_table(lines: list[Line], day: dt.date | None) -> bool:
    """Whether the source's timeline is already a table whose times parse, in order."""
    document = read_document("timeline", ("## Timeline\n" + "\n".join(line.text for line in lines)).encode())
    if not document.sections or not document.sections[0].tables:
        return False
    entries = timeline_entries(document.sections[0].tables[0])
    times = [entry.time for entry in entries]
    if not times or any(time is None for time in times):
        return False
    keys = [
        time if isinstance(time, dt.datetime) else dt.datetime.combine(day or dt.date(2000, 1, 1), time)
        for time in times
        if time is not None
    ]
    naive = [key.replace(tzinfo=None) for key in keys]
    return naive == sorted(naive)


def _entries(body: list[Line | SourceHeading], level_in: int, level_out: int) -> list[str]:
    """Body lines as written; deeper headings re-levelled under the new heading."""

    def level(heading: SourceHeading) -> int:
        return min(6, max(level_out + 1, heading.level - level_in + level_out))

    return [e.text if isinstance(e, Line) else "#" * level(e) + " " + e.title for e in body]


def _has_text(members: list[SourceSection]) -> bool:
    return any(line.text.strip() for member in members for line in member.lines())


def _join(chunks: list[list[str]]) -> list[str]:
    """Chunks without their outer blank lines, one blank line apart."""
    lines: list[str] = []
    for chunk in chunks:
        filled = [i for i, line in enumerate(chunk) if line.strip()]
        if filled:
            lines += [*chunk[filled[0] : filled[-1] + 1], ""]
    return lines
