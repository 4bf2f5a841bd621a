"""Timelines of other templates, as rows of our Timeline table with full timestamps.

Events are read from table rows, bullets, paragraphs and headings that start with a
time (`14:05`, `10.42`, `3:26pm`, `~9:43 AM`, a range `22:04-23:00 UTC`, `1738` under a
day heading), a date and a time (`2023-01-04 05:13`, `**2018-07-12 9:49 UTC**`), a date
alone, or an offset from the first event (`[+2 hrs]`). A heading or a short line with
only a date (`### 2024-03-17`, `Timeline for September 17, 2018:`) sets the day of the
times below it, and a time more than 12 hours before the one above moves the day on
(the timeline crossed midnight). Rows are sorted by time; each names its source line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pmkb.importer.dates import find_dates
from pmkb.importer.source import Line
from pmkb.importer.table_text import header_lines, row_line
from pmkb.read.document import markdown_tokens

TIMELINE_HEADER = header_lines("Time (UTC)", "Event", "Source")

_MARKUP = re.compile(r"^(?:\s*(?:[-*+]|\d+[.)])\s+|[\s*_~>\\]+|#+\s*)+")
_LINK_START = re.compile(r"^\[([^\]]*)\]\([^)]*\)")
_TIME = re.compile(
    r"^~?(?P<h>\d{1,2})[:.](?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ap>[ap])\.?m\b\.?)?"
    r"(?:\s*[-–]\s*~?\d{1,2}[:.]\d{2}(?:\s*(?P<ap2>[ap])\.?m\b\.?)?)?",
    re.I,
)
_COMPACT_TIME = re.compile(r"^~?(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?=\s*[:\-–])")
_OFFSET = re.compile(r"^\\?\[?\+\s*(\d+(?:\.\d+)?)\s*(h|hrs?|hours?|m|mins?|minutes?)\b\\?\]?", re.I)
_ZONE = re.compile(r"^\s*(?:\(?(?:UTC|GMT|Z)\)?)(?![a-z])", re.I)
_SEPARATOR = re.compile(r"^\s*(?:[*_\]\\/]+(?![\w*_]))?\s*(?:[:\-–—|,]\s*)?")
"""What joins a time to its event: closing emphasis (`*2023-01-04 05:13*: …`), a colon."""
_DATE_GLUE = re.compile(r"^[\s,/T*_]*(?:at\s+)?", re.I)
_MIDNIGHT = dt.timedelta(hours=12)
_NO_EVENT = re.compile(r"|\(.*\)|.*\ball times\b.*|.*:", re.I)
"""What follows a date that only sets the day: nothing, `(all times UTC)`, a label."""


@dataclass
class TimelineRow:
    """An event: when (a datetime, a date, or a clock time), what, and its source line."""

    when: dt.datetime | dt.date | dt.time
    event: str
    line: int

    def time_text(self) -> str:
        when = self.when
        if isinstance(when, dt.datetime):
            return when.strftime("%Y-%m-%d %H:%M" + (":%S" if when.second else ""))
        if isinstance(when, dt.date):
            return when.isoformat()
        return when.strftime("%H:%M" + (":%S" if when.second else ""))

    def sort_key(self) -> dt.datetime:
        when = self.when
        if isinstance(when, dt.datetime):
            return when
        if isinstance(when, dt.date):
            return dt.datetime.combine(when, dt.time())
        return dt.datetime.combine(dt.date(2000, 1, 1), when)


@dataclass
class Timeline:
    """The rows found, and what the report should say about them."""

    rows: list[TimelineRow] = field(default_factory=list)
    reordered: bool = False
    midnight_lines: list[int] = field(default_factory=list)

    def table(self) -> list[str]:
        return TIMELINE_HEADER + [
            row_line((row.time_text(), row.event, f"original line {row.line}")) for row in self.rows
        ]


@dataclass
class _Stamp:
    day: dt.date | None
    time: dt.time | None
    offset: dt.timedelta | None
    rest: str


def read_timeline(lines: list[Line], incident_day: dt.date | None) -> Timeline:
    """The events of some lines, in order, with full timestamps where a day is known."""
    timeline = Timeline()
    day, day_marked, meridiem = incident_day, False, ""
    first: dt.datetime | None = None
    previous: dt.datetime | None = None
    year = incident_day.year if incident_day else None
    code = {
        index
        for token in markdown_tokens("\n".join(line.text for line in lines))
        if token.type in ("fence", "code_block", "html_block") and token.map
        for index in range(*token.map)
    }
    for index, line in enumerate(lines):
        if index in code:
            continue
        heading = line.text.lstrip().startswith("#")
        text = _strip(line.text)
        stamp = _stamp(text, year, day_marked)
        if stamp is None:
            marker = _day_marker(text, year)
            if marker is not None:
                day, day_marked, previous = marker, True, None
            continue
        if heading:
            meridiem = _meridiem(text)
        if stamp.time is None and stamp.offset is None:  # a date alone
            assert stamp.day is not None
            day, day_marked, previous = stamp.day, True, None
            if heading or _NO_EVENT.fullmatch(stamp.rest):
                continue
        event = _event(stamp.rest, lines, index, heading)
        if not event:
            continue
        when: dt.datetime | dt.date | dt.time
        if stamp.offset is not None:
            if first is None:
                continue
            when = first + stamp.offset
        elif stamp.time is None:
            when = stamp.day or dt.date.min
        else:
            clock = stamp.time
            if not heading and meridiem == "p" and clock.hour < 12 and not _meridiem(text):
                clock = clock.replace(hour=clock.hour + 12)
            base = stamp.day or day
            if base is None:
                when = clock
            else:
                when = dt.datetime.combine(base, clock)
                if stamp.day is None and previous is not None and previous - when > _MIDNIGHT:
                    day = base + dt.timedelta(days=1)
                    when = dt.datetime.combine(day, clock)
                    timeline.midnight_lines.append(line.number)
                if stamp.day is not None:
                    day = stamp.day
                previous = when
                first = first or when
        timeline.rows.append(TimelineRow(when, event, line.number))
    ordered = sorted(timeline.rows, key=TimelineRow.sort_key)
    timeline.reordered = ordered != timeline.rows
    timeline.rows = ordered
    return timeline


def _strip(text: str) -> str:
    """A line without heading marks, list markers, leading emphasis and a leading link."""
    text = text.strip().rstrip("#").strip()
    if text.startswith("|"):
        cells = [cell.strip() for cell in text.strip("|").split("|")]
        if all(re.fullmatch(r":?-+:?", cell) for cell in cells if cell):
            return ""
        text = " | ".join(cell for cell in cells if cell)
    text = _MARKUP.sub("", re.sub(r"\{\{\s*|\s*\}\}", "", text))  # a template's {{ placeholders }}
    return _LINK_START.sub(r"\1", text)


def _stamp(text: str, year: int | None, compact: bool) -> _Stamp | None:
    """A date and/or time (or an offset) at the start of a line, and the rest of it."""
    offset = _OFFSET.match(text)
    if offset:
        amount, unit = float(offset[1]), offset[2].lower()
        delta = dt.timedelta(hours=amount) if unit.startswith("h") else dt.timedelta(minutes=amount)
        return _Stamp(None, None, delta, _rest(text[offset.end() :]))
    day = None
    dates = find_dates(text[:40], year)
    if dates and dates[0].start == 0:
        day = dates[0].day
        text = _DATE_GLUE.sub("", text[dates[0].end :])
    clock = _TIME.match(text) or (_COMPACT_TIME.match(text) if compact or day else None)
    time = _clock(clock) if clock else None
    if time is None:
        return _Stamp(day, None, None, _rest(text)) if day else None
    return _Stamp(day, time, None, _rest(text[clock.end() :] if clock else text))


def _clock(match: re.Match[str]) -> dt.time | None:
    hour, minute = int(match["h"]), int(match["m"])
    groups = match.groupdict()
    second = int(groups.get("s") or 0)
    meridiem = (groups.get("ap") or groups.get("ap2") or "").lower()
    if meridiem and not 1 <= hour <= 12 and hour != 0:
        return None
    if meridiem == "p" and hour < 12:
        hour += 12
    elif meridiem == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


def _meridiem(text: str) -> str:
    clock = _TIME.match(text)
    return ((clock["ap"] or clock["ap2"] or "").lower()) if clock else ""


def _rest(text: str) -> str:
    text = _ZONE.sub("", text)
    return _SEPARATOR.sub("", text, count=1).strip()


def _day_marker(text: str, year: int | None) -> dt.date | None:
    """The day a short line sets for the times below it (`September 18, 2018:`,
    `Timeline for September 17, 2018: (all times UTC)`), if it is one."""
    if len(text) > 80 or not text.rstrip(" *_").endswith((":", ")")):
        return None
    dates = find_dates(text, year)
    return dates[0].day if len(dates) == 1 else None


def _event(rest: str, lines: list[Line], index: int, heading: bool) -> str:
    """The event's words: the rest of the line and its wrapped continuation; for a
    heading with nothing after its time, the first line of text below it."""
    parts = [rest] if rest else []
    for line in lines[index + 1 : index + 8]:
        text = line.text.strip()
        if not text and heading and not parts:
            continue
        if not text or text.startswith(("#", "|", "```", "~~~")):
            break
        if heading and parts:
            break
        if not heading and (re.match(r"^(?:[-*+]|\d+[.)])\s", text) or _stamp(_strip(text), None, False)):
            break
        if not heading and not rest:
            break
        parts.append(_strip(text) if heading else text)
        if heading:
            break
    event = " ".join(" ".join(parts).split())
    if event.count("*") % 2 or event.startswith("**") and event.endswith("**") and event.count("**") == 2:
        event = event.strip(" *_")  # emphasis left open by the time, or around the whole event
    return event[:300].rstrip() + ("…" if len(event) > 300 else "")
