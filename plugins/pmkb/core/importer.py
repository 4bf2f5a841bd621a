"""`pmkb import`: a postmortem written in another template, converted to pmkb's format.

The conversion keeps every line of the original body (only heading lines are rewritten)
and the original front-matter as YAML comments. Known headings become our canonical
`##` sections; several headings for one section (Google's "Root Causes" and "Trigger")
are gathered under it as `###` sub-sections in their original order. Unknown headings stay
`##` sections under their own name, so no canonical section takes in text that was not
written for it (a Summary must stay 1–3 sentences). Action items and a `HH:MM - event`
timeline also get our tables, above the original lines. The result is a `status: draft`
with every required key, `TODO` where the source did not say, and a list of what the
author still has to supply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from .clock import build_date
from .document import read_document
from .import_front_matter import front_matter_fields, front_matter_lines, missing_keys
from .import_source import Source, SourceHeading, SourceSection, read_source
from .import_tables import (
    ACTION_HEADER,
    TIMELINE_HEADER,
    TODO,
    action_rows,
    action_table,
    has_table,
    timeline_table,
)
from .index import slugify
from .settings import Settings

_PROMPTS = {
    "Summary": "One to three sentences: what happened, who was affected, how it ended.",
    "Impact": "Quantify: duration, share of requests or customers affected, orders, money.",
    "Timeline": "Times in UTC as HH:MM, oldest first, one row per event.",
    "Contributing Factors": "The conditions that made this incident possible or worse.",
    "What Went Well": "What limited the impact or sped up recovery.",
    "What Went Wrong": "Where the system, tooling or process made things harder.",
    "Action Items": "Specific, owned, dated actions: one owner, a priority, a due date.",
    "Lessons Learned": "What this incident taught us, beyond the action items.",
}


@dataclass(frozen=True)
class HeadingMapping:
    """A heading of the source and the canonical section it became (None: kept as is)."""

    original: str
    line: int
    section: str | None


@dataclass
class ImportResult:
    """A converted postmortem: its text, what was inferred, and what is still to supply."""

    text: str
    id: str
    title: str
    date: dt.date | None
    year: int
    slug: str
    todo: list[str] = field(default_factory=list)
    headings: list[HeadingMapping] = field(default_factory=list)

    @property
    def mapping(self) -> dict[str, str | None]:
        """Original heading → canonical section (None when kept under its own name)."""
        return {heading.original: heading.section for heading in self.headings}

    @property
    def file_name(self) -> str:
        """`<yyyy-mm-dd>-<slug>.md` (`<slug>.md` when the date is not known)."""
        return f"{self.date.isoformat()}-{self.slug}.md" if self.date else f"{self.slug}.md"


def convert(
    text: str,
    source_name: str,
    settings: Settings,
    *,
    severity: str | None,
    next_id: Callable[[int], str],
    today: dt.date | None = None,
) -> ImportResult:
    """Convert a postmortem of another template. `next_id(year)` gives the next free ID
    for the incident's year (this year when the date is unknown)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    source = read_source(text, settings)
    this_year = (today or build_date()).year
    fields = front_matter_fields(source, source_name, settings, severity, next_id, this_year)
    todo = missing_keys(fields, settings, source.front_matter)
    body, headings = _body(source, settings, fields["severity"], todo)
    lines = front_matter_lines(fields, source.front_matter, source_name) + [""] + body
    title = fields["title"] or TODO
    date = fields["date"]
    return ImportResult(
        text="\n".join(lines).rstrip("\n") + "\n",
        id=fields["id"],
        title=title,
        date=date,
        year=date.year if date else this_year,
        slug=_slug(fields["title"] or PurePath(source_name).stem),
        todo=todo,
        headings=headings,
    )


def ids_in(files: Iterable[Path]) -> set[str]:
    """The `id`s in the front-matter of some postmortem files (to find the next free one)."""
    ids = set()
    for path in files:
        try:
            document = read_document(str(path), path.read_bytes())
        except OSError:
            continue
        if document.front_matter and isinstance(document.front_matter.data.get("id"), str):
            ids.add(document.front_matter.data["id"])
    return ids


def _slug(text: str) -> str:
    """As `pmkb new` names files: the slugified title, at most 60 characters."""
    return slugify(text)[:60].rstrip("-")


