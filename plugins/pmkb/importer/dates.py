"""Dates in other teams' text, and the incident's date from the strongest evidence.

Dates are found as ISO (`2021-06-03`, also after `_` in a file name) or with a month
name (`Sept. 18th, 2017`, `28 Feb 2017`, `August 10th`); python-dateutil reads the
month-name forms. A date without a year takes the year of the strongest full date in
the file (`August 10th` in a title, `2015-08-13` in the file name: 2015-08-10).

The order of evidence: `--date`, the front-matter's `date`, the title, the file name,
the timeline, a `Date:` line, the first date of the prose (never an action item's due
date). The importer reports which one it used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from dateutil import parser as date_parser

from pmkb.importer.source import Line, Source

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
_ISO = re.compile(r"(?<![\d.])(\d{4})-(\d{2})-(\d{2})(?!\d)")
_MONTH_DAY = re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?P<year>,?\s*\d{{4}}\b)?", re.I)
_DAY_MONTH = re.compile(
    rf"\b{_WEEKDAY}\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![a-z])(?P<year>,?\s*\d{{4}}\b)?", re.I
)
_DATE_LABEL = re.compile(r"^[\s#*_>|-]*(?:incident\s+)?date\b[\s*_]*(?::|\||$)", re.I)


@dataclass(frozen=True)
class FoundDate:
    """A date in some text: where it starts and ends, and whether its year was written."""

    day: dt.date
    start: int
    end: int
    has_year: bool


@dataclass(frozen=True)
class DateEvidence:
    """The incident's date and what it was taken from (for the report)."""

    day: dt.date
    where: str


def find_dates(text: str, year: int | None = None) -> list[FoundDate]:
    """The dates in a text, in order. Month-name dates without a year need `year`."""
    found: list[FoundDate] = []
    for match in _ISO.finditer(text):
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
        found.append(FoundDate(day, match.start(), match.end(), True))
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for match in pattern.finditer(text):
            has_year = bool(match["year"])
            if not has_year and year is None:
                continue
            try:
                when = date_parser.parse(match[0], default=dt.datetime(year or 2000, 1, 1))
            except (ValueError, OverflowError):
                continue
            found.append(FoundDate(when.date(), match.start(), match.end(), has_year))
    found.sort(key=lambda date: date.start)
    return [d for i, d in enumerate(found) if not any(o.start <= d.start < o.end for o in found[:i])]


def first_date(text: str, year: int | None = None) -> dt.date | None:
    dates = find_dates(text, year)
    return dates[0].day if dates else None


def incident_date(source: Source, override: dt.date | None = None) -> DateEvidence | None:
    """The incident's date from the strongest evidence there is, or None."""
    if override is not None:
        return DateEvidence(override, "the --date option")
    evidence = list(_evidence(source))
    year = next((day.year for _, texts in evidence for _, text in texts if (day := first_date(text))), None)
    for where, texts in evidence:
        for line, text in texts:
            day = first_date(text, year)
            if day is not None:
                return DateEvidence(day, f"{where} (line {line})" if line else where)
    return None


def _evidence(source: Source) -> Iterable[tuple[str, list[tuple[int, str]]]]:
    """(what, [(line, text)]) in the order of strength."""
    meta = source.front_matter.data if source.front_matter else {}
    value = meta.get("date")
    if isinstance(value, dt.datetime):
        value = value.date().isoformat()
    yield "the front-matter's `date`", [(0, str(value))] if value else []
    titles = [(0, meta["title"])] if isinstance(meta.get("title"), str) else []
    if source.title_heading is not None:
        titles.append((source.title_heading.line, source.title_heading.plain))
    yield "the title", titles
    yield "the file name", [(0, PurePath(source.name).name)]
    timeline = [line for section in source.members("Timeline") for line in section.lines()]
    yield "the timeline", _numbered(timeline)
    prose = source.lines_outside("Action Items")
    labelled = [
        (line.number, " ".join(following.text for following in prose[index : index + 3]))
        for index, line in enumerate(prose)
        if _DATE_LABEL.match(line.text)
    ]
    yield "a `Date:` line", labelled
    yield "the first date in the text", _numbered(prose)


def _numbered(lines: list[Line]) -> list[tuple[int, str]]:
    return [(line.number, line.text) for line in lines]
