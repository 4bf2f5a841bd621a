"""PM4xx: the Timeline is a table whose times parse and run forward."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmkb.check.rules.registry import Finding, rule

if TYPE_CHECKING:
    from pmkb.check.rules.context import CheckContext

TIMELINE_TABLE = rule(
    "PM401",
    "timeline-table",
    "error",
    "The Timeline is a Markdown table with a time column (| Time (UTC) | Event | Source |).",
    "A table of timestamped events is readable at a glance and can be checked for order.",
    fix="Write the Timeline as a table: | Time (UTC) | Event | Source |.",
    bad="## Timeline\n- around 2pm the alerts fired",
    good="## Timeline\n| Time (UTC) | Event | Source |\n|---|---|---|\n"
    "| 14:05 | Pool usage alert fired | PagerDuty |",
)
TIMELINE_TIME = rule(
    "PM402",
    "timeline-time-format",
    "error",
    "Every timeline time parses: HH:MM, HH:MM:SS, YYYY-MM-DD HH:MM or ISO 8601.",
    "Times that parse can be ordered, compared with the front-matter and shown consistently.",
    fix="Write the time as HH:MM or YYYY-MM-DD HH:MM, in UTC.",
    bad="| about 2pm | Pool usage alert fired |",
    good="| 14:05 | Pool usage alert fired |",
)
TIMELINE_ORDER = rule(
    "PM403",
    "timeline-order",
    "error",
    "Timeline rows are in chronological order.",
    "Readers reconstruct cause and effect from the order of events.",
    fix="Put the rows in time order; write YYYY-MM-DD HH:MM when the incident crosses midnight.",
    bad="| 14:20 | Rollback finished |\n| 14:05 | Alert fired |",
    good="| 14:05 | Alert fired |\n| 14:20 | Rollback finished |",
)


def check(ctx: CheckContext) -> Iterator[Finding]:
    section = ctx.postmortem.sections.get("Timeline")
    if section is None:
        return
    if not section.tables:
        if section.body_lines and any(line.strip() for line in section.body_lines):
            yield TIMELINE_TABLE.at(
                section.line,
                1,
                "timeline must be a table: | Time (UTC) | Event | Source |",
            )
        return
    previous: tuple[dt.datetime | dt.time, int] | None = None
    for entry, row in zip(ctx.postmortem.timeline, section.tables[0].rows, strict=False):
        if entry.time is None:
            yield TIMELINE_TIME.at(
                row.line,
                1,
                f"timeline time `{entry.time_text}` does not parse; use HH:MM or YYYY-MM-DD HH:MM (UTC)",
            )
            continue
        if previous is not None and _before(entry.time, previous[0], ctx):
            yield TIMELINE_ORDER.at(
                row.line,
                1,
                f"timeline row is earlier than the row on line {previous[1]}; order rows by time "
                "(write YYYY-MM-DD HH:MM when the incident crosses midnight)",
            )
        previous = (entry.time, row.line)


def _before(time: dt.datetime | dt.time, earlier: dt.datetime | dt.time, ctx: CheckContext) -> bool:
    """Is `time` before `earlier`? Clock times are taken on the incident's date."""
    day = ctx.postmortem.meta.date or dt.date(2000, 1, 1)
    return _as_utc(time, day) < _as_utc(earlier, day)


def _as_utc(value: dt.datetime | dt.time, day: dt.date) -> dt.datetime:
    if isinstance(value, dt.time):
        value = dt.datetime.combine(day, value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value
