"""The numbers leads watch: incidents per quarter, time to detect/mitigate/resolve by
severity, action-item completion by priority, recurrence, and which services and
contributing-factor categories keep coming back.

Durations are long-tailed and do not track severity well (the VOID's finding on thousands
of public incident reports), so they are described by their distribution (median,
quartiles, every incident) rather than by a mean."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmkb.know.follow_through import Rate
from pmkb.know.index import durations

if TYPE_CHECKING:
    from pmkb.know.follow_through import FollowThrough
    from pmkb.know.index import KnowledgeIndex
    from pmkb.read.postmortem import Postmortem

DURATION_KINDS = ("to_detect", "to_mitigate", "to_resolve")
DURATION_LABELS = {
    "to_detect": "Time to detect",
    "to_mitigate": "Time to mitigate",
    "to_resolve": "Time to resolve",
}


@dataclass(frozen=True)
class DurationStats:
    """The distribution of one duration, in minutes, over `count` incidents."""

    count: int
    median: float | None
    mean: float | None
    q1: float | None = None
    """The first quartile (25th percentile)."""
    q3: float | None = None
    """The third quartile (75th percentile)."""
    values: tuple[float, ...] = ()
    """Every incident's value, sorted."""


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
    by_service_and_factor: dict[str, dict[str, int]] = field(default_factory=dict)
    """Service → contributing-factor category → incidents; busiest services first."""

    @property
    def busiest_quarters(self) -> tuple[list[str], int]:
        """The quarters with the most incidents (all of them when tied), and that count."""
        totals = {q: sum(self.per_quarter[q].values()) for q in self.quarters}
        most = max(totals.values(), default=0)
        return [q for q, total in totals.items() if total == most], most


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
    ordered = tuple(sorted(minutes))
    if len(ordered) > 1:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    return DurationStats(len(ordered), statistics.median(ordered), statistics.fmean(ordered), q1, q3, ordered)


SERVICE_ROWS = 12
"""How many services the service-by-factor table shows (the most affected)."""


def _by_service_and_factor(index: KnowledgeIndex) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for service, group in index.by_service.items():
        for postmortem in group.postmortems:
            counts[service].update({f.category for f in postmortem.meta.contributing_factors})
    busiest = sorted(index.by_service, key=lambda s: (-len(index.by_service[s].postmortems), s.casefold()))[
        :SERVICE_ROWS
    ]
    return {service: dict(counts[service]) for service in busiest}


def compute_metrics(index: KnowledgeIndex, tracking: FollowThrough) -> Metrics:
    dated = [(p, p.meta.date) for p in index.postmortems if p.meta.date is not None]
    postmortems = [p for p, _ in dated]
    severities = list(index.by_severity)
    days = [day for _, day in dated]
    quarters = _quarter_range(min(days), max(days)) if days else []
    per_quarter = {q: {s: 0 for s in severities} for q in quarters}
    for postmortem, day in dated:
        per_quarter[quarter_of(day)][postmortem.meta.severity or ""] += 1
    times: dict[str, dict[str, DurationStats]] = {}
    for severity, group in index.by_severity.items():
        measured = [durations(p) for p in group.postmortems]
        times[severity] = {
            kind: _stats([getattr(d, kind).total_seconds() / 60 for d in measured if getattr(d, kind)])
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
        by_service_and_factor=_by_service_and_factor(index),
    )


def _has_earlier_related(index: KnowledgeIndex, postmortem: Postmortem) -> bool:
    day = postmortem.meta.date
    return any(
        other.meta.date is not None and day is not None and other.meta.date < day
        for other in index.related(postmortem)
    )