def _body(
    source: Source, settings: Settings, severity: str | None, todo: list[str]
) -> tuple[list[str], list[HeadingMapping]]:
    """The body: preamble, sections (grouped by canonical name), missing sections."""
    slots: dict[object, list[SourceSection]] = {}
    for section in source.sections[1:]:
        slots.setdefault(section.canonical or id(section), []).append(section)
    chunks = [_entries(source.sections[0].body, source.section_level, 2)]
    headings = []
    for members in slots.values():
        headings += [
            HeadingMapping(m.heading.title, m.heading.line, m.canonical)
            for m in members if m.heading
        ]
        chunks += _group(members, settings, todo)
    present = {members[0].canonical for members in slots.values()}
    required = settings.sections_for(severity) if severity else settings.known_sections()
    missing = [name for name in required if name not in present]
    for name in missing:
        table = {"Action Items": ACTION_HEADER, "Timeline": TIMELINE_HEADER}.get(name, [])
        chunks += [[f"## {name}"], [f"<!-- TODO: {_PROMPTS.get(name, 'Write this section.')} -->"]]
        chunks += [table] if table else []
    if missing:
        todo.append(f"sections to write (added empty): {', '.join(missing)}")
    empty = [m[0].canonical for m in slots.values() if m[0].canonical and not _has_text(m)]
    if empty:
        todo.append(f"sections with no text yet: {', '.join(str(name) for name in empty)}")
    return _join(chunks), sorted(headings, key=lambda h: h.line)


def _group(members: list[SourceSection], settings: Settings, todo: list[str]) -> list[list[str]]:
    """One `##` section: a kept heading, or a canonical one with our table (if any) and
    its members, each under a `###` with its original title when there are several."""
    first = members[0]
    assert first.heading is not None
    if first.canonical is None:
        return [[f"## {first.heading.title}"], _entries(first.body, first.heading.level, 2)]
    added = _added_table(first.canonical, members, settings, todo)
    chunks = [[f"## {first.canonical}"], added]
    wrap = len(members) > 1 or (added and _has_text(members))
    for member in members:
        assert member.heading is not None
        if wrap:
            original = f"Original {first.canonical.lower()}"
            chunks.append([f"### {member.heading.title if len(members) > 1 else original}"])
        chunks.append(_entries(member.body, member.heading.level, 3 if wrap else 2))
    return chunks


def _added_table(
    canonical: str, members: list[SourceSection], settings: Settings, todo: list[str]
) -> list[str]:
    """Our table for the Action Items or Timeline section, with a TODO entry."""
    lines = [line for member in members for line in _source_lines(member.body)]
    if canonical == "Action Items":
        rows = action_rows(lines, settings)
        if rows:
            todo.append(
                f"Action Items: check the {len(rows)} row(s) converted from the original items, "
                'fill their TODO cells, then delete "Original action items"'
            )
            return action_table(rows)
        todo.append("Action Items: write each action item as a row of the table")
        return [f"<!-- TODO: {_PROMPTS['Action Items']} -->", "", *ACTION_HEADER]
    if canonical == "Timeline" and not has_table(lines):
        table = timeline_table(lines)
        todo.append(
            "Timeline: check the table built from the original lines, then delete "
            '"Original timeline"' if table
            else "Timeline: write it as a | Time (UTC) | Event | Source | table"
        )
        return table
    return []


def _entries(body: list[str | SourceHeading], level_in: int, level_out: int) -> list[str]:
    """Body lines as written; deeper headings re-levelled under the new heading."""
    def level(heading: SourceHeading) -> int:
        return min(6, max(level_out + 1, heading.level - level_in + level_out))

    return [e if isinstance(e, str) else "#" * level(e) + " " + e.title for e in body]


def _source_lines(body: list[str | SourceHeading]) -> list[str]:
    return [e if isinstance(e, str) else "#" * e.level + " " + e.title for e in body]


def _has_text(members: list[SourceSection]) -> bool:
    return any(line.strip() for member in members for line in _source_lines(member.body))


def _join(chunks: list[list[str]]) -> list[str]:
    """Chunks without their outer blank lines, one blank line apart."""
    lines: list[str] = []
    for chunk in chunks:
        filled = [i for i, line in enumerate(chunk) if line.strip()]
        if filled:
            lines += [*chunk[filled[0] : filled[-1] + 1], ""]
    return lines
