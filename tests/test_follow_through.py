"""Follow-through numbers on a small known corpus: overdue, completion, medians, recurrence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import VALID, check_files
from pmkb.know.follow_through import follow_through
from pmkb.know.index import build_index
from pmkb.know.metrics import compute_metrics
from pmkb.publish.charts import all_charts
from pmkb.settings import Settings

TODAY = dt.date(2026, 8, 1)
ITEMS_HEADER = "| Action | Owner | Priority | Due | Status | Ticket |\n|---|---|---|---|---|---|\n"


def postmortem(
    incident_id: str,
    *,
    severity: str,
    day: str,
    start: str,
    detect: str,
    mitigate: str,
    resolve: str,
    items: list[str],
    related: str = "[]",
) -> str:
    text = (
        VALID.replace("PM-2026-014", incident_id)
        .replace("severity: SEV2", f"severity: {severity}")
        .replace("date: 2026-06-20", f"date: {day}")
        .replace("started_at: 2026-06-20T14:00:00Z", f"started_at: {day}T{start}:00Z")
        .replace("detected_at: 2026-06-20T14:05:00Z", f"detected_at: {day}T{detect}:00Z")
        .replace("mitigated_at: 2026-06-20T14:15:00Z", f"mitigated_at: {day}T{mitigate}:00Z")
        .replace("resolved_at: 2026-06-20T14:22:00Z", f"resolved_at: {day}T{resolve}:00Z")
        .replace("related: []", f"related: {related}")
    )
    head, rest = text.split("| Action | Owner |", 1)
    tail = rest.split("\n\n## Lessons Learned", 1)[1]
    rows = "\n".join(f"| {row} |" for row in items)
    return head + ITEMS_HEADER + rows + "\n\n## Lessons Learned" + tail


CORPUS = {
    "a.md": postmortem(
        "PM-2026-001",
        severity="SEV1",
        day="2026-01-10",
        start="10:00",
        detect="10:10",
        mitigate="10:40",
        resolve="12:00",
        items=[
            "Fail over the payments pool automatically | Ana Lima | P1 | 2026-02-01 | Done | T-1",
            "Page on pool saturation above 80 percent | Ana Lima | P1 | 2026-03-01 | Open | T-2",
            "Document the manual failover in the runbook | ops-team | P2 | 2026-09-01 | In progress | |",
            "Replace the retired pool library entirely | ops-team | P3 | 2026-04-01 | Won't do | |",
        ],
    ),
    "b.md": postmortem(
        "PM-2026-002",
        severity="SEV1",
        day="2026-04-05",
        start="08:00",
        detect="08:30",
        mitigate="09:00",
        resolve="11:00",
        related="[PM-2026-001]",
        items=[
            "Add a canary for the payments connection path | Ben Okoro | P1 | 2026-05-01 | Done | T-3",
            "Alert on replica lag above thirty seconds | ops-team | P2 | 2026-06-01 | ✅ Completed | |",
        ],
    ),
    "c.md": postmortem(
        "PM-2026-003",
        severity="SEV3",
        day="2026-07-20",
        start="12:00",
        detect="12:02",
        mitigate="12:10",
        resolve="12:30",
        items=[
            "Rotate the search node disks before they fill | Ben Okoro | P2 | 2026-07-25 | ⏳ Pending | |"
        ],
    ),
}


@pytest.fixture
def numbers(kb_dir: Path):
    result = check_files(kb_dir, CORPUS, today=TODAY)
    assert result.diagnostics == []
    settings = Settings()
    index = build_index(result.postmortems, settings)
    tracking = follow_through(index, settings, TODAY)
    return tracking, compute_metrics(index, tracking)


def test_overdue_lists_open_items_past_due_most_overdue_first(numbers) -> None:
    tracking, _ = numbers
    overdue = [
        (t.postmortem.meta.id, t.item.due.isoformat(), t.days_overdue(TODAY)) for t in tracking.overdue
    ]
    assert overdue == [("PM-2026-001", "2026-03-01", 153), ("PM-2026-003", "2026-07-25", 7)]
    assert [t.item.owner for t in tracking.open] == ["Ana Lima", "Ben Okoro", "ops-team"]


def test_completion_rates_leave_wont_do_out(numbers) -> None:
    tracking, metrics = numbers
    assert (tracking.completion.done, tracking.completion.total) == (3, 6)
    by_priority = {p: (r.done, r.total) for p, r in tracking.completion_by_priority().items()}
    assert by_priority == {"P1": (2, 3), "P2": (1, 3), "P3": (0, 0)}
    on_time = {p: (r.done, r.total) for p, r in metrics.on_time_by_priority.items()}
    assert on_time == {"P1": (2, 3), "P2": (1, 2), "P3": (0, 0)}
    assert metrics.completion_by_priority["P1"].percent == pytest.approx(66.666, rel=1e-3)


def test_by_owner_groups_every_item(numbers) -> None:
    tracking, _ = numbers
    assert {o: len(i) for o, i in tracking.by_owner.items()} == {
        "Ana Lima": 2,
        "Ben Okoro": 2,
        "ops-team": 3,
    }


def test_times_by_severity_median_and_mean(numbers) -> None:
    _, metrics = numbers
    sev1 = metrics.times["SEV1"]
    assert (sev1["to_detect"].median, sev1["to_detect"].mean) == (20, 20)  # 10 and 30 min
    assert (sev1["to_mitigate"].median, sev1["to_mitigate"].count) == (50, 2)  # 40 and 60
    assert sev1["to_resolve"].median == 150  # 120 and 180 min
    assert metrics.times["SEV3"]["to_resolve"].median == 30


def test_incidents_per_quarter_and_recurrence(numbers) -> None:
    _, metrics = numbers
    assert metrics.quarters == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert metrics.per_quarter["2026-Q2"] == {"SEV1": 1, "SEV3": 0}
    assert (metrics.recurrence.done, metrics.recurrence.total) == (1, 3)
    assert [p.meta.id for p in metrics.recurrent] == ["PM-2026-002"]


def test_charts_are_svg_with_text_alternatives_and_theme_colour(numbers) -> None:
    _, metrics = numbers
    charts = all_charts(metrics)
    assert [c.name for c in charts] == ["per-quarter", "times", "completion", "recurrence"]
    for chart in charts:
        assert chart.svg.startswith("<svg") and 'role="img"' in chart.svg
        assert "currentColor" in chart.svg and chart.alt in chart.svg.replace("&amp;", "&")
    assert "1 of 3 incidents (33%) recurred" in charts[3].alt
