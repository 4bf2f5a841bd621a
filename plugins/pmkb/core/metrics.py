"""The numbers leads watch: incidents per quarter, time to detect/mitigate/resolve by
severity, action-item completion by priority, and recurrence."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .follow_through import Rate
from .index import durations

if TYPE_CHECKING:
    from .follow_through import FollowThrough
    from .index import KnowledgeIndex
    from .postmortem import Postmortem

DURATION_KINDS = ("to_detect", "to_mitigate", "to_resolve")
DURATION_LABELS = {
    "to_detect": "Time to detect",
    "to_mitigate": "Time to mitigate",
    "to_resolve": "Time to resolve",
}


@dataclass(frozen=True)
class DurationStats:
    """Median and mean of one duration, in minutes, over `count` incidents."""

    count: int
    median: float | None
    mean: float | None


@dataclass(frozen=True)
class Metrics:
    quarters: list[str]
    """Every quarter from the first incident to the last, e.g. `2025-Q3`."""
    per_quarter: dict[str, dict[str, int]]
    """Quarter → severity → number of incidents."""
    severities: list[str]
    times: dict[str, dict[str, DurationStats]]
    """Severity → duration kind (to_detect, to_mitigate, to_resolve) → statistics."""
    completion_by_priority: dict[str, Rate]
    on_time_by_priority: dict[str, Rate]
    completion: Rate
    recurrence: Rate
    """Incidents linked to an earlier related incident, among all incidents."""
    recurrent: list[Postmortem]


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarter_range(first: dt.date, last: dt.date) -> list[str]:
    quarters = []
    year, quarter = first.year, (first.month - 1) // 3
    while (year, quarter) <= (last.year, (last.month - 1) // 3):
        quarters.append(f"{year}-Q{quarter + 1}")
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return quarters


def _stats(minutes: list[float]) -> DurationStats:
    if not minutes:
        return DurationStats(0, None, None)
    return DurationStats(len(minutes), statistics.median(minutes), statistics.fmean(minutes))


def compute_metrics(index: KnowledgeIndex, tracking: FollowThrough) -> Metrics:
    postmortems = [p for p in index.postmortems if p.meta.date is not None]
    severities = list(index.by_severity)
    quarters = (
        _quarter_range(min(p.meta.date for p in postmortems), max(p.meta.date for p in postmortems))
        if postmortems
        else []
    )
    per_quarter = {q: {s: 0 for s in severities} for q in quarters}
    for postmortem in postmortems:
        per_quarter[quarter_of(postmortem.meta.date)][postmortem.meta.severity or ""] += 1
    times: dict[str, dict[str, DurationStats]] = {}
    for severity, group in index.by_severity.items():
        measured = [durations(p) for p in group.postmortems]
        times[severity] = {
            kind: _stats(
                [getattr(d, kind).total_seconds() / 60 for d in measured if getattr(d, kind)]
            )
            for kind in DURATION_KINDS
        }
    recurrent = [p for p in postmortems if _has_earlier_related(index, p)]
    return Metrics(
        quarters=quarters,
        per_quarter=per_quarter,
        severities=severities,
        times=times,
        completion_by_priority=tracking.completion_by_priority(),
        on_time_by_priority=tracking.on_time_by_priority(),
        completion=tracking.completion,
        recurrence=Rate(len(recurrent), len(postmortems)),
        recurrent=recurrent,
    )


def _has_earlier_related(index: KnowledgeIndex, postmortem: Postmortem) -> bool:
    day = postmortem.meta.date
    return any(
        other.meta.date is not None and day is not None and other.meta.date < day
        for other in index.related(postmortem)
    )
